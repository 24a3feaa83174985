/**
 * ECS capacity providers: the built-in FARGATE and FARGATE_SPOT, and Auto Scaling group providers
 * (CreateCapacityProvider's checks, in ECS's words), their association with clusters, and the
 * checks a capacity provider strategy passes before ECS starts a task or a service on it.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import { uuid } from '../ids';
import type { EcsCapacityProvider, EcsCluster, EcsTaskDefinition } from '../state';
import { findGroup } from '../autoscaling/groups';
import { compatibilitiesOf, type Json } from './store';

export const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];

export type Strategy = { capacityProvider: string; weight?: number; base?: number }[];

const nameOf = (ref: string) => (ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref);

/** An active Auto Scaling group provider by name or ARN. */
export function findCapacityProvider(core: SandboxCore, ref: string): EcsCapacityProvider | undefined {
  const cp = core.state.ecsCapacity.providers.get(nameOf(ref));
  return cp?.status === 'ACTIVE' ? cp : undefined;
}

/** What a provider launches on: Fargate, EC2 instances of an Auto Scaling group, or nothing (no such provider). */
export function providerKind(core: SandboxCore, name: string): 'FARGATE' | 'EC2' | undefined {
  if (FARGATE_PROVIDERS.includes(name)) return 'FARGATE';
  return findCapacityProvider(core, name) ? 'EC2' : undefined;
}

export interface CapacityProviderInput {
  name: string;
  autoScalingGroupArn: string;
  managedScaling?: Partial<EcsCapacityProvider['managedScaling']>;
  managedTerminationProtection?: string;
  managedDraining?: string;
  tags: Record<string, string>;
}

/** CreateCapacityProvider: the group must exist, be no other provider's, and protect new instances when ECS is to protect them. */
export function createCapacityProvider(core: SandboxCore, input: CapacityProviderInput): EcsCapacityProvider {
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(input.name) || /^(aws|ecs|fargate)/i.test(input.name)) {
    fail('ClientException', 'The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens. The name cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.');
  }
  if (findCapacityProvider(core, input.name)) fail('ClientException', 'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.');
  const group = findGroup(core, input.autoScalingGroupArn);
  if (!group) fail('ClientException', 'The specified Auto Scaling group ARN is not valid. Specify a valid Auto Scaling group ARN and try again.');
  const taken = [...core.state.ecsCapacity.providers.values()].some((p) => p.status === 'ACTIVE' && p.groupName === group.name);
  if (taken) fail('ClientException', 'The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.');
  const protection = input.managedTerminationProtection === 'ENABLED' ? 'ENABLED' : 'DISABLED';
  if (protection === 'ENABLED' && !group.newInstancesProtectedFromScaleIn) {
    fail('ClientException', 'The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.');
  }
  const m = input.managedScaling ?? {};
  const cp: EcsCapacityProvider = {
    name: input.name,
    arn: `arn:aws:ecs:${core.region}:${core.account}:capacity-provider/${input.name}`,
    status: 'ACTIVE',
    autoScalingGroupArn: input.autoScalingGroupArn,
    groupName: group.name,
    managedScaling: {
      status: m.status === 'ENABLED' ? 'ENABLED' : 'DISABLED',
      targetCapacity: m.targetCapacity ?? 100,
      minimumScalingStepSize: m.minimumScalingStepSize ?? 1,
      maximumScalingStepSize: m.maximumScalingStepSize ?? 10000,
      instanceWarmupPeriod: m.instanceWarmupPeriod ?? 300,
    },
    managedTerminationProtection: protection,
    managedDraining: input.managedDraining === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    createdAt: Date.now(),
    tags: input.tags,
    policyId: uuid(),
    alarmId: uuid(),
  };
  core.state.ecsCapacity.providers.set(cp.name, cp);
  // ECS tags the group it manages (and its new instances) AmazonECSManaged.
  if (!group.tags.some((t) => t.key === 'AmazonECSManaged')) group.tags.push({ key: 'AmazonECSManaged', value: '', propagateAtLaunch: true });
  core.changed();
  core.kickEcs();
  return cp;
}

/** Clusters a provider is associated with. */
export function clustersUsing(core: SandboxCore, name: string): EcsCluster[] {
  return [...core.state.ecs.clusters.values()].filter((c) => c.status === 'ACTIVE' && c.capacityProviders.includes(name));
}

