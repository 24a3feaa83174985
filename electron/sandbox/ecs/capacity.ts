/**
 * ECS on EC2 capacity providers, one pass of the simulation at a time: the Auto Scaling groups
 * converge (instances launch, register, terminate), waiting tasks are placed on registered
 * instances with room, managed scaling sets each group's desired capacity to what the waiting
 * and running tasks need, and a task that found no room in time is stopped as ECS stops it.
 */
import type { SandboxCore } from '../core';
import type { EcsCapacityProvider, EcsService, EcsTask, Ec2Instance } from '../state';
import { instanceType, registrableMemoryMiB } from '../ec2/instance-types';
import { ecsAgentConfig, findLaunchTemplate, launchTemplateVersion, decodeUserData } from '../ec2/launch-templates';
import { sandboxAmiKind } from '../ssm/public';
import { causeTime, findGroup, groupInstances, setDesired } from '../autoscaling/groups';
import { nextAutoScalingDue, stepAutoScaling } from '../autoscaling/instances';
import { clustersUsing, findCapacityProvider } from './capacity-providers';
import { lacking, placeTask, remaining, taskNeedsOf, tasksOn, type Needs } from './container-instances';
import { serviceEvent } from './store';

const MORE_INFO = 'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';

/** The active provider managing a group (what an instance of it registers as). */
function providerOfGroup(core: SandboxCore, groupName: string | undefined): EcsCapacityProvider | undefined {
  if (!groupName) return undefined;
  return [...core.state.ecsCapacity.providers.values()].find((p) => p.status === 'ACTIVE' && p.groupName === groupName);
}

function waitingTasks(core: SandboxCore): EcsTask[] {
  return [...core.state.ecs.tasks.values()].filter((t) => t.awaitingCapacity && t.lastStatus === 'PROVISIONING' && t.desiredStatus === 'RUNNING').sort((a, b) => a.createdAt - b.createdAt);
}

/** What an empty instance of the provider's group would offer a task (undefined when the group's template names no known type). */
function emptyInstance(core: SandboxCore, cp: EcsCapacityProvider): { cpu: number; memory: number; gpus: number } | undefined {
  const group = findGroup(core, cp.groupName);
  const template = group && findLaunchTemplate(core, group.launchTemplate.id);
  const version = template && launchTemplateVersion(template, group.launchTemplate.version);
  const type = version && instanceType(String(version.data.InstanceType ?? ''));
  if (!type || !version) return undefined;
  const config = ecsAgentConfig(decodeUserData(version.data.UserData));
  const gpus = sandboxAmiKind(core.region, String(version.data.ImageId ?? '')) === 'standard' ? 0 : (type.gpus?.count ?? 0);
  return { cpu: type.vcpus * 1024, memory: registrableMemoryMiB(type, Number(config.ECS_RESERVED_MEMORY ?? 0) || 0), gpus };
}

function fits(slot: { cpu: number; memory: number; gpus: number }, n: Needs): boolean {
  return slot.cpu >= n.cpu && slot.memory >= n.memory && slot.gpus >= n.gpus;
}

function take(slot: { cpu: number; memory: number; gpus: number }, n: Needs): void {
  slot.cpu -= n.cpu;
  slot.memory -= n.memory;
  slot.gpus -= n.gpus;
}

/**
 * Managed scaling: the instances the provider needs are those holding tasks, plus those the
 * waiting tasks would fill (existing room first, then new instances of the template's type).
 * Idle instances stay until scale-in's wait is over. Tasks too big for an empty instance add none.
 */
function scaleProvider(core: SandboxCore, cp: EcsCapacityProvider, now: number): boolean {
  const group = findGroup(core, cp.groupName);
  if (!group || group.status || cp.managedScaling.status !== 'ENABLED' || clustersUsing(core, cp.name).length === 0) return false;
  const empty = emptyInstance(core, cp);
  if (!empty) return false;
  const instances = groupInstances(core, group);
  const slots = new Map<Ec2Instance, { cpu: number; memory: number; gpus: number }>();
  for (const i of instances) {
    if (i.containerInstance?.status === 'ACTIVE') {
      const free = remaining(core, i.containerInstance);
      slots.set(i, { cpu: free.cpu, memory: free.memory, gpus: free.gpuIds.length });
    } else slots.set(i, { ...empty });
  }
  const used = new Set<Ec2Instance>(instances.filter((i) => i.containerInstance && tasksOn(core, i.containerInstance).length > 0));
  const fresh: { cpu: number; memory: number; gpus: number }[] = [];
  for (const task of waitingTasks(core).filter((t) => t.capacityProviderName === cp.name)) {
    const needs = taskNeedsOf(core, task);
    const existing = [...slots].find(([, slot]) => fits(slot, needs));
    if (existing) {
      take(existing[1], needs);
      used.add(existing[0]);
      continue;
    }
    if (!fits(empty, needs)) continue;
    let slot = fresh.find((f) => fits(f, needs));
    if (!slot) fresh.push((slot = { ...empty }));
    take(slot, needs);
  }
  const scaleInAfter = core.timing.deadline('capacityScaleIn');
  const keptIdle = instances.filter((i) => !used.has(i) && now - (i.idleSince ?? i.launchedAt) < scaleInAfter).length;
  const needed = Math.ceil(((used.size + fresh.length) * 100) / cp.managedScaling.targetCapacity) + keptIdle;
  let target = Math.min(group.maxSize, Math.max(group.minSize, needed));
  const current = group.desiredCapacity;
  if (target > current) target = Math.min(group.maxSize, current + Math.min(cp.managedScaling.maximumScalingStepSize, Math.max(cp.managedScaling.minimumScalingStepSize, target - current)));
  if (target === current) return false;
  const alarm = `TargetTracking-${group.name}-Alarm${target > current ? 'High' : 'Low'}-${cp.alarmId}`;
  setDesired(core, group, target, `At ${causeTime(now)} a monitor alarm ${alarm} in state ALARM triggered policy ECSManagedAutoScalingPolicy-${cp.policyId} changing the desired capacity from ${current} to ${target}.`);
  return true;
}

