/**
 * AWS::RDS::DBInstance restores as CloudFormation documents them: a DBSnapshotIdentifier that
 * must exist, the data it carries into a replacement, the same identifier keeping the data, and
 * its removal replacing the database by an empty one; properties the snapshot decides and
 * security groups of another VPC are refused as RDS refuses them.
 */
import { describe, expect, it } from 'vitest';
import { CreateChangeSetCommand, DeleteChangeSetCommand, DescribeChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { CreateDBSnapshotCommand, DescribeDBInstancesCommand, RDSClient, waitUntilDBSnapshotAvailable } from '@aws-sdk/client-rds';
import { sandboxClientConfig } from '../index';
import { sandboxForSuite } from '../testing/clients';
import { physicalIdOf, runStack } from '../testing/stacks';
import { storeTemplate, type StoreTemplateOptions } from './fixtures/store-templates';

describe('sandbox CloudFormation: DB instances restored from snapshots', () => {
  // Every stack here has two VPCs of its own: an account that raised "VPCs per Region" past AWS's 5.
  const s = sandboxForSuite('berth-sandbox-restore-', { quotas: { vpc: { 'L-F678F1CE': 60 } } });
  const rds = () => new RDSClient(sandboxClientConfig(s.sb));
  const template = (options: StoreTemplateOptions = {}) => storeTemplate({ stores: ['db'], ...options });
  let original = { id: '', dataId: '' };

  async function snapshot(db: string, name: string): Promise<void> {
    await rds().send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: db, DBSnapshotIdentifier: name }));
    await waitUntilDBSnapshotAvailable({ client: rds(), maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { DBSnapshotIdentifier: name });
  }

  /** The Db change a change set for `body` shows (deleted again, so the stack stays as it is). */
  async function dbChange(stack: string, body: string) {
    await s.c.cloudformation.send(new CreateChangeSetCommand({ StackName: stack, ChangeSetName: 'preview', TemplateBody: body }));
    await s.sb.settle();
    const set = await s.c.cloudformation.send(new DescribeChangeSetCommand({ StackName: stack, ChangeSetName: 'preview' }));
    await s.c.cloudformation.send(new DeleteChangeSetCommand({ StackName: stack, ChangeSetName: 'preview' }));
    const change = set.Changes!.map((c) => c.ResourceChange!).find((c) => c.LogicalResourceId === 'Db')!;
    return { replacement: change.Replacement, recreation: Object.fromEntries(change.Details!.map((d) => [d.Target!.Name, d.Target!.RequiresRecreation])) };
  }

  it('moves a database into another VPC by a replacement restored from its snapshot: same data, the snapshot’s master user and encryption', async () => {
    expect(await runStack(s, 'move', template())).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
    const db = await physicalIdOf(s, 'move', 'Db');
    const before = s.sb.storeData(db)!;
    expect(before).toEqual({ dataId: expect.stringMatching(/^data-/), vpcId: await physicalIdOf(s, 'move', 'VpcA') });
    await snapshot(db, 'move-db');
    expect(s.sb.snapshotOf('move-db')).toEqual({ dataId: before.dataId, clientsAtSnapshot: 0, source: db });

    const moved = template({ vpc: 'B', dbSnapshot: 'move-db' });
    expect(await dbChange('move', moved)).toEqual({ replacement: 'True', recreation: { DBSnapshotIdentifier: 'Always', DBSubnetGroupName: 'Always', MasterUsername: 'Always', MasterUserPassword: 'Never', StorageEncrypted: 'Always', VPCSecurityGroups: 'Never' } });
    expect(await runStack(s, 'move', moved, 'update')).toEqual({ status: 'UPDATE_COMPLETE', failed: [] });
    const restored = await physicalIdOf(s, 'move', 'Db');
    expect(restored).not.toBe(db);
    expect(s.sb.storeData(restored)).toEqual({ dataId: before.dataId, restoredFrom: 'move-db', vpcId: await physicalIdOf(s, 'move', 'VpcB') });
    expect(s.sb.storeData(db)).toBeUndefined();
    const instance = (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: restored }))).DBInstances![0]!;
    expect(instance).toMatchObject({ MasterUsername: 'app', StorageEncrypted: true, Engine: 'postgres', DBSubnetGroup: { VpcId: await physicalIdOf(s, 'move', 'VpcB') } });
    original = { id: restored, dataId: before.dataId };
  });

  it('keeps the database and its data when an update gives the same DBSnapshotIdentifier again', async () => {
    const again = template({ vpc: 'B', dbSnapshot: 'move-db', db: { CopyTagsToSnapshot: true } });
    expect(await dbChange('move', again)).toEqual({ replacement: 'False', recreation: { CopyTagsToSnapshot: 'Never' } });
    expect(await runStack(s, 'move', again, 'update')).toEqual({ status: 'UPDATE_COMPLETE', failed: [] });
    expect(await physicalIdOf(s, 'move', 'Db')).toBe(original.id);
    expect(s.sb.storeData(original.id)).toMatchObject({ dataId: original.dataId, restoredFrom: 'move-db' });
  });

  it('replaces the database by an empty one when DBSnapshotIdentifier is removed after a restore, as CloudFormation documents', async () => {
    const dropped = template({ vpc: 'B', db: { CopyTagsToSnapshot: true } });
    const change = await dbChange('move', dropped);
    expect(change.replacement).toBe('True');
    expect(change.recreation.DBSnapshotIdentifier).toBe('Always');
    expect(await runStack(s, 'move', dropped, 'update')).toEqual({ status: 'UPDATE_COMPLETE', failed: [] });
    const empty = await physicalIdOf(s, 'move', 'Db');
    expect(empty).not.toBe(original.id);
    const data = s.sb.storeData(empty)!;
    expect(data.dataId).not.toBe(original.dataId);
    expect(data.restoredFrom).toBeUndefined();
  });

  it('fails a database whose snapshot does not exist with RDS’s DBSnapshotNotFound, and rolls the stack back', async () => {
    const out = await runStack(s, 'missing', template({ dbSnapshot: 'no-such-snapshot' }));
    expect(out.status).toBe('ROLLBACK_COMPLETE');
    expect(out.failed[0]).toMatchObject({ id: 'Db', reason: expect.stringContaining('DBSnapshot not found: no-such-snapshot') });
    expect(out.failed[0]!.reason).toContain('HandlerErrorCode: NotFound');
  });

  it('refuses what the snapshot decides (master user and password, database name, KMS key, character set, time zone) with InvalidParameterCombination', async () => {
    for (const [key, value] of [['MasterUsername', 'other'], ['MasterUserPassword', 'another-long-one'], ['DBName', 'shop'], ['KmsKeyId', 'alias/aws/rds'], ['CharacterSetName', 'UTF8'], ['Timezone', 'UTC']] as const) {
      const out = await runStack(s, `decided-${key.toLowerCase()}`, template({ dbSnapshot: 'move-db', db: { [key]: value } }));
      expect(out.status, key).toBe('ROLLBACK_COMPLETE');
      expect(out.failed[0]!.reason, key).toContain(`${key} can't be specified when the DB instance is restored from DB snapshot move-db`);
    }
  });

  it('refuses StorageEncrypted with an unencrypted snapshot, and accepts it with an encrypted one', async () => {
    expect(await runStack(s, 'plain', template({ db: { StorageEncrypted: undefined } }))).toMatchObject({ status: 'CREATE_COMPLETE' });
    await snapshot(await physicalIdOf(s, 'plain', 'Db'), 'plain-db');
    const refused = await runStack(s, 'plain-restore', template({ dbSnapshot: 'plain-db', db: { StorageEncrypted: true } }));
    expect(refused.failed[0]!.reason).toContain("StorageEncrypted can't be specified");
    expect(await runStack(s, 'encrypted-restore', template({ dbSnapshot: 'move-db', db: { StorageEncrypted: true } }))).toMatchObject({ status: 'CREATE_COMPLETE' });
  });

  it('refuses VPC security groups of another VPC than the DB subnet group’s, in RDS’s words', async () => {
    const out = await runStack(s, 'cross-vpc', template({ securityGroupVpc: 'B' }));
    expect(out.status).toBe('ROLLBACK_COMPLETE');
    expect(out.failed[0]).toMatchObject({ id: 'Db', reason: expect.stringMatching(/The DB instance and EC2 security group are in different VPCs\. The DB instance is in vpc-\w+ and the EC2 security group is in vpc-\w+ \(Service: Rds/) });
  });
});
