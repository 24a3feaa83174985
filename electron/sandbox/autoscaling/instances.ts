/**
 * What an Auto Scaling group does with its instances: it launches the launch template's instance
 * type in its subnets until it holds the desired capacity (EC2 refusing past the account's vCPU
 * quota for the type's bucket, or without capacity for the type: a failed activity, then retries
 * with backoff), terminates the extra ones (idle ones first), and moves each instance from pending
 * to running (its ECS agent registers a little later) and from shutting-down to terminated.
 */
import type { SandboxCore } from '../core';
import { hex } from '../ids';
import type { AutoScalingActivity, AutoScalingGroup, Ec2Instance } from '../state';
import { instanceType, vcpuBucket } from '../ec2/instance-types';
import { decodeUserData, findLaunchTemplate, launchTemplateVersion } from '../ec2/launch-templates';
import { ec2VcpuQuota, enforcedQuota } from '../quotas/catalog';
import { findGeneric } from '../cloudformation/providers/types';
import { availabilityZones } from '../cloudformation/intrinsics';
import { addressIn, requestStop } from '../ecs/store';
import { gpuIdsFor, registerAgent, tasksOn } from '../ecs/container-instances';
import { causeTime, finishActivity, groupInstances, recordActivity, removeGroupIfEmpty } from './groups';

/** Longest wait between an Auto Scaling group's launch retries. */
const MAX_RETRY_MS = 300_000;

interface Launch {
  type: string;
  imageId: string;
  userData: string;
  securityGroups: string[];
  spot: boolean;
  publicIp: boolean;
  tags: Record<string, string>;
  template: { id: string; name: string; version: string };
}

/** What the group's launch template says an instance is. */
function launchSpec(core: SandboxCore, group: AutoScalingGroup): Launch | string {
  const template = findLaunchTemplate(core, group.launchTemplate.id);
  const version = template && launchTemplateVersion(template, group.launchTemplate.version);
  if (!template || !version) return `The specified launch template, with template ID ${group.launchTemplate.id}, does not exist.`;
  const d = version.data;
  const nic = (Array.isArray(d.NetworkInterfaces) ? (d.NetworkInterfaces[0] as Record<string, unknown> | undefined) : undefined) ?? {};
  const tagSpecs = Array.isArray(d.TagSpecifications) ? (d.TagSpecifications as { ResourceType?: string; Tags?: { Key: string; Value: string }[] }[]) : [];
  const tags: Record<string, string> = {};
  for (const spec of tagSpecs) if (spec.ResourceType === 'instance') for (const t of spec.Tags ?? []) tags[t.Key] = String(t.Value);
  for (const t of group.tags) if (t.propagateAtLaunch) tags[t.key] = t.value;
  tags['aws:autoscaling:groupName'] = group.name;
  return {
    type: String(d.InstanceType ?? ''),
    imageId: String(d.ImageId ?? ''),
    userData: decodeUserData(d.UserData),
    securityGroups: [...((d.SecurityGroupIds as string[] | undefined) ?? []), ...((nic.Groups as string[] | undefined) ?? [])].map(String),
    spot: (d.InstanceMarketOptions as { MarketType?: string } | undefined)?.MarketType === 'spot',
    publicIp: nic.AssociatePublicIpAddress === true || nic.AssociatePublicIpAddress === 'true',
    tags,
    template: { id: template.id, name: template.name, version: String(version.number) },
  };
}

/** The vCPUs running (or starting) in an instance bucket of the Region. */
function vcpusInBucket(core: SandboxCore, bucket: string, spot: boolean): number {
  let n = 0;
  for (const i of core.state.ec2.instances.values()) {
    if ((i.state === 'pending' || i.state === 'running') && vcpuBucket(i.type) === bucket && (i.market === 'spot') === spot) n += instanceType(i.type)?.vcpus ?? 0;
  }
  return n;
}

