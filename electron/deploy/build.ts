/**
 * Building images in the user's account: one AWS CodeBuild build per build digest not yet in
 * ECR, all in parallel, on the bootstrap's BuildKit projects (one per architecture). Each build
 * reads its context from the bucket and pushes `<repo>:<digest>`, with a registry layer cache;
 * its phases and log lines are passed on while it runs, and its status decides success. A build
 * already running for the same image (an earlier run of Berth, before a restart) is attached to
 * instead of started again.
 */
import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetBuildsCommand, ListBuildsForProjectCommand, StartBuildCommand, StopBuildCommand, type Build, type CodeBuildClient, type EnvironmentVariable } from '@aws-sdk/client-codebuild';
import type { BuildPhaseName } from '../../shared/domain/deploy';
import type { Platform } from '../../shared/domain/project';
import { AppErrorException, raise } from '../../shared/result';
import { BUILD_VARIABLES } from '../plan/buildspec';
import { toAppError } from './errors';

/** Lines of a build's log kept for the failure message. */
const KEPT_LINES = 60;

/** What one build produces. */
export interface BuildRequest {
  /** The compose services this image serves (several may share one build). */
  services: string[];
  /** The image tag: the build digest. */
  tag: string;
  /** `s3://bucket/uploads/<project>/<digest>.tar.gz`. */
  contextUrl: string;
  /** BuildKit on a Dockerfile, or Railpack for a context without one. */
  builder: 'dockerfile' | 'railpack';
  /** Dockerfile path inside the context (Dockerfile builds). */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  platform: Platform;
  /** Build secrets: BuildKit's id and the SSM parameter CodeBuild reads it from (never the value). */
  secrets?: { id: string; parameter: string }[];
}

/** Where builds run: from the bootstrap stack's outputs and the project's repositories. */
export interface BuildEnvironment {
  project: string;
  /** CodeBuild project name per architecture. */
  projects: Record<Platform, string>;
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
  /** A build is known (started or attached to): its id and log stream. */
  onStarted?: (request: BuildRequest, buildId: string, logStream: string) => void;
  /** A build entered a phase (QUEUED, PROVISIONING, BUILD, ... COMPLETED). */
  onPhase?: (request: BuildRequest, phase: BuildPhaseName) => void;
  /** A build ended: how long CodeBuild ran it (what it bills). */
  onFinished?: (request: BuildRequest, result: { status: string; seconds: number }) => void;
  /** Polling starts here and grows to maxPollMs (defaults 2 s → 6 s). */
  pollMs?: number;
  maxPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const plain = (name: string, value: string): EnvironmentVariable => ({ name, value, type: 'PLAINTEXT' });

/** The extra `docker buildx build` arguments, in the order docker would print them. */
export function buildFlags(request: BuildRequest): string[] {
  const flags: string[] = [];
  for (const key of Object.keys(request.args).sort()) flags.push('--build-arg', `${key}=${request.args[key]}`);
  if (request.target) flags.push('--target', request.target);
  (request.secrets ?? []).forEach((s, i) => flags.push('--secret', `id=${s.id},env=${BUILD_VARIABLES.secretPrefix}${i}`));
  return flags;
}

/** StartBuild's variables for one build: what to build, where to push, and the secrets by reference. */
export function buildVariables(env: BuildEnvironment, request: BuildRequest): EnvironmentVariable[] {
  const V = BUILD_VARIABLES;
  const vars = [
    plain(V.context, request.contextUrl),
    plain(V.image, `${env.repositoryUri}:${request.tag}`),
    plain(V.builder, request.builder),
    plain(V.platform, request.platform),
    plain(V.flags, Buffer.from(JSON.stringify(buildFlags(request))).toString('base64')),
  ];
  if (request.builder === 'dockerfile') vars.push(plain(V.dockerfile, request.dockerfile));
  if (env.cacheUri) vars.push(plain(V.cache, `${env.cacheUri}:buildcache`));
  // CodeBuild resolves these from Parameter Store when the build starts: the request holds names only.
  (request.secrets ?? []).forEach((s, i) => vars.push({ name: `${V.secretPrefix}${i}`, value: s.parameter, type: 'PARAMETER_STORE' }));
  return vars;
}

const imageOf = (build: Build) => build.environment?.environmentVariables?.find((v) => v.name === BUILD_VARIABLES.image)?.value;

/** Builds of the project still running, by the image they push (how a restarted Berth finds them). */
export async function runningBuilds(codebuild: CodeBuildClient, env: Pick<BuildEnvironment, 'projects'>): Promise<Map<string, string>> {
  const ids: string[] = [];
  for (const projectName of new Set(Object.values(env.projects))) {
    // The newest page is enough: a build still running was started recently.
    const out = await codebuild.send(new ListBuildsForProjectCommand({ projectName, sortOrder: 'DESCENDING' }));
    ids.push(...(out.ids ?? []));
  }
  const byImage = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 100) {
    const out = await codebuild.send(new BatchGetBuildsCommand({ ids: ids.slice(i, i + 100) }));
    for (const build of out.builds ?? []) {
      const image = imageOf(build);
      if (image && build.id && build.buildStatus === 'IN_PROGRESS' && !byImage.has(image)) byImage.set(image, build.id);
    }
  }
  return byImage;
}

