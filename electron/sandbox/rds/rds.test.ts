/** The sandbox's RDS API through the real SDK client: DB snapshots (create, describe, wait, delete) and DescribeDBInstances, with RDS's errors. */
import { describe, expect, it } from 'vitest';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateDBSnapshotCommand, DeleteDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient, waitUntilDBSnapshotAvailable } from '@aws-sdk/client-rds';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { sandboxClientConfig } from '../index';
import { sandboxForSuite } from '../testing/clients';
import { physicalIdOf, runStack } from '../testing/stacks';
import { storeTemplate } from '../cloudformation/fixtures/store-templates';

const rdsOf = (s: { sb: Parameters<typeof sandboxClientConfig>[0] }) => new RDSClient(sandboxClientConfig(s.sb));

describe('sandbox RDS: DB snapshots and DescribeDBInstances', () => {
  const s = sandboxForSuite('berth-sandbox-rds-api-');
  let db = '';

  it('describes a DB instance CloudFormation made: status, endpoint, subnet group with its VPC and subnets, security groups, engine', async () => {
    expect(await runStack(s, 'shop', storeTemplate({ stores: ['db'] }))).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
    db = await physicalIdOf(s, 'shop', 'Db');
    const [vpc, sg] = [await physicalIdOf(s, 'shop', 'VpcA'), await physicalIdOf(s, 'shop', 'StoreSecurityGroupA')];
    const instance = (await rdsOf(s).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db }))).DBInstances![0]!;
    expect(instance).toMatchObject({
      DBInstanceIdentifier: db,
      DBInstanceStatus: 'available',
      Engine: 'postgres',
      EngineVersion: '16',
      MasterUsername: 'app',
      StorageEncrypted: true,
      MultiAZ: false,
      Endpoint: { Port: 5432, Address: expect.stringMatching(/\.rds\.sandbox\.berth\.local$/) },
      DBSubnetGroup: { VpcId: vpc, SubnetGroupStatus: 'Complete' },
      VpcSecurityGroups: [{ VpcSecurityGroupId: sg, Status: 'active' }],
    });
    expect(instance.DBSubnetGroup!.Subnets!.map((x) => x.SubnetAvailabilityZone?.Name).sort()).toEqual(['us-east-1a', 'us-east-1b']);
    expect(instance.TagList).toContainEqual({ Key: 'berth:project', Value: 'shop' });
  });

  it('answers an unknown instance with DBInstanceNotFound, as RDS words it', async () => {
    await expect(rdsOf(s).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' }))).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault', message: 'DBInstance nope not found.' });
  });

  it('takes a manual snapshot that is creating, then available for the SDK waiter, tagged for the inventory, and deletes it', async () => {
    const rds = rdsOf(s);
    const created = (await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: db, DBSnapshotIdentifier: 'Move-1', Tags: [{ Key: 'berth:project', Value: 'shop' }] }))).DBSnapshot!;
    expect(created).toMatchObject({ DBSnapshotIdentifier: 'move-1', DBInstanceIdentifier: db, Status: 'creating', SnapshotType: 'manual', Engine: 'postgres', Encrypted: true });
    const waited = await waitUntilDBSnapshotAvailable({ client: rds, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { DBSnapshotIdentifier: 'move-1' });
    expect(waited.state).toBe('SUCCESS');
    const [snapshot] = (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'move-1' }))).DBSnapshots!;
    expect(snapshot).toMatchObject({ Status: 'available', PercentProgress: 100, VpcId: await physicalIdOf(s, 'shop', 'VpcA'), MasterUsername: 'app', DBSnapshotArn: 'arn:aws:rds:us-east-1:000000000000:snapshot:move-1' });
    expect((await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: db, SnapshotType: 'manual' }))).DBSnapshots!.map((x) => x.DBSnapshotIdentifier)).toEqual(['move-1']);
    expect((await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: db, SnapshotType: 'automated' }))).DBSnapshots).toEqual([]);
    const tagged = await s.c.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'berth:project', Values: ['shop'] }], ResourceTypeFilters: ['rds:snapshot'] }));
    expect(tagged.ResourceTagMappingList!.map((r) => r.ResourceARN)).toEqual([snapshot!.DBSnapshotArn]);
    expect((await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'move-1' }))).DBSnapshot).toMatchObject({ Status: 'deleted' });
    await expect(rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'move-1' }))).rejects.toMatchObject({ name: 'DBSnapshotNotFoundFault', message: 'DBSnapshot not found: move-1' });
  });

  it('refuses a snapshot of an unknown instance, a taken name, an invalid name, and deleting a missing snapshot, with RDS’s errors', async () => {
    const rds = rdsOf(s);
    await expect(rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'nope', DBSnapshotIdentifier: 'x1' }))).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault', message: 'DBInstance not found: nope' });
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: db, DBSnapshotIdentifier: 'taken' }));
    await expect(rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: db, DBSnapshotIdentifier: 'taken' }))).rejects.toMatchObject({
      name: 'DBSnapshotAlreadyExistsFault',
      message: 'Cannot create the snapshot because a snapshot with the identifier taken already exists.',
    });
    await expect(rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: db, DBSnapshotIdentifier: 'two--hyphens' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'never' }))).rejects.toMatchObject({ name: 'DBSnapshotNotFoundFault', message: 'DBSnapshot not found: never' });
  });
});