/** The zone of a subnet the sandbox knows (else the Region's first). */
function zoneOf(core: SandboxCore, subnetId: string | undefined): string {
  const subnet = subnetId ? findGeneric(core, 'AWS::EC2::Subnet', subnetId) : undefined;
  return String(subnet?.attributes.AvailabilityZone ?? `${core.region}a`);
}

/** Why EC2 refuses to launch one more instance of the spec in a zone, in the words an Auto Scaling activity quotes; undefined when it launches. */
function launchProblem(core: SandboxCore, spec: Launch, zone: string): string | undefined {
  const market = spec.spot ? 'Spot' : 'On-Demand';
  const type = instanceType(spec.type);
  if (!type) return `Could not launch ${market} Instances. InvalidParameterValue - The Berth sandbox does not know instance type '${spec.type}'. Launching EC2 instance failed.`;
  if (!/^ami-[0-9a-f]{8,17}$/.test(spec.imageId)) return `Could not launch ${market} Instances. InvalidAMIID.Malformed - Invalid id: "${spec.imageId}" (expecting "ami-..."). Launching EC2 instance failed.`;
  const short = core.faults?.().ec2?.insufficientCapacity ?? [];
  if (short.includes(spec.type)) {
    const others = availabilityZones(core.region).filter((z) => z !== zone).slice(0, 2).join(', ');
    return `Could not launch ${market} Instances. InsufficientInstanceCapacity - We currently do not have sufficient ${spec.type} capacity in the Availability Zone you requested (${zone}). Our system will be working on provisioning additional capacity. You can currently get ${spec.type} capacity by not specifying an Availability Zone in your request or choosing ${others}. Launching EC2 instance failed.`;
  }
  const bucket = vcpuBucket(spec.type);
  const quota = bucket && ec2VcpuQuota(bucket, spec.spot);
  if (quota) {
    const limit = enforcedQuota(core, core.region, quota);
    if (vcpusInBucket(core, bucket, spec.spot) + type.vcpus > limit) {
      if (spec.spot) return `Could not launch Spot Instances. MaxSpotInstanceCountExceeded - Max spot instance count exceeded. Launching EC2 instance failed.`;
      return `Could not launch On-Demand Instances. VcpuLimitExceeded - You have requested more vCPU capacity than your current vCPU limit of ${limit} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit. Launching EC2 instance failed.`;
    }
  }
  return undefined;
}

/** The subnet for the next instance: the group's zones kept balanced, as Auto Scaling does. */
function nextSubnet(core: SandboxCore, group: AutoScalingGroup): string | undefined {
  if (group.subnets.length === 0) return undefined;
  const live = groupInstances(core, group);
  const count = (s: string) => live.filter((i) => i.subnetId === s).length;
  return [...group.subnets].sort((a, b) => count(a) - count(b))[0];
}

const growth = (t: number, from: number, to: number) => `  At ${causeTime(t)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`;

function launchOne(core: SandboxCore, group: AutoScalingGroup, spec: Launch, subnetId: string | undefined, zone: string, have: number, now: number): void {
  const id = `i-${hex(17)}`;
  const subnet = subnetId ? findGeneric(core, 'AWS::EC2::Subnet', subnetId) : undefined;
  const publicIp = spec.publicIp || subnet?.properties.MapPublicIpOnLaunch === true || subnet?.properties.MapPublicIpOnLaunch === 'true';
  const runningAt = now + core.timing.ms('instanceLaunch');
  const instance: Ec2Instance = {
    id,
    type: spec.type,
    imageId: spec.imageId,
    ...(subnetId ? { subnetId } : {}),
    availabilityZone: zone,
    privateIp: addressIn(core, subnetId).ip,
    state: 'pending',
    market: spec.spot ? 'spot' : 'on-demand',
    launchedAt: now,
    runningAt,
    registerAt: runningAt + core.timing.ms('agentRegistration'),
    launchTemplate: spec.template,
    autoScalingGroup: group.name,
    userData: spec.userData,
    securityGroups: spec.securityGroups,
    gpuIds: gpuIdsFor(spec.type),
    tags: spec.tags,
    idleSince: now,
    // 198.51.100.0/24 is a documentation range: never a real address.
    ...(publicIp ? { publicIp: `198.51.100.${1 + Math.floor(Math.random() * 254)}` } : {}),
  };
  core.state.ec2.instances.set(id, instance);
  recordActivity(core, group, {
    description: `Launching a new EC2 instance: ${id}`,
    cause: `${group.desiredCause ?? `At ${causeTime(now)} a user request set the desired capacity.`}${growth(now, have, have + 1)}`,
    statusCode: 'PreInService',
    details: JSON.stringify({ 'Subnet ID': subnetId ?? '', 'Availability Zone': zone }),
    instanceId: id,
  });
}

