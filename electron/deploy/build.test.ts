import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetBuildsCommand, CodeBuildClient, ListBuildsForProjectCommand, StartBuildCommand, StopBuildCommand, type Build } from '@aws-sdk/client-codebuild';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppErrorException } from '../../shared/result';
import { buildVariables, failingDockerfileLine, runBuild, runBuilds, type BuildEnvironment, type BuildRequest } from './build';
import { awsError } from './testing/errors';

const cbMock = mockClient(CodeBuildClient);
const logsMock = mockClient(CloudWatchLogsClient);
const creds = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const codebuild = new CodeBuildClient(creds);
const logs = new CloudWatchLogsClient(creds);
const ID = 'berth-images-arm64:0b6c1f9e-1111-2222-3333-444455556666';

const env: BuildEnvironment = {
  project: 'shop',
  projects: { 'linux/amd64': 'berth-images-amd64', 'linux/arm64': 'berth-images-arm64' },
  repositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/berth/shop',
  cacheUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/berth/shop/cache',
};
const request: BuildRequest = {
  services: ['web'],
  tag: 'f'.repeat(64),
  contextUrl: 's3://bkt/uploads/shop/abc.tar.gz',
  builder: 'dockerfile',
  dockerfile: 'docker/Dockerfile',
  args: { NODE_ENV: 'production', GREETING: 'hello; rm -rf /' },
  target: 'runtime',
  platform: 'linux/arm64',
  secrets: [{ id: 'npm_token', parameter: '/Berth/shop/_files/npm_token' }],
};
const hooks = { pollMs: 0, maxPollMs: 0, sleep: async () => undefined };
const logsOf = { groupName: '/berth/builds', streamName: 'build/0b6c1f9e-1111-2222-3333-444455556666' };

const build = (over: Partial<Build>): Build => ({ id: ID, buildStatus: 'IN_PROGRESS', logs: logsOf, environment: { type: 'ARM_CONTAINER', image: 'x', computeType: 'BUILD_GENERAL1_SMALL', environmentVariables: buildVariables(env, request) }, ...over });
const failed = (status: Build['buildStatus'], phaseType: string, message?: string): Build =>
  build({ buildStatus: status, currentPhase: 'COMPLETED', phases: [{ phaseType: 'PROVISIONING', phaseStatus: 'SUCCEEDED' }, { phaseType: phaseType as never, phaseStatus: status === 'STOPPED' ? 'STOPPED' : 'FAILED', ...(message ? { contexts: [{ statusCode: 'X', message }] } : {}) }] });

async function failure(work: Promise<unknown>): Promise<AppErrorException> {
  try {
    await work;
  } catch (error) {
    return error as AppErrorException;
  }
  throw new Error('expected the build to fail');
}

beforeEach(() => {
  cbMock.reset();
  logsMock.reset();
  cbMock.on(StartBuildCommand).resolves({ build: { id: ID } });
  cbMock.on(ListBuildsForProjectCommand).resolves({ ids: [] });
  logsMock.on(GetLogEventsCommand).resolves({ events: [], nextForwardToken: 'f/1' });
});