describe('sandbox RDS: instance and snapshot states over simulated time', () => {
  // Realistic durations a thousand times faster: a database takes about half a second, a snapshot a tenth.
  const s = sandboxForSuite('berth-sandbox-rds-time-', { speed: 'realistic', speedFactor: 0.001 });

  it('refuses a snapshot while the instance is creating or backing up (InvalidDBInstanceState), and the delete of, or a restore from, a snapshot still creating', async () => {
    const rds = rdsOf(s);
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'slow', TemplateBody: storeTemplate({ stores: ['db'] }) }));
    let creating: string | undefined;
    for (let i = 0; i < 400 && !creating; i++) {
      const found = await rds.send(new DescribeDBInstancesCommand({})).then((r) => r.DBInstances?.[0]);
      if (found) creating = found.DBInstanceStatus === 'creating' ? found.DBInstanceIdentifier : 'missed';
      else await new Promise((r) => setTimeout(r, 5));
    }
    expect(creating).toMatch(/^slow-db-/);
    await expect(rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: creating, DBSnapshotIdentifier: 'early' }))).rejects.toMatchObject({
      name: 'InvalidDBInstanceStateFault',
      message: `Cannot create a snapshot because the database instance ${creating} is not currently in the available state.`,
    });
    await s.sb.settle();
    expect((await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: creating, DBSnapshotIdentifier: 'first' }))).DBSnapshot!.Status).toBe('creating');
    expect((await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: creating }))).DBInstances![0]!.DBInstanceStatus).toBe('backing-up');
    await expect(rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: creating, DBSnapshotIdentifier: 'second' }))).rejects.toMatchObject({ name: 'InvalidDBInstanceStateFault' });
    await expect(rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'first' }))).rejects.toMatchObject({ name: 'InvalidDBSnapshotStateFault' });
    // A restore needs the snapshot complete: CloudFormation's create fails while it is still creating.
    const group = await physicalIdOf(s, 'slow', 'DbSubnetsA');
    const early = JSON.stringify({ Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20', DBSnapshotIdentifier: 'first', DBSubnetGroupName: group } } } });
    const out = await runStack(s, 'too-early', early);
    expect(out.status).toBe('ROLLBACK_COMPLETE');
    expect(out.failed[0]!.reason).toContain('DBSnapshot first is not in available state');
    expect((await waitUntilDBSnapshotAvailable({ client: rds, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { DBSnapshotIdentifier: 'first' })).state).toBe('SUCCESS');
    expect((await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: creating }))).DBInstances![0]!.DBInstanceStatus).toBe('available');
  });
});
