/**
 * A deployment survives Berth quitting: a new app (same data folder) re-attaches to the stack
 * operation or the image builds the old one left running, and carries the deployment to its end.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../shared/domain/deploy';
import { deployments } from '../../electron/deploy/deployments';
import { localRecords } from '../../electron/deploy/records';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { sampleProject } from './fixtures';
import { callsOf, connectedApp, type TestApp } from './helpers';

let sandbox: Sandbox;
const folders: string[] = [];

beforeAll(async () => {
  // AWS-like durations, fifty times shorter: long enough to quit in the middle, even on a busy machine.
  sandbox = await startSandbox({ speed: 'realistic', speedFactor: 0.02 });
});
afterAll(async () => {
  await sandbox?.close();
  for (const f of folders) await rm(f, { recursive: true, force: true });
});

async function until(app: TestApp, from: number, match: (e: DeployEvent) => boolean): Promise<void> {
  while (!app.events.slice(from).some(match)) await new Promise((r) => setTimeout(r, 5));
}

async function quitAndRestart(sample: string, name: string, quitWhen: (e: DeployEvent) => boolean, prepare?: (contexts: Record<string, string>) => Promise<void>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-resume-'));
  const { dir, contexts } = await sampleProject(sample, name);
  await prepare?.(contexts);
  folders.push(dataDir, dir);
  const first = await connectedApp(sandbox, dataDir);
  const { deploymentId } = await deployments(first.ctx).start({ dir, mode: 'affordable', autoApprove: true });
  await until(first, 0, quitWhen);
  // Quitting: the run stops following, nothing is cancelled in AWS.
  await first.ctx.dispose();
  const left = (await localRecords(dataDir, name)).find((r) => r.record.id === deploymentId);
  expect(left?.record.outcome).toBe('running');

  const second = await connectedApp(sandbox, dataDir);
  const active = await deployments(second.ctx).active(dir);
  expect(active?.id).toBe(deploymentId);
  const record = await deployments(second.ctx).get(deploymentId)!.done;
  await second.ctx.dispose();
  return { first, second, record, dataDir };
}

describe('re-attaching after a restart', () => {
  it('follows a stack operation already under way to its end', async () => {
    const { second, record } = await quitAndRestart('angular-express', 'resume-stack', (e) => e.type === 'phase' && e.phase === 'stack' && e.message === 'Applying the changes.');
    expect(record.failure?.message).toBeUndefined();
    expect(record.outcome).toBe('succeeded');
    expect(record.urls.length).toBeGreaterThan(0);
    expect(callsOf(second, 'CreateChangeSetCommand')).toBe(0);
    expect(callsOf(second, 'ExecuteChangeSetCommand')).toBe(0);
    expect(callsOf(second, 'StartBuildCommand')).toBe(0);
    expect(second.events.some((e) => e.type === 'stack-event')).toBe(true);
  });

  it('attaches to image builds still running instead of starting them again', async () => {
    // The samples' own Dockerfiles with many more steps, so the builds still run when Berth quits.
    const slowBuilds = async (contexts: Record<string, string>) => {
      const steps = Array.from({ length: 40 }, (_, i) => `RUN echo step ${i}`).join('\n');
      for (const context of Object.values(contexts)) {
        const own = await readFile(join(context, 'Dockerfile'), 'utf8');
        await writeFile(join(context, 'Dockerfile'), own.replace(/^(FROM .*)$/m, `$1\n${steps}`));
      }
    };
    const { first, second, record, dataDir } = await quitAndRestart('angular-express', 'resume-build', (e) => e.type === 'build-log', slowBuilds);
    expect(record.failure?.message).toBeUndefined();
    expect(record.outcome).toBe('succeeded');
    expect(callsOf(first, 'StartBuildCommand')).toBe(2);
    expect(callsOf(second, 'StartBuildCommand')).toBe(0);
    expect(second.events.some((e) => e.type === 'build-log')).toBe(true);
    // The restarted app keeps reporting the builds' CodeBuild phases through to the end.
    expect(second.events.some((e) => e.type === 'build-phase' && e.phase === 'COMPLETED')).toBe(true);
    expect(record.builds?.map((b) => b.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // The history read back from disk keeps what the builds took and cost.
    const saved = (await localRecords(dataDir, 'resume-build')).find((r) => r.record.id === record.id)!.record;
    expect(saved.builds?.map((b) => [b.status, b.billedMinutes >= 1, b.usd > 0])).toEqual([
      ['SUCCEEDED', true, true],
      ['SUCCEEDED', true, true],
    ]);
  });

  it('closes the record of a deployment nothing of which runs in AWS any more', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-resume-'));
    const { dir } = await sampleProject('angular-express', 'resume-nothing');
    folders.push(dataDir, dir);
    const first = await connectedApp(sandbox, dataDir);
    const { deploymentId } = await deployments(first.ctx).start({ dir, mode: 'affordable', autoApprove: true });
    await until(first, 0, (e) => e.type === 'phase' && e.phase === 'bootstrap' && e.state === 'running');
    await first.ctx.dispose();
    await sandbox.settle();
    const second = await connectedApp(sandbox, dataDir);
    expect(await deployments(second.ctx).active(dir)).toBeNull();
    const closed = (await localRecords(dataDir, 'resume-nothing')).find((r) => r.record.id === deploymentId)!.record;
    expect(closed.outcome).toBe('failed');
    expect(closed.failure?.message).toMatch(/Berth stopped before this deployment finished/);
    await second.ctx.dispose();
  });

  it('an interrupted rollback carries on putting back its target, not the folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-resume-rollback-'));
    const dir = await mkdtemp(join(tmpdir(), 'berth-resume-rollback-project-'));
    folders.push(dataDir, dir);
    const compose = (release: string) => `name: resume-rollback\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    environment: [RELEASE=${release}]\n`;
    await writeFile(join(dir, 'compose.yaml'), compose('1'));
    const first = await connectedApp(sandbox, dataDir);
    const service = deployments(first.ctx);
    const v1 = await service.get((await service.start({ dir, mode: 'affordable', autoApprove: true })).deploymentId)!.done;
    await writeFile(join(dir, 'compose.yaml'), compose('2'));
    const v2 = await service.get((await service.start({ dir, mode: 'affordable', autoApprove: true })).deploymentId)!.done;
    expect([v1.outcome, v2.outcome]).toEqual(['succeeded', 'succeeded']);
    const from = first.events.length;
    const { deploymentId } = await service.rollback({ dir, deploymentId: v1.id, autoApprove: true });
    await until(first, from, (e) => e.type === 'phase' && e.deploymentId === deploymentId && e.phase === 'stack' && e.message === 'Applying the changes.');
    await first.ctx.dispose();

    // The folder still says RELEASE=2; the resumed run must finish putting v1 back and change nothing more.
    const second = await connectedApp(sandbox, dataDir);
    expect((await deployments(second.ctx).active(dir))?.id).toBe(deploymentId);
    const record = await deployments(second.ctx).get(deploymentId)!.done;
    await second.ctx.dispose();
    expect(record.failure?.message).toBeUndefined();
    expect(record).toMatchObject({ outcome: 'succeeded', rollbackOf: v1.id, templateHash: v1.templateHash });
    expect(callsOf(second, 'CreateChangeSetCommand')).toBe(0);
  });
});