/** DeleteCapacityProvider: only a provider no cluster names any more. */
export function deleteCapacityProvider(core: SandboxCore, cp: EcsCapacityProvider): void {
  if (clustersUsing(core, cp.name).length > 0) fail('ResourceInUseException', 'The specified capacity provider is in use and cannot be removed.');
  cp.status = 'INACTIVE';
  core.changed();
  core.kickEcs();
}

/** DescribeCapacityProviders' view of a provider (the built-in ones have no group). */
export function capacityProviderView(cp: EcsCapacityProvider): Json {
  return {
    capacityProviderArn: cp.arn,
    name: cp.name,
    status: cp.status,
    autoScalingGroupProvider: { autoScalingGroupArn: cp.autoScalingGroupArn, managedScaling: cp.managedScaling, managedTerminationProtection: cp.managedTerminationProtection, managedDraining: cp.managedDraining },
    updateStatus: 'UPDATE_COMPLETE',
    tags: Object.entries(cp.tags).map(([key, value]) => ({ key, value })),
  };
}

export function fargateProviderView(name: string): Json {
  return { capacityProviderArn: `arn:aws:ecs:::capacity-provider/${name}`, name, status: 'ACTIVE', tags: [] };
}

/** What PutClusterCapacityProviders and the CloudFormation association check: the providers exist, the default strategy uses them, and none still in use is removed. */
export function checkAssociation(core: SandboxCore, cluster: EcsCluster, providers: string[], defaultStrategy: Strategy): void {
  for (const name of providers) if (!providerKind(core, name)) fail('InvalidParameterException', 'The specified capacity provider was not found. Specify a valid capacity provider and try again.');
  for (const item of defaultStrategy) {
    if (!providers.includes(item.capacityProvider)) fail('InvalidParameterException', 'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.');
  }
  checkMix(core, defaultStrategy);
  const removed = cluster.capacityProviders.filter((p) => !providers.includes(p));
  const inUse = [...core.state.ecs.services.values()].some((s) => s.clusterArn === cluster.arn && s.status !== 'INACTIVE' && (s.capacityProviderStrategy ?? []).some((i) => removed.includes(i.capacityProvider)));
  if (inUse) fail('ResourceInUseException', 'The specified capacity provider is in use and cannot be removed.');
}

function checkMix(core: SandboxCore, strategy: Strategy): void {
  const kinds = new Set(strategy.map((i) => providerKind(core, i.capacityProvider)));
  if (kinds.has('FARGATE') && kinds.has('EC2')) fail('InvalidParameterException', 'The specified capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.');
}

/** The launch type a task or service ends up on: its strategy's providers', else its launch type. */
export function launchKind(core: SandboxCore, strategy: Strategy | undefined, launchType: string | undefined): 'FARGATE' | 'EC2' | string {
  const first = strategy?.[0];
  if (first) return providerKind(core, first.capacityProvider) ?? 'FARGATE';
  return launchType ?? 'FARGATE';
}

/**
 * What CreateService, UpdateService and RunTask check of where tasks go: every provider of the
 * strategy associated with the cluster, one kind of provider, a task definition compatible with
 * it, and no public IP for awsvpc tasks on EC2.
 */
export function checkPlacement(core: SandboxCore, cluster: EcsCluster, strategy: Strategy | undefined, launchType: string | undefined, td: EcsTaskDefinition, networkConfiguration: Json | undefined): void {
  for (const item of strategy ?? []) {
    if (!cluster.capacityProviders.includes(item.capacityProvider) || !providerKind(core, item.capacityProvider)) {
      fail('InvalidParameterException', 'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.');
    }
  }
  if (strategy) checkMix(core, strategy);
  const kind = launchKind(core, strategy, launchType);
  // Neither a strategy nor a launch type: the sandbox runs the task as it always has (not judged here).
  if ((strategy || launchType) && !compatibilitiesOf(td).includes(kind)) fail('InvalidParameterException', `Task definition does not support launch_type ${kind}.`);
  const vpc = networkConfiguration?.awsvpcConfiguration as { assignPublicIp?: string } | undefined;
  if (kind === 'EC2' && vpc?.assignPublicIp === 'ENABLED') fail('InvalidParameterException', 'Assign public IP is not supported for this launch type.');
}