/** Records a failed launch (once per distinct problem, and again each time the backoff has passed). */
function failLaunch(core: SandboxCore, group: AutoScalingGroup, problem: string, subnetId: string | undefined, zone: string, have: number, now: number): boolean {
  const block = group.launchBlock;
  if (block && block.problem === problem && block.retryAt > now) return false;
  const attempts = block?.problem === problem ? block.attempts + 1 : 1;
  // Instant mode arms no retry timer (it would keep the sandbox from settling): a new target, quota or fault tries again.
  const backoff = core.timing.speed === 'instant' ? Number.MAX_SAFE_INTEGER : Math.min(MAX_RETRY_MS * core.timing.factor, core.timing.ms('launchRetry') * 2 ** (attempts - 1));
  group.launchBlock = { problem, retryAt: now + backoff, attempts };
  recordActivity(core, group, {
    description: `Launching a new EC2 instance.  Status Reason: ${problem}`,
    cause: `${group.desiredCause ?? ''}${growth(now, have, have + 1)}`.trim(),
    statusCode: 'Failed',
    statusMessage: problem,
    details: JSON.stringify({ 'Subnet ID': subnetId ?? '', 'Availability Zone': zone }),
    endTime: now,
  });
  return true;
}

/** Starts terminating an instance: its tasks stop, EC2 shuts it down. */
export function terminateInstance(core: SandboxCore, instance: Ec2Instance, now: number): void {
  instance.state = 'shutting-down';
  instance.terminateAt = now + core.timing.ms('instanceTermination');
  if (instance.containerInstance) for (const t of tasksOn(core, instance.containerInstance)) requestStop(core, t, `Host EC2 (instance ${instance.id}) terminated.`, 'TerminationNotice');
  core.changed();
}

function shrink(core: SandboxCore, group: AutoScalingGroup, live: Ec2Instance[], now: number): void {
  const busy = (i: Ec2Instance) => (i.containerInstance ? tasksOn(core, i.containerInstance).length : 0);
  // Idle instances go first, then the oldest (Auto Scaling's default policy, with ECS's scale-in in mind).
  const victims = [...live].sort((a, b) => busy(a) - busy(b) || a.launchedAt - b.launchedAt).slice(0, live.length - group.desiredCapacity);
  let have = live.length;
  for (const instance of victims) {
    terminateInstance(core, instance, now);
    recordActivity(core, group, {
      description: `Terminating EC2 instance: ${instance.id}`,
      cause: `${group.desiredCause ?? ''}  At ${causeTime(now)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${have} to ${have - 1}.  At ${causeTime(now)} instance ${instance.id} was selected for termination.`.trim(),
      statusCode: 'InProgress',
      details: JSON.stringify({ 'Subnet ID': instance.subnetId ?? '', 'Availability Zone': instance.availabilityZone }),
      instanceId: instance.id,
    });
    have--;
  }
}

