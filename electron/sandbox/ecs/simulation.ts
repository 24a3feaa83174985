/**
 * The ECS simulation: tasks move PROVISIONING → PENDING → RUNNING → (STOPPING → DEPROVISIONING →)
 * STOPPED with stop codes and exit codes; services keep their desired count running, roll out
 * deployments, trip the circuit breaker, write service events and publish EventBridge events.
 * Container lifecycle lines go to each task's awslogs stream, prefixed `[sandbox]`.
 * Everything is derived from persisted state (`nextAt` times), so it resumes after a restart.
 */
import type { SandboxCore } from '../core';
import { SANDBOX_LOG_PREFIX } from '../identity';
import { findParameter } from '../ssm';
import { createLogGroup, writeLog } from '../logs/store';
import type { EcsService, EcsTask, EcsTaskDefinition } from '../state';
import { pullFailure, taskEgress } from './pulls';
import { describeResolution, resolveFromTask } from '../network/dns';
import { hostsOfContainer } from '../network/hosts';
import { simulatedExitCode, simulatedFiles, simulatedOutput } from './program';
import { efsMountFailure, efsStore, keepOnEfs } from './volumes';
import { findTaskDefinition, launchTasks, newDeployment, requestStop, serviceEvent, serviceTasks, type Json } from './store';
import { nextCapacityDue, stepCapacity } from './capacity';

interface SimulationState {
  due?: number;
  running: boolean;
  again: boolean;
  builds: Set<string>;
}

const simulations = new WeakMap<SandboxCore, SimulationState>();

function sim(core: SandboxCore): SimulationState {
  let s = simulations.get(core);
  if (!s) {
    s = { running: false, again: false, builds: new Set() };
    simulations.set(core, s);
  }
  return s;
}

function schedule(core: SandboxCore, delayMs: number): void {
  const s = sim(core);
  const due = Date.now() + Math.max(0, delayMs);
  if (s.due !== undefined && s.due <= due) return;
  s.due = due;
  core.scheduler.run(async () => {
    await core.scheduler.sleep(delayMs);
    if (s.due === due) s.due = undefined;
    reconcile(core);
  });
}

/** Forgets pending timers (after a reset cancelled them). */
export function forgetSimulation(core: SandboxCore): void {
  simulations.delete(core);
}

/** Runs the simulation now (after an API change) and whenever a task's next step is due. */
export function resumeEcs(core: SandboxCore): void {
  schedule(core, 0);
}

// ---- logs ----

interface LogTarget {
  group: string;
  stream: string;
  createGroup: boolean;
}

function logTarget(td: EcsTaskDefinition, task: EcsTask, containerName: string): LogTarget | undefined {
  const container = (td.body.containerDefinitions as Json[]).find((c) => c.name === containerName);
  const config = container?.logConfiguration as { logDriver?: string; options?: Record<string, string> } | undefined;
  if (config?.logDriver !== 'awslogs' || !config.options?.['awslogs-group']) return undefined;
  const prefix = config.options['awslogs-stream-prefix'];
  return { group: config.options['awslogs-group'], stream: prefix ? `${prefix}/${containerName}/${task.id}` : task.id, createGroup: config.options['awslogs-create-group'] === 'true' };
}

function containerLog(core: SandboxCore, td: EcsTaskDefinition, task: EcsTask, containerName: string, lines: string[]): void {
  const target = logTarget(td, task, containerName);
  if (!target) return;
  try {
    writeLog(core, target.group, target.stream, lines);
  } catch {
    // The group was deleted while the task ran: the awslogs driver drops the lines.
  }
}

// ---- events ----

