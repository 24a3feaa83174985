/** What a resource's subnets say about it: their zones and their VPC, and subnet groups that may not leave their VPC. */
import type { SandboxCore } from '../../core';
import { findGeneric, type ProviderContext, type ResourceProvider } from './types';

/** The availability zones of known subnets (undefined when a subnet is not the sandbox's). */
export function subnetZones(ctx: ProviderContext, subnetIds: unknown): string[] | undefined {
  if (!Array.isArray(subnetIds)) return undefined;
  const zones: string[] = [];
  for (const id of subnetIds) {
    const subnet = findGeneric(ctx.core, 'AWS::EC2::Subnet', String(id));
    if (!subnet) return undefined;
    zones.push(String(subnet.attributes.AvailabilityZone));
  }
  return zones;
}

/** The VPC of the first subnet the sandbox knows in a list. */
export function vpcOfSubnets(core: SandboxCore, subnetIds: unknown): string | undefined {
  for (const id of Array.isArray(subnetIds) ? subnetIds : []) {
    const subnet = findGeneric(core, 'AWS::EC2::Subnet', String(id));
    if (subnet) return String(subnet.properties.VpcId);
  }
  return undefined;
}

/** A subnet group refuses new subnets in another VPC (`refuse` throws the service's error): a new group is the way to move. */
export function stayInVpc(provider: ResourceProvider, refuse: (before: string, after: string) => never): ResourceProvider {
  return {
    ...provider,
    update(ctx, resource, props, previous) {
      const before = vpcOfSubnets(ctx.core, previous.SubnetIds);
      const after = vpcOfSubnets(ctx.core, props.SubnetIds);
      if (before && after && before !== after) refuse(before, after);
      return provider.update!(ctx, resource, props, previous);
    },
  };
}
