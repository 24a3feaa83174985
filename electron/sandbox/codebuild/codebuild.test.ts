import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountLimitExceededException, BatchGetBuildsCommand, BatchGetProjectsCommand, ListBuildsForProjectCommand, ResourceNotFoundException, StartBuildCommand, StopBuildCommand } from '@aws-sdk/client-codebuild';
import { CreateRepositoryCommand, DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { startSandbox, type Sandbox } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';
import { buildContext } from '../testing/context';
import { buildLog, createBuilder, runImageBuild, TEST_BUILD_PROJECT, type ImageBuild } from '../testing/builds';

const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';
const BUCKET = 'builds-bucket';

describe('sandbox CodeBuild: BuildKit builds of Berth’s buildspec', () => {
  let sb: Sandbox;
  let c: SandboxClients;
  let n = 0;
  const build = async (files: Record<string, string>, extra: Partial<ImageBuild> = {}) => runImageBuild({ sb, c }, BUCKET, { key: `uploads/app/${++n}.tar.gz`, context: await buildContext(files), image: `${REGISTRY}/berth/app:t${n}`, ...extra });
  const text = (log: string[]) => log.join('\n');

  beforeAll(async () => {
    sb = await startSandbox();
    c = sandboxClients(sb);
    await createBuilder({ sb, c }, BUCKET);
    await createBuilder({ sb, c }, 'unprivileged-bucket', 'plain-builder', { privileged: false, name: 'plain-images' });
    for (const repositoryName of ['berth/app', 'berth/app/cache']) await c.ecr.send(new CreateRepositoryCommand({ repositoryName }));
  });
  afterAll(async () => {
    c.destroy();
    await sb.close();
  });

  it('runs the phases in order, writes CodeBuild and BuildKit lines, and pushes the image to ECR', async () => {
    const { build: b, log } = await build({ Dockerfile: 'FROM node:20-alpine\nWORKDIR /app\nCOPY package.json .\nRUN npm ci \\\n  --omit=dev\nCOPY src ./src\nCMD ["node", "src/index.js"]\n', 'package.json': '{}', 'src/index.js': '1' });
    expect(b.buildStatus, text(log)).toBe('SUCCEEDED');
    expect(b.phases!.map((p) => p.phaseType)).toEqual(['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED']);
    expect(b.phases!.slice(0, -1).every((p) => p.phaseStatus === 'SUCCEEDED')).toBe(true);
    expect(b.logs!.streamName).toMatch(/^build\/[0-9a-f-]{36}$/);
    expect(log).toContain('#2 [internal] load metadata for docker.io/library/node:20-alpine');
    expect(log.some((l) => /^#\d+ \[4\/6\] RUN npm ci\s+--omit=dev$/.test(l))).toBe(true);
    expect(log.some((l) => /^\[Container\] \d{4}\/\d\d\/\d\d [\d:.]+ Phase complete: BUILD State: SUCCEEDED$/.test(l))).toBe(true);
    const digest = (await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'berth/app', imageIds: [{ imageTag: `t${n}` }] }))).imageDetails![0]!.imageDigest!;
    expect(log.some((l) => l.includes(`pushing manifest for ${REGISTRY}/berth/app:t${n}@${digest} done`))).toBe(true);
  });

  it('reuses unchanged layers from the registry cache and rebuilds only what changed', async () => {
    const files = { Dockerfile: 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py .\n', 'requirements.txt': 'flask', 'app.py': 'print(1)' };
    const cache = `${REGISTRY}/berth/app/cache:buildcache`;
    const first = await build(files, { cache });
    expect(first.build.buildStatus, text(first.log)).toBe('SUCCEEDED');
    expect(first.log.some((l) => l.includes('ERROR: failed to configure registry cache importer'))).toBe(true);
    const second = await build({ ...files, 'app.py': 'print(2)' }, { cache });
    expect(second.build.buildStatus).toBe('SUCCEEDED');
    const cachedSteps = second.log.filter((l) => / CACHED$/.test(l)).length;
    expect(cachedSteps).toBe(2);
    expect(second.log.some((l) => /\[4\/4\] COPY app\.py \./.test(l))).toBe(true);
  });

  it('fails each broken build as CodeBuild and BuildKit do, naming the phase, the command and the Dockerfile line', async () => {
    const missing = await runImageBuild({ sb, c }, BUCKET, { key: 'uploads/app/present.tar.gz', context: await buildContext({ Dockerfile: 'FROM alpine\n' }), image: `${REGISTRY}/berth/app:x` }).then(async () => {
      const started = await c.codebuild.send(new StartBuildCommand({ projectName: TEST_BUILD_PROJECT, environmentVariablesOverride: [{ name: 'BERTH_CONTEXT_URL', value: `s3://${BUCKET}/uploads/app/absent.tar.gz`, type: 'PLAINTEXT' }, { name: 'BERTH_IMAGE', value: `${REGISTRY}/berth/app:x`, type: 'PLAINTEXT' }] }));
      await sb.settle();
      const b = (await c.codebuild.send(new BatchGetBuildsCommand({ ids: [started.build!.id!] }))).builds![0]!;
      return { build: b, log: await buildLog(c, b) };
    });
    expect(missing.build.buildStatus).toBe('FAILED');
    const preBuild = missing.build.phases!.find((p) => p.phaseType === 'PRE_BUILD')!;
    expect(preBuild.phaseStatus).toBe('FAILED');
    expect(preBuild.contexts![0]!.statusCode).toBe('COMMAND_EXECUTION_ERROR');
    expect(text(missing.log)).toContain('Key "uploads/app/absent.tar.gz" does not exist');
    // A failed PRE_BUILD skips BUILD and POST_BUILD, as CodeBuild does.
    expect(missing.build.phases!.map((p) => p.phaseType)).not.toContain('BUILD');

    const cases: [Record<string, string> | Buffer, string, number?][] = [
      [Buffer.from('not a gzip'), 'gzip: stdin: not in gzip format'],
      [{ 'README.md': 'x' }, 'lstat /tmp/berth/context/Dockerfile: no such file or directory'],
      [{ Dockerfile: 'FROM alpine\nCOPY missing.txt /\n' }, '"/missing.txt": not found', 2],
      [{ Dockerfile: 'FORM alpine\n' }, 'dockerfile parse error on line 1: unknown instruction: FORM (did you mean FROM?)', 1],
      [{ Dockerfile: 'FROM alpine\n\nRUN --mout=type=cache,target=/x true\n' }, 'dockerfile parse error on line 3: unknown flag: --mout (did you mean mount?)', 3],
      [{ Dockerfile: 'FROM alpine\nRUN --mount=type=cahce,target=/x true\n' }, 'unsupported mount type "cahce" (did you mean cache?)', 2],
      [{ Dockerfile: 'FROM alpine\nRUN exit 3\n' }, 'process "/bin/sh -c exit 3" did not complete successfully: exit code: 3', 2],
      [{ Dockerfile: 'FROM Alpine\n' }, 'invalid reference format: repository name (library/Alpine) must be lowercase', 1],
    ];
    for (const [files, expected, line] of cases) {
      const context = Buffer.isBuffer(files) ? files : await buildContext(files);
      const out = await runImageBuild({ sb, c }, BUCKET, { key: `uploads/app/case-${++n}.tar.gz`, context, image: `${REGISTRY}/berth/app:bad${n}` });
      expect(out.build.buildStatus, expected).toBe('FAILED');
      expect(text(out.log), expected).toContain(expected);
      if (line) {
        const at = out.log.findIndex((l) => l === `Dockerfile:${line}`);
        expect(at, `${expected}\n${text(out.log)}`).toBeGreaterThan(-1);
        expect(out.log.slice(at).some((l) => new RegExp(`^\\s+${line} \\| >>> `).test(l))).toBe(true);
      }
    }
    const unknownRepo = await build({ Dockerfile: 'FROM alpine\n' }, { image: `${REGISTRY}/berth/nowhere:1` });
    expect(text(unknownRepo.log)).toContain("name unknown: The repository with name 'berth/nowhere' does not exist");
    expect((await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'berth/app' }))).imageDetails!.every((i) => !i.imageTags?.some((t) => t.startsWith('bad')))).toBe(true);
  });

  it('accepts BuildKit syntax: heredocs, cache, bind and secret mounts, # syntax=; secrets come from Parameter Store and never reach the log', async () => {
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/app/NPM_TOKEN', Value: 'canary-npm-token-7f3a', Type: 'SecureString' }));
    const dockerfile = [
      '# syntax=docker/dockerfile:1',
      'FROM node:20 AS deps',
      'WORKDIR /app',
      'RUN --mount=type=cache,target=/root/.npm \\',
      '    --mount=type=bind,source=package.json,target=package.json \\',
      '    --mount=type=secret,id=npm_token,required \\',
      '    npm ci',
      'COPY <<EOF /app/config.json',
      '{"port": 3000}',
      'EOF',
      'RUN <<SCRIPT',
      'set -e',
      'echo built',
      'SCRIPT',
      'FROM node:20-slim',
      'COPY --from=deps /app /app',
      'CMD ["node", "/app/index.js"]',
    ].join('\n');
    const ok = await build({ Dockerfile: dockerfile, 'package.json': '{}' }, { secrets: [{ id: 'npm_token', parameter: '/Berth/app/NPM_TOKEN' }] });
    expect(ok.build.buildStatus, text(ok.log)).toBe('SUCCEEDED');
    expect(ok.log).toContain('#2 resolve image config for docker-image://docker.io/docker/dockerfile:1');
    expect(ok.log.some((l) => /\[deps 3\/5\] RUN --mount=type=cache/.test(l))).toBe(true);
    expect(text(ok.log)).not.toContain('canary-npm-token-7f3a');
    // The build shows the parameter's name, never its value.
    expect(JSON.stringify(ok.build)).not.toContain('canary-npm-token-7f3a');
    // Without the secret, the required mount fails its step.
    const without = await build({ Dockerfile: dockerfile, 'package.json': '{}' });
    expect(text(without.log)).toContain('secret npm_token: not found');
    // A parameter that does not exist fails DOWNLOAD_SOURCE, as CodeBuild does.
    const gone = await build({ Dockerfile: dockerfile, 'package.json': '{}' }, { secrets: [{ id: 'npm_token', parameter: '/Berth/app/GONE' }] });
    const download = gone.build.phases!.find((p) => p.phaseType === 'DOWNLOAD_SOURCE')!;
    expect(download.phaseStatus).toBe('FAILED');
    expect(download.contexts![0]).toEqual({ statusCode: 'Decrypted Variables Error', message: 'parameter does not exist: /Berth/app/GONE' });
  });

  it('expands FROM with the ARGs before the first FROM and BuildKit’s automatic platform ARGs', async () => {
    const dockerfile = ['ARG GOVERSION=1.22', 'ARG BASE="golang:${GOVERSION}-alpine"', 'FROM --platform=${BUILDPLATFORM} ${BASE} AS build', 'ARG TARGETARCH', 'RUN GOARCH=$TARGETARCH go build', 'FROM scratch', 'COPY --from=build /app /app'].join('\n');
    const out = await build({ Dockerfile: dockerfile });
    expect(out.build.buildStatus, text(out.log)).toBe('SUCCEEDED');
    expect(out.log).toContain('#2 [internal] load metadata for docker.io/library/golang:1.22-alpine');
    const overridden = await build({ Dockerfile: dockerfile }, { args: { GOVERSION: '1.23' } });
    expect(overridden.log.some((l) => l.includes('golang:1.23-alpine'))).toBe(true);
  });

  it('builds a context without a Dockerfile with Railpack, or says why Railpack cannot', async () => {
    const node = await build({ 'package.json': '{"scripts":{"start":"node index.js"}}', 'index.js': '1', 'requirements.txt': '' }, { builder: 'railpack' });
    expect(node.build.buildStatus, text(node.log)).toBe('SUCCEEDED');
    expect(node.log).toContain('Installing railpack v0.37.0');
    // Python comes before Node in Railpack's order.
    expect(node.log).toContain('  ↳ Detected Python');
    const chosen = await build({ 'package.json': '{}', 'requirements.txt': '', 'railpack.json': '{"provider":"node"}' }, { builder: 'railpack' });
    expect(chosen.log).toContain('  ↳ Detected Node');
    const nothing = await build({ 'notes.txt': 'hello' }, { builder: 'railpack' });
    expect(nothing.build.buildStatus).toBe('FAILED');
    expect(nothing.log).toContain('✖ Railpack could not determine how to build the app.');
    expect(nothing.log).toContain('  ./notes.txt');
  });

  it('needs privileged mode for Docker', async () => {
    const out = await runImageBuild({ sb, c }, 'unprivileged-bucket', { key: 'uploads/app/p.tar.gz', context: await buildContext({ Dockerfile: 'FROM alpine\n' }), image: `${REGISTRY}/berth/app:p`, project: 'plain-images' });
    expect(out.build.buildStatus).toBe('FAILED');
    expect(text(out.log)).toContain('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
  });

  it('answers the API as CodeBuild does: unknown project, batches, listing, stopping, tags', async () => {
    await expect(c.codebuild.send(new StartBuildCommand({ projectName: 'nope' }))).rejects.toThrow(ResourceNotFoundException);
    await expect(c.codebuild.send(new StartBuildCommand({ projectName: 'nope' }))).rejects.toThrow('Project cannot be found: arn:aws:codebuild:us-east-1:000000000000:project/nope');
    const got = await c.codebuild.send(new BatchGetBuildsCommand({ ids: [`${TEST_BUILD_PROJECT}:00000000-0000-0000-0000-000000000000`] }));
    expect(got.buildsNotFound).toHaveLength(1);
    const listed = await c.codebuild.send(new ListBuildsForProjectCommand({ projectName: TEST_BUILD_PROJECT, sortOrder: 'DESCENDING' }));
    const numbers = (await c.codebuild.send(new BatchGetBuildsCommand({ ids: listed.ids!.slice(0, 3) }))).builds!.map((b) => b.buildNumber!);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    const projects = await c.codebuild.send(new BatchGetProjectsCommand({ names: [TEST_BUILD_PROJECT, 'nope'] }));
    expect(projects.projects![0]!.environment!.privilegedMode).toBe(true);
    expect(projects.projectsNotFound).toEqual(['nope']);
    const tagged = await c.tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['codebuild:project'], TagFilters: [{ Key: 'berth:managed-by', Values: ['berth'] }] }));
    expect(tagged.ResourceTagMappingList!.map((r) => r.ResourceARN)).toContain(`arn:aws:codebuild:us-east-1:000000000000:project/${TEST_BUILD_PROJECT}`);
  });
});

