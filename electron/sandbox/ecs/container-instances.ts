/**
 * ECS container instances: what the agent on an EC2 instance registers (CPU units, memory, GPU
 * ids, attributes), what its tasks leave of it, and placing a task on one (a GPU goes to one
 * task only). Views are DescribeContainerInstances' shape.
 */
import type { SandboxCore } from '../core';
import { hex } from '../ids';
import { epoch } from '../protocol/json';
import type { EcsCluster, EcsContainerInstance, EcsTask, EcsTaskDefinition, Ec2Instance } from '../state';
import { instanceType, registrableMemoryMiB } from '../ec2/instance-types';
import { ecsAgentConfig } from '../ec2/launch-templates';
import { sandboxAmiKind } from '../ssm/public';
import { findGeneric } from '../cloudformation/providers/types';
import { addressIn, createCluster, findTaskDefinition, parseSize, type Json } from './store';

/** The ECS agent version the sandbox's instances report (the AMI's). */
const AGENT_VERSION = '1.88.0';
/** Ports the agent reserves on every instance (SSH, Docker, the agent's own). */
const RESERVED_PORTS = ['22', '2375', '2376', '51678', '51679'];

export interface Needs {
  cpu: number;
  memory: number;
  gpus: number;
}

/** What a task reserves on an instance: task-level CPU and memory, else its containers' sum, and its GPUs. */
export function taskNeeds(td: EcsTaskDefinition): Needs {
  const containers = (td.body.containerDefinitions as Json[] | undefined) ?? [];
  const sum = (read: (c: Json) => unknown) => containers.reduce((n, c) => n + (Number(read(c)) || 0), 0);
  const gpus = containers.reduce((n, c) => n + ((c.resourceRequirements as { type?: string; value?: string }[] | undefined) ?? []).filter((r) => r.type === 'GPU').reduce((m, r) => m + (Number(r.value) || 0), 0), 0);
  return {
    cpu: parseSize(td.body.cpu, 1024) ?? sum((c) => c.cpu),
    memory: parseSize(td.body.memory, 1024) ?? sum((c) => c.memoryReservation ?? c.memory),
    gpus,
  };
}

/** What a task holds on its instance (nothing once its task definition is gone). */
export function taskNeedsOf(core: SandboxCore, task: EcsTask): Needs {
  const td = findTaskDefinition(core, task.taskDefinitionArn);
  return td ? taskNeeds(td) : { cpu: 0, memory: 0, gpus: 0 };
}

/** Every instance's container instance in a cluster (any status). */
export function containerInstancesOf(core: SandboxCore, clusterArn: string): { instance: Ec2Instance; ci: EcsContainerInstance }[] {
  const out: { instance: Ec2Instance; ci: EcsContainerInstance }[] = [];
  for (const instance of core.state.ec2.instances.values()) if (instance.containerInstance?.clusterArn === clusterArn) out.push({ instance, ci: instance.containerInstance });
  return out.sort((a, b) => a.ci.registeredAt - b.ci.registeredAt);
}

/** The instance whose container instance has this ARN (or id). */
export function findContainerInstance(core: SandboxCore, cluster: EcsCluster, ref: string): { instance: Ec2Instance; ci: EcsContainerInstance } | undefined {
  return containerInstancesOf(core, cluster.arn).find(({ ci }) => ci.arn === ref || ci.arn.endsWith(`/${ref}`));
}

/** Tasks that hold resources on a container instance (placed and not stopped). */
export function tasksOn(core: SandboxCore, ci: EcsContainerInstance): EcsTask[] {
  return [...core.state.ecs.tasks.values()].filter((t) => t.containerInstanceArn === ci.arn && t.lastStatus !== 'STOPPED');
}

/** What a container instance has left for new tasks. */
export function remaining(core: SandboxCore, ci: EcsContainerInstance): { cpu: number; memory: number; gpuIds: string[] } {
  let cpu = ci.cpu;
  let memory = ci.memory;
  const used = new Set<string>();
  for (const t of tasksOn(core, ci)) {
    const n = taskNeedsOf(core, t);
    cpu -= n.cpu;
    memory -= n.memory;
    for (const id of t.gpuIds ?? []) used.add(id);
  }
  return { cpu, memory, gpuIds: ci.gpuIds.filter((id) => !used.has(id)) };
}

