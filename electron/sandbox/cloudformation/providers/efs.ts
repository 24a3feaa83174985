/**
 * Amazon EFS as CloudFormation creates it: file systems, one mount target per availability zone
 * (in a subnet, behind security groups of the subnet's VPC), and access points. The files a
 * simulated task writes through an access point are kept on it (size and digest), so a new task
 * of the service finds them as EFS would keep them.
 */
import { fail } from '../../errors';
import { hex } from '../../ids';
import { recorded } from './recorded';
import { findGeneric, str, type ProviderContext } from './types';

export const FILE_SYSTEM = 'AWS::EFS::FileSystem';
export const MOUNT_TARGET = 'AWS::EFS::MountTarget';
export const ACCESS_POINT = 'AWS::EFS::AccessPoint';

const efsArn = (kind: string) => (ctx: ProviderContext, id: string) => `arn:aws:elasticfilesystem:${ctx.core.region}:${ctx.core.account}:${kind}/${id}`;

function requireFileSystem(ctx: ProviderContext, id: string | undefined): void {
  if (!id || !findGeneric(ctx.core, FILE_SYSTEM, id)) fail('FileSystemNotFound', `File system '${id ?? ''}' does not exist.`, 404);
}

export const efsProviders = {
  [FILE_SYSTEM]: recorded({
    tagProperty: 'FileSystemTags',
    validate(_ctx, props) {
      const performance = str(props, 'PerformanceMode') ?? 'generalPurpose';
      const throughput = str(props, 'ThroughputMode') ?? 'bursting';
      if (!['generalPurpose', 'maxIO'].includes(performance)) fail('BadRequest', `1 validation error detected: Value '${performance}' at 'performanceMode' failed to satisfy constraint: Member must satisfy enum value set: [generalPurpose, maxIO]`);
      if (!['bursting', 'provisioned', 'elastic'].includes(throughput)) fail('BadRequest', `1 validation error detected: Value '${throughput}' at 'throughputMode' failed to satisfy constraint: Member must satisfy enum value set: [bursting, provisioned, elastic]`);
      if (throughput === 'elastic' && performance === 'maxIO') fail('BadRequest', 'Elastic throughput mode is not supported with the Max I/O performance mode.');
    },
    physicalId: () => `fs-${hex(17)}`,
    arn: efsArn('file-system'),
    attributes: (ctx, id) => ({ FileSystemId: id, Arn: efsArn('file-system')(ctx, id) }),
  }),
  [MOUNT_TARGET]: recorded({
    tagProperty: null,
    validate(ctx, props) {
      const fs = str(props, 'FileSystemId');
      requireFileSystem(ctx, fs);
      const subnet = findGeneric(ctx.core, 'AWS::EC2::Subnet', str(props, 'SubnetId') ?? '');
      if (!subnet) fail('SubnetNotFound', `The subnet ID '${str(props, 'SubnetId')}' does not exist`, 404);
      const zone = String(subnet.attributes.AvailabilityZone);
      for (const r of ctx.core.state.resources.values()) {
        if (r.type !== MOUNT_TARGET || r.properties.FileSystemId !== fs) continue;
        const other = findGeneric(ctx.core, 'AWS::EC2::Subnet', String(r.properties.SubnetId));
        if (other && String(other.attributes.AvailabilityZone) === zone) fail('MountTargetConflict', 'mount target already exists in this AZ', 409);
      }
      for (const group of Array.isArray(props.SecurityGroups) ? props.SecurityGroups.map(String) : []) {
        const sg = findGeneric(ctx.core, 'AWS::EC2::SecurityGroup', group);
        if (!sg) fail('SecurityGroupNotFound', `The security group '${group}' does not exist`, 400);
        if (String(sg.properties.VpcId) !== String(subnet.properties.VpcId)) fail('SecurityGroupMismatch', `Security group ${group} does not belong to the VPC of subnet ${String(props.SubnetId)}.`, 400);
      }
    },
    physicalId: () => `fsmt-${hex(17)}`,
    arn: efsArn('mount-target'),
    attributes: (_c, id) => ({ Id: id, IpAddress: `10.0.${128 + Math.floor(Math.random() * 32)}.${4 + Math.floor(Math.random() * 250)}` }),
  }),
  [ACCESS_POINT]: recorded({
    tagProperty: 'AccessPointTags',
    validate(ctx, props) {
      requireFileSystem(ctx, str(props, 'FileSystemId'));
      const root = props.RootDirectory as { Path?: string } | undefined;
      if (root?.Path !== undefined && !/^\/.{0,99}$/.test(root.Path)) fail('BadRequest', 'RootDirectory Path must start with / and be at most 100 characters.');
    },
    physicalId: () => `fsap-${hex(17)}`,
    arn: efsArn('access-point'),
    attributes: (ctx, id) => ({ AccessPointId: id, Arn: efsArn('access-point')(ctx, id) }),
  }),
};
