/**
 * Building images in the user's account: one Kaniko task on Fargate per build digest not yet
 * in ECR, all in parallel. Each task reads its context from the bucket, pushes
 * `<repo>:<digest>`, and logs to the build log group; its log lines are streamed while it runs,
 * and its exit code and stopped reason decide success. A build already running for the same
 * digest (an earlier run of Berth, before a restart) is attached to instead of started again.
 */
import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import type { Platform } from '../../shared/domain/project';
import { AppErrorException, raise } from '../../shared/result';
import { berthTags } from '../aws/tags';
import { toAppError } from './errors';
import { projectStackName } from '../plan/names';

/** The Kaniko container's name in the bootstrap's build task definitions. */
export const BUILDER_CONTAINER = 'kaniko';
/** Task tag carrying the image tag a build task produces (how a restarted Berth finds it). */
export const IMAGE_TAG_KEY = 'berth:image-tag';
/** Task tag naming the compose service(s) a build is for. */
export const SERVICE_TAG_KEY = 'berth:service';
/** Lines of a build's log kept for the failure message. */
const KEPT_LINES = 40;

/** What one Kaniko task builds. */
export interface BuildRequest {
  /** The compose services this image serves (several may share one build). */
  services: string[];
  /** The image tag: the build digest. */
  tag: string;
  /** `s3://bucket/uploads/<project>/<digest>.tar.gz`. */
  contextUrl: string;
  /** Dockerfile path inside the context archive. */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  platform: Platform;
}

/** Where and how build tasks run: from the bootstrap stack's outputs and the project's repositories. */
export interface BuildEnvironment {
  project: string;
  cluster: string;
  taskDefinitions: Record<Platform, string>;
  subnets: string[];
  securityGroups: string[];
  logGroup: string;
  repositoryUri: string;
  cacheUri?: string;
}

export interface BuildHooks {
  /** Cancels: running builds are stopped. */
  signal?: AbortSignal;
  /** Stops waiting but leaves the builds running (the app is quitting; a restart re-attaches). */
  detachSignal?: AbortSignal;
  /** New log lines of one build, in order. */
  onLog?: (request: BuildRequest, lines: string[]) => void;
  /** A build's task is known (started or attached to). */
  onStarted?: (request: BuildRequest, taskArn: string, logStream: string) => void;
  /** A build's task changed state (PROVISIONING, RUNNING, STOPPED...). */
  onState?: (request: BuildRequest, state: string) => void;
  /** Polling starts here and grows to maxPollMs (defaults 2 s → 6 s). */
  pollMs?: number;
  maxPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Who started a build task: lets a restarted Berth list the project's running builds. */
export function buildStartedBy(project: string): string {
  // startedBy allows letters, digits, - and _ only, up to 128: the stack name is such a name, one per project.
  return projectStackName(project);
}

/** Kaniko's command line for one build. */
export function kanikoArgs(env: BuildEnvironment, request: BuildRequest): string[] {
  const args = [`--context=${request.contextUrl}`, `--dockerfile=${request.dockerfile}`, `--destination=${env.repositoryUri}:${request.tag}`, '--snapshot-mode=redo'];
  if (env.cacheUri) args.push('--cache=true', `--cache-repo=${env.cacheUri}`);
  for (const key of Object.keys(request.args).sort()) args.push(`--build-arg=${key}=${request.args[key]}`);
  if (request.target) args.push(`--target=${request.target}`);
  return args;
}

function tagValue(task: Task, key: string): string | undefined {
  return task.tags?.find((t) => t.key === key)?.value;
}

/** Running (or starting) build tasks of the project, by image tag. */
export async function runningBuilds(ecs: ECSClient, env: Pick<BuildEnvironment, 'cluster' | 'project'>): Promise<Map<string, string>> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const out = await ecs.send(new ListTasksCommand({ cluster: env.cluster, startedBy: buildStartedBy(env.project), desiredStatus: 'RUNNING', ...(token ? { nextToken: token } : {}) }));
    arns.push(...(out.taskArns ?? []));
    token = out.nextToken;
  } while (token);
  const byTag = new Map<string, string>();
  for (let i = 0; i < arns.length; i += 100) {
    const out = await ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: arns.slice(i, i + 100), include: ['TAGS'] }));
    for (const task of out.tasks ?? []) {
      const tag = tagValue(task, IMAGE_TAG_KEY);
      if (tag && task.taskArn && task.lastStatus !== 'STOPPED') byTag.set(tag, task.taskArn);
    }
  }
  return byTag;
}