/** A builder, the image repository and an uploaded context; the variables of a build of it. */
async function builderWithContext(sb: Sandbox, c: SandboxClients, name: string, dockerfile: string) {
  await createBuilder({ sb, c }, BUCKET);
  await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'berth/app' }));
  await c.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `uploads/app/${name}.tar.gz`, Body: await buildContext({ Dockerfile: dockerfile }) }));
  return [
    { name: 'BERTH_CONTEXT_URL', value: `s3://${BUCKET}/uploads/app/${name}.tar.gz`, type: 'PLAINTEXT' as const },
    { name: 'BERTH_IMAGE', value: `${REGISTRY}/berth/app:${name}`, type: 'PLAINTEXT' as const },
    { name: 'BERTH_DOCKERFILE', value: 'Dockerfile', type: 'PLAINTEXT' as const },
  ];
}

describe('sandbox CodeBuild concurrency', () => {
  it('queues past the concurrency quota, refuses past five times it, and ends a stopped build STOPPED', async () => {
    const sb = await startSandbox({ speed: 'realistic', speedFactor: 0.01, quotas: { codebuild: { 'L-9D07B6EF': 1 } } });
    const c = sandboxClients(sb);
    try {
      const vars = await builderWithContext(sb, c, 'q', 'FROM alpine\n');
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await c.codebuild.send(new StartBuildCommand({ projectName: TEST_BUILD_PROJECT, environmentVariablesOverride: vars }))).build!.id!);
      const phases = (await c.codebuild.send(new BatchGetBuildsCommand({ ids }))).builds!.map((b) => b.currentPhase);
      // One runs, five wait.
      expect(phases.filter((p) => p === 'QUEUED').length).toBeGreaterThanOrEqual(5);
      const refused = c.codebuild.send(new StartBuildCommand({ projectName: TEST_BUILD_PROJECT, environmentVariablesOverride: vars }));
      await expect(refused).rejects.toThrow(AccountLimitExceededException);
      await expect(c.codebuild.send(new StartBuildCommand({ projectName: TEST_BUILD_PROJECT }))).rejects.toThrow('Cannot have more than 5 builds in queue for the account');
      await c.codebuild.send(new StopBuildCommand({ id: ids[5]! }));
      await sb.settle();
      const builds = (await c.codebuild.send(new BatchGetBuildsCommand({ ids }))).builds!;
      expect(builds.slice(0, 5).map((b) => b.buildStatus)).toEqual(Array(5).fill('SUCCEEDED'));
      // They ran one at a time.
      for (let i = 1; i < 5; i++) expect(builds[i]!.phases!.find((p) => p.phaseType === 'PROVISIONING')!.startTime!.getTime()).toBeGreaterThanOrEqual(builds[i - 1]!.phases!.find((p) => p.phaseType === 'FINALIZING')!.startTime!.getTime());
      expect(builds[5]!.buildStatus).toBe('STOPPED');
      expect(builds[5]!.phases!.find((p) => p.phaseType === 'QUEUED')!.phaseStatus).toBe('STOPPED');
      // An account whose quota is 0 cannot build at all.
      sb.setQuotas({ codebuild: { 'L-9D07B6EF': 0 } });
      await expect(c.codebuild.send(new StartBuildCommand({ projectName: TEST_BUILD_PROJECT }))).rejects.toThrow('Cannot have more than 0 builds in queue for the account');
    } finally {
      c.destroy();
      await sb.close();
    }
  });
});

