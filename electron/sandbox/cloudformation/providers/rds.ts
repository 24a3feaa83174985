/**
 * RDS as CloudFormation creates it: subnet groups (which never leave their VPC), parameter groups
 * and DB instances. An instance with `DBSnapshotIdentifier` is restored from that snapshot (it
 * must exist and be complete) and takes its data and settings; without one it starts empty.
 */
import { fail } from '../../errors';
import { SANDBOX_DNS_SUFFIX } from '../../identity';
import { hex, upperId } from '../../ids';
import { findDbSnapshot, recordDbSnapshot, requireRestorableDbSnapshot } from '../../rds/store';
import type { GenericResource } from '../../state';
import { DB_INSTANCE, defaultVpcId, newDataId, vpcOfStore } from '../../stores/lineage';
import { recorded } from './recorded';
import { stayInVpc, subnetZones } from './subnets';
import { findGeneric, generatedName, str, type ProviderContext, type ResourceProvider } from './types';

/** The DB parameter group families RDS has for PostgreSQL majors it offers (postgres11 … postgres18). */
const POSTGRES_FAMILIES = new Set(Array.from({ length: 8 }, (_, i) => `postgres${11 + i}`));

/** What CloudFormation's docs say not to give when restoring from a snapshot: the snapshot decides it. */
const DECIDED_BY_SNAPSHOT = ['CharacterSetName', 'DBClusterIdentifier', 'DBName', 'KmsKeyId', 'MasterUsername', 'MasterUserPassword', 'PromotionTier', 'SourceDBInstanceIdentifier', 'SourceRegion', 'StorageEncrypted', 'Timezone'];

/** The settings a restored instance inherits from its snapshot. */
const INHERITED = ['Engine', 'EngineVersion', 'MasterUsername', 'DBName', 'StorageEncrypted', 'KmsKeyId', 'AllocatedStorage', 'StorageType', 'LicenseModel'];

/** RDS refuses a parameter group of another engine major than the instance's (InvalidParameterCombination). */
function requireParameterGroupFamily(ctx: ProviderContext, props: Record<string, unknown>): void {
  const name = str(props, 'DBParameterGroupName');
  if (!name) return;
  const group = findGeneric(ctx.core, 'AWS::RDS::DBParameterGroup', name.toLowerCase());
  if (!group) fail('DBParameterGroupNotFound', `DBParameterGroup not found: ${name}`, 404);
  const engine = (str(props, 'Engine') ?? '').toLowerCase();
  const major = /^(\d+)/.exec(str(props, 'EngineVersion') ?? '')?.[1];
  if (engine !== 'postgres' || !major) return;
  const family = String(group.properties.Family ?? '');
  const expected = `postgres${major}`;
  if (family !== expected) {
    fail('InvalidParameterCombination', `The Parameter Group ${name} with DBParameterGroupFamily ${family} cannot be used for this instance. Please use a Parameter Group with DBParameterGroupFamily ${expected}`);
  }
}

/** RDS refuses VPC security groups of another VPC than the instance's DB subnet group (InvalidParameterCombination). */
function requireSecurityGroupsInVpc(ctx: ProviderContext, props: Record<string, unknown>): void {
  const groups = Array.isArray(props.VPCSecurityGroups) ? props.VPCSecurityGroups.map(String) : [];
  const dbVpc = groups.length > 0 ? vpcOfStore(ctx.core, DB_INSTANCE, props, ctx.core.region) : undefined;
  if (!dbVpc) return;
  for (const id of groups) {
    const group = findGeneric(ctx.core, 'AWS::EC2::SecurityGroup', id);
    const groupVpc = group ? (str(group.properties, 'VpcId') ?? defaultVpcId(ctx.core, ctx.core.region)) : undefined;
    if (groupVpc && groupVpc !== dbVpc) fail('InvalidParameterCombination', `The DB instance and EC2 security group are in different VPCs. The DB instance is in ${dbVpc} and the EC2 security group is in ${groupVpc}`);
  }
}

/** The snapshot a new instance restores from (none for an absent or empty DBSnapshotIdentifier: a new, empty database). */
function restoreSource(ctx: ProviderContext, props: Record<string, unknown>): GenericResource | undefined {
  const id = str(props, 'DBSnapshotIdentifier');
  if (!id) return undefined;
  const settings = findDbSnapshot(ctx.core, id)?.snapshot?.settings ?? {};
  const engine = String(props.Engine ?? settings.Engine ?? '');
  for (const key of DECIDED_BY_SNAPSHOT) {
    if (props[key] === undefined) continue;
    // DBName still names the SID on Oracle; StorageEncrypted is refused only with an unencrypted snapshot.
    if (key === 'DBName' && engine.startsWith('oracle')) continue;
    if (key === 'StorageEncrypted' && settings.StorageEncrypted === true) continue;
    fail('InvalidParameterCombination', `${key} can't be specified when the DB instance is restored from DB snapshot ${id}: it is inherited from the snapshot.`);
  }
  return requireRestorableDbSnapshot(ctx.core, id);
}