describe('what a build is told', () => {
  it('passes the context, image, cache, Dockerfile and platform as plain variables, flags as base64 JSON, secrets by parameter name only', () => {
    const vars = Object.fromEntries(buildVariables(env, request).map((v) => [v.name, v]));
    expect(vars.BERTH_CONTEXT_URL).toEqual({ name: 'BERTH_CONTEXT_URL', value: 's3://bkt/uploads/shop/abc.tar.gz', type: 'PLAINTEXT' });
    expect(vars.BERTH_IMAGE!.value).toBe(`${env.repositoryUri}:${request.tag}`);
    expect(vars.BERTH_CACHE!.value).toBe(`${env.cacheUri}:buildcache`);
    expect(vars.BERTH_DOCKERFILE!.value).toBe('docker/Dockerfile');
    expect(vars.BERTH_PLATFORM!.value).toBe('linux/arm64');
    expect(JSON.parse(Buffer.from(vars.BERTH_BUILD_FLAGS!.value!, 'base64').toString())).toEqual([
      '--build-arg',
      'GREETING=hello; rm -rf /',
      '--build-arg',
      'NODE_ENV=production',
      '--target',
      'runtime',
      '--secret',
      'id=npm_token,env=BERTH_SECRET_0',
    ]);
    expect(vars.BERTH_SECRET_0).toEqual({ name: 'BERTH_SECRET_0', value: '/Berth/shop/_files/npm_token', type: 'PARAMETER_STORE' });
  });

  it('tells a Railpack build no Dockerfile', () => {
    const names = buildVariables(env, { ...request, builder: 'railpack' }).map((v) => [v.name, v.value]);
    expect(names).toContainEqual(['BERTH_BUILDER', 'railpack']);
    expect(names.map(([n]) => n)).not.toContain('BERTH_DOCKERFILE');
  });
});

