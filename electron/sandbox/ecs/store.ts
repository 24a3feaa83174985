/** ECS clusters, task definitions, tasks and services as functions on the sandbox state; the API, CloudFormation and the simulation share them. */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import { hex, uuid } from '../ids';
import { epoch } from '../protocol/json';
import type { EcsCluster, EcsDeployment, EcsService, EcsTask, EcsTaskDefinition } from '../state';
import { availabilityZones } from '../cloudformation/intrinsics';
import { statedExitCode } from './program';
import { checkPlacement, launchKind } from './capacity-providers';
import { containerInstancesOf } from './container-instances';

export type Json = Record<string, unknown>;

/** `arn:aws:ecs:<region>:<account>:cluster/<name>`. */
export function clusterArn(core: SandboxCore, name: string): string {
  return `arn:aws:ecs:${core.region}:${core.account}:cluster/${name}`;
}

function nameFromArn(ref: string): string {
  return ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
}

/** The active cluster named or ARN'd by `ref` (`default` when absent), or ClusterNotFoundException. */
export function requireCluster(core: SandboxCore, ref: string | undefined): EcsCluster {
  const cluster = core.state.ecs.clusters.get(nameFromArn(ref ?? 'default'));
  if (!cluster || cluster.status !== 'ACTIVE') fail('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
}

/** Creates a cluster, or returns the active one with that name (as ECS does). */
export function createCluster(core: SandboxCore, name: string, options: { tags?: Record<string, string>; capacityProviders?: string[]; defaultStrategy?: EcsCluster['defaultStrategy']; settings?: EcsCluster['settings'] } = {}): EcsCluster {
  const existing = core.state.ecs.clusters.get(name);
  if (existing && existing.status === 'ACTIVE') return existing;
  const cluster: EcsCluster = {
    name,
    arn: clusterArn(core, name),
    status: 'ACTIVE',
    createdAt: Date.now(),
    capacityProviders: options.capacityProviders ?? [],
    defaultStrategy: options.defaultStrategy ?? [],
    settings: options.settings ?? [{ name: 'containerInsights', value: 'disabled' }],
    tags: { ...(options.tags ?? {}) },
  };
  core.state.ecs.clusters.set(name, cluster);
  core.changed();
  return cluster;
}

/** Deletes a cluster; one with services or tasks still running fails as ECS does. */
export function deleteCluster(core: SandboxCore, cluster: EcsCluster): void {
  const services = [...core.state.ecs.services.values()].filter((s) => s.clusterArn === cluster.arn && s.status !== 'INACTIVE');
  if (services.length > 0) fail('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
  const tasks = [...core.state.ecs.tasks.values()].filter((t) => t.clusterArn === cluster.arn && t.lastStatus !== 'STOPPED');
  if (tasks.length > 0) fail('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
  if (containerInstancesOf(core, cluster.arn).some(({ ci }) => ci.status !== 'INACTIVE')) fail('ClusterContainsContainerInstancesException', 'The Cluster cannot be deleted while Container Instances are active or draining.');
  cluster.status = 'INACTIVE';
  core.changed();
}

const FARGATE_MEMORY: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: Array.from({ length: 7 }, (_, i) => (i + 2) * 1024),
  2048: Array.from({ length: 13 }, (_, i) => (i + 4) * 1024),
  4096: Array.from({ length: 23 }, (_, i) => (i + 8) * 1024),
  8192: Array.from({ length: 12 }, (_, i) => 16384 + i * 4096),
  16384: Array.from({ length: 12 }, (_, i) => 32768 + i * 8192),
};

export function parseSize(value: unknown, vcpuUnits: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  const m = /^([\d.]+)\s*(vcpu|gb)?$/i.exec(text);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] ? n * vcpuUnits : n;
}

function validateTaskDefinition(body: Json): void {
  const containers = body.containerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0) fail('ClientException', 'Container definitions are required.');
  for (const c of containers as Json[]) {
    if (typeof c.name !== 'string' || c.name === '') fail('ClientException', 'Container.name should not be null or empty.');
    if (typeof c.image !== 'string' || c.image === '') fail('ClientException', 'Container.image should not be null or empty.');
  }
  validateContainerLinks(body, containers as Json[]);
  const compat = Array.isArray(body.requiresCompatibilities) ? (body.requiresCompatibilities as string[]) : [];
  const gpus = (containers as Json[]).some((c) => ((c.resourceRequirements as { type?: string }[] | undefined) ?? []).some((r) => r.type === 'GPU'));
  if (gpus && compat.includes('FARGATE')) fail('ClientException', 'Tasks using the Fargate launch type do not support GPU resource requirements.');
  if (!compat.includes('FARGATE')) {
    validateEc2Sizes(body, containers as Json[]);
    return;
  }
  if (body.networkMode !== 'awsvpc') fail('ClientException', "Fargate only supports network mode 'awsvpc'.");
  const cpu = parseSize(body.cpu, 1024);
  const memory = parseSize(body.memory, 1024);
  if (cpu === undefined) fail('ClientException', 'Fargate requires that \'cpu\' be defined at the task level.');
  if (memory === undefined) fail('ClientException', 'Fargate requires that \'memory\' be defined at the task level.');
  if (!FARGATE_MEMORY[cpu]?.includes(memory)) fail('ClientException', `No Fargate configuration exists for given values: ${String(body.cpu)} CPU, ${String(body.memory)} memory. See the Amazon ECS documentation for the valid values.`);
  const usesAwslogs = (containers as Json[]).some((c) => (c.logConfiguration as Json | undefined)?.logDriver === 'awslogs');
  if (usesAwslogs && !body.executionRoleArn) fail('ClientException', 'Fargate requires task definition to have execution role ARN to support log driver awslogs.');
}

