/**
 * DHCP options sets and their association with a VPC, as EC2 keeps them: the association
 * decides the search domain every task in the VPC resolves bare names with.
 */
import { fail } from '../errors';
import { hex } from '../ids';
import { recorded } from '../cloudformation/providers/recorded';
import { findGeneric, registerGeneric, str, type ResourceProvider } from '../cloudformation/providers/types';
import type { SandboxCore } from '../core';
import { publicZoneOf, writeRecordSet } from '../cloudformation/providers/route53';

const DHCP_OPTIONS = 'AWS::EC2::DHCPOptions';
export const DHCP_ASSOCIATION = 'AWS::EC2::VPCDHCPOptionsAssociation';

const RECORD_SET = 'AWS::Route53::RecordSet';

/** A record's name as Route 53 stores it: lower case, with the trailing dot. */
function absolute(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** The private zone (a Cloud Map namespace's hosted zone) with this id. */
export function cloudMapZone(core: SandboxCore, zoneId: string): { name: string } | undefined {
  for (const r of core.state.resources.values()) {
    if (r.type === 'AWS::ServiceDiscovery::PrivateDnsNamespace' && r.attributes.HostedZoneId === zoneId) return { name: absolute(String(r.properties.Name)) };
  }
  return undefined;
}

function recordArn(props: Record<string, unknown>): string {
  return `arn:aws:route53:::hostedzone/${str(props, 'HostedZoneId') ?? str(props, 'HostedZoneName') ?? 'unknown'}/recordset/${absolute(str(props, 'Name') ?? '')}/${str(props, 'Type')}`;
}

/**
 * Route 53 records: unique per zone, name and type (the same name in two zones is fine), and
 * inside their zone. A public zone's records go through Route 53's change batches; a Cloud Map
 * namespace's private zone keeps them as recorded resources, which the VPC resolver reads.
 */
const recordSetProvider: ResourceProvider = {
  create(ctx, props) {
    const publicZone = publicZoneOf(ctx.core, props);
    if (publicZone) {
      writeRecordSet(ctx.core, publicZone, props, undefined);
      return { physicalId: str(props, 'Name')!, attributes: {} };
    }
    const name = absolute(str(props, 'Name') ?? '');
    const zoneId = str(props, 'HostedZoneId');
    if (zoneId) {
      const zone = cloudMapZone(ctx.core, zoneId);
      if (!zone) fail('NoSuchHostedZone', `No hosted zone found with ID: ${zoneId}`, 404);
      if (name !== zone.name && !name.endsWith(`.${zone.name}`)) fail('InvalidChangeBatch', `[RRSet with DNS name ${name} is not permitted in zone ${zone.name}]`);
    }
    const arn = recordArn(props);
    if (ctx.core.state.resources.has(arn)) fail('InvalidChangeBatch', `[Tried to create resource record set [name='${name}', type='${str(props, 'Type')}'] but it already exists]`);
    const physicalId = str(props, 'Name')!;
    registerGeneric(ctx, arn, physicalId, {}, props, {});
    return { physicalId, attributes: {} };
  },
  update(ctx, resource, props, previous) {
    const publicZone = publicZoneOf(ctx.core, props);
    if (publicZone) {
      writeRecordSet(ctx.core, publicZone, props, previous);
      return resource;
    }
    ctx.core.state.resources.delete(recordArn(previous));
    registerGeneric(ctx, recordArn(props), resource.physicalId, {}, props, {});
    return resource;
  },
  delete(ctx, _resource, props) {
    const publicZone = publicZoneOf(ctx.core, props);
    if (publicZone) {
      writeRecordSet(ctx.core, publicZone, undefined, props);
      return;
    }
    ctx.core.state.resources.delete(recordArn(props));
    ctx.core.changed();
  },
};

export const networkProviders: Record<string, ResourceProvider> = {
  [RECORD_SET]: recordSetProvider,
  [DHCP_OPTIONS]: recorded({
    validate(_ctx, props) {
      // EC2 documents no rule for domain-name (several space-separated domains are allowed), so none is invented here.
      const servers = Array.isArray(props.DomainNameServers) ? props.DomainNameServers.map(String) : [];
      if (servers.length > 4) fail('InvalidParameterValue', 'Value for parameter domain-name-servers is invalid: at most 4 servers.');
    },
    physicalId: () => `dopt-${hex(17)}`,
    arn: (ctx, id) => `arn:aws:ec2:${ctx.core.region}:${ctx.core.account}:dhcp-options/${id}`,
    attributes: (_c, id) => ({ DhcpOptionsId: id }),
    beforeDelete(ctx, resource) {
      // EC2 refuses to delete options a VPC still uses.
      const inUse = [...ctx.core.state.resources.values()].some((r) => r.type === DHCP_ASSOCIATION && r.properties.DhcpOptionsId === resource.physicalId);
      if (inUse) fail('DependencyViolation', `The dhcpOptions '${resource.physicalId}' has dependencies and cannot be deleted.`);
    },
  }),
  [DHCP_ASSOCIATION]: recorded({
    tagProperty: null,
    validate(ctx, props) {
      const vpc = str(props, 'VpcId') ?? '';
      const options = str(props, 'DhcpOptionsId') ?? '';
      if (!findGeneric(ctx.core, 'AWS::EC2::VPC', vpc)) fail('InvalidVpcID.NotFound', `The vpc ID '${vpc}' does not exist`);
      if (options !== 'default' && !findGeneric(ctx.core, DHCP_OPTIONS, options)) fail('InvalidDhcpOptionID.NotFound', `The dhcpOption ID '${options}' does not exist`);
    },
    physicalId: (_c, props) => `${str(props, 'DhcpOptionsId')}|${str(props, 'VpcId')}`,
    arn: (ctx, id) => `arn:aws:ec2:${ctx.core.region}:${ctx.core.account}:vpc-dhcp-options-association/${id.replace('|', '-')}`,
  }),
};

/**
 * EC2 refuses to delete a subnet while network interfaces live in it: running tasks, a load
 * balancer, a database or cache subnet group (their ENIs).
 */
export function refuseSubnetInUse(core: SandboxCore, subnetId: string): void {
  const taskInIt = [...core.state.ecs.tasks.values()].some((t) => t.lastStatus !== 'STOPPED' && t.network?.subnets.includes(subnetId));
  const listed = (value: unknown) => Array.isArray(value) && value.map(String).includes(subnetId);
  const resourceInIt = [...core.state.resources.values()].some(
    (r) => (r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && listed(r.properties.Subnets)) || (/SubnetGroup$/.test(r.type) && listed(r.properties.SubnetIds)),
  );
  if (taskInIt || resourceInIt) fail('DependencyViolation', `The subnet '${subnetId}' has dependencies and cannot be deleted.`);
}

/** The DHCP options a VPC uses (undefined: the region's default set). */
export function dhcpOptionsOf(core: Parameters<typeof findGeneric>[0], vpcId: string): Record<string, unknown> | undefined {
  const association = [...core.state.resources.values()].find((r) => r.type === DHCP_ASSOCIATION && r.properties.VpcId === vpcId);
  const id = association ? String(association.properties.DhcpOptionsId) : undefined;
  if (!id || id === 'default') return undefined;
  return findGeneric(core, DHCP_OPTIONS, id)?.properties;
}