/** Why CodeBuild would not start a build, and what to do about it. */
function startFailure(error: unknown, request: BuildRequest, projectName: string): AppErrorException {
  const who = request.services.join(', ');
  const name = (error as { name?: string }).name ?? '';
  const said = (error as Error).message ?? String(error);
  const details = { services: request.services, reason: name };
  if (name === 'AccountLimitExceededException') {
    return new AppErrorException('BUILD_FAILED', `CodeBuild would not start the image build of ${who}: ${said}. Wait for the builds already running in this account to finish, or raise the CodeBuild quota for concurrent builds in Service Quotas, then deploy again.`, details);
  }
  if (name === 'ResourceNotFoundException') {
    return new AppErrorException('BUILD_FAILED', `The image builder ${projectName} is missing from this account and Region (${said}). Update Berth's shared setup from the Bootstrap screen, then deploy again.`, details);
  }
  if (name === 'AccessDeniedException' || name === 'UnauthorizedOperation') {
    return new AppErrorException('BUILD_FAILED', `Your AWS identity may not start builds of ${projectName}: ${said}. Allow codebuild:StartBuild, codebuild:BatchGetBuilds, codebuild:StopBuild and codebuild:ListBuildsForProject on it, then deploy again.`, details);
  }
  const appError = toAppError(error);
  return new AppErrorException(appError.code === 'INTERNAL' ? 'BUILD_FAILED' : appError.code, `The image build of ${who} could not start: ${appError.message}`, { ...appError.details, ...details });
}

