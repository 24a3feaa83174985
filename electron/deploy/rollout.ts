/**
 * After the stack settles: wait for each ECS service's rollout (the circuit breaker decides
 * failure), report progress per service, and when a service fails, say why its tasks stopped
 * and show their last log lines.
 */
import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import type { ServiceRollout } from '../../shared/domain/deploy';
import type { ProjectModel } from '../../shared/domain/project';
import { AppErrorException, raise } from '../../shared/result';
import { ecsServiceName, idPart, projectId, projectLogGroupName } from '../plan';
import { gpuClusterName } from '../plan/gpu';

/** The container name the planner gives a compose service (also its log stream prefix). */
export function containerNameOf(service: string): string {
  return service.replace(/[^A-Za-z0-9_-]/g, '-');
}

export interface RolloutTarget {
  /** Compose service name. */
  service: string;
  /** ECS service name in the cluster. */
  ecsService: string;
  container: string;
  /** The cluster it is in when not the shared one: a GPU service is in its own GPU cluster. */
  cluster?: string;
}

/** The project's ECS services (managed stores and one-offs have none). */
export function rolloutTargets(project: ProjectModel): RolloutTarget[] {
  return project.services
    .filter((s) => !s.managed && !s.oneOff)
    .map((s) => ({
      service: s.name,
      ecsService: ecsServiceName(project.name, containerNameOf(s.name)),
      container: containerNameOf(s.name),
      ...(s.gpu ? { cluster: gpuClusterName(projectId(project.name), s.name) } : {}),
    }));
}

/** One service's rollout, from DescribeServices. */
export function rolloutOf(service: string, ecs: Service): ServiceRollout {
  const primary = ecs.deployments?.find((d) => d.status === 'PRIMARY') ?? ecs.deployments?.[0];
  const rolloutState = primary?.rolloutState;
  const desired = primary?.desiredCount ?? ecs.desiredCount ?? 0;
  const running = primary?.runningCount ?? ecs.runningCount ?? 0;
  const state: ServiceRollout['state'] =
    rolloutState === 'FAILED' ? 'failed' : rolloutState === 'COMPLETED' || (rolloutState === undefined && running >= desired && (ecs.deployments?.length ?? 1) <= 1) ? 'completed' : 'in-progress';
  const rollout: ServiceRollout = { service, desired, running, pending: primary?.pendingCount ?? ecs.pendingCount ?? 0, state };
  const lastEvent = ecs.events?.[0]?.message;
  if (lastEvent) rollout.lastEvent = lastEvent;
  return rollout;
}

export interface StoppedTasksReport {
  reasons: string[];
  logLines: string[];
}

/** Why a service's recent tasks stopped, and the last lines their containers logged. */
export async function stoppedTasksReport(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  input: { cluster: string; project: string; target: RolloutTarget },
): Promise<StoppedTasksReport> {
  const cluster = input.target.cluster ?? input.cluster;
  const listed = await ecs.send(new ListTasksCommand({ cluster, serviceName: input.target.ecsService, desiredStatus: 'STOPPED' }));
  const arns = (listed.taskArns ?? []).slice(0, 10);
  if (arns.length === 0) return { reasons: [], logLines: [] };
  const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }));
  const tasks = [...(described.tasks ?? [])].sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0)).slice(0, 3);
  const reasons = [
    ...new Set(
      tasks.map((t) => {
        const container = t.containers?.find((c) => c.name === input.target.container) ?? t.containers?.[0];
        const exit = container?.exitCode !== undefined ? ` (exit code ${container.exitCode})` : '';
        return `${t.stoppedReason ?? container?.reason ?? 'stopped'}${exit}`;
      }),
    ),
  ];
  const newest = tasks[0];
  let logLines: string[] = [];
  if (newest?.taskArn) {
    const taskId = newest.taskArn.split('/').pop();
    try {
      const out = await logs.send(
        new GetLogEventsCommand({ logGroupName: projectLogGroupName(input.project), logStreamName: `${input.target.container}/${input.target.container}/${taskId}`, limit: 30, startFromHead: false }),
      );
      logLines = (out.events ?? []).map((e) => (e.message ?? '').replace(/\r?\n$/, ''));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    }
  }
  return { reasons, logLines };
}