/** Brings one group to its desired capacity; true when anything changed. */
function converge(core: SandboxCore, group: AutoScalingGroup, now: number): boolean {
  const live = groupInstances(core, group);
  if (live.length > group.desiredCapacity) {
    shrink(core, group, live, now);
    return true;
  }
  let changed = false;
  for (let have = live.length; have < group.desiredCapacity; have++) {
    const spec = launchSpec(core, group);
    const subnetId = nextSubnet(core, group);
    const zone = subnetId ? zoneOf(core, subnetId) : (group.availabilityZones[0] ?? `${core.region}a`);
    const problem = typeof spec === 'string' ? `Could not launch On-Demand Instances. InvalidLaunchTemplateId.NotFound - ${spec} Launching EC2 instance failed.` : launchProblem(core, spec, zone);
    if (problem) return failLaunch(core, group, problem, subnetId, zone, have, now) || changed;
    launchOne(core, group, spec as Launch, subnetId, zone, have, now);
    group.launchBlock = undefined;
    changed = true;
  }
  return changed;
}

function activityOf(core: SandboxCore, instanceId: string, prefix: string): AutoScalingActivity | undefined {
  return core.state.autoscaling.activities.find((a) => a.instanceId === instanceId && a.description.startsWith(prefix) && a.statusCode !== 'Successful');
}

/** Moves instances along: pending → running (the launch succeeds), agent registration, shutting-down → terminated. */
function advanceInstance(core: SandboxCore, instance: Ec2Instance, providerFor: (groupName: string | undefined) => string | undefined, now: number): boolean {
  if (instance.state === 'pending' && instance.runningAt <= now) {
    instance.state = 'running';
    const launch = activityOf(core, instance.id, 'Launching');
    if (launch) finishActivity(core, launch, 'Successful');
    core.changed();
    return true;
  }
  if (instance.state === 'running' && !instance.containerInstance && instance.registerAt <= now) return registerAgent(core, instance, providerFor(instance.autoScalingGroup));
  if (instance.state === 'shutting-down' && (instance.terminateAt ?? 0) <= now) {
    instance.state = 'terminated';
    instance.terminatedAt = now;
    // ECS learns the instance is gone: its container instance is INACTIVE and no longer blocks the cluster.
    if (instance.containerInstance) instance.containerInstance.status = 'INACTIVE';
    const end = activityOf(core, instance.id, 'Terminating');
    if (end) finishActivity(core, end, 'Successful');
    const group = instance.autoScalingGroup ? core.state.autoscaling.groups.get(instance.autoScalingGroup) : undefined;
    if (group?.status === 'Delete in progress') removeGroupIfEmpty(core, group);
    core.changed();
    return true;
  }
  return false;
}

/** One pass over every group and instance; true when anything changed. */
export function stepAutoScaling(core: SandboxCore, providerFor: (groupName: string | undefined) => string | undefined, now: number): boolean {
  let changed = false;
  for (const group of core.state.autoscaling.groups.values()) if (converge(core, group, now)) changed = true;
  for (const instance of core.state.ec2.instances.values()) if (advanceInstance(core, instance, providerFor, now)) changed = true;
  for (const group of [...core.state.autoscaling.groups.values()]) if (group.status === 'Delete in progress' && removeGroupIfEmpty(core, group)) changed = true;
  return changed;
}

/** When the next instance or retry step is due. */
export function nextAutoScalingDue(core: SandboxCore): number | undefined {
  let next: number | undefined;
  const at = (t: number | undefined) => {
    if (t !== undefined && t < Number.MAX_SAFE_INTEGER / 2) next = Math.min(next ?? Infinity, t);
  };
  for (const i of core.state.ec2.instances.values()) {
    if (i.state === 'pending') at(i.runningAt);
    else if (i.state === 'running' && !i.containerInstance && !i.registrationProblem) at(i.registerAt);
    else if (i.state === 'shutting-down') at(i.terminateAt);
  }
  for (const g of core.state.autoscaling.groups.values()) if (g.launchBlock && g.desiredCapacity > groupInstances(core, g).length) at(g.launchBlock.retryAt);
  return next;
}
