/**
 * CodeBuild builds in the sandbox: StartBuild queues a build, which then moves through
 * CodeBuild's phases (QUEUED, PROVISIONING, DOWNLOAD_SOURCE, INSTALL, PRE_BUILD, BUILD,
 * POST_BUILD, UPLOAD_ARTIFACTS, FINALIZING, COMPLETED), writing CodeBuild's `[Container]` lines
 * and the commands' output to CloudWatch Logs. Parameter Store variables are resolved at
 * DOWNLOAD_SOURCE as CodeBuild does; a failing command fails its phase with
 * COMMAND_EXECUTION_ERROR. The sandbox runs no shell: it recognises the commands of a buildspec
 * that fetch the context (`aws s3 cp`, `tar -x`), run Docker (`docker login`, `docker buildx`)
 * and Railpack (`railpack prepare`), and does what they do; any other command succeeds.
 */
import { parse as parseYaml } from 'yaml';
import type { SandboxCore } from '../core';
import { fail, SandboxError } from '../errors';
import { SANDBOX_LOG_PREFIX } from '../identity';
import { uuid } from '../ids';
import { createLogGroup, writeLog } from '../logs/store';
import { CODEBUILD_LINUX_SMALL_BUILDS, enforcedQuota } from '../quotas/catalog';
import { getObjectBody } from '../s3/buckets';
import { findParameter } from '../ssm';
import type { CodeBuildBuild, CodeBuildPhase, CodeBuildVariable } from '../state';
import { ArchiveError, unpackTarGz, type ContextFiles } from './context';
import { checkVariables, findProject, projectArn } from './projects';
import { RailpackFailure, railpackPrepare } from './railpack';
import { solve } from './solve';
import { SolveFailure } from './buildkit/progress';

const PHASES = ['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED'] as const;
type Phase = (typeof PHASES)[number];
/** The buildspec phases (`phases.install` ...) and the CodeBuild phase each runs in. */
const SPEC_PHASES: [string, Phase][] = [
  ['install', 'INSTALL'],
  ['pre_build', 'PRE_BUILD'],
  ['build', 'BUILD'],
  ['post_build', 'POST_BUILD'],
];
/** Railpack's release the sandbox reports when a buildspec installs it without naming one. */
const DEFAULT_RAILPACK = '0.37.0';

/** What a build's simulation holds in memory (reset after a restart, rebuilt from the state). */
interface Workspace {
  files?: ContextFiles;
  archive?: Buffer;
  secrets: Map<string, string>;
  railpack?: string;
}

const running = new WeakMap<SandboxCore, Set<string>>();

function jobs(core: SandboxCore): Set<string> {
  let set = running.get(core);
  if (!set) running.set(core, (set = new Set()));
  return set;
}

/** The quota a build counts against (the sandbox models Linux/Small; other environments are not capped). */
function capped(environment: CodeBuildBuild['environment']): boolean {
  return environment.type === 'LINUX_CONTAINER' && environment.computeType === 'BUILD_GENERAL1_SMALL';
}

const active = (core: SandboxCore) => [...core.state.codebuild.builds.values()].filter((b) => b.status === 'IN_PROGRESS' && capped(b.environment));

export function buildArn(core: SandboxCore, id: string): string {
  return `arn:aws:codebuild:${core.region}:${core.account}:build/${id}`;
}

