/**
 * EC2 capacity for ECS through CloudFormation: launch templates (a new version on each data
 * change), instance profiles, Auto Scaling groups (CloudFormation waits for a group that must hold
 * instances, and for every instance to terminate when it deletes one) and ECS capacity providers.
 */
import { fail } from '../../errors';
import type { SandboxCore } from '../../core';
import { addLaunchTemplateVersion, createLaunchTemplate } from '../../ec2/launch-templates';
import { createGroup, findGroup, groupInstances, startGroupDeletion, updateGroup, type GroupInput } from '../../autoscaling/groups';
import { createCapacityProvider, deleteCapacityProvider, findCapacityProvider } from '../../ecs/capacity-providers';
import { recorded } from './recorded';
import { subnetZones } from './subnets';
import { ResourceFailure, allTags, findGeneric, generatedName, propTags, str, type ProviderContext, type ResourceProvider } from './types';
import { toApiShape } from './containers';
import { uuid } from '../../ids';

const num = (v: unknown, fallback: number) => (v === undefined || v === null || v === '' ? fallback : Number(v));

const launchTemplateProvider: ResourceProvider = {
  nameProperty: 'LaunchTemplateName',
  create(ctx, props) {
    const data = (props.LaunchTemplateData as Record<string, unknown> | undefined) ?? {};
    const tags = { ...ctx.stackTags, ...tagsFor(props.TagSpecifications, 'launch-template') };
    const template = createLaunchTemplate(ctx.core, str(props, 'LaunchTemplateName') ?? generatedName(ctx, 128), data, tags);
    return { physicalId: template.id, attributes: { LaunchTemplateId: template.id, LatestVersionNumber: '1', DefaultVersionNumber: '1' } };
  },
  update(ctx, resource, props, previous) {
    const template = ctx.core.state.ec2.launchTemplates.get(resource.physicalId);
    if (!template) fail('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${resource.physicalId}, does not exist.`);
    template.tags = { ...ctx.stackTags, ...tagsFor(props.TagSpecifications, 'launch-template') };
    // A change of LaunchTemplateData is a new version, and CloudFormation makes it the default.
    if (JSON.stringify(props.LaunchTemplateData) !== JSON.stringify(previous.LaunchTemplateData)) addLaunchTemplateVersion(ctx.core, template, (props.LaunchTemplateData as Record<string, unknown>) ?? {});
    ctx.core.changed();
    return { physicalId: template.id, attributes: { LaunchTemplateId: template.id, LatestVersionNumber: String(template.versions.length), DefaultVersionNumber: String(template.defaultVersion) } };
  },
  delete(ctx, resource) {
    ctx.core.state.ec2.launchTemplates.delete(resource.physicalId);
    ctx.core.changed();
  },
};

function tagsFor(specs: unknown, resourceType: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of Array.isArray(specs) ? (specs as { ResourceType?: string; Tags?: unknown }[]) : []) if (spec.ResourceType === resourceType) Object.assign(out, propTags(spec.Tags));
  return out;
}

const instanceProfileProvider = recorded({
  nameProperty: 'InstanceProfileName',
  tagProperty: null,
  validate(ctx, props) {
    for (const role of Array.isArray(props.Roles) ? props.Roles : []) if (!findGeneric(ctx.core, 'AWS::IAM::Role', String(role))) fail('NoSuchEntity', `The role with name ${String(role)} cannot be found.`, 404);
  },
  physicalId: (ctx, props) => str(props, 'InstanceProfileName') ?? generatedName(ctx, 128),
  arn: (ctx, id, props) => `arn:aws:iam::${ctx.core.account}:instance-profile${str(props, 'Path') ?? '/'}${id}`,
  attributes: (ctx, id, props) => ({ Arn: `arn:aws:iam::${ctx.core.account}:instance-profile${str(props, 'Path') ?? '/'}${id}` }),
});

