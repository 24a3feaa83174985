/**
 * ElastiCache replication groups, cache clusters and snapshots as the sandbox keeps them, shared
 * by the ElastiCache API and the CloudFormation provider that restores a group from a snapshot.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { GenericResource } from '../state';
import { beingSnapshotted, CACHE_CLUSTER, CACHE_SNAPSHOT, capture, dataOf, registerSnapshot, REPLICATION_GROUP, snapshotReady, storeVpc } from '../stores/lineage';

/** ElastiCache keeps no snapshots of these node types (backup and restore are not supported on them). */
const NO_SNAPSHOTS = new Set(['cache.t1.micro']);

export function cacheSnapshotArn(core: SandboxCore, name: string): string {
  return `arn:aws:elasticache:${core.region}:${core.account}:snapshot:${name}`;
}

function find(core: SandboxCore, type: string, id: string): GenericResource | undefined {
  const wanted = id.toLowerCase();
  for (const r of core.state.resources.values()) if (r.type === type && r.region === core.region && r.physicalId === wanted) return r;
  return undefined;
}

export const findReplicationGroup = (core: SandboxCore, id: string) => find(core, REPLICATION_GROUP, id);
export const findCacheSnapshot = (core: SandboxCore, name: string) => core.state.resources.get(cacheSnapshotArn(core, name));

/** Every cache snapshot in the sandbox's Region. */
export function cacheSnapshots(core: SandboxCore): GenericResource[] {
  return [...core.state.resources.values()].filter((r) => r.type === CACHE_SNAPSHOT && r.region === core.region);
}

/** The member clusters of a replication group (`<group>-001`...), one per node. */
export function memberClusters(group: GenericResource): string[] {
  const readers = group.attributes['ReadEndPoint.Addresses.List'];
  const count = Array.isArray(readers) && readers.length > 0 ? readers.length : 1;
  return Array.from({ length: count }, (_, i) => `${group.physicalId}-00${i + 1}`);
}

/** `creating` until the cache is up, `snapshotting` while a snapshot of it is taken, else `available`. */
export function cacheStatus(core: SandboxCore, store: GenericResource): string {
  if (Date.now() < dataOf(core, store).availableAt) return 'creating';
  return beingSnapshotted(core, store) ? 'snapshotting' : 'available';
}

export function cacheSnapshotStatus(snapshot: GenericResource): string {
  return snapshot.snapshot && !snapshotReady(snapshot.snapshot) ? 'creating' : 'available';
}

/** The store's settings a snapshot keeps and a restore inherits. */
export function cacheSettings(core: SandboxCore, store: GenericResource): Record<string, unknown> {
  const p = store.properties;
  const inherited = store.data?.inherited ?? {};
  const pick = (k: string, fallback?: unknown) => (p[k] !== undefined && p[k] !== '' ? p[k] : (inherited[k] ?? fallback));
  return {
    Engine: pick('Engine', 'redis'),
    EngineVersion: pick('EngineVersion', '7.1'),
    CacheNodeType: pick('CacheNodeType', 'cache.t4g.micro'),
    Port: Number(store.attributes['PrimaryEndPoint.Port'] ?? store.attributes['RedisEndpoint.Port'] ?? 6379),
    CacheSubnetGroupName: p.CacheSubnetGroupName,
    VpcId: storeVpc(core, store),
    Description: p.ReplicationGroupDescription,
    AutomaticFailover: p.AutomaticFailoverEnabled === true || p.AutomaticFailoverEnabled === 'true' ? 'enabled' : 'disabled',
    SourceType: store.type,
    Members: store.type === REPLICATION_GROUP ? memberClusters(store) : [store.physicalId],
  };
}

/** What a CreateSnapshot names: a replication group, one of its member clusters, or a standalone cache cluster. */
export function snapshotSource(core: SandboxCore, groupId: string | undefined, clusterId: string | undefined): GenericResource {
  if (groupId) {
    const group = findReplicationGroup(core, groupId);
    if (!group) fail('ReplicationGroupNotFoundFault', `Replication group ${groupId} not found.`, 404);
    return group;
  }
  if (!clusterId) fail('InvalidParameterCombination', 'At least one of the parameters ReplicationGroupId or CacheClusterId must be specified.');
  const cluster = find(core, CACHE_CLUSTER, clusterId);
  if (cluster) return cluster;
  const member = /^(.+)-\d{3}$/.exec(clusterId.toLowerCase());
  const group = member ? findReplicationGroup(core, member[1]!) : undefined;
  if (group && memberClusters(group).includes(clusterId.toLowerCase())) return group;
  fail('CacheClusterNotFound', `Cache cluster ${clusterId} not found.`, 404);
}

/** Refuses a snapshot of (or a restore into) a store ElastiCache cannot snapshot. */
export function requireSnapshotSupport(nodeType: unknown, engine: unknown): void {
  if (String(engine ?? 'redis') === 'memcached') fail('SnapshotFeatureNotSupportedFault', 'Snapshots are not supported for Memcached clusters.');
  if (NO_SNAPSHOTS.has(String(nodeType))) fail('SnapshotFeatureNotSupportedFault', `Snapshots are not supported for cache node type ${String(nodeType)}.`);
}

/** CreateSnapshot: the source must be available and snapshottable, the name free. */
export function createCacheSnapshot(core: SandboxCore, source: GenericResource, name: string, tags: Record<string, string>): GenericResource {
  if (findCacheSnapshot(core, name)) fail('SnapshotAlreadyExistsFault', 'Snapshot with specified name already exists.');
  const settings = cacheSettings(core, source);
  requireSnapshotSupport(settings.CacheNodeType, settings.Engine);
  if (cacheStatus(core, source) !== 'available') {
    if (source.type === REPLICATION_GROUP) fail('InvalidReplicationGroupState', `Replication group ${source.physicalId} is not in available state.`);
    fail('InvalidCacheClusterState', `Cache cluster ${source.physicalId} is not in available state.`);
  }
  // The snapshot carries the group's tags, with the request's over them.
  return registerSnapshot(core, CACHE_SNAPSHOT, cacheSnapshotArn(core, name), name, capture(core, source, settings), { ...source.tags, ...tags });
}

/** The snapshot a new replication group restores from: it must exist and be complete. */
export function requireRestorableCacheSnapshot(core: SandboxCore, name: string): GenericResource {
  const snapshot = findCacheSnapshot(core, name);
  if (!snapshot?.snapshot || snapshot.type !== CACHE_SNAPSHOT) fail('SnapshotNotFoundFault', `Snapshot ${name} not found.`, 404);
  if (!snapshotReady(snapshot.snapshot)) fail('InvalidSnapshotState', `Snapshot ${name} is not in available state (it is creating).`);
  return snapshot;
}