/** StartBuild: checks the project and the overrides, queues the build and starts its simulation. */
export function startBuild(core: SandboxCore, input: Record<string, unknown>): CodeBuildBuild {
  const projectName = input.projectName;
  if (typeof projectName !== 'string' || projectName === '') fail('InvalidInputException', "1 validation error detected: Value null at 'projectName' failed to satisfy constraint: Member must not be null");
  const project = findProject(core, projectName);
  if (!project) fail('ResourceNotFoundException', `Project cannot be found: ${projectArn(core, projectName)}`);
  const overrides = checkVariables(input.environmentVariablesOverride, 'environmentVariablesOverride');
  const timeout = typeof input.timeoutInMinutesOverride === 'number' ? input.timeoutInMinutesOverride : project.timeoutInMinutes;
  if (timeout < 5 || timeout > 2160) fail('InvalidInputException', `1 validation error detected: Value '${timeout}' at 'timeoutInMinutesOverride' failed to satisfy constraint: Member must have value between 5 and 2160`);
  const environment = project.environment;
  if (capped(environment)) {
    // Past the concurrency quota builds queue; the queue holds five times the quota.
    const limit = enforcedQuota(core, core.region, CODEBUILD_LINUX_SMALL_BUILDS);
    if (active(core).length >= limit * 6) fail('AccountLimitExceededException', `Cannot have more than ${limit * 5} builds in queue for the account`);
  }
  const variables = [...environment.environmentVariables.filter((v) => !overrides.some((o) => o.name === v.name)), ...overrides];
  const id = `${project.name}:${uuid()}`;
  project.buildCount++;
  const now = Date.now();
  const group = project.logs.status === 'ENABLED' ? (project.logs.groupName ?? `/aws/codebuild/${project.name}`) : undefined;
  const build: CodeBuildBuild = {
    id,
    arn: buildArn(core, id),
    buildNumber: project.buildCount,
    projectName: project.name,
    status: 'IN_PROGRESS',
    currentPhase: 'QUEUED',
    phases: [
      { phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED', startTime: now, endTime: now },
      { phaseType: 'QUEUED', phaseStatus: 'IN_PROGRESS', startTime: now },
    ],
    startTime: now,
    variables,
    environment: { ...environment },
    timeoutInMinutes: timeout,
    queuedTimeoutInMinutes: project.queuedTimeoutInMinutes,
    ...(group ? { logs: { groupName: group, streamName: project.logs.streamName ? `${project.logs.streamName}/${id.split(':')[1]}` : id.split(':')[1]! } } : {}),
    initiator: 'berth-sandbox',
    linesWritten: 0,
  };
  core.state.codebuild.builds.set(id, build);
  core.changed();
  simulate(core, build);
  return build;
}

/** StopBuild: an in-progress build stops at its next step; a finished one is returned as it is. */
export function stopBuild(core: SandboxCore, id: string): CodeBuildBuild {
  const build = core.state.codebuild.builds.get(id);
  if (!build) fail('ResourceNotFoundException', `Build not found: ${id}`);
  if (build.status === 'IN_PROGRESS') {
    build.stopRequested = true;
    core.changed();
    core.scheduler.signal();
  }
  return build;
}

/** Continues every build still in progress (after the sandbox restarts). */
export function resumeCodeBuild(core: SandboxCore): void {
  for (const build of core.state.codebuild.builds.values()) if (build.status === 'IN_PROGRESS') simulate(core, build);
}

function timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000`;
}

class CommandFailed extends Error {
  constructor(readonly exitStatus: number) {
    super(`exit status ${exitStatus}`);
  }
}

/** A phase that failed before any command (resolving variables, reading the buildspec). */
class PhaseFailure extends Error {
  constructor(
    readonly statusCode: string,
    message: string,
  ) {
    super(message);
  }
}

function simulate(core: SandboxCore, build: CodeBuildBuild): void {
  const set = jobs(core);
  if (set.has(build.id)) return;
  set.add(build.id);
  core.scheduler.run(async () => {
    try {
      await run(core, build);
    } finally {
      set.delete(build.id);
      core.scheduler.signal();
    }
  });
}

async function run(core: SandboxCore, build: CodeBuildBuild): Promise<void> {
  const ws: Workspace = { secrets: new Map() };
  let lineIndex = build.phaseLines ?? 0;
  // Lines already written before a restart are skipped, so the log reads as one run.
  const log = (lines: string[]) => {
    if (!build.logs) return;
    const fresh = lines.filter(() => lineIndex++ >= build.linesWritten);
    if (fresh.length === 0) return;
    if (!core.state.logs.groups.has(build.logs.groupName)) createLogGroup(core, build.logs.groupName);
    writeLog(core, build.logs.groupName, build.logs.streamName, fresh);
    build.linesWritten += fresh.length;
    core.changed();
  };
  const container = (text: string) => log([`[Container] ${timestamp(Date.now())} ${text}`]);
  const wait = (kind: 'buildPhase' | 'buildProvisioning' | 'buildStep') => core.scheduler.sleep(core.timing.ms(kind));
  const project = () => findProject(core, build.projectName);

  const phase = () => build.phases[build.phases.length - 1]!;
  const enter = (type: Phase) => {
    const now = Date.now();
    const last = phase();
    if (last.phaseType === type) return;
    if (last.phaseStatus === 'IN_PROGRESS') {
      last.phaseStatus = 'SUCCEEDED';
      last.endTime = now;
    }
    build.phases.push({ phaseType: type, phaseStatus: type === 'COMPLETED' ? undefined : 'IN_PROGRESS', startTime: now });
    build.currentPhase = type;
    build.phaseLines = build.linesWritten;
    core.changed();
  };
  const end = (status: CodeBuildPhase['phaseStatus'], contexts?: CodeBuildPhase['contexts']) => {
    const p = phase();
    p.phaseStatus = status;
    p.endTime = Date.now();
    if (contexts) p.contexts = contexts;
    core.changed();
  };
  const finish = (status: CodeBuildBuild['status']) => {
    for (const type of ['FINALIZING', 'COMPLETED'] as const) {
      if (phase().phaseType === type) continue;
      enter(type);
    }
    const done = phase();
    done.endTime = done.startTime;
    const finalizing = build.phases.find((p) => p.phaseType === 'FINALIZING');
    if (finalizing && finalizing.phaseStatus === 'IN_PROGRESS') {
      finalizing.phaseStatus = 'SUCCEEDED';
      finalizing.endTime = done.startTime;
    }
    build.status = status;
    build.endTime = Date.now();
    build.currentPhase = 'COMPLETED';
    core.changed();
  };
  // Stopped or timed out: the current phase ends so, then FINALIZING and COMPLETED.
  const interrupted = (): boolean => {
    const overdue = Date.now() - build.startTime > build.timeoutInMinutes * 60_000;
    if (!build.stopRequested && !overdue) return false;
    const status = build.stopRequested ? 'STOPPED' : 'TIMED_OUT';
    end(status, status === 'TIMED_OUT' ? [{ statusCode: 'BUILD_TIMED_OUT', message: `Build has timed out.  ` }] : undefined);
    finish(status);
    return true;
  };

  // QUEUED: until a slot under the concurrency quota is free.
  if (build.currentPhase === 'QUEUED') {
    for (;;) {
      if (interrupted()) return;
      const limit = enforcedQuota(core, core.region, CODEBUILD_LINUX_SMALL_BUILDS);
      const ahead = active(core).filter((b) => b.currentPhase !== 'QUEUED' || (b.startTime < build.startTime && b.id !== build.id));
      if (!capped(build.environment) || ahead.length < limit) break;
      await Promise.race([core.scheduler.nextSignal(), core.scheduler.sleep(1_000)]);
    }
    await wait('buildPhase');
    enter('PROVISIONING');
  }
  if (build.currentPhase === 'PROVISIONING') {
    await wait('buildProvisioning');
    if (interrupted()) return;
    container('Running on CodeBuild On-demand');
    log([`${SANDBOX_LOG_PREFIX} This build runs in the Berth sandbox: no container starts. The sandbox reads the buildspec and does what its commands for the context, Docker, BuildKit and Railpack do.`]);
    container('Waiting for agent ping');
    container('Waiting for DOWNLOAD_SOURCE');
    enter('DOWNLOAD_SOURCE');
  }
  const spec = project()?.source.buildspec;
  let phases: Record<string, { commands?: unknown }>;
  if (build.currentPhase === 'DOWNLOAD_SOURCE') {
    await wait('buildPhase');
    try {
      container('Phase is DOWNLOAD_SOURCE');
      container('YAML location is /codebuild/readonly/buildspec.yml');
      phases = readBuildspec(spec);
      container('Processing environment variables');
      resolveSecrets(core, build, ws, container);
      container('Moving to directory /codebuild/output/src000000000/src');
    } catch (error) {
      if (!(error instanceof PhaseFailure)) throw error;
      container('Phase complete: DOWNLOAD_SOURCE State: FAILED');
      container(`Phase context status code: ${error.statusCode} Message: ${error.message}`);
      end('FAILED', [{ statusCode: error.statusCode, message: error.message }]);
      finish('FAILED');
      return;
    }
    container('Phase complete: DOWNLOAD_SOURCE State: SUCCEEDED');
    container('Phase context status code:  Message: ');
    enter('INSTALL');
  } else {
    // After a restart: the buildspec and secrets again (quietly: their lines were written).
    try {
      phases = readBuildspec(spec);
      resolveSecrets(core, build, ws, () => undefined);
    } catch {
      phases = {};
    }
  }
  let failed = false;
  for (const [key, type] of SPEC_PHASES) {
    const index = PHASES.indexOf(type);
    if (PHASES.indexOf(build.currentPhase as Phase) > index) {
      // Resumed past this phase: its commands run again, silently, to rebuild the workspace (context, Railpack).
      const record = build.phases.find((p) => p.phaseType === type);
      if (record?.phaseStatus === 'FAILED') failed = true;
      else if (type === 'INSTALL' || type === 'PRE_BUILD') for (const command of toCommands(phases[key]?.commands)) await runCommand(core, build, ws, command, () => undefined, async () => undefined).catch(() => undefined);
      continue;
    }
    // After a failed INSTALL or PRE_BUILD the build goes straight to FINALIZING; POST_BUILD still runs after BUILD.
    if (failed && type !== 'POST_BUILD') continue;
    enter(type);
    if (interrupted()) return;
    container(`Entering phase ${type}`);
    const commands = toCommands(phases[key]?.commands);
    let status: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED';
    let context: { statusCode: string; message: string } | undefined;
    for (const command of commands) {
      container(`Running command ${command}`);
      try {
        await runCommand(core, build, ws, command, log, () => wait('buildStep'));
      } catch (error) {
        if (!(error instanceof CommandFailed)) throw error;
        container(`Command did not exit successfully ${command} exit status ${error.exitStatus}`);
        status = 'FAILED';
        context = { statusCode: 'COMMAND_EXECUTION_ERROR', message: `Error while executing command: ${command}. Reason: exit status ${error.exitStatus}` };
        break;
      }
      if (interrupted()) return;
    }
    await wait('buildPhase');
    container(`Phase complete: ${type} State: ${status}`);
    container(`Phase context status code: ${context?.statusCode ?? ''} Message: ${context?.message ?? ''}`);
    end(status, context ? [context] : undefined);
    if (status === 'FAILED') failed = true;
  }
  if (!failed) {
    enter('UPLOAD_ARTIFACTS');
    await wait('buildPhase');
    container('Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED');
    container('Phase context status code:  Message: ');
  }
  enter('FINALIZING');
  await wait('buildPhase');
  finish(failed ? 'FAILED' : 'SUCCEEDED');
}

function readBuildspec(spec: string | undefined): Record<string, { commands?: unknown }> {
  let doc: unknown;
  try {
    doc = parseYaml(spec ?? '');
  } catch (error) {
    throw new PhaseFailure('YAML_FILE_ERROR', (error as Error).message.split('\n')[0]!);
  }
  const version = (doc as { version?: unknown } | null)?.version;
  if (String(version) !== '0.2' && String(version) !== '0.1') throw new PhaseFailure('YAML_FILE_ERROR', `invalid buildspec version: ${String(version)}`);
  return ((doc as { phases?: Record<string, { commands?: unknown }> }).phases ?? {}) as Record<string, { commands?: unknown }>;
}

function toCommands(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

/** Parameter Store variables, decrypted at DOWNLOAD_SOURCE (a missing parameter fails it, as in CodeBuild). */
function resolveSecrets(core: SandboxCore, build: CodeBuildBuild, ws: Workspace, say: (text: string) => void): void {
  const stored = build.variables.filter((v) => v.type === 'PARAMETER_STORE');
  if (stored.length === 0) return;
  say('Decrypting parameter store environment variables');
  for (const v of stored) {
    const parameter = findParameter(core, v.value);
    if (!parameter) throw new PhaseFailure('Decrypted Variables Error', `parameter does not exist: ${v.value}`);
    ws.secrets.set(v.name, parameter.value);
  }
}

/** `$NAME`, `"$NAME"` and `${NAME}` from the build's plain variables (secrets are never spliced into a command). */
function variable(build: CodeBuildBuild, name: string): string | undefined {
  return build.variables.find((v: CodeBuildVariable) => v.name === name && v.type === 'PLAINTEXT')?.value;
}

function referenced(build: CodeBuildBuild, text: string): string | undefined {
  const m = /"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?/.exec(text);
  return m ? variable(build, m[1]!) : undefined;
}

function needsDocker(build: CodeBuildBuild, log: (lines: string[]) => void): void {
  if (build.environment.privilegedMode) return;
  log(['Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?']);
  throw new CommandFailed(1);
}

/** Does what one buildspec command does, as far as the sandbox knows it. */
async function runCommand(core: SandboxCore, build: CodeBuildBuild, ws: Workspace, command: string, log: (lines: string[]) => void, pause: () => Promise<void>): Promise<void> {
  const builder = variable(build, 'BERTH_BUILDER');
  const railpackOnly = /^if \[ "\$\{?(\w+)\}?" = railpack \]; then/.exec(command);
  if (railpackOnly && !command.includes('docker buildx build') && variable(build, railpackOnly[1]!) !== 'railpack') return;
  if (/railpack\.com\/install\.sh/.test(command)) {
    ws.railpack = /RAILPACK_VERSION=([\w.]+)/.exec(command)?.[1] ?? DEFAULT_RAILPACK;
    log([`Installing railpack v${ws.railpack}`, `Railpack v${ws.railpack} installed to /usr/local/bin/railpack`]);
    return;
  }
  const s3 = /aws s3 cp (\S+) (\S+)/.exec(command);
  if (s3) {
    const url = referenced(build, s3[1]!) ?? s3[1]!.replace(/"/g, '');
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
    if (!m) {
      log([`fatal error: Invalid argument type: ${url} is not an S3 URL`]);
      throw new CommandFailed(1);
    }
    try {
      ws.archive = getObjectBody(core, m[1]!, m[2]!);
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      log([error.code === 'NoSuchBucket' ? 'fatal error: An error occurred (404) when calling the HeadObject operation: Not Found' : `fatal error: An error occurred (404) when calling the HeadObject operation: Key "${m[2]}" does not exist`]);
      throw new CommandFailed(1);
    }
    return;
  }
  if (/^tar -x/.test(command)) {
    if (!ws.archive) {
      log(['tar (child): /tmp/berth/context.tar.gz: Cannot open: No such file or directory', 'tar: Error is not recoverable: exiting now']);
      throw new CommandFailed(2);
    }
    try {
      ws.files = await unpackTarGz(ws.archive);
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      log(error.layer === 'gzip' ? ['gzip: stdin: not in gzip format', 'tar: Child returned status 1', 'tar: Error is not recoverable: exiting now'] : ['tar: This does not look like a tar archive', 'tar: Exiting with failure status due to previous errors']);
      throw new CommandFailed(2);
    }
    return;
  }
  if (/docker login/.test(command)) {
    needsDocker(build, log);
    log(['Login Succeeded']);
    return;
  }
  if (/docker buildx create/.test(command)) {
    needsDocker(build, log);
    log(['#1 [internal] booting buildkit', '#1 pulling image moby/buildkit:buildx-stable-1', '#1 creating container buildx_buildkit_berth0', '#1 DONE 4.2s', 'berth']);
    return;
  }
  if (/docker buildx build/.test(command)) {
    needsDocker(build, log);
    await buildImage(core, build, ws, builder, log, pause);
  }
}

/** The `docker buildx build` of Berth's buildspec: flags from BERTH_BUILD_FLAGS, the Dockerfile or Railpack's plan. */
async function buildImage(core: SandboxCore, build: CodeBuildBuild, ws: Workspace, builder: string | undefined, log: (lines: string[]) => void, pause: () => Promise<void>): Promise<void> {
  const files = ws.files;
  if (!files) {
    log(['ERROR: failed to build: unable to prepare context: path "/tmp/berth/context" not found']);
    throw new CommandFailed(1);
  }
  let flags: string[] = [];
  const encoded = variable(build, 'BERTH_BUILD_FLAGS');
  if (encoded) {
    try {
      flags = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as string[];
    } catch {
      log(['jq: error (at <stdin>:0): Cannot iterate over null']);
      throw new CommandFailed(5);
    }
  }
  const buildArgs = new Map<string, string>();
  const secrets = new Set<string>();
  let target: string | undefined;
  for (let i = 0; i < flags.length; i++) {
    const [flag, value = ''] = [flags[i], flags[i + 1]];
    if (flag === '--build-arg') {
      const at = value.indexOf('=');
      if (at > 0) buildArgs.set(value.slice(0, at), value.slice(at + 1));
      i++;
    } else if (flag === '--target') {
      target = value;
      i++;
    } else if (flag === '--secret') {
      const fields = Object.fromEntries(value.split(',').map((f) => f.split('=') as [string, string]));
      // `env=NAME`: the secret is the variable's value; one CodeBuild did not resolve is missing.
      if (fields.id && (!fields.env || ws.secrets.has(fields.env))) secrets.add(fields.id);
      i++;
    }
  }
  let dockerfile: { path: string; text: string };
  if (builder === 'railpack') {
    try {
      const plan = railpackPrepare(files, ws.railpack ?? DEFAULT_RAILPACK, log);
      dockerfile = { path: 'railpack-plan.json', text: plan.plan };
    } catch (error) {
      if (!(error instanceof RailpackFailure)) throw error;
      log(error.lines);
      throw new CommandFailed(1);
    }
  } else {
    const path = (variable(build, 'BERTH_DOCKERFILE') ?? 'Dockerfile').replace(/^\.?\//, '');
    const body = files.get(path);
    if (!body) {
      log([`ERROR: failed to build: resolve : lstat /tmp/berth/context/${path}: no such file or directory`]);
      throw new CommandFailed(1);
    }
    dockerfile = { path, text: body.toString('utf8') };
  }
  const image = variable(build, 'BERTH_IMAGE');
  if (!image) {
    log(['ERROR: failed to build: invalid tag "": invalid reference format']);
    throw new CommandFailed(1);
  }
  try {
    await solve(core, { files, dockerfile, buildArgs, target, platform: variable(build, 'BERTH_PLATFORM') ?? 'linux/amd64', image, cache: variable(build, 'BERTH_CACHE'), secrets }, log, pause);
  } catch (error) {
    if (!(error instanceof SolveFailure)) throw error;
    log([...error.report, `ERROR: failed to build: failed to solve: ${error.message}`]);
    throw new CommandFailed(1);
  }
}

/** BatchGetBuilds' view of a build (Parameter Store variables show their parameter name, as in CodeBuild). */
export function buildView(core: SandboxCore, b: CodeBuildBuild): Record<string, unknown> {
  const project = findProject(core, b.projectName);
  const logs = b.logs
    ? {
        groupName: b.logs.groupName,
        streamName: b.logs.streamName,
        deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${core.region}#logsV2:log-groups/log-group/${encodeURIComponent(b.logs.groupName)}/log-events/${encodeURIComponent(b.logs.streamName)}`,
        cloudWatchLogsArn: `arn:aws:logs:${core.region}:${core.account}:log-group:${b.logs.groupName}:log-stream:${b.logs.streamName}`,
        cloudWatchLogs: { status: 'ENABLED', groupName: b.logs.groupName, streamName: b.logs.streamName },
      }
    : { cloudWatchLogs: { status: 'DISABLED' } };
  return {
    id: b.id,
    arn: b.arn,
    buildNumber: b.buildNumber,
    startTime: b.startTime / 1000,
    ...(b.endTime ? { endTime: b.endTime / 1000 } : {}),
    currentPhase: b.currentPhase,
    buildStatus: b.status,
    projectName: b.projectName,
    phases: b.phases.map((p) => ({
      phaseType: p.phaseType,
      ...(p.phaseStatus ? { phaseStatus: p.phaseStatus } : {}),
      startTime: p.startTime / 1000,
      ...(p.endTime !== undefined ? { endTime: p.endTime / 1000, durationInSeconds: Math.round((p.endTime - p.startTime) / 1000) } : {}),
      ...(p.contexts ? { contexts: p.contexts } : {}),
    })),
    source: { type: project?.source.type ?? 'NO_SOURCE', ...(project?.source.buildspec ? { buildspec: project.source.buildspec } : {}) },
    artifacts: { location: '' },
    environment: { ...b.environment, environmentVariables: b.variables },
    serviceRole: project?.serviceRole,
    logs,
    timeoutInMinutes: b.timeoutInMinutes,
    queuedTimeoutInMinutes: b.queuedTimeoutInMinutes,
    buildComplete: b.status !== 'IN_PROGRESS',
    initiator: b.initiator,
  };
}