function publishTask(core: SandboxCore, task: EcsTask): void {
  core.publish({
    source: 'aws.ecs',
    detailType: 'ECS Task State Change',
    resources: [task.arn],
    detail: {
      clusterArn: task.clusterArn,
      taskArn: task.arn,
      taskDefinitionArn: task.taskDefinitionArn,
      group: task.group,
      startedBy: task.startedBy,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      launchType: task.launchType,
      createdAt: new Date(task.createdAt).toISOString(),
      ...(task.stoppedAt ? { stoppedAt: new Date(task.stoppedAt).toISOString(), stopCode: task.stopCode, stoppedReason: task.stoppedReason } : {}),
      containers: task.containers.map((c) => ({ name: c.name, image: c.image, lastStatus: c.lastStatus, ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}), ...(c.reason ? { reason: c.reason } : {}) })),
    },
  });
}

function publishService(core: SandboxCore, service: EcsService, detailType: 'ECS Service Action' | 'ECS Deployment State Change', eventName: string, extra: Json = {}): void {
  core.publish({ source: 'aws.ecs', detailType, resources: [service.arn], detail: { eventType: eventName.includes('FAILED') ? 'ERROR' : 'INFO', eventName, clusterArn: service.clusterArn, createdAt: new Date().toISOString(), ...extra } });
}

// ---- task lifecycle ----

/** Why a task cannot start (missing image, secret or log group), worded as ECS words it; undefined when it can. */
function startFailure(core: SandboxCore, td: EcsTaskDefinition, task: EcsTask): string | undefined {
  for (const c of td.body.containerDefinitions as Json[]) {
    const target = logTarget(td, task, String(c.name));
    if (target && !core.state.logs.groups.has(target.group)) {
      if (target.createGroup) createLogGroup(core, target.group);
      else return `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1`;
    }
    const secrets = (c.secrets as { name?: string; valueFrom?: string }[] | undefined) ?? [];
    const egress = taskEgress(core, task);
    if (secrets.length > 0 && egress.kind === 'none' && !egress.ssmEndpoint) {
      return `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 5 time(s): RequestError: send request failed caused by: Post "https://ssm.${core.region}.amazonaws.com/": dial tcp ${egress.privateIp}:443: i/o timeout`;
    }
    for (const secret of secrets) {
      const from = String(secret.valueFrom ?? '');
      if (from.startsWith('arn:aws:secretsmanager:')) return `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: the Berth sandbox has no Secrets Manager (${from})`;
      // ECS reads the latest version only: a `name:N` selector is not a parameter name to it.
      if (/:\d+$/.test(from.replace(/^arn:aws:ssm:[^:]*:[^:]*:/, ''))) return `The Systems Manager parameter name specified for secret ${String(secret.name)} is invalid. The parameter name can be up to 2048 characters and include the following letters and symbols: a-zA-Z0-9_.-,`;
      if (!findParameter(core, from)) return `ResourceInitializationError: unable to pull secrets or registry auth: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: ${from.replace(/^arn:aws:ssm:[^:]*:[^:]*:parameter/, '')}`;
    }
    const pull = pullFailure(core, td, task, String(c.image));
    if (pull) return pull;
  }
  return undefined;
}

function commandOf(td: EcsTaskDefinition, task: EcsTask, name: string): string[] {
  const override = ((task.overrides.containerOverrides as Json[] | undefined) ?? []).find((o) => o.name === name);
  const container = (td.body.containerDefinitions as Json[]).find((c) => c.name === name)!;
  return [...((container.entryPoint as string[] | undefined) ?? []), ...((override?.command ?? container.command ?? []) as string[])];
}

/** The container's environment as the program sees it: values, and secrets as SSM resolved them. */
function containerEnvironment(core: SandboxCore, container: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of (container.environment as { name: string; value?: string }[] | undefined) ?? []) out[e.name] = String(e.value ?? '');
  for (const s of (container.secrets as { name: string; valueFrom?: string }[] | undefined) ?? []) {
    const parameter = findParameter(core, String(s.valueFrom ?? ''));
    if (parameter) out[s.name] = parameter.value;
  }
  return out;
}

