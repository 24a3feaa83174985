/**
 * The data a sandbox database or cache holds, as a lineage rather than bytes: a store created
 * empty gets a fresh data id, a snapshot captures its store's id (and how many running tasks
 * could still be writing to it then), a store restored from a snapshot takes the snapshot's id.
 * Tests read it to prove that a move kept the data and that nothing wrote after the snapshot.
 */
import type { SandboxCore } from '../core';
import { hex } from '../ids';
import { storeTarget, taskVpc } from '../network/dns';
import type { GenericResource, SnapshotData, StoreData } from '../state';
import { vpcsIn } from '../ec2/vpcs';
import { findGeneric } from '../cloudformation/providers/types';
import { vpcOfSubnets } from '../cloudformation/providers/subnets';

export const DB_INSTANCE = 'AWS::RDS::DBInstance';
export const DB_SNAPSHOT = 'AWS::RDS::DBSnapshot';
export const REPLICATION_GROUP = 'AWS::ElastiCache::ReplicationGroup';
export const CACHE_CLUSTER = 'AWS::ElastiCache::CacheCluster';
/** Not a CloudFormation type: how the sandbox records ElastiCache snapshots (CreateSnapshot, final snapshots). */
export const CACHE_SNAPSHOT = 'AWS::ElastiCache::Snapshot';

const STORE_TYPES = [DB_INSTANCE, REPLICATION_GROUP, CACHE_CLUSTER];

/** A data id no other store holds: what an empty store starts with. */
export function newDataId(): string {
  return `data-${hex(16)}`;
}

/** The store's data (recorded on first use for stores made before lineages were kept). */
export function dataOf(core: SandboxCore, store: GenericResource): StoreData {
  if (!store.data) {
    store.data = { dataId: newDataId(), availableAt: store.createdAt };
    core.changed();
  }
  return store.data;
}

/** The Region's default VPC, where AWS puts what names no VPC of its own. */
export function defaultVpcId(core: SandboxCore, region: string): string | undefined {
  return vpcsIn(core, region).find((v) => v.attributes.IsDefault === true)?.physicalId;
}

/** The VPC a store of `type` with these properties is in: its subnet group's, else the default VPC (undefined when the group is not the sandbox's). */
export function vpcOfStore(core: SandboxCore, type: string, properties: Record<string, unknown>, region: string): string | undefined {
  const [groupType, groupProperty] = type === DB_INSTANCE ? ['AWS::RDS::DBSubnetGroup', 'DBSubnetGroupName'] : ['AWS::ElastiCache::SubnetGroup', 'CacheSubnetGroupName'];
  const name = properties[groupProperty];
  if (name === undefined || name === '') return defaultVpcId(core, region);
  const group = findGeneric(core, groupType, String(name).toLowerCase());
  return group ? vpcOfSubnets(core, group.properties.SubnetIds) : undefined;
}

/** The VPC a store's network interfaces are in. */
export function storeVpc(core: SandboxCore, store: GenericResource): string | undefined {
  return vpcOfStore(core, store.type, store.properties, store.region);
}

/** The host names a store answers on. */
function endpointsOf(store: GenericResource): unknown[] {
  const a = store.attributes;
  const readers = Array.isArray(a['ReadEndPoint.Addresses.List']) ? a['ReadEndPoint.Addresses.List'] : [];
  return [a['Endpoint.Address'], a['PrimaryEndPoint.Address'], a['ReaderEndPoint.Address'], a['ConfigurationEndPoint.Address'], a['RedisEndpoint.Address'], ...readers].filter((x) => x !== undefined);
}

/** A database or cache by physical id or by one of its endpoint host names. */
export function findStore(core: SandboxCore, idOrEndpoint: string): GenericResource | undefined {
  const wanted = idOrEndpoint.toLowerCase();
  for (const r of core.state.resources.values()) {
    if (!STORE_TYPES.includes(r.type)) continue;
    if (r.physicalId === wanted || endpointsOf(r).includes(wanted)) return r;
  }
  return undefined;
}

/**
 * Tasks that could be writing to the store now: containers still up (RUNNING, or stopping but not
 * yet deprovisioned) in the store's VPC whose env or command named the store when they started
 * (see `dns.ts`: the hosts a program would look up, as its VPC's resolver answered them).
 */
export function writersOf(core: SandboxCore, store: GenericResource): number {
  const vpc = storeVpc(core, store);
  if (!vpc) return 0;
  const target = storeTarget(store.type, store.physicalId);
  let writers = 0;
  for (const task of core.state.ecs.tasks.values()) {
    if (!['RUNNING', 'DEACTIVATING', 'STOPPING'].includes(task.lastStatus) || taskVpc(core, task) !== vpc) continue;
    if (Object.values(task.resolved ?? {}).some((list) => list.some((r) => r.target === target))) writers++;
  }
  return writers;
}

/** What a snapshot of the store taken now holds; complete after the simulated snapshot time (`readyAt` = now for `now`). */
export function capture(core: SandboxCore, store: GenericResource, settings: Record<string, unknown>, when: 'now' | 'timed' = 'timed'): SnapshotData {
  return {
    dataId: dataOf(core, store).dataId,
    clientsAtSnapshot: writersOf(core, store),
    source: store.physicalId,
    readyAt: Date.now() + (when === 'now' ? 0 : core.timing.ms('snapshot')),
    settings,
  };
}

/** True once a snapshot is complete. */
export function snapshotReady(snapshot: SnapshotData): boolean {
  return Date.now() >= snapshot.readyAt;
}

/** True while a snapshot of the store is being taken (the store then shows `backing-up` / `snapshotting`). */
export function beingSnapshotted(core: SandboxCore, store: GenericResource): boolean {
  for (const r of core.state.resources.values()) {
    if ((r.type === DB_SNAPSHOT || r.type === CACHE_SNAPSHOT) && r.snapshot?.source === store.physicalId && r.region === store.region && !snapshotReady(r.snapshot)) return true;
  }
  return false;
}

/** Records a snapshot so the tagging API (and so the inventory) lists it with its tags. */
export function registerSnapshot(core: SandboxCore, type: string, arn: string, name: string, snapshot: SnapshotData, tags: Record<string, string>): GenericResource {
  const entry: GenericResource = { arn, type, physicalId: name, region: core.region, tags, createdAt: Date.now(), attributes: {}, properties: {}, snapshot };
  core.state.resources.set(arn, entry);
  core.changed();
  return entry;
}
