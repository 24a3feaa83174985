/**
 * Auto Scaling groups as Amazon EC2 Auto Scaling keeps them: bounds, desired capacity, the launch
 * template they launch, and the scaling activities that say what happened and why, in AWS's words
 * (`At <time> a user request created an AutoScalingGroup changing the desired capacity from 0 to 1.`).
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import { uuid } from '../ids';
import type { AutoScalingActivity, AutoScalingGroup, Ec2Instance } from '../state';
import { findLaunchTemplate } from '../ec2/launch-templates';

/** A time as scaling activities write it: `2024-01-13T20:47:24Z`. */
export function causeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `arn:aws:autoscaling:<region>:<account>:autoScalingGroup:<uuid>:autoScalingGroupName/<name>`. */
function groupArn(core: SandboxCore, name: string): string {
  return `arn:aws:autoscaling:${core.region}:${core.account}:autoScalingGroup:${uuid()}:autoScalingGroupName/${name}`;
}

/** The group a name or ARN names (`AutoScalingGroupArn` of a capacity provider takes either). */
export function findGroup(core: SandboxCore, ref: string): AutoScalingGroup | undefined {
  const name = ref.startsWith('arn:') ? /autoScalingGroupName\/(.+)$/.exec(ref)?.[1] : ref;
  const group = name === undefined ? undefined : core.state.autoscaling.groups.get(name);
  return group && (!ref.startsWith('arn:') || group.arn === ref) ? group : undefined;
}

export interface GroupInput {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity?: number;
  launchTemplate: { id?: string; name?: string; version?: string };
  subnets: string[];
  availabilityZones: string[];
  tags: AutoScalingGroup['tags'];
  newInstancesProtectedFromScaleIn: boolean;
  healthCheckType?: string;
  healthCheckGracePeriod?: number;
  defaultCooldown?: number;
}