async function startBuild(ecs: ECSClient, env: BuildEnvironment, request: BuildRequest): Promise<string> {
  const out = await ecs.send(
    new RunTaskCommand({
      cluster: env.cluster,
      taskDefinition: env.taskDefinitions[request.platform],
      launchType: 'FARGATE',
      count: 1,
      startedBy: buildStartedBy(env.project),
      // Public subnets with a public address: builds need the internet (base images) and no NAT exists in the cheaper modes.
      networkConfiguration: { awsvpcConfiguration: { subnets: env.subnets, securityGroups: env.securityGroups, assignPublicIp: 'ENABLED' } },
      overrides: { containerOverrides: [{ name: BUILDER_CONTAINER, command: kanikoArgs(env, request) }] },
      tags: [
        ...berthTags(env.project).map((t) => ({ key: t.Key, value: t.Value })),
        { key: IMAGE_TAG_KEY, value: request.tag },
        { key: SERVICE_TAG_KEY, value: request.services.join(' ').slice(0, 256) },
      ],
    }),
  );
  const arn = out.tasks?.[0]?.taskArn;
  if (!arn) {
    const failure = out.failures?.[0];
    raise('BUILD_FAILED', `The image build of ${request.services.join(', ')} could not start: ${failure?.reason ?? 'ECS started no task'}${failure?.detail ? ` (${failure.detail})` : ''}.`, {
      services: request.services,
      reason: failure?.reason,
    });
  }
  return arn;
}

/** The log stream of a build task (awslogs: `<prefix>/<container>/<task id>`). */
export function buildLogStream(taskArn: string): string {
  return `build/${BUILDER_CONTAINER}/${taskArn.split('/').pop()}`;
}

/** Streams one stream's new lines from a position; a stream not created yet is simply empty. */
async function readNewLines(logs: CloudWatchLogsClient, group: string, stream: string, token: string | undefined): Promise<{ lines: string[]; token: string | undefined }> {
  const lines: string[] = [];
  let next = token;
  for (;;) {
    let out;
    try {
      out = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, ...(next ? { nextToken: next } : {}) }));
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return { lines, token: next };
      throw error;
    }
    for (const e of out.events ?? []) if (e.message !== undefined) lines.push(e.message.replace(/\r?\n$/, ''));
    // The same token back means the end of the stream for now.
    if (!out.nextForwardToken || out.nextForwardToken === next) return { lines, token: out.nextForwardToken ?? next };
    next = out.nextForwardToken;
    if ((out.events ?? []).length === 0) return { lines, token: next };
  }
}

function failureMessage(request: BuildRequest, task: Task, lastLines: string[]): AppErrorException {
  const who = request.services.join(', ');
  const container = task.containers?.find((c) => c.name === BUILDER_CONTAINER) ?? task.containers?.[0];
  const exitCode = container?.exitCode;
  const stoppedReason = task.stoppedReason ?? container?.reason;
  let message: string;
  if (exitCode !== undefined && exitCode !== 0) {
    message = `The image build of ${who} failed (exit code ${exitCode}).`;
  } else if (/ResourceInitializationError/i.test(stoppedReason ?? '')) {
    message = `The image build of ${who} could not start: ${stoppedReason}. The build task could not reach what it needs (its image, logs or secrets); check the bootstrap network's internet access.`;
  } else if (/CannotPullContainer/i.test(stoppedReason ?? '')) {
    message = `The image build of ${who} could not start: the builder image could not be pulled (${stoppedReason}).`;
  } else {
    message = `The image build of ${who} stopped before finishing${stoppedReason ? `: ${stoppedReason}` : ''}.`;
  }
  // Name the one line that explains it; the last lines travel in details for the log view and the CLI.
  const telling = [...lastLines].reverse().find((l) => /\b(error|failed|not found|denied|no such)\b/i.test(l) && !/exit(ed)? (with )?code|stopped with/i.test(l));
  if (telling) message += ` The build log says: ${telling.trim()}`;
  return new AppErrorException('BUILD_FAILED', message, {
    services: request.services,
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(stoppedReason ? { stoppedReason } : {}),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    logLines: lastLines,
  });
}

