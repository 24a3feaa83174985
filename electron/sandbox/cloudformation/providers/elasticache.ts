/**
 * ElastiCache as CloudFormation creates it: subnet groups (which never leave their VPC),
 * replication groups (restored from a snapshot with `SnapshotName`, else empty; security groups
 * must be in the subnet group's VPC) and cache clusters. Host names end in `sandbox.berth.local`.
 */
import { fail } from '../../errors';
import { SANDBOX_DNS_SUFFIX } from '../../identity';
import { hex } from '../../ids';
import { cacheSettings, cacheSnapshotArn, requireRestorableCacheSnapshot, requireSnapshotSupport } from '../../elasticache/store';
import { CACHE_SNAPSHOT, capture, defaultVpcId, newDataId, registerSnapshot, REPLICATION_GROUP, vpcOfStore } from '../../stores/lineage';
import { recorded } from './recorded';
import { stayInVpc } from './subnets';
import { findGeneric, generatedName, str, type ProviderContext, type ResourceProvider } from './types';

const zoneOf = (region: string) => `${hex(6)}.${region.replace(/^(\w\w)-(\w)\w*-(\d+)$/, '$1$2$3')}.cache.${SANDBOX_DNS_SUFFIX}`;

/** ElastiCache refuses security groups of another VPC than the group's cache subnet group (InvalidParameterCombination). */
function requireSecurityGroupsInVpc(ctx: ProviderContext, props: Record<string, unknown>): void {
  const groups = Array.isArray(props.SecurityGroupIds) ? props.SecurityGroupIds.map(String) : [];
  const cacheVpc = groups.length > 0 ? vpcOfStore(ctx.core, REPLICATION_GROUP, props, ctx.core.region) : undefined;
  if (!cacheVpc) return;
  for (const id of groups) {
    const group = findGeneric(ctx.core, 'AWS::EC2::SecurityGroup', id);
    const groupVpc = group ? (str(group.properties, 'VpcId') ?? defaultVpcId(ctx.core, ctx.core.region)) : undefined;
    if (groupVpc && groupVpc !== cacheVpc) fail('InvalidParameterCombination', `Subnet group [${String(props.CacheSubnetGroupName ?? 'default').toLowerCase()}] belongs to a different VPC [${cacheVpc}] than [${groupVpc}]`);
  }
}

const recordedGroup = recorded({
  duration: 'cache',
  nameProperty: 'ReplicationGroupId',
  validate: requireSecurityGroupsInVpc,
  physicalId: (ctx, props) => (str(props, 'ReplicationGroupId') ?? generatedName(ctx, 40, true).replace(/--+/g, '-').replace(/-$/, '')).toLowerCase(),
  arn: (ctx, id) => `arn:aws:elasticache:${ctx.core.region}:${ctx.core.account}:replicationgroup:${id}`,
  attributes: (ctx, id, props) => {
    const zone = zoneOf(ctx.core.region);
    const port = str(props, 'Port') ?? '6379';
    const replicas = Number(str(props, 'ReplicasPerNodeGroup') ?? Math.max(0, Number(str(props, 'NumCacheClusters') ?? '1') - 1));
    const readers = Array.from({ length: replicas + 1 }, (_, i) => `${id}-00${i + 1}.${zone}`);
    return {
      'PrimaryEndPoint.Address': `master.${id}.${zone}`,
      'PrimaryEndPoint.Port': port,
      'ReaderEndPoint.Address': `replica.${id}.${zone}`,
      'ReaderEndPoint.Port': port,
      'ConfigurationEndPoint.Address': `clustercfg.${id}.${zone}`,
      'ConfigurationEndPoint.Port': port,
      'ReadEndPoint.Addresses': readers.join(','),
      'ReadEndPoint.Ports': readers.map(() => port).join(','),
      'ReadEndPoint.Addresses.List': readers,
      'ReadEndPoint.Ports.List': readers.map(() => port),
    };
  },
  snapshot(ctx, resource) {
    const group = findGeneric(ctx.core, REPLICATION_GROUP, resource.physicalId);
    const name = `${ctx.stack.name}-${ctx.logicalId}-${hex(12)}`.toLowerCase().slice(0, 255);
    if (group) registerSnapshot(ctx.core, CACHE_SNAPSHOT, cacheSnapshotArn(ctx.core, name), name, capture(ctx.core, group, cacheSettings(ctx.core, group), 'now'), group.tags);
  },
});

const replicationGroupProvider: ResourceProvider = {
  ...recordedGroup,
  create(ctx, props) {
    const name = str(props, 'SnapshotName');
    const snapshot = name ? requireRestorableCacheSnapshot(ctx.core, name) : undefined;
    if (snapshot) requireSnapshotSupport(props.CacheNodeType, props.Engine ?? snapshot.snapshot!.settings.Engine);
    const created = recordedGroup.create(ctx, props);
    const group = findGeneric(ctx.core, REPLICATION_GROUP, created.physicalId)!;
    const availableAt = Date.now() + ctx.core.timing.ms('cache');
    const source = snapshot?.snapshot;
    group.data = source ? { dataId: source.dataId, restoredFrom: snapshot.physicalId, availableAt, inherited: { Engine: source.settings.Engine, EngineVersion: source.settings.EngineVersion } } : { dataId: newDataId(), availableAt };
    ctx.core.changed();
    return created;
  },
};

export const elastiCacheProviders: Record<string, ResourceProvider> = {
  'AWS::ElastiCache::SubnetGroup': stayInVpc(
    recorded({
      nameProperty: 'CacheSubnetGroupName',
      physicalId: (ctx, props) => (str(props, 'CacheSubnetGroupName') ?? generatedName(ctx, 255)).toLowerCase(),
      arn: (ctx, id) => `arn:aws:elasticache:${ctx.core.region}:${ctx.core.account}:subnetgroup:${id}`,
    }),
    // A cache cannot follow its subnet group into another VPC: ElastiCache keeps a group in the VPC it was made in.
    (before, after) => fail('InvalidSubnet', `The subnets are in ${after}, not in the subnet group's VPC ${before}: a cache subnet group cannot be moved to another VPC.`),
  ),
  [REPLICATION_GROUP]: replicationGroupProvider,
  'AWS::ElastiCache::CacheCluster': recorded({
    duration: 'cache',
    nameProperty: 'ClusterName',
    physicalId: (ctx, props) => (str(props, 'ClusterName') ?? generatedName(ctx, 40, true).replace(/--+/g, '-').replace(/-$/, '')).toLowerCase(),
    arn: (ctx, id) => `arn:aws:elasticache:${ctx.core.region}:${ctx.core.account}:cluster:${id}`,
    attributes: (ctx, id, props) => {
      const host = `${id}.${hex(6)}.0001.${ctx.core.region.replace(/^(\w\w)-(\w)\w*-(\d+)$/, '$1$2$3')}.cache.${SANDBOX_DNS_SUFFIX}`;
      const port = str(props, 'Port') ?? (str(props, 'Engine') === 'memcached' ? '11211' : '6379');
      return { 'RedisEndpoint.Address': host, 'RedisEndpoint.Port': port, 'ConfigurationEndpoint.Address': host, 'ConfigurationEndpoint.Port': port };
    },
  }),
};
