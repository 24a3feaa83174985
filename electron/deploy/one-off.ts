/**
 * Running one-off services (migrations, seeds) while the project stack waits for them: when a
 * one-off's wait condition starts, run its task once, wait for it to exit, and signal the
 * condition — SUCCESS on exit 0, else FAILURE with the exit code and the task's last log line,
 * which rolls the stack back before any dependent service changes.
 */
import { DescribeStackResourceCommand, DescribeStackResourcesCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, ListTasksCommand, RunTaskCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import type { StackEvent } from '../../shared/domain/deploy';
import type { PlannedStack } from '../../shared/domain/plan';
import { AppErrorException, raise } from '../../shared/result';
import { ONE_OFFS_METADATA_KEY } from '../plan/project-template';
import type { OneOffPlan } from '../plan/one-off';
import { withRetry } from './retry';

export interface OneOffOutcome {
  service: string;
  taskId?: string;
  exitCode?: number;
  succeeded: boolean;
  /** Why it failed, in one sentence with the task's last log line. */
  message?: string;
  lines: string[];
}

export interface OneOffEnvironment {
  cloudformation: CloudFormationClient;
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  stackName: string;
  cluster: string;
  /** Ties the task to this deployment, so a resumed deployment finds it instead of running it twice. */
  deploymentId: string;
  onProgress?: (outcome: OneOffOutcome & { state: 'running' | 'succeeded' | 'failed' }) => void;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Sends the wait condition's signal (a PUT to its presigned URL). */
  signal?: (url: string, body: string) => Promise<void>;
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A PUT with no Content-Type: the handle's URL is presigned without one. */
async function putSignal(url: string, body: string): Promise<void> {
  const response = await fetch(url, { method: 'PUT', body: new Blob([body]) });
  if (!response.ok) throw new Error(`The wait condition refused the signal (HTTP ${response.status}).`);
}

/** ECS `startedBy` (≤ 36 of letters, digits, - and _) naming this deployment and one-off revision. */
function startedBy(deploymentId: string, plan: OneOffPlan): string {
  const revision = plan.waitCondition.slice(-8);
  return `berth-${deploymentId.replace(/[^A-Za-z0-9]/g, '').slice(-20)}-${revision}`.slice(0, 36);
}

/** The one-offs a planned project stack waits for (from its metadata). */
export function oneOffPlans(stack: PlannedStack): OneOffPlan[] {
  const metadata = (stack.template.Metadata ?? {}) as Record<string, unknown>;
  return Object.values((metadata[ONE_OFFS_METADATA_KEY] ?? {}) as Record<string, OneOffPlan>);
}

/** Starts each one-off when the stack reaches its wait condition, once; `finished()` waits for them all. */
export class OneOffRunner {
  private readonly started = new Map<string, Promise<OneOffOutcome>>();

  constructor(
    private readonly plans: OneOffPlan[],
    private readonly env: OneOffEnvironment,
  ) {}

  /** Feed every stack event here. */
  onStackEvent(event: StackEvent): void {
    if (event.stackName !== this.env.stackName || event.status !== 'CREATE_IN_PROGRESS') return;
    const plan = this.plans.find((p) => p.waitCondition === event.logicalId);
    if (plan && !this.started.has(plan.service)) this.started.set(plan.service, this.run(plan));
  }

  /** Every outcome so far (after the stack settled). */
  async finished(): Promise<OneOffOutcome[]> {
    return Promise.all(this.started.values());
  }

  /** After a restart: runs (or re-attaches to) one-offs whose wait condition is already waiting. */
  async attachInProgress(): Promise<void> {
    if (this.plans.length === 0) return;
    const out = await withRetry(() => this.env.cloudformation.send(new DescribeStackResourcesCommand({ StackName: this.env.stackName })));
    for (const r of out.StackResources ?? []) {
      if (r.ResourceStatus === 'CREATE_IN_PROGRESS' && r.LogicalResourceId) this.onStackEvent({ stackName: this.env.stackName, eventId: '', timestamp: '', logicalId: r.LogicalResourceId, type: r.ResourceType ?? '', status: 'CREATE_IN_PROGRESS' });
    }
  }

  /** Runs a stack operation; when it fails because a one-off failed, says so in the one-off's own words. */
  async explain<T>(operation: () => Promise<T>): Promise<T> {
    try {
      const result = await operation();
      await this.finished();
      return result;
    } catch (error) {
      const failed = (await this.finished().catch(() => [])).find((o) => !o.succeeded);
      if (!failed || !(error instanceof AppErrorException)) throw error;
      raise('ONE_OFF_FAILED', `${failed.message ?? `${failed.service} failed`}. The stack was rolled back, so the services that wait for ${failed.service} still run what they ran before.`, {
        service: failed.service,
        ...(failed.taskId ? { taskId: failed.taskId } : {}),
        ...(failed.exitCode !== undefined ? { exitCode: failed.exitCode } : {}),
        logLines: failed.lines.slice(-30),
      });
    }
  }

  private async physicalId(logicalId: string): Promise<string> {
    const out = await withRetry(() => this.env.cloudformation.send(new DescribeStackResourceCommand({ StackName: this.env.stackName, LogicalResourceId: logicalId })));
    const id = out.StackResourceDetail?.PhysicalResourceId;
    if (!id) throw new Error(`${logicalId} of ${this.env.stackName} has no physical id yet.`);
    return id;
  }

  private async run(plan: OneOffPlan): Promise<OneOffOutcome> {
    const url = await this.physicalId(plan.handle);
    let outcome: OneOffOutcome;
    try {
      outcome = await this.runTask(plan);
    } catch (error) {
      outcome = { service: plan.service, succeeded: false, lines: [], message: `${plan.service} could not be run: ${(error as Error).message}` };
    }
    this.env.onProgress?.({ ...outcome, state: outcome.succeeded ? 'succeeded' : 'failed' });
    const body = JSON.stringify({
      Status: outcome.succeeded ? 'SUCCESS' : 'FAILURE',
      UniqueId: outcome.taskId ?? plan.service,
      Data: String(outcome.exitCode ?? ''),
      // CloudFormation shows this as the wait condition's failure reason.
      Reason: outcome.succeeded ? `${plan.service} exited with 0` : (outcome.message ?? `${plan.service} failed`).slice(0, 900),
    });
    await withRetry(() => (this.env.signal ?? putSignal)(url, body));
    return outcome;
  }

  private async runTask(plan: OneOffPlan): Promise<OneOffOutcome> {
    const { ecs, cluster } = this.env;
    const by = startedBy(this.env.deploymentId, plan);
    const taskDefinition = await this.physicalId(plan.taskDefinition);
    // A resumed deployment attaches to the run it started before.
    const existing = (await withRetry(() => ecs.send(new ListTasksCommand({ cluster, startedBy: by, desiredStatus: 'RUNNING' })))).taskArns ?? [];
    const stopped = existing.length > 0 ? [] : ((await withRetry(() => ecs.send(new ListTasksCommand({ cluster, startedBy: by, desiredStatus: 'STOPPED' })))).taskArns ?? []);
    let arn = existing[0] ?? stopped[0];
    if (!arn) {
      const subnets = await Promise.all(plan.subnets.map((s) => this.physicalId(s)));
      const securityGroup = await this.physicalId(plan.securityGroup);
      const run = await ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition,
          count: 1,
          startedBy: by,
          // Not Spot: an interruption halfway through a migration is the one thing a one-off must not suffer.
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
          networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [securityGroup], assignPublicIp: plan.assignPublicIp ? 'ENABLED' : 'DISABLED' } },
          propagateTags: 'TASK_DEFINITION',
        }),
      );
      const failure = run.failures?.[0];
      if (failure || !run.tasks?.[0]?.taskArn) throw new Error(`ECS did not start it: ${failure?.reason ?? 'no task'}${failure?.detail ? ` (${failure.detail})` : ''}`);
      arn = run.tasks[0].taskArn;
    }
    const taskId = arn.split('/').pop()!;
    this.env.onProgress?.({ service: plan.service, taskId, succeeded: false, lines: [], state: 'running' });
    const task = await this.untilStopped(arn);
    const container = task.containers?.find((c) => c.name === plan.container) ?? task.containers?.[0];
    const lines = await this.lastLines(plan, taskId);
    const exitCode = container?.exitCode;
    if (exitCode === 0) return { service: plan.service, taskId, exitCode, succeeded: true, lines };
    const last = lines.at(-1);
    const why = exitCode === undefined ? `stopped before it ran: ${task.stoppedReason ?? container?.reason ?? 'no reason given'}` : `exited with ${exitCode}`;
    return { service: plan.service, taskId, exitCode, succeeded: false, lines, message: `${plan.service} ${why}${last ? `. Its last log line: ${last}` : ''}` };
  }

  private async untilStopped(arn: string): Promise<Task> {
    const sleep = this.env.sleep ?? sleepReal;
    let wait = Math.min(this.env.pollMs ?? 2000, 2000);
    for (;;) {
      const out = await withRetry(() => this.env.ecs.send(new DescribeTasksCommand({ cluster: this.env.cluster, tasks: [arn] })));
      const task = out.tasks?.[0];
      if (task?.lastStatus === 'STOPPED') return task;
      await sleep(wait);
      wait = Math.min(wait * 2, this.env.pollMs !== undefined ? Math.max(this.env.pollMs, 100) : 10_000);
    }
  }

  private async lastLines(plan: OneOffPlan, taskId: string): Promise<string[]> {
    try {
      const out = await withRetry(() => this.env.logs.send(new GetLogEventsCommand({ logGroupName: plan.logGroup, logStreamName: `${plan.container}/${plan.container}/${taskId}`, limit: 30, startFromHead: false })));
      return (out.events ?? []).map((e) => (e.message ?? '').replace(/\r?\n$/, '')).filter((l) => l.trim() !== '');
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return [];
      throw error;
    }
  }
}