describe('runBuild', () => {
  it('starts the project of the platform, reports phases and log lines, and returns the image with the build’s duration', async () => {
    cbMock
      .on(BatchGetBuildsCommand)
      .resolvesOnce({ builds: [build({ currentPhase: 'QUEUED', logs: {} })] })
      .resolvesOnce({ builds: [build({ currentPhase: 'BUILD' })] })
      .resolves({ builds: [build({ buildStatus: 'SUCCEEDED', currentPhase: 'COMPLETED', startTime: new Date(0), endTime: new Date(95_000) })] });
    logsMock.on(GetLogEventsCommand).resolvesOnce({ events: [{ message: '#5 [2/4] RUN npm ci\n' }], nextForwardToken: 'f/2' }).resolves({ events: [], nextForwardToken: 'f/2' });
    const phases: string[] = [];
    const lines: string[] = [];
    const finished: unknown[] = [];
    const image = await runBuild(codebuild, logs, env, request, {
      ...hooks,
      onPhase: (_r, p) => phases.push(p),
      onLog: (_r, l) => lines.push(...l),
      onFinished: (_r, f) => finished.push(f),
    });
    expect(image).toBe(`${env.repositoryUri}:${request.tag}`);
    expect(cbMock.commandCalls(StartBuildCommand)[0]!.args[0].input.projectName).toBe('berth-images-arm64');
    expect(phases).toEqual(['QUEUED', 'BUILD', 'COMPLETED']);
    expect(lines).toEqual(['#5 [2/4] RUN npm ci']);
    expect(finished).toEqual([{ status: 'SUCCEEDED', seconds: 95 }]);
  });

  it('names the failing Dockerfile line and BuildKit’s error', async () => {
    cbMock.on(BatchGetBuildsCommand).resolves({ builds: [failed('FAILED', 'BUILD', 'Error while executing command: docker buildx build ... Reason: exit status 1')] });
    logsMock.on(GetLogEventsCommand).resolvesOnce({
      events: ['#9 ERROR: process "/bin/sh -c npm run build" did not complete successfully: exit code: 1', 'Dockerfile:12', '--------------------', '  11 |     COPY . .', '  12 | >>> RUN npm run build', '--------------------', 'ERROR: failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 1', '[Container] 2026/12/02 10:00:00.000000 Entering phase POST_BUILD'].map((message) => ({ message })),
      nextForwardToken: 'f/2',
    }).resolves({ events: [], nextForwardToken: 'f/2' });
    const error = await failure(runBuild(codebuild, logs, env, request, hooks));
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.message).toBe('The image build of web failed at Dockerfile line 12 (RUN npm run build): failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 1.');
    expect(error.appError.details).toMatchObject({ dockerfile: 'Dockerfile', line: 12, phase: 'BUILD', status: 'FAILED' });
    // The lines shown with the failure end at BuildKit's error, not at the phases CodeBuild ran after it.
    expect((error.appError.details as { logLines: string[] }).logLines.at(-1)).toMatch(/^ERROR: failed to solve: process/);
    // Newer buildx puts `failed to build:` first; the message reads the same.
    logsMock.reset();
    logsMock.on(GetLogEventsCommand).resolvesOnce({ events: ['Dockerfile:1', '   1 | >>> WORKDIR /app', 'ERROR: failed to build: failed to solve: no build stage in current context'].map((message) => ({ message })), nextForwardToken: 'f/3' }).resolves({ events: [], nextForwardToken: 'f/3' });
    expect((await failure(runBuild(codebuild, logs, env, request, hooks))).message).toBe('The image build of web failed at Dockerfile line 1 (WORKDIR /app): failed to solve: no build stage in current context.');
  });

  it('says when a build secret is missing, as CodeBuild reports it at DOWNLOAD_SOURCE', async () => {
    const missing = failed('FAILED', 'DOWNLOAD_SOURCE');
    missing.phases![1]!.contexts = [{ statusCode: 'Decrypted Variables Error', message: 'parameter does not exist: /Berth/shop/_files/npm_token' }];
    cbMock.on(BatchGetBuildsCommand).resolves({ builds: [missing] });
    const error = await failure(runBuild(codebuild, logs, env, request, hooks));
    expect(error.message).toBe('The image build of web could not read a build secret (parameter does not exist: /Berth/shop/_files/npm_token). Set the secret in Berth’s Secrets screen (or with berth config set) and deploy again.');
    // Another early failure names its phase and CodeBuild's reason.
    cbMock.on(BatchGetBuildsCommand).resolves({ builds: [failed('FAILED', 'DOWNLOAD_SOURCE', 'invalid buildspec version: 0.3')] });
    expect((await failure(runBuild(codebuild, logs, env, request, hooks))).message).toBe('The image build of web could not start (DOWNLOAD_SOURCE): invalid buildspec version: 0.3.');
  });

  it('explains a timed-out, a stopped and a faulted build', async () => {
    cbMock.on(BatchGetBuildsCommand).resolves({ builds: [{ ...failed('TIMED_OUT', 'BUILD'), timeoutInMinutes: 60 }] });
    expect((await failure(runBuild(codebuild, logs, env, request, hooks))).message).toBe('The image build of web took longer than 60 minutes and CodeBuild stopped it.');
    cbMock.on(BatchGetBuildsCommand).resolves({ builds: [failed('STOPPED', 'BUILD')] });
    expect((await failure(runBuild(codebuild, logs, env, request, hooks))).message).toBe('The image build of web was stopped before it finished.');
    cbMock.on(BatchGetBuildsCommand).resolves({ builds: [failed('FAULT', 'PROVISIONING', 'Internal service error')] });
    expect((await failure(runBuild(codebuild, logs, env, request, hooks))).message).toMatch(/AWS-side fault: Internal service error\). Deploy again/);
  });

  it('names the fix when Docker Hub rate-limits a base image pull', async () => {
    cbMock.on(BatchGetBuildsCommand).resolves({ builds: [failed('FAILED', 'BUILD')] });
    logsMock.on(GetLogEventsCommand).resolvesOnce({ events: [{ message: 'ERROR: failed to solve: node:20: failed to resolve source metadata for docker.io/library/node:20: toomanyrequests: You have reached your pull rate limit.' }], nextForwardToken: 'f/2' }).resolves({ events: [], nextForwardToken: 'f/2' });
    expect((await failure(runBuild(codebuild, logs, env, request, hooks))).message).toMatch(/anonymous pull rate limit\). Use the same image from public\.ecr\.aws\/docker\/library\//);
  });

  it('turns CodeBuild’s refusals into what to do: account build quota, missing project, access denied', async () => {
    cbMock.on(StartBuildCommand).rejects(awsError('AccountLimitExceededException', 'Cannot have more than 1 builds in queue for the account'));
    expect((await failure(runBuild(codebuild, logs, env, request, hooks))).message).toMatch(/Cannot have more than 1 builds in queue for the account\. Wait for the builds already running .* raise the CodeBuild quota/);
    cbMock.on(StartBuildCommand).rejects(awsError('ResourceNotFoundException', 'Project cannot be found: arn:aws:codebuild:us-east-1:123456789012:project/berth-images-arm64'));
    expect((await failure(runBuild(codebuild, logs, env, request, hooks))).message).toMatch(/The image builder berth-images-arm64 is missing .* Update Berth's shared setup/);
    cbMock.on(StartBuildCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: codebuild:StartBuild', 403));
    expect((await failure(runBuild(codebuild, logs, env, request, hooks))).message).toMatch(/may not start builds of berth-images-arm64: .*Allow codebuild:StartBuild/);
  });

  it('stops the build when the deployment is cancelled, and leaves it running when detached', async () => {
    cbMock.on(BatchGetBuildsCommand).resolves({ builds: [build({ currentPhase: 'BUILD' })] });
    const cancel = new AbortController();
    cancel.abort();
    const stopped = await failure(runBuild(codebuild, logs, env, request, { ...hooks, signal: cancel.signal }));
    expect(stopped.message).toBe('The image build of web was stopped.');
    expect(cbMock.commandCalls(StopBuildCommand)[0]!.args[0].input).toEqual({ id: ID });
    cbMock.resetHistory();
    const detach = new AbortController();
    detach.abort();
    expect((await failure(runBuild(codebuild, logs, env, request, { ...hooks, detachSignal: detach.signal }))).code).toBe('CANCELLED');
    expect(cbMock.commandCalls(StopBuildCommand)).toHaveLength(0);
  });
});

