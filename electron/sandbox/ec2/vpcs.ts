/**
 * VPCs as EC2 counts them per Region: those CloudFormation created (recorded resources of type
 * AWS::EC2::VPC) plus the default VPC every account has in every Region, seeded the first time
 * the Region is looked at. CreateVpc beyond "VPCs per Region" fails with VpcLimitExceeded.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import { hex } from '../ids';
import type { GenericResource } from '../state';
import type { ProviderContext } from '../cloudformation/providers/types';
import { enforcedQuota, VPCS_PER_REGION } from '../quotas/catalog';

export const VPC_TYPE = 'AWS::EC2::VPC';

/** The default VPC's block, the same in every account and Region. */
export const DEFAULT_VPC_CIDR = '172.31.0.0/16';

// CloudFormation's reason on a resource it replaces: the new VPC is created while the old one exists.
const REPLACING = 'Requested update requires the creation of a new physical resource';

/** Adds the Region's default VPC unless it has one (persisted like every recorded resource). */
export function ensureDefaultVpc(core: SandboxCore, region: string): void {
  for (const r of core.state.resources.values()) if (r.type === VPC_TYPE && r.region === region && r.attributes.IsDefault === true) return;
  const id = `vpc-${hex(17)}`;
  const arn = `arn:aws:ec2:${region}:${core.account}:vpc/${id}`;
  core.state.resources.set(arn, {
    arn,
    type: VPC_TYPE,
    physicalId: id,
    region,
    tags: {},
    createdAt: core.state.createdAt,
    attributes: { VpcId: id, CidrBlock: DEFAULT_VPC_CIDR, IsDefault: true, CidrBlockAssociations: [`vpc-cidr-assoc-${hex(17)}`], DefaultNetworkAcl: `acl-${hex(17)}`, DefaultSecurityGroup: `sg-${hex(17)}`, Ipv6CidrBlocks: [] },
    properties: { CidrBlock: DEFAULT_VPC_CIDR, EnableDnsSupport: true, EnableDnsHostnames: true, InstanceTenancy: 'default' },
  });
  core.changed();
}

/** Every VPC in a Region, default VPC first, then in creation order. */
export function vpcsIn(core: SandboxCore, region: string): GenericResource[] {
  ensureDefaultVpc(core, region);
  const vpcs = [...core.state.resources.values()].filter((r) => r.type === VPC_TYPE && r.region === region);
  return vpcs.sort((a, b) => a.createdAt - b.createdAt || a.physicalId.localeCompare(b.physicalId));
}

/**
 * Refuses a new VPC when the Region already holds its quota of them, with EC2's own error.
 * An in-place update of a stack's VPC creates none; a replacement creates one first.
 */
export function requireVpcRoom(ctx: ProviderContext): void {
  const own = ctx.stack.resources[ctx.logicalId];
  const exists = own?.physicalId ? ctx.core.state.resources.has(`arn:aws:ec2:${ctx.core.region}:${ctx.core.account}:vpc/${own.physicalId}`) : false;
  if (exists && !own?.reason?.startsWith(REPLACING)) return;
  const limit = enforcedQuota(ctx.core, ctx.core.region, VPCS_PER_REGION);
  if (vpcsIn(ctx.core, ctx.core.region).length >= limit) fail('VpcLimitExceeded', 'The maximum number of VPCs has been reached.');
}
