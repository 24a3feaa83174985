/**
 * Amazon ElastiCache over the query protocol (`http://elasticache.amazonaws.com/doc/2015-02-02/`):
 * the snapshots Berth takes before it moves a cache (create, describe, delete; `creating` →
 * `available` over simulated time) and DescribeReplicationGroups. Groups themselves exist only
 * through CloudFormation.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import { parseQuery, queryResponse, str, tagMap, type QueryInput } from '../protocol/query';
import { XmlList, type XmlValue } from '../protocol/xml';
import type { GenericResource } from '../state';
import { REPLICATION_GROUP } from '../stores/lineage';
import { cacheSnapshots, cacheSnapshotStatus, cacheStatus, createCacheSnapshot, findCacheSnapshot, findReplicationGroup, memberClusters, snapshotSource } from './store';

export const ELASTICACHE_NAMESPACE = 'http://elasticache.amazonaws.com/doc/2015-02-02/';

const iso = (ms: number) => new Date(ms).toISOString();

function required(input: QueryInput, key: string): string {
  const value = str(input, key);
  if (value === undefined || value === '') fail('InvalidParameterValue', `The parameter ${key} must be provided and must not be blank.`);
  return value;
}

function groupView(core: SandboxCore, group: GenericResource): { [key: string]: XmlValue } {
  const a = group.attributes;
  const p = group.properties;
  const port = String(a['PrimaryEndPoint.Port'] ?? '6379');
  const members = memberClusters(group);
  const readers = Array.isArray(a['ReadEndPoint.Addresses.List']) ? a['ReadEndPoint.Addresses.List'].map(String) : [];
  const on = (v: unknown) => (v === true || v === 'true' ? 'enabled' : 'disabled');
  return {
    ReplicationGroupId: group.physicalId,
    Description: String(p.ReplicationGroupDescription ?? ''),
    Status: cacheStatus(core, group),
    PendingModifiedValues: {},
    MemberClusters: new XmlList(members, 'ClusterId'),
    NodeGroups: new XmlList(
      [
        {
          NodeGroupId: '0001',
          Status: 'available',
          PrimaryEndpoint: { Address: String(a['PrimaryEndPoint.Address']), Port: port },
          ReaderEndpoint: { Address: String(a['ReaderEndPoint.Address']), Port: port },
          NodeGroupMembers: new XmlList(members.map((id, i) => ({ CacheClusterId: id, CacheNodeId: '0001', ReadEndpoint: { Address: readers[i] ?? '', Port: port }, CurrentRole: i === 0 ? 'primary' : 'replica' })), 'NodeGroupMember'),
        },
      ],
      'NodeGroup',
    ),
    AutomaticFailover: on(p.AutomaticFailoverEnabled),
    MultiAZ: on(p.MultiAZEnabled),
    SnapshotRetentionLimit: String(p.SnapshotRetentionLimit ?? 0),
    ClusterEnabled: false,
    CacheNodeType: String(p.CacheNodeType ?? ''),
    TransitEncryptionEnabled: p.TransitEncryptionEnabled === true || p.TransitEncryptionEnabled === 'true',
    AtRestEncryptionEnabled: p.AtRestEncryptionEnabled === true || p.AtRestEncryptionEnabled === 'true',
    ARN: group.arn,
    Engine: String(group.data?.inherited?.Engine ?? p.Engine ?? 'redis'),
  };
}

function snapshotView(snapshot: GenericResource, status = cacheSnapshotStatus(snapshot)): { [key: string]: XmlValue } {
  const data = snapshot.snapshot!;
  const s = data.settings;
  const members = Array.isArray(s.Members) ? s.Members.map(String) : [data.source];
  const fromGroup = s.SourceType === REPLICATION_GROUP;
  return {
    SnapshotName: snapshot.physicalId,
    ReplicationGroupId: fromGroup ? data.source : undefined,
    ReplicationGroupDescription: fromGroup ? (s.Description as string | undefined) : undefined,
    CacheClusterId: fromGroup ? undefined : data.source,
    SnapshotStatus: status,
    SnapshotSource: 'manual',
    CacheNodeType: String(s.CacheNodeType ?? ''),
    Engine: String(s.Engine ?? 'redis'),
    EngineVersion: String(s.EngineVersion ?? ''),
    CacheSubnetGroupName: s.CacheSubnetGroupName as string | undefined,
    VpcId: s.VpcId as string | undefined,
    Port: String(s.Port ?? 6379),
    SnapshotRetentionLimit: '0',
    NumNodeGroups: '1',
    AutomaticFailover: String(s.AutomaticFailover ?? 'disabled'),
    NodeSnapshots: new XmlList(members.slice(0, 1).map((id) => ({ CacheClusterId: id, NodeGroupId: '0001', CacheNodeId: '0001', CacheSize: '5 MB', CacheNodeCreateTime: iso(snapshot.createdAt), SnapshotCreateTime: iso(snapshot.createdAt) })), 'NodeSnapshot'),
    ARN: snapshot.arn,
    DataTiering: 'disabled',
  };
}

function describeSnapshots(core: SandboxCore, input: QueryInput): GenericResource[] {
  const name = str(input, 'SnapshotName');
  const group = str(input, 'ReplicationGroupId')?.toLowerCase();
  const cluster = str(input, 'CacheClusterId')?.toLowerCase();
  const source = str(input, 'SnapshotSource');
  let list = cacheSnapshots(core);
  if (name) {
    const found = findCacheSnapshot(core, name);
    if (!found) fail('SnapshotNotFoundFault', `Snapshot ${name} not found.`, 404);
    list = [found];
  }
  if (group) list = list.filter((s) => s.snapshot?.source === group);
  if (cluster) list = list.filter((s) => (Array.isArray(s.snapshot?.settings.Members) ? s.snapshot.settings.Members : []).includes(cluster));
  // The sandbox takes no automatic backups: every snapshot is manual.
  if (source === 'system') list = [];
  return list.sort((a, b) => a.createdAt - b.createdAt);
}

/** Handles one ElastiCache request. */
export async function handleElastiCache(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  const { action, input } = parseQuery(req.body.toString('utf8'));
  const answer = (result: { [key: string]: XmlValue }) => queryResponse(action, ELASTICACHE_NAMESPACE, result, req.requestId);
  switch (action) {
    case 'CreateSnapshot': {
      const name = required(input, 'SnapshotName');
      const source = snapshotSource(core, str(input, 'ReplicationGroupId'), str(input, 'CacheClusterId'));
      // ElastiCache answers before the snapshot starts: it is `creating` in the reply even when the sandbox's clock makes it instant.
      return answer({ Snapshot: snapshotView(createCacheSnapshot(core, source, name, tagMap(input)), 'creating') });
    }
    case 'DescribeSnapshots':
      return answer({ Snapshots: new XmlList(describeSnapshots(core, input).map((s) => snapshotView(s)), 'Snapshot') });
    case 'DeleteSnapshot': {
      const name = required(input, 'SnapshotName');
      const snapshot = findCacheSnapshot(core, name);
      if (!snapshot) fail('SnapshotNotFoundFault', `Snapshot ${name} not found.`, 404);
      if (cacheSnapshotStatus(snapshot) !== 'available') fail('InvalidSnapshotState', `Snapshot ${name} is not in available state (it is ${cacheSnapshotStatus(snapshot)}).`);
      const view = snapshotView(snapshot, 'deleting');
      core.state.resources.delete(snapshot.arn);
      core.changed();
      return answer({ Snapshot: view });
    }
    case 'DescribeReplicationGroups': {
      const id = str(input, 'ReplicationGroupId');
      let list = [...core.state.resources.values()].filter((r) => r.type === REPLICATION_GROUP && r.region === core.region);
      if (id) {
        const found = findReplicationGroup(core, id);
        if (!found) fail('ReplicationGroupNotFoundFault', `Replication group ${id} not found.`, 404);
        list = [found];
      }
      return answer({ ReplicationGroups: new XmlList(list.map((g) => groupView(core, g)), 'ReplicationGroup') });
    }
    default:
      fail('InvalidAction', `The action ${action} is not valid for this web service. (The Berth sandbox implements CreateSnapshot, DescribeSnapshots, DeleteSnapshot and DescribeReplicationGroups.)`);
  }
}