export interface WatchOptions {
  onRollout?: (rollout: ServiceRollout) => void;
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
  timeoutMs?: number;
  now?: () => number;
  signal?: AbortSignal;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until every service's rollout completes; a failed one (circuit breaker) raises
 * ROLLOUT_FAILED with its stopped tasks' reasons and last log lines.
 */
export async function watchRollouts(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  input: { cluster: string; project: string; targets: RolloutTarget[] },
  options: WatchOptions = {},
): Promise<ServiceRollout[]> {
  if (input.targets.length === 0) return [];
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 30 * 60_000);
  const last = new Map<string, string>();
  for (;;) {
    const rollouts: ServiceRollout[] = [];
    // Ten services a call, per cluster (GPU services are in the project's own).
    const batches: { cluster: string; batch: RolloutTarget[] }[] = [];
    for (const cluster of [...new Set(input.targets.map((t) => t.cluster ?? input.cluster))]) {
      const inCluster = input.targets.filter((t) => (t.cluster ?? input.cluster) === cluster);
      for (let i = 0; i < inCluster.length; i += 10) batches.push({ cluster, batch: inCluster.slice(i, i + 10) });
    }
    for (const { cluster, batch } of batches) {
      const out = await ecs.send(new DescribeServicesCommand({ cluster, services: batch.map((t) => t.ecsService) }));
      for (const target of batch) {
        const svc = out.services?.find((s) => s.serviceName === target.ecsService);
        if (!svc) raise('ROLLOUT_FAILED', `The ECS service of ${target.service} (${target.ecsService}) was not found in the cluster.`, { service: target.service });
        rollouts.push(rolloutOf(target.service, svc));
      }
    }
    for (const r of rollouts) {
      const key = JSON.stringify(r);
      if (last.get(r.service) !== key) {
        last.set(r.service, key);
        options.onRollout?.(r);
      }
    }
    const failed = rollouts.find((r) => r.state === 'failed');
    if (failed) {
      const target = input.targets.find((t) => t.service === failed.service)!;
      const report = await stoppedTasksReport(ecs, logs, { cluster: input.cluster, project: input.project, target });
      raise(
        'ROLLOUT_FAILED',
        `${failed.service} did not start: its rollout failed and ECS rolled it back.${report.reasons.length > 0 ? ` Tasks stopped because: ${report.reasons.join('; ')}.` : ''}${failed.lastEvent ? ` Last service event: ${failed.lastEvent}` : ''}`,
        { service: failed.service, reasons: report.reasons, logLines: report.logLines },
      );
    }
    if (rollouts.every((r) => r.state === 'completed')) return rollouts;
    if (options.signal?.aborted) raise('CANCELLED', 'Stopped waiting for the services to start; they keep rolling out in AWS.');
    if (now() >= deadline) raise('ROLLOUT_FAILED', `The services did not finish starting within ${Math.round((options.timeoutMs ?? 30 * 60_000) / 60_000)} minutes.`, { rollouts });
    await sleep(options.pollMs ?? 5_000);
  }
}

/**
 * A failed stack operation whose first failed resource is a service's ECS service gets that
 * service's stopped-task reasons and last log lines added; any other error comes back as it was.
 */
export async function explainStackFailure(
  error: unknown,
  input: { ecs: ECSClient; logs: CloudWatchLogsClient; cluster: string; project: ProjectModel },
): Promise<unknown> {
  if (!(error instanceof AppErrorException) || error.code !== 'STACK_FAILED') return error;
  const resource = error.appError.details?.resource;
  const target = rolloutTargets(input.project).find((t) => resource === `${idPart(t.service)}Service`);
  if (!target || !input.cluster) return error;
  try {
    const report = await stoppedTasksReport(input.ecs, input.logs, { cluster: input.cluster, project: input.project.name, target });
    const extra = report.reasons.length > 0 ? ` ${target.service}'s tasks stopped because: ${report.reasons.join('; ')}.` : '';
    return new AppErrorException('STACK_FAILED', `${error.message}${extra}`, { ...error.appError.details, service: target.service, stoppedReasons: report.reasons, logLines: report.logLines });
  } catch {
    // The explanation is a bonus: the stack's own failure is what the user must see.
    return error;
  }
}