/** Keeps what a container's script writes into its volumes: on EFS across tasks, on a task volume for the task. */
function recordWrites(core: SandboxCore, td: EcsTaskDefinition, task: EcsTask, definition: Json, command: string[]): void {
  const mounts = (definition.mountPoints as { sourceVolume: string; containerPath: string; readOnly?: boolean }[] | undefined) ?? [];
  for (const file of simulatedFiles(command, containerEnvironment(core, definition))) {
    const mount = mounts.find((m) => file.path.startsWith(`${m.containerPath.replace(/\/$/, '')}/`));
    // A write outside every volume stays in the container's own file system and is gone with it; a read-only mount takes none.
    if (!mount || mount.readOnly) continue;
    const path = file.path.slice(mount.containerPath.replace(/\/$/, '').length + 1);
    const efs = efsStore(core, td, mount.sourceVolume);
    if (efs) keepOnEfs(core, efs, { ...file, path });
    else task.files = [...(task.files ?? []).filter((f) => !(f.volume === mount.sourceVolume && f.path === path)), { ...file, volume: mount.sourceVolume, path }];
  }
}

/**
 * Containers others wait for to COMPLETE or SUCCEED (a setup step, like Berth's secret-file
 * writer) run first and exit: what their script writes lands in the task's volumes. Returns why
 * the task cannot start when one that must succeed did not.
 */
function runInitContainers(core: SandboxCore, td: EcsTaskDefinition, task: EcsTask): string | undefined {
  const definitions = td.body.containerDefinitions as Json[];
  const awaited = new Map<string, string>();
  for (const c of definitions) for (const d of (c.dependsOn as { containerName: string; condition: string }[] | undefined) ?? []) if (d.condition === 'SUCCESS' || d.condition === 'COMPLETE') awaited.set(d.containerName, d.condition);
  for (const [name, condition] of awaited) {
    const definition = definitions.find((c) => c.name === name)!;
    const state = task.containers.find((c) => c.name === name)!;
    const command = commandOf(td, task, name);
    recordWrites(core, td, task, definition, command);
    containerLog(core, td, task, name, simulatedOutput(command));
    state.lastStatus = 'STOPPED';
    state.exitCode = simulatedExitCode(command);
    // The ECS agent's words when a SUCCESS dependency exits non-zero (the dependents never start).
    if (condition === 'SUCCESS' && state.exitCode !== 0) {
      const dependents = definitions.filter((c) => ((c.dependsOn as { containerName: string }[] | undefined) ?? []).some((d) => d.containerName === name)).map((c) => c.name);
      return `CannotStartContainerError: dependency graph: failed to resolve container ordering dependency [${name}(${definition.image}) (STOPPED->RUNNING) - Exit: ${state.exitCode}] for target [${dependents.join(', ')}] as dependency did not exit successfully.`;
    }
  }
  return undefined;
}

/** How each host the container's env and command name resolves from the task's network (host names only, never values). */
function dnsReport(core: SandboxCore, td: EcsTaskDefinition, task: EcsTask, name: string): string[] {
  const container = (td.body.containerDefinitions as Json[]).find((x) => x.name === name);
  if (!container) return [];
  const hosts = hostsOfContainer(containerEnvironment(core, container), commandOf(td, task, name));
  const resolutions = hosts.map((h) => resolveFromTask(core, task, h));
  task.resolved = { ...(task.resolved ?? {}), [name]: resolutions };
  return resolutions.map(describeResolution);
}