function groupInput(ctx: ProviderContext, props: Record<string, unknown>, name: string): GroupInput {
  if (props.LaunchConfigurationName !== undefined || props.MixedInstancesPolicy !== undefined || props.InstanceId !== undefined) {
    throw new ResourceFailure('The Berth sandbox launches Auto Scaling groups from a LaunchTemplate only (not LaunchConfigurationName, MixedInstancesPolicy or InstanceId).');
  }
  const template = props.LaunchTemplate as { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: unknown } | undefined;
  if (!template) fail('ValidationError', 'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
  const subnets = (Array.isArray(props.VPCZoneIdentifier) ? props.VPCZoneIdentifier : typeof props.VPCZoneIdentifier === 'string' ? props.VPCZoneIdentifier.split(',') : []).map((s) => String(s).trim()).filter(Boolean);
  const zones = Array.isArray(props.AvailabilityZones) ? props.AvailabilityZones.map(String) : [...new Set(subnetZones(ctx, subnets) ?? [])];
  // CloudFormation's own tags go onto the instances as well.
  const stackTags = Object.entries(ctx.stackTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
  const own = (Array.isArray(props.Tags) ? (props.Tags as { Key: string; Value: string; PropagateAtLaunch?: unknown }[]) : []).map((t) => ({ key: String(t.Key), value: String(t.Value ?? ''), propagateAtLaunch: t.PropagateAtLaunch === true || t.PropagateAtLaunch === 'true' }));
  return {
    name,
    minSize: num(props.MinSize, 0),
    maxSize: num(props.MaxSize, 0),
    ...(props.DesiredCapacity !== undefined ? { desiredCapacity: num(props.DesiredCapacity, 0) } : {}),
    launchTemplate: { id: template.LaunchTemplateId, name: template.LaunchTemplateName, version: template.Version === undefined ? undefined : String(template.Version) },
    subnets,
    availabilityZones: zones,
    tags: [...stackTags.filter((t) => !own.some((o) => o.key === t.key)), ...own],
    newInstancesProtectedFromScaleIn: props.NewInstancesProtectedFromScaleIn === true || props.NewInstancesProtectedFromScaleIn === 'true',
    healthCheckType: str(props, 'HealthCheckType'),
    healthCheckGracePeriod: props.HealthCheckGracePeriod === undefined ? undefined : Number(props.HealthCheckGracePeriod),
    defaultCooldown: props.Cooldown === undefined ? undefined : Number(props.Cooldown),
  };
}

/** CloudFormation waits until a group holds its desired instances, and fails it when launches fail. */
async function stabilizeGroup(core: SandboxCore, name: string): Promise<void> {
  for (;;) {
    const group = core.state.autoscaling.groups.get(name);
    if (!group) return;
    const live = groupInstances(core, group);
    const ready = live.filter((i) => i.state === 'running').length;
    if (ready >= group.desiredCapacity) return;
    if (group.launchBlock && live.length < group.desiredCapacity) {
      throw new ResourceFailure(`Resource handler returned message: "Group did not stabilize. {current/minSize/maxSize} group size = {${ready}/${group.minSize}/${group.maxSize}}. Failed Scaling Activity: ${group.launchBlock.problem}" (RequestToken: ${uuid()}, HandlerErrorCode: NotStabilized)`);
    }
    await core.scheduler.nextSignal();
  }
}

const autoScalingGroupProvider: ResourceProvider = {
  nameProperty: 'AutoScalingGroupName',
  create(ctx, props) {
    const group = createGroup(ctx.core, groupInput(ctx, props, str(props, 'AutoScalingGroupName') ?? generatedName(ctx, 255)));
    return { physicalId: group.name, attributes: { AutoScalingGroupARN: group.arn } };
  },
  stabilize: (ctx, resource) => stabilizeGroup(ctx.core, resource.physicalId),
  update(ctx, resource, props) {
    const group = ctx.core.state.autoscaling.groups.get(resource.physicalId);
    if (!group) fail('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup ${resource.physicalId} not found`);
    updateGroup(ctx.core, group, groupInput(ctx, props, group.name));
    return resource;
  },
  delete(ctx, resource) {
    const group = ctx.core.state.autoscaling.groups.get(resource.physicalId);
    if (group) startGroupDeletion(ctx.core, group);
  },
  async awaitDeleted(ctx, resource) {
    while (ctx.core.state.autoscaling.groups.has(resource.physicalId)) await ctx.core.scheduler.nextSignal();
  },
};

const capacityProviderProvider: ResourceProvider = {
  nameProperty: 'Name',
  create(ctx, props) {
    if (props.ManagedInstancesProvider !== undefined) throw new ResourceFailure('The Berth sandbox does not model ECS Managed Instances capacity providers (ManagedInstancesProvider).');
    const asg = toApiShape(props.AutoScalingGroupProvider) as Record<string, unknown> | undefined;
    if (!asg) fail('InvalidParameterException', 'autoScalingGroupProvider is required.');
    const cp = createCapacityProvider(ctx.core, {
      name: str(props, 'Name') ?? generatedName(ctx, 255),
      autoScalingGroupArn: String(asg.autoScalingGroupArn ?? ''),
      managedScaling: numbers(asg.managedScaling as Record<string, unknown> | undefined),
      managedTerminationProtection: asg.managedTerminationProtection as string | undefined,
      managedDraining: asg.managedDraining as string | undefined,
      tags: allTags(ctx, props),
    });
    return { physicalId: cp.name, attributes: {} };
  },
  update(ctx, resource, props) {
    const cp = findCapacityProvider(ctx.core, resource.physicalId);
    const asg = toApiShape(props.AutoScalingGroupProvider) as Record<string, unknown> | undefined;
    if (!cp || !asg) return resource;
    // UpdateCapacityProvider changes the scaling settings; the group itself is fixed.
    const group = findGroup(ctx.core, String(asg.autoScalingGroupArn ?? ''));
    if (!group || group.name !== cp.groupName) fail('ClientException', 'The Auto Scaling group of a capacity provider cannot be changed.');
    const m = numbers(asg.managedScaling as Record<string, unknown> | undefined) ?? {};
    cp.managedScaling = { ...cp.managedScaling, ...m, status: m.status === 'ENABLED' ? 'ENABLED' : 'DISABLED' };
    cp.tags = allTags(ctx, props);
    ctx.core.changed();
    ctx.core.kickEcs();
    return resource;
  },
  delete(ctx, resource) {
    const cp = findCapacityProvider(ctx.core, resource.physicalId);
    if (cp) deleteCapacityProvider(ctx.core, cp);
  },
};

/** Managed scaling settings as numbers (CloudFormation passes template values as strings too). */
function numbers(m: Record<string, unknown> | undefined): Partial<{ status: 'ENABLED' | 'DISABLED'; targetCapacity: number; minimumScalingStepSize: number; maximumScalingStepSize: number; instanceWarmupPeriod: number }> | undefined {
  if (!m) return undefined;
  const out: Record<string, unknown> = { status: m.status };
  for (const key of ['targetCapacity', 'minimumScalingStepSize', 'maximumScalingStepSize', 'instanceWarmupPeriod']) if (m[key] !== undefined) out[key] = Number(m[key]);
  return out;
}

export const capacityProviders: Record<string, ResourceProvider> = {
  'AWS::EC2::LaunchTemplate': launchTemplateProvider,
  'AWS::IAM::InstanceProfile': instanceProfileProvider,
  'AWS::AutoScaling::AutoScalingGroup': autoScalingGroupProvider,
  'AWS::ECS::CapacityProvider': capacityProviderProvider,
};
