/**
 * The deploy pipeline against the sandbox, over real HTTP with the real SDK clients: Defang
 * samples in every mode, no-op redeploys, one changed service, a failing build, and AWS faults.
 */
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_MODES } from '../../shared/domain/plan';
import { connectionManager } from '../../electron/aws/connection';
import { pinProject } from '../../electron/aws/pin';
import { describeStack } from '../../electron/aws/stacks';
import { deployments } from '../../electron/deploy/deployments';
import { sampleProject } from './fixtures';
import { callsOf, connectedApp, deploy, sandboxAppForSuite, setAllConfig, vpcQuota } from './helpers';

// A dozen projects live side by side here, each in its own VPC: an account that raised its quota.
const suite = sandboxAppForSuite(vpcQuota(16));

async function project(sample: string, name?: string) {
  const p = await sampleProject(sample, name);
  suite.folders.push(p.dir);
  return p;
}

describe('deploying Defang samples', () => {
  for (const sample of ['angular-express', 'bullmq-bullboard-redis', 'fastapi-postgres']) {
    it(`deploys ${sample} in each mode`, async () => {
      const { dir, contexts } = await project(sample);
      await setAllConfig(suite.app, dir);
      for (const mode of DEPLOYMENT_MODES) {
        const record = await deploy(suite.app, dir, mode);
        expect(record.failure?.message).toBeUndefined();
        expect(record.outcome).toBe('succeeded');
        expect(record.mode).toBe(mode);
        expect(Object.keys(record.digests).sort()).toEqual(Object.keys(contexts).sort());
        expect(record.urls.length).toBeGreaterThan(0);
        expect(record.phases.every((p) => p.state === 'done' || p.state === 'skipped')).toBe(true);
      }
      const clients = connectionManager(suite.app.ctx).require().clients;
      const stack = await describeStack(clients.cloudformation, `berth-${sample}`);
      expect(stack?.StackStatus).toBe('UPDATE_COMPLETE');
      if (sample === 'fastapi-postgres') {
        // The spliced connection string went into its own SecureString, never the template, its host as written.
        const derived = await clients.ssm.send(new GetParameterCommand({ Name: '/Berth/fastapi-postgres/_derived/fastapi/DB_URL', WithDecryption: true }));
        expect(derived.Parameter).toMatchObject({ Type: 'SecureString', Value: 'postgres://postgres:test-postgres_password-value@db:5432/postgres' });
      }
    });
  }
});

describe('redeploying', () => {
  it('uploads nothing, builds nothing and changes nothing when nothing changed', async () => {
    const { dir } = await project('angular-express', 'noop');
    await deploy(suite.app, dir, 'affordable');
    const from = suite.app.calls.length;
    const record = await deploy(suite.app, dir, 'affordable');
    expect(record.outcome).toBe('nothing-to-change');
    for (const command of ['PutObjectCommand', 'CreateMultipartUploadCommand', 'UploadPartCommand', 'StartBuildCommand', 'CreateChangeSetCommand', 'ExecuteChangeSetCommand', 'PutParameterCommand']) {
      expect(callsOf(suite.app, command, from), command).toBe(
        // The deployment record and the project lock are the two objects written.
        command === 'PutObjectCommand' ? 2 : 0,
      );
    }
    expect(record.phases.find((p) => p.phase === 'upload')?.state).toBe('skipped');
    expect(record.phases.find((p) => p.phase === 'build')?.state).toBe('skipped');
    expect(record.phases.find((p) => p.phase === 'stack')?.state).toBe('skipped');
    expect(suite.app.calls.length - from).toBeLessThanOrEqual(25);
  });

  it('rebuilds and updates only the service that changed', async () => {
    const { dir, contexts } = await project('angular-express', 'one-changed');
    const first = await deploy(suite.app, dir, 'affordable');
    await writeFile(join(contexts.backend!, 'index.js'), "console.log('backend v2');\n");
    const from = suite.app.calls.length;
    const eventsFrom = suite.app.events.length;
    const second = await deploy(suite.app, dir, 'affordable');
    expect(second.outcome).toBe('succeeded');
    expect(callsOf(suite.app, 'StartBuildCommand', from)).toBe(1);
    expect(second.digests['angular-frontend']).toBe(first.digests['angular-frontend']);
    expect(second.digests.backend).not.toBe(first.digests.backend);
    const diff = suite.app.events.slice(eventsFrom).find((e) => e.type === 'diff');
    const changed = diff?.type === 'diff' ? diff.diff.changes.map((c) => c.logicalId) : [];
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((id) => id.startsWith('Backend'))).toBe(true);
  });

  it('stops before any stack change when a build fails, naming the service and its log', async () => {
    const { dir, contexts } = await project('angular-express', 'failing-build');
    await deploy(suite.app, dir, 'affordable');
    await writeFile(join(contexts['angular-frontend']!, 'Dockerfile'), 'FROM nginx:alpine\nCOPY dist/ /usr/share/nginx/html\n');
    const from = suite.app.calls.length;
    const record = await deploy(suite.app, dir, 'affordable');
    expect(record.outcome).toBe('failed');
    expect(record.failure).toMatchObject({ phase: 'build', code: 'BUILD_FAILED' });
    expect(record.failure?.message).toContain('angular-frontend');
    expect(record.failure?.message).toContain('Nothing was changed in the stack');
    expect(record.failure?.logLines?.some((l) => l.includes('dist'))).toBe(true);
    expect(callsOf(suite.app, 'CreateChangeSetCommand', from)).toBe(0);
    expect(record.phases.find((p) => p.phase === 'stack')?.state).toBe('skipped');
  });
});