describe('runBuilds', () => {
  it('attaches to a build of the same image still running after a restart instead of starting another', async () => {
    cbMock.on(ListBuildsForProjectCommand).resolves({ ids: [ID, 'berth-images-arm64:old'] });
    cbMock
      .on(BatchGetBuildsCommand, { ids: [ID, 'berth-images-arm64:old', ID, 'berth-images-arm64:old'] })
      .resolves({ builds: [build({}), { ...build({ buildStatus: 'SUCCEEDED' }), id: 'berth-images-arm64:old' }] });
    cbMock.on(BatchGetBuildsCommand, { ids: [ID] }).resolves({ builds: [build({ buildStatus: 'SUCCEEDED', currentPhase: 'COMPLETED' })] });
    const outcome = await runBuilds(codebuild, logs, env, [request], hooks);
    expect(outcome.failures).toEqual([]);
    expect(cbMock.commandCalls(StartBuildCommand)).toHaveLength(0);
  });

  it('runs builds in parallel and reports every failure together', async () => {
    const other: BuildRequest = { ...request, services: ['worker'], tag: 'e'.repeat(64), platform: 'linux/amd64', secrets: [] };
    cbMock.on(StartBuildCommand, { projectName: 'berth-images-amd64' }).rejects(awsError('AccountLimitExceededException', 'Cannot have more than 1 builds in queue for the account'));
    cbMock.on(BatchGetBuildsCommand).resolves({ builds: [build({ buildStatus: 'SUCCEEDED' })] });
    const outcome = await runBuilds(codebuild, logs, env, [request, other], hooks);
    expect([...outcome.images.keys()]).toEqual([request.tag]);
    expect(outcome.failures.map((f) => f.request.services)).toEqual([['worker']]);
  });
});

describe('failingDockerfileLine', () => {
  it('reads BuildKit’s pointer to the failing instruction, with the Dockerfile’s name', () => {
    expect(failingDockerfileLine(['docker/prod.Dockerfile:7', '   6 |', '   7 | >>> RUN --mount=type=cache,target=/root/.cache pip install -r req.txt'])).toEqual({
      file: 'docker/prod.Dockerfile',
      line: 7,
      instruction: 'RUN --mount=type=cache,target=/root/.cache pip install -r req.txt',
    });
    expect(failingDockerfileLine(['#5 DONE 0.1s'])).toBeUndefined();
  });
});