function stopNow(core: SandboxCore, td: EcsTaskDefinition | undefined, task: EcsTask, exitCode: number | undefined): void {
  const now = Date.now();
  task.lastStatus = 'STOPPED';
  task.desiredStatus = 'STOPPED';
  task.stoppedAt = now;
  task.stoppingAt ??= now;
  task.nextAt = undefined;
  for (const c of task.containers) {
    const wasRunning = c.lastStatus === 'RUNNING';
    c.lastStatus = 'STOPPED';
    if (wasRunning && exitCode !== undefined) c.exitCode = exitCode;
    // A program that exited by itself wrote its own last line; a stopped one gets the stop noted.
    if (td && wasRunning && task.stopCode !== 'EssentialContainerExited') containerLog(core, td, task, c.name, [`${SANDBOX_LOG_PREFIX} Container ${c.name} stopped with exit code ${exitCode ?? 0} (${task.stoppedReason ?? 'stopped'}).`]);
  }
  publishTask(core, task);
}

/** Moves one task a step; returns true when it changed. */
function advance(core: SandboxCore, task: EcsTask, now: number): boolean {
  if (task.lastStatus === 'STOPPED' || task.nextAt === undefined || task.nextAt > now) return false;
  const td = findTaskDefinition(core, task.taskDefinitionArn);
  if (!td) {
    task.stoppedReason = 'Task definition no longer exists';
    stopNow(core, undefined, task, undefined);
    return true;
  }
  if (task.desiredStatus === 'STOPPED' && (task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING')) {
    stopNow(core, td, task, undefined);
    return true;
  }
  switch (task.lastStatus) {
    case 'PROVISIONING':
      task.lastStatus = 'PENDING';
      task.pullStartedAt = now;
      task.nextAt = now + core.timing.ms('taskPulling');
      publishTask(core, task);
      return true;
    case 'PENDING': {
      task.pullStoppedAt = now;
      const failure = startFailure(core, td, task) ?? efsMountFailure(core, td, task);
      if (failure) {
        task.stopCode = 'TaskFailedToStart';
        task.stoppedReason = failure;
        for (const c of task.containers) c.reason = failure.split(':')[0];
        stopNow(core, td, task, undefined);
        return true;
      }
      const blocked = runInitContainers(core, td, task);
      if (blocked) {
        task.stopCode = 'TaskFailedToStart';
        task.stoppedReason = blocked;
        stopNow(core, td, task, undefined);
        return true;
      }
      task.lastStatus = 'RUNNING';
      task.startedAt = now;
      for (const c of task.containers) if (c.lastStatus !== 'STOPPED') c.lastStatus = 'RUNNING';
      for (const c of task.containers) {
        if (c.lastStatus === 'STOPPED') continue;
        const definition = (td.body.containerDefinitions as Json[]).find((x) => x.name === c.name);
        if (definition) recordWrites(core, td, task, definition, commandOf(td, task, c.name));
        const container = (td.body.containerDefinitions as Json[]).find((x) => x.name === c.name)!;
        const env = ((container.environment as { name: string }[] | undefined) ?? []).map((e) => e.name);
        // Which version of each parameter the agent resolved (never a value), and the digest label the task definition carries.
        const secrets = ((container.secrets as { name: string; valueFrom?: string }[] | undefined) ?? []).map((e) => `${e.name} (version ${findParameter(core, String(e.valueFrom ?? ''))?.version ?? '?'})`);
        const digest = (container.dockerLabels as Record<string, string> | undefined)?.['berth.config-digest'];
        containerLog(core, td, task, c.name, [
          `${SANDBOX_LOG_PREFIX} Pulled image ${c.image}`,
          `${SANDBOX_LOG_PREFIX} Started container ${c.name} (task ${task.id}). This is Berth's local sandbox: the task is simulated and your program does not run here.`,
          ...(env.length + secrets.length > 0 ? [`${SANDBOX_LOG_PREFIX} Environment: ${env.join(', ') || '(none)'}; secrets from SSM: ${secrets.join(', ') || '(none)'}`] : []),
          ...(digest ? [`${SANDBOX_LOG_PREFIX} Config digest (label berth.config-digest): ${digest}`] : []),
          ...dnsReport(core, td, task, c.name).map((line) => `${SANDBOX_LOG_PREFIX} DNS: ${line}`),
        ]);
      }
      if (task.plan.kind === 'exit') for (const c of task.containers) containerLog(core, td, task, c.name, simulatedOutput(commandOf(td, task, c.name)));
      task.nextAt = task.plan.kind === 'exit' ? now + core.timing.ms('taskProvisioning') : undefined;
      publishTask(core, task);
      return true;
    }
    case 'RUNNING':
      if (task.desiredStatus === 'STOPPED') {
        task.lastStatus = 'STOPPING';
        task.stoppingAt = now;
        task.nextAt = now + core.timing.ms('taskStopping');
        publishTask(core, task);
        return true;
      }
      if (task.plan.kind === 'exit') {
        task.stopCode = task.plan.stopCode;
        task.stoppedReason = task.plan.reason;
        task.lastStatus = 'DEPROVISIONING';
        task.stoppingAt = now;
        task.desiredStatus = 'STOPPED';
        for (const c of task.containers) if (c.essential) c.exitCode = task.plan.exitCode;
        task.nextAt = now + core.timing.ms('taskStopping') / 2;
        publishTask(core, task);
        return true;
      }
      task.nextAt = undefined;
      return false;
    case 'STOPPING':
      task.lastStatus = 'DEPROVISIONING';
      task.nextAt = now + core.timing.ms('taskStopping') / 2;
      publishTask(core, task);
      return true;
    default:
      stopNow(core, td, task, task.plan.kind === 'exit' ? task.plan.exitCode : 0);
      return true;
  }
}

// ---- services ----

function breakerOf(service: EcsService): { enable: boolean; rollback: boolean } {
  const cb = ((service.config.deploymentConfiguration as Json | undefined)?.deploymentCircuitBreaker ?? {}) as { enable?: boolean; rollback?: boolean };
  return { enable: cb.enable === true, rollback: cb.rollback === true };
}

function taskIds(tasks: EcsTask[]): string {
  return tasks.map((t) => `(task ${t.id})`).join(' ');
}

/** Keeps a service's tasks in line with its deployments; returns true when anything changed. */
function manageService(core: SandboxCore, service: EcsService, now: number): boolean {
  let changed = false;
  const all = serviceTasks(core, service);
  const live = (depId?: string) => all.filter((t) => t.desiredStatus === 'RUNNING' && t.lastStatus !== 'STOPPED' && (depId === undefined || t.deploymentId === depId));
  if (service.status === 'DRAINING') {
    const toStop = live();
    for (const t of toStop) requestStop(core, t, 'Service deleted', 'ServiceSchedulerInitiated');
    if (toStop.length > 0) {
      serviceEvent(service, `(service ${service.name}) has stopped ${toStop.length} running tasks: ${taskIds(toStop)}.`);
      changed = true;
    }
    if (all.every((t) => t.lastStatus === 'STOPPED')) {
      service.status = 'INACTIVE';
      for (const d of service.deployments) d.status = 'INACTIVE';
      changed = true;
    }
    return changed;
  }
  const primary = service.deployments[0];
  if (!primary) return false;
  // Count failures of the primary deployment's tasks once each.
  for (const t of all) {
    if (t.deploymentId !== primary.id || t.lastStatus !== 'STOPPED' || t.failureCounted) continue;
    if (t.stopCode === 'TaskFailedToStart' || t.stopCode === 'EssentialContainerExited') {
      t.failureCounted = true;
      primary.failedTasks++;
      primary.updatedAt = now;
      const backoff = Math.min(30_000, Math.max(core.timing.ms('taskProvisioning'), 25 * 2 ** Math.min(primary.failedTasks, 8)));
      service.nextLaunchAt = now + backoff;
      serviceEvent(service, `(service ${service.name}) has stopped 1 running tasks: (task ${t.id}). Reason: ${t.stoppedReason}`);
      changed = true;
    }
  }
  const breaker = breakerOf(service);
  const threshold = Math.min(Math.max(Math.ceil(primary.desiredCount * 0.5), 3), 200);
  if (breaker.enable && primary.rolloutState === 'IN_PROGRESS' && primary.failedTasks >= threshold) {
    primary.rolloutState = 'FAILED';
    primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    service.failedDeployments = [...(service.failedDeployments ?? []), primary.id].slice(-10);
    serviceEvent(service, `(service ${service.name}) (deployment ${primary.id}) deployment failed: tasks failed to start.`);
    publishService(core, service, 'ECS Deployment State Change', 'SERVICE_DEPLOYMENT_FAILED', { deploymentId: primary.id, reason: primary.rolloutStateReason });
    const target = service.lastCompletedTaskDefinition;
    if (breaker.rollback && target && target !== primary.taskDefinition) {
      primary.status = 'ACTIVE';
      service.taskDefinition = target;
      const rollback = newDeployment(service, `ECS deployment circuit breaker: rolling back to deploymentId ${primary.id}.`);
      service.deployments.unshift(rollback);
      service.nextLaunchAt = undefined;
      serviceEvent(service, `(service ${service.name}) rolling back to task definition ${target}.`);
    }
    changed = true;
  }
  const current = service.deployments[0]!;
  if (current.rolloutState !== 'FAILED') {
    const running = live(current.id);
    const need = current.desiredCount - running.length;
    if (need > 0 && (service.nextLaunchAt === undefined || service.nextLaunchAt <= now)) {
      const td = findTaskDefinition(core, current.taskDefinition);
      const cluster = [...core.state.ecs.clusters.values()].find((c) => c.arn === service.clusterArn);
      if (td && cluster && td.status === 'ACTIVE') {
        const started = launchTasks(core, cluster, td, {
          count: need,
          group: `service:${service.name}`,
          startedBy: current.id,
          launchType: current.launchType,
          capacityProviderStrategy: current.capacityProviderStrategy,
          serviceArn: service.arn,
          deploymentId: current.id,
          tags: service.config.propagateTags === 'SERVICE' ? service.tags : {},
          networkConfiguration: service.config.networkConfiguration as Json | undefined,
          registries: ((service.config.serviceRegistries as { registryArn?: string }[] | undefined) ?? []).map((r) => String(r.registryArn ?? '')).filter(Boolean),
        });
        serviceEvent(service, `(service ${service.name}) has started ${started.length} tasks: ${taskIds(started)}.`);
        changed = true;
      }
    } else if (need < 0) {
      const extra = running.slice(need);
      for (const t of extra) requestStop(core, t, `Scaling activity initiated by (deployment ${current.id})`, 'ServiceSchedulerInitiated');
      serviceEvent(service, `(service ${service.name}) has stopped ${extra.length} running tasks: ${taskIds(extra)}.`);
      changed = true;
    }
    const runningNow = live(current.id).filter((t) => t.lastStatus === 'RUNNING').length;
    if (runningNow >= current.desiredCount) {
      // The new deployment holds: drain the older ones.
      for (const old of service.deployments.slice(1)) {
        const oldTasks = live(old.id);
        if (oldTasks.length > 0) {
          for (const t of oldTasks) requestStop(core, t, `Scaling activity initiated by (deployment ${current.id})`, 'ServiceSchedulerInitiated');
          serviceEvent(service, `(service ${service.name}) has stopped ${oldTasks.length} running tasks: ${taskIds(oldTasks)}.`);
          changed = true;
        }
      }
      const remaining = service.deployments.filter((d, i) => i === 0 || all.some((t) => t.deploymentId === d.id && t.lastStatus !== 'STOPPED'));
      if (remaining.length !== service.deployments.length) {
        service.deployments = remaining;
        changed = true;
      }
      if (current.rolloutState === 'IN_PROGRESS' && service.deployments.length === 1) {
        current.rolloutState = 'COMPLETED';
        current.rolloutStateReason = `ECS deployment ${current.id} completed.`;
        current.updatedAt = now;
        service.lastCompletedTaskDefinition = current.taskDefinition;
        const lbs = (service.config.loadBalancers as { targetGroupArn?: string }[] | undefined) ?? [];
        for (const lb of lbs) if (lb.targetGroupArn && current.desiredCount > 0) serviceEvent(service, `(service ${service.name}) registered ${current.desiredCount} targets in (target-group ${lb.targetGroupArn})`);
        serviceEvent(service, `(service ${service.name}) (deployment ${current.id}) deployment completed.`);
        serviceEvent(service, `(service ${service.name}) has reached a steady state.`);
        publishService(core, service, 'ECS Deployment State Change', 'SERVICE_DEPLOYMENT_COMPLETED', { deploymentId: current.id, reason: current.rolloutStateReason });
        publishService(core, service, 'ECS Service Action', 'SERVICE_STEADY_STATE');
        service.steadySince = now;
        changed = true;
      }
    }
  }
  return changed;
}

/** One pass of the simulation (repeated while something changes), then a timer for the next due step. */
function reconcile(core: SandboxCore): void {
  const s = sim(core);
  if (s.running) {
    s.again = true;
    return;
  }
  s.running = true;
  try {
    for (let pass = 0; pass < 50; pass++) {
      s.again = false;
      const now = Date.now();
      let changed = false;
      for (const task of core.state.ecs.tasks.values()) if (advance(core, task, now)) changed = true;
      for (const service of core.state.ecs.services.values()) if (service.status !== 'INACTIVE' && manageService(core, service, now)) changed = true;
      // EC2 capacity providers: instances launch and register, waiting tasks are placed, groups scale.
      if (stepCapacity(core, now)) changed = true;
      if (changed) core.changed();
      if (!changed && !s.again) break;
    }
  } finally {
    s.running = false;
  }
  core.scheduler.signal();
  const now = Date.now();
  let next: number | undefined;
  for (const task of core.state.ecs.tasks.values()) if (task.lastStatus !== 'STOPPED' && task.nextAt !== undefined) next = Math.min(next ?? Infinity, task.nextAt);
  for (const service of core.state.ecs.services.values()) {
    const primary = service.deployments[0];
    if (service.status === 'ACTIVE' && service.nextLaunchAt !== undefined && service.nextLaunchAt > now && primary && primary.rolloutState !== 'FAILED') next = Math.min(next ?? Infinity, service.nextLaunchAt);
  }
  const capacity = nextCapacityDue(core, now);
  if (capacity !== undefined) next = Math.min(next ?? Infinity, capacity);
  if (next !== undefined) schedule(core, next - now);
}

/** Waits until a deployment (the service's current one by default) has finished rolling out: 'COMPLETED', 'FAILED', or 'GONE' with the service. */
export async function waitForRollout(core: SandboxCore, serviceArn: string, deploymentId?: string): Promise<'COMPLETED' | 'FAILED' | 'GONE'> {
  const id = deploymentId ?? core.state.ecs.services.get(serviceArn)?.deployments[0]?.id;
  for (;;) {
    const service = core.state.ecs.services.get(serviceArn);
    if (!service || service.status === 'INACTIVE' || !id) return 'GONE';
    if (service.failedDeployments?.includes(id)) return 'FAILED';
    const deployment = service.deployments.find((d) => d.id === id);
    // A deployment replaced by a newer one without failing counts as done.
    if (!deployment || deployment.rolloutState === 'COMPLETED') return 'COMPLETED';
    await core.scheduler.nextSignal();
  }
}

/** Waits until a deleted service has drained. */
export async function waitForInactive(core: SandboxCore, serviceArn: string): Promise<void> {
  for (;;) {
    const service = core.state.ecs.services.get(serviceArn);
    if (!service || service.status === 'INACTIVE') return;
    await core.scheduler.nextSignal();
  }
}