function checkBounds(min: number, max: number, desired: number | undefined): void {
  if (max < min) fail('ValidationError', `Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired !== undefined && (desired < min || desired > max)) fail('ValidationError', `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
}

function templateId(core: SandboxCore, ref: GroupInput['launchTemplate']): string {
  const template = findLaunchTemplate(core, ref.id ?? ref.name ?? '');
  if (!template) fail('ValidationError', `You must use a valid fully-formed launch template. The specified launch template, with template ${ref.id ? `ID ${ref.id}` : `name ${ref.name}`}, does not exist.`);
  return template.id;
}

/** Creates a group (CreateAutoScalingGroup's checks); the simulation launches what it needs. */
export function createGroup(core: SandboxCore, input: GroupInput): AutoScalingGroup {
  if (core.state.autoscaling.groups.has(input.name)) fail('AlreadyExists', `AutoScalingGroup by this name already exists - A group with the name ${input.name} already exists`);
  checkBounds(input.minSize, input.maxSize, input.desiredCapacity);
  if (input.subnets.length === 0 && input.availabilityZones.length === 0) fail('ValidationError', 'At least one Availability Zone or VPC Subnet is required.');
  const now = Date.now();
  const desired = input.desiredCapacity ?? input.minSize;
  const group: AutoScalingGroup = {
    name: input.name,
    arn: groupArn(core, input.name),
    createdAt: now,
    minSize: input.minSize,
    maxSize: input.maxSize,
    desiredCapacity: desired,
    launchTemplate: { id: templateId(core, input.launchTemplate), version: input.launchTemplate.version ?? '$Default' },
    subnets: input.subnets,
    availabilityZones: input.availabilityZones,
    tags: input.tags,
    newInstancesProtectedFromScaleIn: input.newInstancesProtectedFromScaleIn,
    healthCheckType: input.healthCheckType ?? 'EC2',
    healthCheckGracePeriod: input.healthCheckGracePeriod ?? 0,
    defaultCooldown: input.defaultCooldown ?? 300,
    ...(desired > 0 ? { desiredCause: `At ${causeTime(now)} a user request created an AutoScalingGroup changing the desired capacity from 0 to ${desired}.` } : {}),
  };
  core.state.autoscaling.groups.set(group.name, group);
  core.changed();
  core.kickEcs();
  return group;
}

/** UpdateAutoScalingGroup: new bounds, template or subnets; the desired capacity follows the bounds. */
export function updateGroup(core: SandboxCore, group: AutoScalingGroup, input: GroupInput): void {
  checkBounds(input.minSize, input.maxSize, input.desiredCapacity);
  group.launchTemplate = { id: templateId(core, input.launchTemplate), version: input.launchTemplate.version ?? '$Default' };
  group.subnets = input.subnets;
  group.availabilityZones = input.availabilityZones;
  group.tags = input.tags;
  group.newInstancesProtectedFromScaleIn = input.newInstancesProtectedFromScaleIn;
  group.launchBlock = undefined;
  const desired = input.desiredCapacity ?? Math.min(input.maxSize, Math.max(input.minSize, group.desiredCapacity));
  const before = group.desiredCapacity;
  group.minSize = input.minSize;
  group.maxSize = input.maxSize;
  if (desired !== before) setDesired(core, group, desired, `At ${causeTime(Date.now())} a user request update of AutoScalingGroup constraints to min: ${input.minSize}, max: ${input.maxSize}, desired: ${desired} changing the desired capacity from ${before} to ${desired}.`);
  core.changed();
  core.kickEcs();
}

/** Sets the desired capacity with the cause the next activities will cite. */
export function setDesired(core: SandboxCore, group: AutoScalingGroup, desired: number, cause: string): void {
  if (desired === group.desiredCapacity) return;
  group.desiredCapacity = desired;
  group.desiredCause = cause;
  // A new target is a new attempt: a launch that failed before is tried again now.
  if (group.launchBlock) group.launchBlock.retryAt = 0;
  core.changed();
}

/** The group's instances that count as its capacity (pending or running), oldest first. */
export function groupInstances(core: SandboxCore, group: AutoScalingGroup): Ec2Instance[] {
  return [...core.state.ec2.instances.values()].filter((i) => i.autoScalingGroup === group.name && (i.state === 'pending' || i.state === 'running')).sort((a, b) => a.launchedAt - b.launchedAt);
}

/** Records a scaling activity (newest last; DescribeScalingActivities lists newest first). */
export function recordActivity(core: SandboxCore, group: AutoScalingGroup, a: Omit<AutoScalingActivity, 'id' | 'groupName' | 'groupArn' | 'startTime' | 'progress'> & { startTime?: number }): AutoScalingActivity {
  const done = a.statusCode === 'Successful' || a.statusCode === 'Failed' || a.statusCode === 'Cancelled';
  const activity: AutoScalingActivity = { id: uuid(), groupName: group.name, groupArn: group.arn, startTime: a.startTime ?? Date.now(), progress: done ? 100 : 30, ...a };
  core.state.autoscaling.activities.push(activity);
  // A long-lived sandbox keeps the latest activities only (AWS keeps six weeks of them).
  if (core.state.autoscaling.activities.length > 2000) core.state.autoscaling.activities.splice(0, core.state.autoscaling.activities.length - 2000);
  core.changed();
  return activity;
}

/** Finishes an in-progress activity. */
export function finishActivity(core: SandboxCore, activity: AutoScalingActivity, statusCode: 'Successful' | 'Failed' | 'Cancelled', statusMessage?: string): void {
  activity.statusCode = statusCode;
  activity.progress = 100;
  activity.endTime = Date.now();
  if (statusMessage) activity.statusMessage = statusMessage;
  core.changed();
}

/** Starts deleting a group as CloudFormation does: bounds and desired to 0, so every instance terminates. */
export function startGroupDeletion(core: SandboxCore, group: AutoScalingGroup): void {
  const before = group.desiredCapacity;
  group.minSize = 0;
  group.maxSize = 0;
  group.status = 'Delete in progress';
  group.launchBlock = undefined;
  group.desiredCapacity = 0;
  group.desiredCause = `At ${causeTime(Date.now())} a user request update of AutoScalingGroup constraints to min: 0, max: 0, desired: 0 changing the desired capacity from ${before} to 0.`;
  core.changed();
  core.kickEcs();
}

/** Removes a group whose instances are all gone (its activities stay, as for IncludeDeletedGroups). */
export function removeGroupIfEmpty(core: SandboxCore, group: AutoScalingGroup): boolean {
  const left = [...core.state.ec2.instances.values()].some((i) => i.autoScalingGroup === group.name && i.state !== 'terminated');
  if (left) return false;
  core.state.autoscaling.groups.delete(group.name);
  core.changed();
  return true;
}