async function startBuild(codebuild: CodeBuildClient, env: BuildEnvironment, request: BuildRequest): Promise<string> {
  const projectName = env.projects[request.platform];
  try {
    const out = await codebuild.send(new StartBuildCommand({ projectName, environmentVariablesOverride: buildVariables(env, request) }));
    if (!out.build?.id) raise('BUILD_FAILED', `CodeBuild started no build for ${request.services.join(', ')}.`, { services: request.services });
    return out.build.id;
  } catch (error) {
    if (error instanceof AppErrorException) throw error;
    throw startFailure(error, request, projectName);
  }
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

/** BuildKit names the failing instruction: `Dockerfile:12` then `12 | >>> RUN npm ci`. */
export function failingDockerfileLine(lines: readonly string[]): { file: string; line: number; instruction: string } | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const pointer = /^\s*(\d+)\s*\|\s*>>>\s?(.*)$/.exec(lines[i]!);
    if (!pointer) continue;
    const header = [...lines.slice(0, i)].reverse().find((l) => /^\s*(?:#\d+\s+)?[\w./-]*Dockerfile[\w.-]*:\d+\s*$/i.test(l));
    const file = header?.trim().replace(/^#\d+\s+/, '').replace(/:\d+$/, '') ?? 'Dockerfile';
    return { file, line: Number(pointer[1]), instruction: pointer[2]!.trim() };
  }
  return undefined;
}

/** The failed phase of a finished build, with CodeBuild's own reason. */
function failedPhase(build: Build): { phase: string; reason?: string; statusCode?: string } | undefined {
  const phase = (build.phases ?? []).find((p) => p.phaseStatus && !['SUCCEEDED', 'IN_PROGRESS'].includes(p.phaseStatus));
  if (!phase) return undefined;
  const reason = (phase.contexts ?? []).map((c) => c.message).filter(Boolean).join(' ');
  const statusCode = phase.contexts?.find((c) => c.statusCode)?.statusCode;
  return { phase: phase.phaseType ?? 'BUILD', ...(reason ? { reason } : {}), ...(statusCode ? { statusCode } : {}) };
}

/** The log up to BuildKit's error line (its report: the step, the Dockerfile excerpt), not the phases CodeBuild runs after it. */
function around(lines: string[], errorLine: string | undefined): string[] {
  const at = errorLine ? lines.lastIndexOf(errorLine) : -1;
  return at < 0 ? lines : lines.slice(Math.max(0, at - 24), at + 1);
}

/** Ends a quoted message with a full stop, so the words after it read as a new sentence. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function failureMessage(request: BuildRequest, build: Build, lastLines: string[]): AppErrorException {
  const who = request.services.join(', ');
  const status = build.buildStatus ?? 'FAILED';
  const failed = failedPhase(build);
  const solved = [...lastLines].reverse().find((l) => /^\s*(?:#\d+\s+)?ERROR:/.test(l));
  const where = failingDockerfileLine(lastLines);
  let message: string;
  if (status === 'TIMED_OUT') message = `The image build of ${who} took longer than ${build.timeoutInMinutes ?? 60} minutes and CodeBuild stopped it.`;
  else if (status === 'STOPPED') message = `The image build of ${who} was stopped before it finished.`;
  else if (status === 'FAULT') message = `CodeBuild failed while building ${who} (an AWS-side fault${failed?.reason ? `: ${failed.reason}` : ''}). Deploy again; nothing was changed in the stack.`;
  // buildx 0.21+ says `ERROR: failed to build: failed to solve: …`; the solver's words are what matter.
  else if (where) message = `The image build of ${who} failed at ${where.file} line ${where.line} (${where.instruction})${solved ? `: ${sentence(solved.trim().replace(/^#\d+\s+/, '').replace(/^ERROR:\s*/, '').replace(/^failed to build:\s*/, ''))}` : '.'}`;
  // CodeBuild reads Parameter Store variables (the build secrets) before the first command.
  else if (failed?.statusCode === 'Decrypted Variables Error') message = `The image build of ${who} could not read a build secret (${failed.reason ?? 'no reason given'}). Set the secret in Berth’s Secrets screen (or with berth config set) and deploy again.`;
  else if (failed?.phase === 'PROVISIONING' || failed?.phase === 'DOWNLOAD_SOURCE') message = `The image build of ${who} could not start (${failed.phase}): ${failed.reason ?? 'CodeBuild gave no reason'}.`;
  else message = `The image build of ${who} failed${failed ? ` in ${failed.phase}` : ''}${failed?.reason ? `: ${failed.reason}` : '.'}`;
  // Docker Hub refuses anonymous pulls past its rate limit: name the fix, not just the symptom.
  if (lastLines.some((l) => /toomanyrequests|pull rate limit/i.test(l))) {
    message += ' Docker Hub refused to serve a base image (its anonymous pull rate limit). Use the same image from public.ecr.aws/docker/library/ in the FROM line, which Berth pulls through your account’s ECR cache, or deploy again later.';
  } else if (!where && !solved) {
    const telling = [...lastLines].reverse().find((l) => /\b(error|failed|not found|denied|no such)\b/i.test(l));
    if (telling) message += ` The build log says: ${telling.trim()}`;
  }
  return new AppErrorException('BUILD_FAILED', message, {
    services: request.services,
    status,
    ...(failed ? { phase: failed.phase } : {}),
    ...(where ? { dockerfile: where.file, line: where.line } : {}),
    logLines: around(lastLines, solved),
  });
}