/** EC2 tasks may leave CPU and memory to their containers, but then every container needs a memory. */
function validateEc2Sizes(body: Json, containers: Json[]): void {
  const cpu = parseSize(body.cpu, 1024);
  const memory = parseSize(body.memory, 1024);
  if (cpu !== undefined && !(cpu >= 128)) fail('ClientException', "Invalid 'cpu' setting for task.");
  if (memory !== undefined && !(memory >= 6)) fail('ClientException', "Invalid 'memory' setting for task.");
  if (memory !== undefined) return;
  for (const c of containers) {
    if (c.memory === undefined && c.memoryReservation === undefined) fail('ClientException', `Invalid setting for container '${String(c.name)}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
  }
}

/** The launch types ECS says a task definition is valid for: EC2 always, Fargate when it was checked for it. */
export function compatibilitiesOf(td: EcsTaskDefinition): string[] {
  return Array.isArray(td.body.requiresCompatibilities) && (td.body.requiresCompatibilities as string[]).includes('FARGATE') ? ['EC2', 'FARGATE'] : ['EC2'];
}

/** Container dependencies and mounts as RegisterTaskDefinition checks them. */
function validateContainerLinks(body: Json, containers: Json[]): void {
  const byName = new Map(containers.map((c) => [String(c.name), c]));
  if (byName.size < containers.length) fail('ClientException', 'Container names must be unique within a task definition.');
  if (!containers.some((c) => c.essential !== false)) fail('ClientException', 'A task definition must have at least one essential container.');
  const volumes = new Set(((body.volumes as Json[] | undefined) ?? []).map((v) => String(v.name)));
  for (const c of containers) {
    for (const d of (c.dependsOn as { containerName?: string; condition?: string }[] | undefined) ?? []) {
      const target = byName.get(String(d.containerName));
      if (!target) fail('ClientException', `Cannot depend on container + '${String(d.containerName)}' because it does not exist`);
      if (!['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'].includes(String(d.condition))) fail('ClientException', `Invalid dependency condition ${String(d.condition)}: use START, COMPLETE, SUCCESS or HEALTHY.`);
      if ((d.condition === 'SUCCESS' || d.condition === 'COMPLETE') && target.essential !== false) fail('ClientException', 'A dependency container with SUCCESS or COMPLETE condition cannot be an essential container');
    }
    for (const m of (c.mountPoints as { sourceVolume?: string }[] | undefined) ?? []) {
      if (!volumes.has(String(m.sourceVolume))) fail('ClientException', `Unknown volume '${String(m.sourceVolume)}'.`);
    }
  }
}

/** Registers a new revision of a family. */
export function registerTaskDefinition(core: SandboxCore, body: Json, tags: Record<string, string> = {}): EcsTaskDefinition {
  const family = body.family;
  if (typeof family !== 'string' || !/^[a-zA-Z0-9_-]{1,255}$/.test(family)) fail('ClientException', 'Family contains invalid characters.');
  validateTaskDefinition(body);
  const revisions = core.state.ecs.taskDefinitions.get(family) ?? [];
  const revision = revisions.length + 1;
  const td: EcsTaskDefinition = {
    family,
    revision,
    arn: `arn:aws:ecs:${core.region}:${core.account}:task-definition/${family}:${revision}`,
    status: 'ACTIVE',
    registeredAt: Date.now(),
    tags,
    body: { ...body, cpu: body.cpu === undefined ? undefined : String(body.cpu), memory: body.memory === undefined ? undefined : String(body.memory) },
  };
  revisions.push(td);
  core.state.ecs.taskDefinitions.set(family, revisions);
  core.changed();
  return td;
}

/** Finds a task definition by `family`, `family:revision` or ARN (family alone: the latest ACTIVE revision). */
export function findTaskDefinition(core: SandboxCore, ref: string): EcsTaskDefinition | undefined {
  const short = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 'task-definition/'.length) : ref;
  const [family, rev] = short.split(':');
  const revisions = core.state.ecs.taskDefinitions.get(family ?? '');
  if (!revisions) return undefined;
  if (rev !== undefined) return revisions[Number(rev) - 1];
  return [...revisions].reverse().find((t) => t.status === 'ACTIVE');
}

/** The task definition view the API returns. */
export function taskDefinitionView(core: SandboxCore, td: EcsTaskDefinition): Json {
  const compat = compatibilitiesOf(td);
  return {
    ...td.body,
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    compatibilities: compat,
    requiresAttributes: [],
    registeredAt: epoch(td.registeredAt),
    registeredBy: `arn:aws:iam::${core.account}:user/berth-sandbox`,
    ...(td.deregisteredAt ? { deregisteredAt: epoch(td.deregisteredAt) } : {}),
  };
}

export interface LaunchOptions {
  count: number;
  group?: string;
  startedBy?: string;
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
  overrides?: Json;
  serviceArn?: string;
  deploymentId?: string;
  tags?: Record<string, string>;
  /** The request's `networkConfiguration` (awsvpc). */
  networkConfiguration?: Json;
  /** Cloud Map registry ARNs of the service. */
  registries?: string[];
}

/** The awsvpc settings of a RunTask or CreateService request. */
function awsvpcOf(config: Json | undefined): EcsTask['network'] {
  const vpc = (config?.awsvpcConfiguration ?? undefined) as { subnets?: string[]; securityGroups?: string[]; assignPublicIp?: string } | undefined;
  if (!vpc) return undefined;
  return { subnets: (vpc.subnets ?? []).map(String), securityGroups: (vpc.securityGroups ?? []).map(String), assignPublicIp: vpc.assignPublicIp === 'ENABLED' };
}

/** A free-looking address inside the subnet's CIDR (a /16–/28 block), else one in 10.0.0.0/16. */
export function addressIn(core: SandboxCore, subnetId: string | undefined): { ip: string; zone?: string } {
  const subnet = subnetId ? [...core.state.resources.values()].find((r) => r.type === 'AWS::EC2::Subnet' && r.physicalId === subnetId) : undefined;
  const cidr = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(String(subnet?.properties.CidrBlock ?? ''));
  if (!cidr || Number(cidr[5]) < 16 || Number(cidr[5]) > 28) return { ip: `10.0.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}` };
  const base = cidr.slice(1, 5).reduce((n, part) => n * 256 + Number(part), 0);
  const size = 2 ** (32 - Number(cidr[5]));
  // AWS reserves the first four addresses and the last one of every subnet.
  const n = base + 4 + Math.floor(Math.random() * (size - 5));
  return { ip: [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.'), zone: String(subnet!.attributes.AvailabilityZone ?? '') || undefined };
}

function containerCommand(td: EcsTaskDefinition, overrides: Json, name: string): string[] {
  const override = ((overrides.containerOverrides as Json[] | undefined) ?? []).find((o) => o.name === name);
  const container = (td.body.containerDefinitions as Json[]).find((c) => c.name === name)!;
  const command = (override?.command ?? container.command ?? []) as string[];
  const entry = (container.entryPoint ?? []) as string[];
  return [...entry, ...command];
}

/**
 * Decides the task's fate (the sandbox cannot run the program, so it reads the intent): `exit N` at the end of a command exits with N; a task started on
 * its own (RunTask, not by a service) whose containers publish no port is a job that completes
 * (exit 0); anything else serves until stopped.
 */
function planFor(td: EcsTaskDefinition, overrides: Json, standalone: boolean): EcsTask['plan'] {
  const exited = { stopCode: 'EssentialContainerExited', reason: 'Essential container in task exited' };
  const containers = td.body.containerDefinitions as Json[];
  for (const c of containers) {
    if (c.essential === false) continue;
    const code = statedExitCode(containerCommand(td, overrides, String(c.name)));
    if (code !== undefined) return { kind: 'exit', exitCode: code, ...exited };
  }
  const publishes = containers.some((c) => Array.isArray(c.portMappings) && c.portMappings.length > 0);
  if (standalone && !publishes) return { kind: 'exit', exitCode: 0, ...exited };
  return { kind: 'serve' };
}

/** Starts tasks (PROVISIONING); the simulation moves them on. */
export function launchTasks(core: SandboxCore, cluster: EcsCluster, td: EcsTaskDefinition, options: LaunchOptions): EcsTask[] {
  if (td.status !== 'ACTIVE') fail('ClientException', 'TaskDefinition is inactive');
  const tasks: EcsTask[] = [];
  const overrides = options.overrides ?? {};
  const strategy = options.capacityProviderStrategy ?? (options.launchType ? undefined : cluster.defaultStrategy.length > 0 ? cluster.defaultStrategy : undefined);
  const zones = availabilityZones(core.region);
  const network = awsvpcOf(options.networkConfiguration);
  // A task on an Auto Scaling group's provider waits in PROVISIONING for an instance with room.
  const onEc2 = launchKind(core, strategy, options.launchType) === 'EC2' && strategy !== undefined;
  for (let i = 0; i < options.count; i++) {
    const id = hex(32);
    const subnets = network?.subnets ?? [];
    const address = addressIn(core, subnets[Math.floor(Math.random() * subnets.length)]);
    const task: EcsTask = {
      arn: `arn:aws:ecs:${core.region}:${core.account}:task/${cluster.name}/${id}`,
      id,
      clusterArn: cluster.arn,
      taskDefinitionArn: td.arn,
      group: options.group ?? `family:${td.family}`,
      startedBy: options.startedBy,
      launchType: launchKind(core, strategy, options.launchType),
      capacityProviderName: strategy?.[0]?.capacityProvider,
      cpu: td.body.cpu as string | undefined,
      memory: td.body.memory as string | undefined,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: Date.now(),
      healthStatus: 'UNKNOWN',
      containers: (td.body.containerDefinitions as Json[]).map((c) => ({ name: String(c.name), image: String(c.image), lastStatus: 'PENDING', essential: c.essential !== false })),
      overrides,
      nextAt: onEc2 ? undefined : Date.now() + core.timing.ms('taskProvisioning'),
      ...(onEc2 ? { awaitingCapacity: true } : {}),
      plan: planFor(td, overrides, options.serviceArn === undefined),
      serviceArn: options.serviceArn,
      deploymentId: options.deploymentId,
      tags: options.tags ?? {},
      privateIp: address.ip,
      availabilityZone: address.zone ?? zones[Math.floor(Math.random() * Math.min(2, zones.length))]!,
      ...(network ? { network } : {}),
      ...(options.registries && options.registries.length > 0 ? { registries: options.registries } : {}),
    };
    core.state.ecs.tasks.set(task.arn, task);
    tasks.push(task);
  }
  core.changed();
  core.kickEcs();
  return tasks;
}

/** Finds a task by ARN or id within a cluster. */
export function findTask(core: SandboxCore, cluster: EcsCluster, ref: string): EcsTask | undefined {
  if (ref.startsWith('arn:')) return core.state.ecs.tasks.get(ref);
  return core.state.ecs.tasks.get(`arn:aws:ecs:${core.region}:${core.account}:task/${cluster.name}/${ref}`);
}

/** Asks a task to stop; the simulation walks it to STOPPED. */
export function requestStop(core: SandboxCore, task: EcsTask, reason: string, stopCode = 'UserInitiated'): void {
  if (task.desiredStatus === 'STOPPED') return;
  task.desiredStatus = 'STOPPED';
  task.stoppedReason = reason;
  task.stopCode = stopCode;
  task.nextAt = Date.now();
  core.changed();
  core.kickEcs();
}

/** The task view the API returns. */
export function taskView(task: EcsTask): Json {
  return {
    taskArn: task.arn,
    clusterArn: task.clusterArn,
    taskDefinitionArn: task.taskDefinitionArn,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    launchType: task.launchType,
    ...(task.capacityProviderName ? { capacityProviderName: task.capacityProviderName } : {}),
    ...(task.containerInstanceArn ? { containerInstanceArn: task.containerInstanceArn } : {}),
    cpu: task.cpu,
    memory: task.memory,
    createdAt: epoch(task.createdAt),
    pullStartedAt: epoch(task.pullStartedAt),
    pullStoppedAt: epoch(task.pullStoppedAt),
    startedAt: epoch(task.startedAt),
    stoppingAt: epoch(task.stoppingAt),
    stoppedAt: epoch(task.stoppedAt),
    ...(task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED' ? { stopCode: task.stopCode, stoppedReason: task.stoppedReason } : {}),
    group: task.group,
    ...(task.startedBy ? { startedBy: task.startedBy } : {}),
    connectivity: task.lastStatus === 'STOPPED' ? 'DISCONNECTED' : 'CONNECTED',
    healthStatus: task.healthStatus,
    ...(task.launchType === 'EC2' ? {} : { platformVersion: '1.4.0', platformFamily: 'Linux' }),
    availabilityZone: task.availabilityZone,
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...task.overrides },
    containers: task.containers.map((c) => ({
      containerArn: `${task.arn.replace(':task/', ':container/')}/${c.name}`,
      taskArn: task.arn,
      name: c.name,
      image: c.image,
      lastStatus: c.lastStatus,
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.gpuIds ? { gpuIds: c.gpuIds } : {}),
      networkInterfaces: [{ attachmentId: task.id.slice(0, 8), privateIpv4Address: task.privateIp }],
      healthStatus: 'UNKNOWN',
    })),
    attachments: [{ id: `eni-attach-${task.id.slice(0, 12)}`, type: 'ElasticNetworkInterface', status: task.lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED', details: [{ name: 'privateIPv4Address', value: task.privateIp }] }],
    tags: Object.entries(task.tags).map(([key, value]) => ({ key, value })),
    version: 1,
    enableExecuteCommand: false,
    ephemeralStorage: { sizeInGiB: 20 },
  };
}

/** `ecs-svc/<19 digits>`, as ECS names deployments. */
export function deploymentId(): string {
  return `ecs-svc/${Array.from({ length: 19 }, () => Math.floor(Math.random() * 10)).join('')}`;
}

/** A new PRIMARY deployment for a service. */
export function newDeployment(service: Pick<EcsService, 'taskDefinition' | 'desiredCount' | 'launchType' | 'capacityProviderStrategy'>, reason = 'ECS deployment in progress.'): EcsDeployment {
  return {
    id: deploymentId(),
    status: 'PRIMARY',
    taskDefinition: service.taskDefinition,
    desiredCount: service.desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    launchType: service.launchType,
    capacityProviderStrategy: service.capacityProviderStrategy,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: reason,
  };
}

/** Adds a service event (newest first, at most 100 kept). */
export function serviceEvent(service: EcsService, message: string): void {
  service.events.unshift({ id: uuid(), createdAt: Date.now(), message });
  if (service.events.length > 100) service.events.length = 100;
}

/** Finds a service by name or ARN within a cluster. */
export function findService(core: SandboxCore, cluster: EcsCluster, ref: string): EcsService | undefined {
  const arn = ref.startsWith('arn:') ? ref : `arn:aws:ecs:${core.region}:${core.account}:service/${cluster.name}/${ref}`;
  return core.state.ecs.services.get(arn);
}

/** ECS attaches a service to at most 5 target groups, as CreateService and UpdateService say. */
function checkServiceLoadBalancers(loadBalancers: unknown): void {
  if (Array.isArray(loadBalancers) && loadBalancers.length > 5) fail('InvalidParameterException', 'load balancers can have at most 5 items.');
}

/** Creates a service with its first deployment; the simulation starts its tasks. */
export function createService(core: SandboxCore, cluster: EcsCluster, input: Json): EcsService {
  const name = input.serviceName;
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,255}$/.test(name)) fail('InvalidParameterException', 'Service name must be 1 to 255 letters, numbers, hyphens and underscores.');
  const arn = `arn:aws:ecs:${core.region}:${core.account}:service/${cluster.name}/${name}`;
  const existing = core.state.ecs.services.get(arn);
  if (existing && existing.status !== 'INACTIVE') fail('InvalidParameterException', 'Creation of service was not idempotent.');
  const td = findTaskDefinition(core, String(input.taskDefinition ?? ''));
  if (!td) fail('InvalidParameterException', 'TaskDefinition not found.');
  if (td.status !== 'ACTIVE') fail('InvalidParameterException', `TaskDefinition is inactive (${td.arn})`);
  if (td.body.networkMode === 'awsvpc' && !(input.networkConfiguration as Json | undefined)?.awsvpcConfiguration) {
    fail('InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  checkServiceLoadBalancers(input.loadBalancers);
  const desiredCount = typeof input.desiredCount === 'number' ? input.desiredCount : 0;
  const { serviceName: _n, cluster: _c, taskDefinition: _t, desiredCount: _d, tags, launchType, capacityProviderStrategy, ...config } = input;
  void _n;
  void _c;
  void _t;
  void _d;
  const service: EcsService = {
    name,
    arn,
    clusterArn: cluster.arn,
    status: 'ACTIVE',
    taskDefinition: td.arn,
    desiredCount,
    launchType: capacityProviderStrategy ? undefined : ((launchType as string | undefined) ?? (cluster.defaultStrategy.length > 0 ? undefined : 'FARGATE')),
    capacityProviderStrategy: (capacityProviderStrategy as EcsService['capacityProviderStrategy']) ?? (launchType ? undefined : cluster.defaultStrategy.length > 0 ? cluster.defaultStrategy : undefined),
    createdAt: Date.now(),
    deployments: [],
    events: [],
    config,
    tags: Object.fromEntries(((tags as { key: string; value: string }[] | undefined) ?? []).map((t) => [t.key, t.value])),
  };
  checkPlacement(core, cluster, service.capacityProviderStrategy, launchType as string | undefined, td, config.networkConfiguration as Json | undefined);
  service.deployments.push(newDeployment(service));
  core.state.ecs.services.set(arn, service);
  core.changed();
  core.kickEcs();
  return service;
}

/** Applies an UpdateService: a new deployment when the task definition or network changes (or on force). */
export function updateService(core: SandboxCore, service: EcsService, input: Json): EcsService {
  if (service.status !== 'ACTIVE') fail('ServiceNotActiveException', 'Service was not ACTIVE.');
  // Where the tasks would go after the update is checked before anything changes.
  const nextTd = findTaskDefinition(core, String(input.taskDefinition ?? service.taskDefinition));
  const cluster = [...core.state.ecs.clusters.values()].find((c) => c.arn === service.clusterArn);
  if (nextTd && cluster) {
    const strategy = (input.capacityProviderStrategy as EcsService['capacityProviderStrategy']) ?? service.capacityProviderStrategy;
    // A launch type the sandbox defaulted is not the caller's: only a strategy is judged on update.
    checkPlacement(core, cluster, strategy, undefined, nextTd, (input.networkConfiguration ?? service.config.networkConfiguration) as Json | undefined);
  }
  let redeploy = input.forceNewDeployment === true;
  if (input.taskDefinition !== undefined) {
    const td = findTaskDefinition(core, String(input.taskDefinition));
    if (!td) fail('InvalidParameterException', 'TaskDefinition not found.');
    if (td.arn !== service.taskDefinition) redeploy = true;
    service.taskDefinition = td.arn;
  }
  checkServiceLoadBalancers(input.loadBalancers);
  for (const key of ['networkConfiguration', 'loadBalancers', 'serviceRegistries', 'platformVersion']) {
    if (input[key] !== undefined && JSON.stringify(input[key]) !== JSON.stringify(service.config[key])) {
      service.config[key] = input[key];
      redeploy = true;
    }
  }
  if (input.capacityProviderStrategy !== undefined) {
    service.capacityProviderStrategy = input.capacityProviderStrategy as EcsService['capacityProviderStrategy'];
    redeploy = true;
  }
  for (const key of ['deploymentConfiguration', 'healthCheckGracePeriodSeconds', 'enableExecuteCommand', 'propagateTags']) if (input[key] !== undefined) service.config[key] = input[key];
  if (typeof input.desiredCount === 'number') {
    service.desiredCount = input.desiredCount;
    const primary = service.deployments[0];
    if (primary) primary.desiredCount = input.desiredCount;
  }
  if (redeploy) {
    for (const d of service.deployments) d.status = 'ACTIVE';
    service.deployments.unshift(newDeployment(service));
    service.nextLaunchAt = undefined;
  } else if (service.deployments[0] && service.deployments[0].rolloutState !== 'FAILED') {
    // A count change is a rollout of the current deployment.
    service.deployments[0].rolloutState = 'IN_PROGRESS';
    service.deployments[0].rolloutStateReason = 'ECS deployment in progress.';
  }
  core.changed();
  core.kickEcs();
  return service;
}

/** Deletes a service: it drains (its tasks stop), then becomes INACTIVE. */
export function deleteService(core: SandboxCore, service: EcsService, force: boolean): EcsService {
  if (service.status === 'INACTIVE') fail('ServiceNotActiveException', 'Service was not ACTIVE.');
  if (service.desiredCount > 0 && !force) fail('InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.');
  service.desiredCount = 0;
  service.status = 'DRAINING';
  core.changed();
  core.kickEcs();
  return service;
}

/** Tasks that belong to a service (any state). */
export function serviceTasks(core: SandboxCore, service: EcsService): EcsTask[] {
  return [...core.state.ecs.tasks.values()].filter((t) => t.serviceArn === service.arn);
}

/** The service view the API returns. */
export function serviceView(core: SandboxCore, service: EcsService): Json {
  const tasks = serviceTasks(core, service).filter((t) => t.desiredStatus === 'RUNNING' && t.lastStatus !== 'STOPPED');
  const running = (id?: string) => tasks.filter((t) => t.lastStatus === 'RUNNING' && (!id || t.deploymentId === id)).length;
  const pending = (id?: string) => tasks.filter((t) => t.lastStatus !== 'RUNNING' && (!id || t.deploymentId === id)).length;
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: running(),
    pendingCount: pending(),
    ...(service.launchType ? { launchType: service.launchType } : {}),
    ...(service.capacityProviderStrategy ? { capacityProviderStrategy: service.capacityProviderStrategy } : {}),
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: service.taskDefinition,
    loadBalancers: [],
    serviceRegistries: [],
    ...service.config,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 100, ...((service.config.deploymentConfiguration as Json | undefined) ?? {}) },
    deployments: service.deployments.map((d) => ({
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinition,
      desiredCount: d.desiredCount,
      pendingCount: pending(d.id),
      runningCount: running(d.id),
      failedTasks: d.failedTasks,
      createdAt: epoch(d.createdAt),
      updatedAt: epoch(d.updatedAt),
      ...(d.launchType ? { launchType: d.launchType } : {}),
      ...(d.capacityProviderStrategy ? { capacityProviderStrategy: d.capacityProviderStrategy } : {}),
      ...(service.config.networkConfiguration ? { networkConfiguration: service.config.networkConfiguration } : {}),
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
    })),
    events: service.events.map((e) => ({ id: e.id, createdAt: epoch(e.createdAt), message: e.message })),
    createdAt: epoch(service.createdAt),
    createdBy: `arn:aws:iam::${core.account}:user/berth-sandbox`,
    placementConstraints: [],
    placementStrategy: [],
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    enableECSManagedTags: false,
    propagateTags: (service.config.propagateTags as string | undefined) ?? 'NONE',
    enableExecuteCommand: service.config.enableExecuteCommand === true,
    tags: Object.entries(service.tags).map(([key, value]) => ({ key, value })),
  };
}

/** The cluster view the API returns. */
export function clusterView(core: SandboxCore, cluster: EcsCluster): Json {
  const tasks = [...core.state.ecs.tasks.values()].filter((t) => t.clusterArn === cluster.arn);
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: cluster.status,
    registeredContainerInstancesCount: containerInstancesOf(core, cluster.arn).filter(({ ci }) => ci.status !== 'INACTIVE').length,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus !== 'RUNNING' && t.lastStatus !== 'STOPPED').length,
    activeServicesCount: [...core.state.ecs.services.values()].filter((s) => s.clusterArn === cluster.arn && s.status === 'ACTIVE').length,
    statistics: [],
    tags: Object.entries(cluster.tags).map(([key, value]) => ({ key, value })),
    settings: cluster.settings,
    capacityProviders: cluster.capacityProviders,
    defaultCapacityProviderStrategy: cluster.defaultStrategy,
  };
}