/** Runs (or attaches to) one build and waits for it; resolves with the image URI. */
export async function runBuild(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  env: BuildEnvironment,
  request: BuildRequest,
  hooks: BuildHooks = {},
  existingTaskArn?: string,
): Promise<string> {
  const sleep = hooks.sleep ?? realSleep;
  const taskArn = existingTaskArn ?? (await startBuild(ecs, env, request));
  const stream = buildLogStream(taskArn);
  hooks.onStarted?.(request, taskArn, stream);
  const lastLines: string[] = [];
  let token: string | undefined;
  let state = '';
  let interval = hooks.pollMs ?? 2_000;
  const drainLogs = async () => {
    const read = await readNewLines(logs, env.logGroup, stream, token);
    token = read.token;
    if (read.lines.length > 0) {
      lastLines.push(...read.lines);
      lastLines.splice(0, Math.max(0, lastLines.length - KEPT_LINES));
      hooks.onLog?.(request, read.lines);
    }
  };
  for (;;) {
    if (hooks.detachSignal?.aborted) raise('CANCELLED', `Stopped following the image build of ${request.services.join(', ')}; it carries on in AWS.`);
    if (hooks.signal?.aborted) {
      await ecs.send(new StopTaskCommand({ cluster: env.cluster, task: taskArn, reason: 'Deployment cancelled in Berth' })).catch(() => undefined);
      raise('CANCELLED', `The image build of ${request.services.join(', ')} was stopped.`);
    }
    const out = await ecs.send(new DescribeTasksCommand({ cluster: env.cluster, tasks: [taskArn] }));
    const task = out.tasks?.[0];
    if (!task) raise('BUILD_FAILED', `The build task of ${request.services.join(', ')} disappeared (${out.failures?.[0]?.reason ?? 'not found'}).`, { services: request.services });
    if (task.lastStatus && task.lastStatus !== state) {
      state = task.lastStatus;
      hooks.onState?.(request, state);
    }
    await drainLogs();
    if (task.lastStatus === 'STOPPED') {
      const container = task.containers?.find((c) => c.name === BUILDER_CONTAINER) ?? task.containers?.[0];
      if (container?.exitCode === 0) return `${env.repositoryUri}:${request.tag}`;
      throw failureMessage(request, task, lastLines);
    }
    await sleep(interval);
    interval = Math.min(hooks.maxPollMs ?? 6_000, Math.round(interval * 1.5));
  }
}

export interface BuildOutcome {
  /** Image URI by tag, for the builds that succeeded. */
  images: Map<string, string>;
  /** Failed builds, each with its error. */
  failures: { request: BuildRequest; error: AppErrorException }[];
}

/**
 * Runs every build in parallel (attaching to ones already running). All builds are waited for,
 * so images that did build are reused next time; failures come back together.
 */
export async function runBuilds(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  env: BuildEnvironment,
  requests: readonly BuildRequest[],
  hooks: BuildHooks = {},
): Promise<BuildOutcome> {
  const images = new Map<string, string>();
  const failures: BuildOutcome['failures'] = [];
  if (requests.length === 0) return { images, failures };
  const running = await runningBuilds(ecs, env);
  await Promise.all(
    requests.map(async (request) => {
      try {
        images.set(request.tag, await runBuild(ecs, logs, env, request, hooks, running.get(request.tag)));
      } catch (error) {
        const appError = error instanceof AppErrorException ? error : new AppErrorException(toAppError(error).code, toAppError(error).message, toAppError(error).details);
        failures.push({ request, error: appError });
      }
    }),
  );
  return { images, failures };
}