/** The service event ECS writes while a task finds no instance, once for each new reason. */
function notePlacement(service: EcsService | undefined, message: string): boolean {
  if (!service || service.placementEvent === message) return false;
  service.placementEvent = message;
  serviceEvent(service, message);
  return true;
}

/** Places every waiting task that an instance has room for; notes why the others wait. */
function placeWaiting(core: SandboxCore, now: number): boolean {
  let changed = false;
  const deadline = core.timing.deadline('capacityProvisioning');
  for (const task of waitingTasks(core)) {
    const needs = taskNeedsOf(core, task);
    const miss = placeTask(core, task, needs);
    const service = task.serviceArn ? core.state.ecs.services.get(task.serviceArn) : undefined;
    if (!miss) {
      task.nextAt = now + core.timing.ms('taskProvisioning');
      if (service) service.placementEvent = undefined;
      changed = true;
      continue;
    }
    const name = service ? `(service ${service.name})` : '';
    let reason = miss.resource && miss.resource !== 'ZONE' ? miss.resource : undefined;
    // A task bigger than the group's instance type lacks that resource even before any instance exists.
    const cp = reason ? undefined : findCapacityProvider(core, task.capacityProviderName ?? '');
    const empty = cp && emptyInstance(core, cp);
    if (empty) reason = lacking({ cpu: empty.cpu, memory: empty.memory, gpuIds: Array.from({ length: empty.gpus }, String) }, needs);
    if (miss.ci) {
      const id = miss.ci.arn.slice(miss.ci.arn.lastIndexOf('/') + 1);
      const what = miss.resource === 'CPU' ? 'insufficient CPU units available' : miss.resource === 'MEMORY' ? 'insufficient memory available' : miss.resource === 'GPU' ? 'insufficient GPU available' : 'no subnet of the task in its Availability Zone';
      if (notePlacement(service, `${name} was unable to place a task because no container instance met all of its requirements. The closest matching container-instance ${id} has ${what}. ${MORE_INFO}`)) changed = true;
    } else if (notePlacement(service, `${name} was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your capacity provider. ${MORE_INFO}`)) changed = true;
    // ECS gives up on a task that waited too long: RESOURCE:<what the instances lack>, or an empty provider.
    if (now - task.createdAt >= deadline) {
      task.awaitingCapacity = false;
      task.desiredStatus = 'STOPPED';
      task.stopCode = 'TaskFailedToStart';
      task.stoppedReason = reason ? `TaskFailedToStart: RESOURCE:${reason}` : 'TaskFailedToStart: EMPTY CAPACITY PROVIDER';
      task.nextAt = now;
      changed = true;
    }
  }
  return changed;
}

/** Idle time for scale-in: an instance is idle from the moment its last task stops. */
function trackIdle(core: SandboxCore, now: number): void {
  for (const i of core.state.ec2.instances.values()) {
    if (i.state !== 'running' || !i.containerInstance) continue;
    const busy = tasksOn(core, i.containerInstance).length > 0;
    if (busy && i.idleSince !== undefined) i.idleSince = undefined;
    else if (!busy && i.idleSince === undefined) i.idleSince = now;
  }
}

/** One pass over EC2 capacity; true when anything changed. */
export function stepCapacity(core: SandboxCore, now: number): boolean {
  if (core.state.autoscaling.groups.size === 0 && core.state.ec2.instances.size === 0 && !waitingTasks(core).length) return false;
  let changed = stepAutoScaling(core, (g) => providerOfGroup(core, g)?.name, now);
  if (placeWaiting(core, now)) changed = true;
  trackIdle(core, now);
  for (const cp of core.state.ecsCapacity.providers.values()) if (cp.status === 'ACTIVE' && scaleProvider(core, cp, now)) changed = true;
  return changed;
}

/** When EC2 capacity next needs a pass: an instance step, a launch retry, a scale-in, a task's deadline. */
export function nextCapacityDue(core: SandboxCore, now: number): number | undefined {
  let next = nextAutoScalingDue(core);
  const at = (t: number) => {
    next = Math.min(next ?? Infinity, t);
  };
  // Deadlines arm a timer only when they can pass in the run: realistic mode, or a test that set one (AWS's minutes would keep settle() waiting).
  const armed = (kind: 'capacityProvisioning' | 'capacityScaleIn') => core.timing.speed === 'realistic' || core.timing.deadlines[kind] !== undefined;
  if (armed('capacityProvisioning')) {
    const deadline = core.timing.deadline('capacityProvisioning');
    for (const t of waitingTasks(core)) at(t.createdAt + deadline);
  }
  if (!armed('capacityScaleIn')) return next;
  const scaleIn = core.timing.deadline('capacityScaleIn');
  for (const i of core.state.ec2.instances.values()) {
    const due = (i.idleSince ?? Infinity) + scaleIn;
    if (i.state === 'running' && due > now && due !== Infinity && providerOfGroup(core, i.autoScalingGroup)) at(due);
  }
  return next;
}