describe('config and history', () => {
  it('refuses to deploy while config is missing, naming every missing value', async () => {
    const { dir } = await project('bullmq-bullboard-redis', 'no-config');
    const from = suite.app.calls.length;
    const record = await deploy(suite.app, dir, 'affordable');
    expect(record.outcome).toBe('failed');
    expect(record.failure).toMatchObject({ phase: 'config', code: 'CONFIG_MISSING' });
    expect(record.failure?.message).toContain('BOARD_PASSWORD');
    expect(record.failure?.message).toContain('QUEUE');
    expect(callsOf(suite.app, 'CreateStackCommand', from) + callsOf(suite.app, 'StartBuildCommand', from)).toBe(0);
  });

  it('refuses to deploy a project pinned to another account, before touching anything', async () => {
    const { dir } = await project('angular-express', 'pinned-elsewhere');
    await pinProject(suite.app.ctx, dir, { account: '999999999999' }, 'eu-west-1');
    const from = suite.app.calls.length;
    const record = await deploy(suite.app, dir, 'affordable');
    expect(record.failure).toMatchObject({ phase: 'connection', code: 'CONNECTION_MISMATCH' });
    expect(record.failure?.message).toContain('999999999999');
    expect(suite.app.calls.slice(from).every((c) => /:(Describe|Get|List|Head)/.test(c) || c.endsWith(':PutObjectCommand'))).toBe(true);
  });

  it('keeps records locally and in the bucket, newest first, and refuses a second deployment of the same project', async () => {
    const { dir } = await project('angular-express', 'history');
    const service = deployments(suite.app.ctx);
    const { deploymentId } = await service.start({ dir, mode: 'affordable', autoApprove: true });
    await expect(service.start({ dir, mode: 'affordable', autoApprove: true })).rejects.toMatchObject({ appError: { code: 'DEPLOY_IN_PROGRESS' } });
    await service.get(deploymentId)!.done;
    const again = await deploy(suite.app, dir, 'affordable');
    const history = await service.history(dir);
    expect(history.map((r) => r.id)).toEqual([again.id, deploymentId]);
    const fresh = await connectedApp(suite.sandbox);
    // Another machine (an empty data folder) sees the same history from the bucket.
    expect((await deployments(fresh.ctx).history(dir)).map((r) => r.id)).toEqual([again.id, deploymentId]);
    await fresh.ctx.dispose();
  });

  it('waits for approval of the diff, and a cancel discards the change set', async () => {
    const { dir, contexts } = await project('angular-express', 'approval');
    await deploy(suite.app, dir, 'affordable');
    await writeFile(join(contexts.backend!, 'index.js'), "console.log('v3');\n");
    const service = deployments(suite.app.ctx);
    const eventsFrom = suite.app.events.length;
    const executedBefore = callsOf(suite.app, 'ExecuteChangeSetCommand', 0);
    const deletedBefore = callsOf(suite.app, 'DeleteChangeSetCommand', 0);
    const { deploymentId } = await service.start({ dir, mode: 'affordable' });
    while (!suite.app.events.slice(eventsFrom).some((e) => e.type === 'phase' && e.message === 'Waiting for you to approve the changes.')) await new Promise((r) => setTimeout(r, 10));
    service.cancel(deploymentId);
    const record = await service.get(deploymentId)!.done;
    expect(record.outcome).toBe('cancelled');
    expect(record.phases.find((p) => p.phase === 'stack')?.state).toBe('cancelled');
    expect(callsOf(suite.app, 'ExecuteChangeSetCommand', 0)).toBe(executedBefore);
    expect(callsOf(suite.app, 'DeleteChangeSetCommand', 0)).toBe(deletedBefore + 1);
    const { deploymentId: second } = await service.start({ dir, mode: 'affordable' });
    const eventsFrom2 = suite.app.events.length;
    while (!suite.app.events.slice(eventsFrom2).some((e) => e.type === 'phase' && e.message === 'Waiting for you to approve the changes.')) await new Promise((r) => setTimeout(r, 10));
    service.approve(second);
    expect((await service.get(second)!.done).outcome).toBe('succeeded');
    expect(callsOf(suite.app, 'ExecuteChangeSetCommand', 0)).toBe(executedBefore + 1);
  });
});

describe('faults', () => {
  it('deploys with 10% throttling and 2% connection resets, nothing lost', async () => {
    const { dir } = await project('bullmq-bullboard-redis', 'faults');
    await setAllConfig(suite.app, dir);
    suite.sandbox.setFaults({ '*': { throttleRate: 0.1, resetRate: 0.02 } });
    try {
      const record = await deploy(suite.app, dir, 'balanced');
      expect(record.failure?.message).toBeUndefined();
      expect(record.outcome).toBe('succeeded');
      const again = await deploy(suite.app, dir, 'balanced');
      expect(again.outcome).toBe('nothing-to-change');
    } finally {
      suite.sandbox.setFaults({});
    }
    const stacks = await connectionManager(suite.app.ctx).require().clients.cloudformation.send(new ListStacksCommand({}));
    expect(stacks.StackSummaries?.find((s) => s.StackName === 'berth-faults')?.StackStatus).toMatch(/_COMPLETE$/);
  });
});
