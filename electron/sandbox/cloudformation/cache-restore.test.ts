/**
 * AWS::ElastiCache::ReplicationGroup restores: SnapshotName must name an available snapshot, a
 * new name or a new subnet group replaces the group, removing the name replaces it by an empty
 * one; security groups of another VPC and a subnet group moved into another VPC are refused.
 */
import { describe, expect, it } from 'vitest';
import { CreateChangeSetCommand, DeleteChangeSetCommand, DescribeChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { CreateSnapshotCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { sandboxClientConfig } from '../index';
import { sandboxForSuite } from '../testing/clients';
import { physicalIdOf, runStack } from '../testing/stacks';
import { storeTemplate, type StoreTemplateOptions } from './fixtures/store-templates';

/** Two VPCs and one cache subnet group whose subnets are those of `use`. */
function subnetGroupIn(use: 'A' | 'B'): string {
  const resources: Record<string, unknown> = {};
  for (const v of ['A', 'B']) {
    resources[`Vpc${v}`] = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } };
    for (const [i, az] of [['1', 'us-east-1a'], ['2', 'us-east-1b']] as const) resources[`Subnet${v}${i}`] = { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: `Vpc${v}` }, CidrBlock: `10.0.${i === '1' ? 0 : 16}.0/20`, AvailabilityZone: az } };
  }
  resources.Group = { Type: 'AWS::ElastiCache::SubnetGroup', Properties: { Description: 'cache', SubnetIds: [{ Ref: `Subnet${use}1` }, { Ref: `Subnet${use}2` }] } };
  return JSON.stringify({ Resources: resources });
}

describe('sandbox CloudFormation: replication groups restored from snapshots', () => {
  const s = sandboxForSuite('berth-sandbox-cache-restore-', { quotas: { vpc: { 'L-F678F1CE': 40 } } });
  const template = (options: StoreTemplateOptions = {}) => storeTemplate({ stores: ['cache'], ...options });
  let restored = { id: '', dataId: '' };

  /** The Cache change a change set for `body` shows (deleted again). */
  async function cacheChange(stack: string, body: string) {
    await s.c.cloudformation.send(new CreateChangeSetCommand({ StackName: stack, ChangeSetName: 'preview', TemplateBody: body }));
    await s.sb.settle();
    const set = await s.c.cloudformation.send(new DescribeChangeSetCommand({ StackName: stack, ChangeSetName: 'preview' }));
    await s.c.cloudformation.send(new DeleteChangeSetCommand({ StackName: stack, ChangeSetName: 'preview' }));
    const change = set.Changes!.map((c) => c.ResourceChange!).find((c) => c.LogicalResourceId === 'Cache')!;
    return { replacement: change.Replacement, recreation: Object.fromEntries(change.Details!.map((d) => [d.Target!.Name, d.Target!.RequiresRecreation])) };
  }

  it('moves a cache into another VPC by a replacement restored from its snapshot, with the same data', async () => {
    expect(await runStack(s, 'move', template())).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
    const group = await physicalIdOf(s, 'move', 'Cache');
    const before = s.sb.storeData(group)!;
    await new ElastiCacheClient(sandboxClientConfig(s.sb)).send(new CreateSnapshotCommand({ ReplicationGroupId: group, SnapshotName: 'move-cache' }));
    const moved = template({ vpc: 'B', cacheSnapshot: 'move-cache' });
    expect(await cacheChange('move', moved)).toEqual({ replacement: 'True', recreation: { CacheSubnetGroupName: 'Always', SnapshotName: 'Always', SecurityGroupIds: 'Never' } });
    expect(await runStack(s, 'move', moved, 'update')).toEqual({ status: 'UPDATE_COMPLETE', failed: [] });
    const id = await physicalIdOf(s, 'move', 'Cache');
    expect(id).not.toBe(group);
    expect(s.sb.storeData(id)).toEqual({ dataId: before.dataId, restoredFrom: 'move-cache', vpcId: await physicalIdOf(s, 'move', 'VpcB') });
    expect(s.sb.storeData(group)).toBeUndefined();
    restored = { id, dataId: before.dataId };
  });

  it('keeps the group and its data when an update names the same snapshot again', async () => {
    const again = template({ vpc: 'B', cacheSnapshot: 'move-cache', cache: { ReplicationGroupDescription: 'cache, moved' } });
    expect(await cacheChange('move', again)).toMatchObject({ replacement: 'False' });
    expect(await runStack(s, 'move', again, 'update')).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(s.sb.storeData(await physicalIdOf(s, 'move', 'Cache'))).toMatchObject({ dataId: restored.dataId, restoredFrom: 'move-cache' });
  });

  it('replaces the group by an empty one when SnapshotName is removed', async () => {
    const dropped = template({ vpc: 'B', cache: { ReplicationGroupDescription: 'cache, moved' } });
    expect(await cacheChange('move', dropped)).toEqual({ replacement: 'True', recreation: { SnapshotName: 'Always' } });
    expect(await runStack(s, 'move', dropped, 'update')).toMatchObject({ status: 'UPDATE_COMPLETE' });
    const data = s.sb.storeData(await physicalIdOf(s, 'move', 'Cache'))!;
    expect(data.dataId).not.toBe(restored.dataId);
    expect(data.restoredFrom).toBeUndefined();
  });

  it('fails a group whose snapshot does not exist with SnapshotNotFoundFault, and rolls the stack back', async () => {
    const out = await runStack(s, 'missing', template({ cacheSnapshot: 'no-such-snapshot' }));
    expect(out.status).toBe('ROLLBACK_COMPLETE');
    expect(out.failed[0]).toMatchObject({ id: 'Cache', reason: expect.stringContaining('Snapshot no-such-snapshot not found.') });
    expect(out.failed[0]!.reason).toContain('HandlerErrorCode: NotFound');
  });

  it('refuses security groups of another VPC than the cache subnet group’s, in ElastiCache’s words', async () => {
    const out = await runStack(s, 'cross-vpc', template({ securityGroupVpc: 'B' }));
    expect(out.status).toBe('ROLLBACK_COMPLETE');
    expect(out.failed[0]).toMatchObject({ id: 'Cache', reason: expect.stringMatching(/Subnet group \[cross-vpc-cachesubnetsa-\w+\] belongs to a different VPC \[vpc-\w+\] than \[vpc-\w+\]/) });
  });

  it('refuses to move a cache subnet group into another VPC and rolls the update back', async () => {
    expect(await runStack(s, 'group-move', subnetGroupIn('A'))).toMatchObject({ status: 'CREATE_COMPLETE' });
    const out = await runStack(s, 'group-move', subnetGroupIn('B'), 'update');
    expect(out.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(out.failed[0]).toMatchObject({ id: 'Group', reason: expect.stringContaining('a cache subnet group cannot be moved to another VPC') });
  });
});
