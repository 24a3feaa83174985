/**
 * Amazon RDS over the query protocol (`http://rds.amazonaws.com/doc/2014-10-31/`): the DB
 * snapshots Berth takes before it moves a database (create, describe, delete; `creating` →
 * `available` over simulated time, so the SDK's waiter works) and DescribeDBInstances. DB
 * instances themselves exist only through CloudFormation.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import { parseQuery, queryResponse, str, tagMap, type QueryInput } from '../protocol/query';
import { XmlList, type XmlValue } from '../protocol/xml';
import type { GenericResource } from '../state';
import { findGeneric } from '../cloudformation/providers/types';
import { createDbSnapshot, dbInstanceStatus, dbSettings, dbSnapshots, dbSnapshotStatus, findDbInstance, findDbSnapshot } from './store';
import { DB_INSTANCE } from '../stores/lineage';

export const RDS_NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';

const tagList = (tags: Record<string, string>) => new XmlList(Object.entries(tags).map(([Key, Value]) => ({ Key, Value })), 'Tag');
const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
const bool = (v: unknown) => v === true || v === 'true';

function required(input: QueryInput, key: string): string {
  const value = str(input, key);
  if (value === undefined || value === '') fail('MissingParameter', `The request must contain the parameter ${key}`);
  return value;
}

function subnetGroupView(core: SandboxCore, db: GenericResource, vpcId: unknown): { [key: string]: XmlValue } {
  const name = db.properties.DBSubnetGroupName === undefined ? 'default' : String(db.properties.DBSubnetGroupName).toLowerCase();
  const group = findGeneric(core, 'AWS::RDS::DBSubnetGroup', name);
  const subnets = (Array.isArray(group?.properties.SubnetIds) ? group.properties.SubnetIds : []).map((id) => {
    const subnet = findGeneric(core, 'AWS::EC2::Subnet', String(id));
    return { SubnetIdentifier: String(id), SubnetAvailabilityZone: { Name: String(subnet?.attributes.AvailabilityZone ?? '') }, SubnetStatus: 'Active' };
  });
  return { DBSubnetGroupName: name, DBSubnetGroupDescription: String(group?.properties.DBSubnetGroupDescription ?? name), VpcId: vpcId as string | undefined, SubnetGroupStatus: 'Complete', Subnets: new XmlList(subnets, 'Subnet') };
}

function instanceView(core: SandboxCore, db: GenericResource): { [key: string]: XmlValue } {
  const s = dbSettings(core, db);
  const p = db.properties;
  const groups = Array.isArray(p.VPCSecurityGroups) ? p.VPCSecurityGroups.map(String) : [];
  return {
    DBInstanceIdentifier: db.physicalId,
    DBInstanceClass: String(p.DBInstanceClass ?? 'db.t4g.micro'),
    Engine: String(s.Engine),
    DBInstanceStatus: dbInstanceStatus(core, db),
    MasterUsername: s.MasterUsername as string | undefined,
    DBName: s.DBName as string | undefined,
    Endpoint: { Address: String(db.attributes['Endpoint.Address']), Port: String(s.Port), HostedZoneId: String(db.attributes['Endpoint.HostedZoneId'] ?? '') },
    AllocatedStorage: String(s.AllocatedStorage ?? 20),
    InstanceCreateTime: iso(db.createdAt),
    BackupRetentionPeriod: String(p.BackupRetentionPeriod ?? 1),
    VpcSecurityGroups: new XmlList(groups.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })), 'VpcSecurityGroupMembership'),
    AvailabilityZone: String(s.AvailabilityZone),
    DBSubnetGroup: subnetGroupView(core, db, s.VpcId),
    MultiAZ: bool(p.MultiAZ),
    EngineVersion: String(s.EngineVersion ?? ''),
    PubliclyAccessible: bool(p.PubliclyAccessible),
    StorageType: String(s.StorageType ?? 'gp2'),
    StorageEncrypted: bool(s.StorageEncrypted),
    KmsKeyId: s.KmsKeyId as string | undefined,
    DbiResourceId: String(s.DbiResourceId ?? ''),
    CopyTagsToSnapshot: bool(p.CopyTagsToSnapshot),
    DBInstanceArn: db.arn,
    TagList: tagList(db.tags),
  };
}

function snapshotView(snapshot: GenericResource): { [key: string]: XmlValue } {
  const data = snapshot.snapshot!;
  const s = data.settings;
  const status = dbSnapshotStatus(snapshot);
  return {
    DBSnapshotIdentifier: snapshot.physicalId,
    DBInstanceIdentifier: data.source,
    SnapshotCreateTime: iso(snapshot.createdAt),
    Engine: String(s.Engine ?? 'postgres'),
    AllocatedStorage: String(s.AllocatedStorage ?? 20),
    Status: status,
    Port: s.Port === undefined ? undefined : String(s.Port),
    AvailabilityZone: s.AvailabilityZone as string | undefined,
    VpcId: s.VpcId as string | undefined,
    InstanceCreateTime: iso(s.InstanceCreateTime ?? snapshot.createdAt),
    MasterUsername: s.MasterUsername as string | undefined,
    EngineVersion: String(s.EngineVersion ?? ''),
    SnapshotType: 'manual',
    PercentProgress: status === 'available' ? '100' : '0',
    StorageType: String(s.StorageType ?? 'gp2'),
    Encrypted: bool(s.StorageEncrypted),
    KmsKeyId: s.KmsKeyId as string | undefined,
    DBSnapshotArn: snapshot.arn,
    DbiResourceId: s.DbiResourceId as string | undefined,
    TagList: tagList(snapshot.tags),
    SnapshotTarget: 'region',
  };
}

function describeSnapshots(core: SandboxCore, input: QueryInput): GenericResource[] {
  const name = str(input, 'DBSnapshotIdentifier');
  const instance = str(input, 'DBInstanceIdentifier')?.toLowerCase();
  const type = str(input, 'SnapshotType');
  let list = dbSnapshots(core);
  if (name) {
    const found = findDbSnapshot(core, name);
    if (!found) fail('DBSnapshotNotFound', `DBSnapshot not found: ${name}`, 404);
    list = [found];
  }
  if (instance) list = list.filter((s) => s.snapshot?.source === instance);
  // Every snapshot the sandbox takes is manual (CreateDBSnapshot and final snapshots alike); it keeps no automated backups.
  if (type && type !== 'manual') list = [];
  return list.sort((a, b) => a.createdAt - b.createdAt);
}

/** Handles one RDS request. */
export async function handleRds(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  const { action, input } = parseQuery(req.body.toString('utf8'));
  const answer = (result: { [key: string]: XmlValue }) => queryResponse(action, RDS_NAMESPACE, result, req.requestId);
  switch (action) {
    case 'CreateDBSnapshot': {
      const snapshot = createDbSnapshot(core, required(input, 'DBInstanceIdentifier'), required(input, 'DBSnapshotIdentifier'), tagMap(input));
      // RDS answers before the snapshot starts: it is `creating` in the reply even when the sandbox's clock makes it instant.
      return answer({ DBSnapshot: { ...snapshotView(snapshot), Status: 'creating', PercentProgress: '0' } });
    }
    case 'DescribeDBSnapshots':
      return answer({ DBSnapshots: new XmlList(describeSnapshots(core, input).map(snapshotView), 'DBSnapshot') });
    case 'DeleteDBSnapshot': {
      const name = required(input, 'DBSnapshotIdentifier');
      const snapshot = findDbSnapshot(core, name);
      if (!snapshot) fail('DBSnapshotNotFound', `DBSnapshot not found: ${name}`, 404);
      if (dbSnapshotStatus(snapshot) !== 'available') fail('InvalidDBSnapshotState', `Cannot delete the snapshot because it is not in the available state (its status is ${dbSnapshotStatus(snapshot)}).`);
      const view = { ...snapshotView(snapshot), Status: 'deleted' };
      core.state.resources.delete(snapshot.arn);
      core.changed();
      return answer({ DBSnapshot: view });
    }
    case 'DescribeDBInstances': {
      const id = str(input, 'DBInstanceIdentifier');
      let list = [...core.state.resources.values()].filter((r) => r.type === DB_INSTANCE && r.region === core.region);
      if (id) {
        const found = findDbInstance(core, id);
        if (!found) fail('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
        list = [found];
      }
      return answer({ DBInstances: new XmlList(list.map((db) => instanceView(core, db)), 'DBInstance') });
    }
    default:
      fail('InvalidAction', `The action ${action} is not valid for this web service. (The Berth sandbox implements CreateDBSnapshot, DescribeDBSnapshots, DeleteDBSnapshot and DescribeDBInstances.)`);
  }
}