/** Seconds CodeBuild ran a build (what it bills, by the minute). */
export function buildSeconds(build: Build): number {
  const start = build.startTime?.getTime();
  const end = build.endTime?.getTime();
  return start !== undefined && end !== undefined ? Math.max(0, Math.round((end - start) / 1000)) : 0;
}

/** Runs (or attaches to) one build and waits for it; resolves with the image URI. */
export async function runBuild(
  codebuild: CodeBuildClient,
  logs: CloudWatchLogsClient,
  env: BuildEnvironment,
  request: BuildRequest,
  hooks: BuildHooks = {},
  existingBuildId?: string,
): Promise<string> {
  const sleep = hooks.sleep ?? realSleep;
  const who = request.services.join(', ');
  const id = existingBuildId ?? (await startBuild(codebuild, env, request));
  const lastLines: string[] = [];
  let stream: { group: string; name: string } | undefined;
  let token: string | undefined;
  let phase = '';
  let interval = hooks.pollMs ?? 2_000;
  for (;;) {
    if (hooks.detachSignal?.aborted) raise('CANCELLED', `Stopped following the image build of ${who}; it carries on in AWS.`);
    if (hooks.signal?.aborted) {
      try {
        await codebuild.send(new StopBuildCommand({ id }));
      } catch {
        // Already finished or stopped: nothing left to stop.
      }
      raise('CANCELLED', `The image build of ${who} was stopped.`);
    }
    const out = await codebuild.send(new BatchGetBuildsCommand({ ids: [id] }));
    const build = out.builds?.[0];
    if (!build) raise('BUILD_FAILED', `The image build of ${who} (${id}) is no longer known to CodeBuild.`, { services: request.services });
    if (!stream && build.logs?.groupName && build.logs.streamName) {
      stream = { group: build.logs.groupName, name: build.logs.streamName };
      hooks.onStarted?.(request, id, stream.name);
    }
    if (build.currentPhase && build.currentPhase !== phase) {
      phase = build.currentPhase;
      hooks.onPhase?.(request, phase as BuildPhaseName);
    }
    if (stream) {
      const read = await readNewLines(logs, stream.group, stream.name, token);
      token = read.token;
      if (read.lines.length > 0) {
        lastLines.push(...read.lines);
        lastLines.splice(0, Math.max(0, lastLines.length - KEPT_LINES));
        hooks.onLog?.(request, read.lines);
      }
    }
    if (build.buildStatus && build.buildStatus !== 'IN_PROGRESS') {
      hooks.onFinished?.(request, { status: build.buildStatus, seconds: buildSeconds(build) });
      if (build.buildStatus === 'SUCCEEDED') return `${env.repositoryUri}:${request.tag}`;
      throw failureMessage(request, build, lastLines);
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
  codebuild: CodeBuildClient,
  logs: CloudWatchLogsClient,
  env: BuildEnvironment,
  requests: readonly BuildRequest[],
  hooks: BuildHooks = {},
): Promise<BuildOutcome> {
  const images = new Map<string, string>();
  const failures: BuildOutcome['failures'] = [];
  if (requests.length === 0) return { images, failures };
  const running = await runningBuilds(codebuild, env);
  await Promise.all(
    requests.map(async (request) => {
      try {
        images.set(request.tag, await runBuild(codebuild, logs, env, request, hooks, running.get(`${env.repositoryUri}:${request.tag}`)));
      } catch (error) {
        const appError = error instanceof AppErrorException ? error : new AppErrorException(toAppError(error).code, toAppError(error).message, toAppError(error).details);
        failures.push({ request, error: appError });
      }
    }),
  );
  return { images, failures };
}