function gpuUuid(): string {
  const h = hex(32);
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The GPU ids an instance of a type has (NVIDIA's `GPU-<uuid>` form, as the agent lists them). */
export function gpuIdsFor(type: string): string[] {
  return Array.from({ length: instanceType(type)?.gpus?.count ?? 0 }, gpuUuid);
}

/**
 * The agent registers the instance with the cluster its user data names (`ECS_CLUSTER`); without
 * one it joins `default`, which the account gets with its first container instance. A named cluster
 * that does not exist (or is inactive) takes no registration: the agent keeps retrying.
 */
export function registerAgent(core: SandboxCore, instance: Ec2Instance, providerName: string | undefined): boolean {
  const config = ecsAgentConfig(instance.userData);
  const name = config.ECS_CLUSTER || 'default';
  let cluster = core.state.ecs.clusters.get(name);
  if ((!cluster || cluster.status !== 'ACTIVE') && name === 'default') cluster = createCluster(core, 'default');
  if (!cluster || cluster.status !== 'ACTIVE') {
    const problem = `ClusterNotFoundException: Cluster not found. (the agent of ${instance.id} retries registering with cluster ${name})`;
    if (instance.registrationProblem === problem) return false;
    instance.registrationProblem = problem;
    core.changed();
    return true;
  }
  const type = instanceType(instance.type);
  // The standard ECS AMI has no NVIDIA driver: the agent finds no GPU to offer.
  const gpus = sandboxAmiKind(core.region, instance.imageId) === 'standard' ? [] : instance.gpuIds;
  instance.registrationProblem = undefined;
  instance.containerInstance = {
    arn: `arn:aws:ecs:${core.region}:${core.account}:container-instance/${cluster.name}/${hex(32)}`,
    clusterArn: cluster.arn,
    status: 'ACTIVE',
    registeredAt: Date.now(),
    ...(providerName ? { capacityProviderName: providerName } : {}),
    cpu: (type?.vcpus ?? 0) * 1024,
    memory: type ? registrableMemoryMiB(type, Number(config.ECS_RESERVED_MEMORY ?? 0) || 0) : 0,
    gpuIds: gpus,
    version: 1,
  };
  instance.idleSince = Date.now();
  core.changed();
  return true;
}

/** Why the closest matching instance cannot take a task (ECS's resource names), undefined when it can. */
export function lacking(free: { cpu: number; memory: number; gpuIds: string[] }, needs: Needs): 'CPU' | 'MEMORY' | 'GPU' | undefined {
  if (free.cpu < needs.cpu) return 'CPU';
  if (free.memory < needs.memory) return 'MEMORY';
  if (free.gpuIds.length < needs.gpus) return 'GPU';
  return undefined;
}

/** The task's subnet in the instance's zone: an awsvpc ENI on EC2 lives in the instance's Availability Zone. */
function subnetFor(core: SandboxCore, task: EcsTask, instance: Ec2Instance): string | undefined | false {
  const subnets = task.network?.subnets ?? [];
  if (subnets.length === 0) return undefined;
  const known = subnets.map((id) => findGeneric(core, 'AWS::EC2::Subnet', id));
  // Subnets the sandbox did not create cannot be judged: take the first.
  if (known.some((s) => !s)) return subnets[0];
  const match = known.find((s) => s!.attributes.AvailabilityZone === instance.availabilityZone);
  return match ? match.physicalId : false;
}

/** Hands a task's GPUs to its containers, each the number its resource requirement asks. */
function giveGpus(core: SandboxCore, task: EcsTask, ids: string[]): void {
  const td = findTaskDefinition(core, task.taskDefinitionArn);
  let next = 0;
  for (const c of (td?.body.containerDefinitions as Json[] | undefined) ?? []) {
    const count = ((c.resourceRequirements as { type?: string; value?: string }[] | undefined) ?? []).filter((r) => r.type === 'GPU').reduce((n, r) => n + (Number(r.value) || 0), 0);
    const state = task.containers.find((s) => s.name === c.name);
    if (state && count > 0) state.gpuIds = ids.slice(next, (next += count));
  }
}

export interface PlacementMiss {
  instance?: Ec2Instance;
  ci?: EcsContainerInstance;
  resource?: 'CPU' | 'MEMORY' | 'GPU' | 'ZONE';
}

/** Places a task on the first instance of its capacity provider with room; returns what the closest one lacked otherwise. */
export function placeTask(core: SandboxCore, task: EcsTask, needs: Needs): PlacementMiss | undefined {
  const candidates = containerInstancesOf(core, task.clusterArn).filter(({ instance, ci }) => ci.status === 'ACTIVE' && ci.capacityProviderName === task.capacityProviderName && instance.state === 'running');
  if (candidates.length === 0) return {};
  let closest: PlacementMiss | undefined;
  for (const { instance, ci } of candidates) {
    const free = remaining(core, ci);
    const short = lacking(free, needs);
    const subnet = short ? undefined : subnetFor(core, task, instance);
    if (short || subnet === false) {
      closest ??= { instance, ci, resource: short ?? 'ZONE' };
      continue;
    }
    task.containerInstanceArn = ci.arn;
    task.ec2InstanceId = instance.id;
    task.gpuIds = free.gpuIds.slice(0, needs.gpus);
    giveGpus(core, task, task.gpuIds);
    task.awaitingCapacity = false;
    task.availabilityZone = instance.availabilityZone;
    if (subnet) task.privateIp = addressIn(core, subnet).ip;
    instance.idleSince = undefined;
    return undefined;
  }
  return closest;
}

function resource(name: string, value: number | string[]): Json {
  return Array.isArray(value) ? { name, type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: value } : { name, type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: value };
}

/** DescribeContainerInstances' view of one. */
export function containerInstanceView(core: SandboxCore, instance: Ec2Instance, ci: EcsContainerInstance): Json {
  const free = remaining(core, ci);
  const tasks = tasksOn(core, ci);
  const subnet = instance.subnetId ? findGeneric(core, 'AWS::EC2::Subnet', instance.subnetId) : undefined;
  const attributes: Record<string, string | undefined> = {
    'ecs.instance-type': instance.type,
    'ecs.availability-zone': instance.availabilityZone,
    'ecs.ami-id': instance.imageId,
    'ecs.os-type': 'linux',
    'ecs.os-family': 'LINUX',
    'ecs.cpu-architecture': 'x86_64',
    'ecs.vpc-id': subnet ? String(subnet.properties.VpcId ?? '') : undefined,
    'ecs.subnet-id': instance.subnetId,
    'ecs.capability.task-eni': '',
    'ecs.capability.execution-role-awslogs': '',
    'ecs.capability.secrets.ssm.environment-variables': '',
    'com.amazonaws.ecs.capability.logging-driver.awslogs': '',
    ...(ci.gpuIds.length > 0 ? { 'ecs.capability.gpu-driver-version': '550.127.05' } : {}),
  };
  return {
    containerInstanceArn: ci.arn,
    ec2InstanceId: instance.id,
    ...(ci.capacityProviderName ? { capacityProviderName: ci.capacityProviderName } : {}),
    version: ci.version,
    versionInfo: { agentVersion: AGENT_VERSION, agentHash: 'b1b2c3d4', dockerVersion: 'DockerVersion: 25.0.6' },
    remainingResources: [resource('CPU', free.cpu), resource('MEMORY', free.memory), resource('PORTS', RESERVED_PORTS), resource('PORTS_UDP', []), ...(ci.gpuIds.length > 0 ? [resource('GPU', free.gpuIds)] : [])],
    registeredResources: [resource('CPU', ci.cpu), resource('MEMORY', ci.memory), resource('PORTS', RESERVED_PORTS), resource('PORTS_UDP', []), ...(ci.gpuIds.length > 0 ? [resource('GPU', ci.gpuIds)] : [])],
    status: ci.status,
    agentConnected: ci.status !== 'INACTIVE' && instance.state === 'running',
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus !== 'RUNNING').length,
    attributes: Object.entries(attributes)
      .filter(([, v]) => v !== undefined)
      .map(([name, value]) => (value === '' ? { name } : { name, value })),
    registeredAt: epoch(ci.registeredAt),
    attachments: [],
    tags: [],
  };
}
