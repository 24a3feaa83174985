/** The sandbox's ElastiCache API through the real SDK client: snapshots (create, describe, delete) and DescribeReplicationGroups, with ElastiCache's errors. */
import { describe, expect, it } from 'vitest';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateSnapshotCommand, DeleteSnapshotCommand, DescribeReplicationGroupsCommand, DescribeSnapshotsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { sandboxClientConfig, type Sandbox } from '../index';
import { sandboxForSuite } from '../testing/clients';
import { physicalIdOf, runStack } from '../testing/stacks';
import { storeTemplate } from '../cloudformation/fixtures/store-templates';

const cacheOf = (s: { sb: Sandbox }) => new ElastiCacheClient(sandboxClientConfig(s.sb));

describe('sandbox ElastiCache: snapshots and DescribeReplicationGroups', () => {
  const s = sandboxForSuite('berth-sandbox-elasticache-', { quotas: { vpc: { 'L-F678F1CE': 10 } } });
  let group = '';

  it('describes a replication group CloudFormation made: status, member clusters, primary endpoint', async () => {
    expect(await runStack(s, 'shop', storeTemplate({ stores: ['cache'] }))).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
    group = await physicalIdOf(s, 'shop', 'Cache');
    const [found] = (await cacheOf(s).send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: group }))).ReplicationGroups!;
    expect(found).toMatchObject({ ReplicationGroupId: group, Status: 'available', MemberClusters: [`${group}-001`], CacheNodeType: 'cache.t4g.micro', AutomaticFailover: 'disabled' });
    expect(found!.NodeGroups![0]!.PrimaryEndpoint).toMatchObject({ Port: 6379, Address: expect.stringMatching(/\.cache\.sandbox\.berth\.local$/) });
    await expect(cacheOf(s).send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'nope' }))).rejects.toMatchObject({ name: 'ReplicationGroupNotFoundFault', message: 'Replication group nope not found.' });
  });

  it('takes a snapshot of the group that is creating, then available, carries the group’s tags for the inventory, and deletes it', async () => {
    const cache = cacheOf(s);
    const created = (await cache.send(new CreateSnapshotCommand({ ReplicationGroupId: group, SnapshotName: 'move-1' }))).Snapshot!;
    expect(created).toMatchObject({ SnapshotName: 'move-1', ReplicationGroupId: group, SnapshotStatus: 'creating', SnapshotSource: 'manual', Engine: 'redis', VpcId: await physicalIdOf(s, 'shop', 'VpcA') });
    const [described] = (await cache.send(new DescribeSnapshotsCommand({ SnapshotName: 'move-1' }))).Snapshots!;
    expect(described).toMatchObject({ SnapshotStatus: 'available', NodeSnapshots: [{ CacheClusterId: `${group}-001` }] });
    expect((await cache.send(new DescribeSnapshotsCommand({ ReplicationGroupId: group }))).Snapshots!.map((x) => x.SnapshotName)).toEqual(['move-1']);
    const tagged = await s.c.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'berth:project', Values: ['shop'] }], ResourceTypeFilters: ['elasticache:snapshot'] }));
    expect(tagged.ResourceTagMappingList!.map((r) => r.ResourceARN)).toEqual(['arn:aws:elasticache:us-east-1:000000000000:snapshot:move-1']);
    expect((await cache.send(new DeleteSnapshotCommand({ SnapshotName: 'move-1' }))).Snapshot).toMatchObject({ SnapshotStatus: 'deleting' });
    await expect(cache.send(new DescribeSnapshotsCommand({ SnapshotName: 'move-1' }))).rejects.toMatchObject({ name: 'SnapshotNotFoundFault' });
    await expect(cache.send(new DeleteSnapshotCommand({ SnapshotName: 'move-1' }))).rejects.toMatchObject({ name: 'SnapshotNotFoundFault' });
  });

  it('snapshots a member cluster as its group, and refuses a taken name, an unknown group and an unknown cluster', async () => {
    const cache = cacheOf(s);
    expect((await cache.send(new CreateSnapshotCommand({ CacheClusterId: `${group}-001`, SnapshotName: 'by-member' }))).Snapshot).toMatchObject({ ReplicationGroupId: group });
    await expect(cache.send(new CreateSnapshotCommand({ ReplicationGroupId: group, SnapshotName: 'by-member' }))).rejects.toMatchObject({ name: 'SnapshotAlreadyExistsFault', message: 'Snapshot with specified name already exists.' });
    await expect(cache.send(new CreateSnapshotCommand({ ReplicationGroupId: 'nope', SnapshotName: 'x' }))).rejects.toMatchObject({ name: 'ReplicationGroupNotFoundFault' });
    await expect(cache.send(new CreateSnapshotCommand({ CacheClusterId: 'nope-001', SnapshotName: 'x' }))).rejects.toMatchObject({ name: 'CacheClusterNotFoundFault' });
  });

  it('refuses a snapshot of a cache.t1.micro group: SnapshotFeatureNotSupportedFault', async () => {
    expect(await runStack(s, 'tiny', storeTemplate({ stores: ['cache'], cache: { CacheNodeType: 'cache.t1.micro' } }))).toMatchObject({ status: 'CREATE_COMPLETE' });
    const tiny = await physicalIdOf(s, 'tiny', 'Cache');
    await expect(cacheOf(s).send(new CreateSnapshotCommand({ ReplicationGroupId: tiny, SnapshotName: 'tiny-1' }))).rejects.toMatchObject({ name: 'SnapshotFeatureNotSupportedFault' });
  });
});

describe('sandbox ElastiCache: group and snapshot states over simulated time', () => {
  const s = sandboxForSuite('berth-sandbox-elasticache-time-', { speed: 'realistic', speedFactor: 0.001 });

  it('refuses a snapshot while the group is creating or snapshotting (InvalidReplicationGroupState), then completes it', async () => {
    const cache = cacheOf(s);
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'slow', TemplateBody: storeTemplate({ stores: ['cache'] }) }));
    let creating: string | undefined;
    for (let i = 0; i < 400 && !creating; i++) {
      const found = (await cache.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups?.[0];
      if (found) creating = found.Status === 'creating' ? found.ReplicationGroupId : 'missed';
      else await new Promise((r) => setTimeout(r, 5));
    }
    expect(creating).toMatch(/^slow-cache-/);
    await expect(cache.send(new CreateSnapshotCommand({ ReplicationGroupId: creating, SnapshotName: 'early' }))).rejects.toMatchObject({ name: 'InvalidReplicationGroupStateFault' });
    await s.sb.settle();
    await cache.send(new CreateSnapshotCommand({ ReplicationGroupId: creating, SnapshotName: 'first' }));
    expect((await cache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: creating }))).ReplicationGroups![0]!.Status).toBe('snapshotting');
    await expect(cache.send(new CreateSnapshotCommand({ ReplicationGroupId: creating, SnapshotName: 'second' }))).rejects.toMatchObject({ name: 'InvalidReplicationGroupStateFault' });
    expect((await cache.send(new DescribeSnapshotsCommand({ SnapshotName: 'first' }))).Snapshots![0]!.SnapshotStatus).toBe('creating');
    await new Promise((r) => setTimeout(r, 300));
    expect((await cache.send(new DescribeSnapshotsCommand({ SnapshotName: 'first' }))).Snapshots![0]!.SnapshotStatus).toBe('available');
    expect((await cache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: creating }))).ReplicationGroups![0]!.Status).toBe('available');
  });
});