const recordedInstance = recorded({
  duration: 'database',
  nameProperty: 'DBInstanceIdentifier',
  validate(ctx, props) {
    const password = str(props, 'MasterUserPassword');
    if (password !== undefined) {
      if (password.length < 8) fail('InvalidParameterValue', 'The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.');
      if (/[/@" ]/.test(password) || /[^\x20-\x7e]/.test(password)) fail('InvalidParameterValue', "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.");
    }
    const group = str(props, 'DBSubnetGroupName');
    if (group && !findGeneric(ctx.core, 'AWS::RDS::DBSubnetGroup', group.toLowerCase())) fail('DBSubnetGroupNotFoundFault', `DBSubnetGroup '${group}' not found`, 404);
    requireParameterGroupFamily(ctx, props);
    requireSecurityGroupsInVpc(ctx, props);
  },
  physicalId: (ctx, props) => (str(props, 'DBInstanceIdentifier') ?? generatedName(ctx, 63, true)).toLowerCase(),
  arn: (ctx, id) => `arn:aws:rds:${ctx.core.region}:${ctx.core.account}:db:${id}`,
  attributes: (ctx, id, props) => {
    const engine = (str(props, 'Engine') ?? 'postgres').toLowerCase();
    const port = str(props, 'Port') ?? (engine.includes('postgres') ? '5432' : engine.includes('sqlserver') ? '1433' : engine.includes('oracle') ? '1521' : '3306');
    return {
      'Endpoint.Address': `${id}.${hex(12)}.${ctx.core.region}.rds.${SANDBOX_DNS_SUFFIX}`,
      'Endpoint.Port': port,
      'Endpoint.HostedZoneId': 'ZSANDBOXBERTHRDS',
      DBInstanceArn: `arn:aws:rds:${ctx.core.region}:${ctx.core.account}:db:${id}`,
      DbiResourceId: `db-${upperId(26)}`,
      DBInstanceStatus: 'available',
      InstanceCreateTime: new Date().toISOString(),
    };
  },
  snapshot(ctx, resource) {
    const db = findGeneric(ctx.core, DB_INSTANCE, resource.physicalId);
    if (db) recordDbSnapshot(ctx.core, db, `${ctx.stack.name}-${ctx.logicalId}-${hex(12)}`.slice(0, 255), db.tags, 'now');
  },
});

const dbInstanceProvider: ResourceProvider = {
  ...recordedInstance,
  create(ctx, props) {
    const snapshot = restoreSource(ctx, props);
    const source = snapshot?.snapshot;
    const created = recordedInstance.create(ctx, props);
    const db = findGeneric(ctx.core, DB_INSTANCE, created.physicalId)!;
    const availableAt = Date.now() + ctx.core.timing.ms('database');
    if (source) {
      db.data = { dataId: source.dataId, restoredFrom: snapshot!.physicalId, availableAt, inherited: Object.fromEntries(INHERITED.filter((k) => source.settings[k] !== undefined).map((k) => [k, source.settings[k]])) };
      // The endpoint listens on the snapshot's port unless the template names one.
      if (props.Port === undefined && source.settings.Port !== undefined) created.attributes['Endpoint.Port'] = String(source.settings.Port);
    } else db.data = { dataId: newDataId(), availableAt };
    ctx.core.changed();
    return created;
  },
};

export const rdsProviders: Record<string, ResourceProvider> = {
  'AWS::RDS::DBSubnetGroup': stayInVpc(
    recorded({
      nameProperty: 'DBSubnetGroupName',
      validate(ctx, props) {
        const zones = subnetZones(ctx, props.SubnetIds);
        if (zones && new Set(zones).size < 2) fail('DBSubnetGroupDoesNotCoverEnoughAZs', `The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: ${[...new Set(zones)].join(', ')}. Add subnets to cover at least 2 AZs.`);
      },
      physicalId: (ctx, props) => (str(props, 'DBSubnetGroupName') ?? generatedName(ctx, 255)).toLowerCase(),
      arn: (ctx, id) => `arn:aws:rds:${ctx.core.region}:${ctx.core.account}:subgrp:${id}`,
    }),
    () => fail('InvalidParameterValue', 'The new Subnets are not in the same Vpc as the existing subnet group'),
  ),
  'AWS::RDS::DBParameterGroup': recorded({
    nameProperty: 'DBParameterGroupName',
    validate(_ctx, props) {
      const family = str(props, 'Family') ?? '';
      if (!family) fail('InvalidParameterValue', 'The parameter ParameterGroupFamily must be provided and must not be empty.');
      if (family.startsWith('postgres') && !POSTGRES_FAMILIES.has(family)) fail('InvalidParameterValue', `ParameterGroupFamily ${family} is not a valid parameter group family`);
    },
    physicalId: (ctx, props) => (str(props, 'DBParameterGroupName') ?? generatedName(ctx, 255)).toLowerCase(),
    arn: (ctx, id) => `arn:aws:rds:${ctx.core.region}:${ctx.core.account}:pg:${id}`,
    attributes: (_c, id) => ({ DBParameterGroupName: id }),
  }),
  [DB_INSTANCE]: dbInstanceProvider,
};