describe('sandbox CodeBuild across a restart', () => {
  it('carries on a build that was running when the sandbox stopped, without writing its lines twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-codebuild-'));
    try {
      let sb = await startSandbox({ dataDir: dir, speed: 'realistic', speedFactor: 0.01 });
      let c = sandboxClients(sb);
      const env = await builderWithContext(sb, c, 'r', 'FROM alpine\nRUN one\nRUN two\nRUN three\nRUN four\n');
      const id = (await c.codebuild.send(new StartBuildCommand({ projectName: TEST_BUILD_PROJECT, environmentVariablesOverride: env }))).build!.id!;
      // Wait until the build is in its BUILD phase, then stop the sandbox under it.
      for (let i = 0; i < 400; i++) {
        const phase = (await c.codebuild.send(new BatchGetBuildsCommand({ ids: [id] }))).builds![0]!.currentPhase;
        if (phase === 'BUILD') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      c.destroy();
      await sb.close();
      sb = await startSandbox({ dataDir: dir, speed: 'realistic', speedFactor: 0.01 });
      c = sandboxClients(sb);
      await sb.settle();
      const b = (await c.codebuild.send(new BatchGetBuildsCommand({ ids: [id] }))).builds![0]!;
      const log = await buildLog(c, b);
      expect(b.buildStatus, log.join('\n')).toBe('SUCCEEDED');
      expect(log.filter((l) => l.includes('Entering phase BUILD'))).toHaveLength(1);
      expect(log.filter((l) => / RUN two$/.test(l))).toHaveLength(1);
      c.destroy();
      await sb.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
