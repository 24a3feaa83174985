/**
 * A deploy into a Region without room for its VPCs, against the sandbox over real HTTP: it stops
 * in the connection phase, before any stack exists, says what is in use and how to make room,
 * and deploys once the quota is raised the way the message says.
 */
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { RequestServiceQuotaIncreaseCommand } from '@aws-sdk/client-service-quotas';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/api/dispatch';
import { handlers } from '../../electron/api/handlers';
import { connectionManager } from '../../electron/aws/connection';
import type { PlanPreview } from '../../shared/domain/plan';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { sampleProject } from './fixtures';
import { callsOf, connectedApp, deploy, runBerth, setAllConfig, type TestApp } from './helpers';

let sandbox: Sandbox;
let app: TestApp;
const folders: string[] = [];

beforeAll(async () => {
  // A quota of one: the default VPC every Region has already fills it.
  sandbox = await startSandbox({ quotas: { vpc: { 'L-F678F1CE': 1 } } });
  app = await connectedApp(sandbox);
});
afterAll(async () => {
  await app?.ctx.dispose();
  await sandbox?.close();
  for (const f of folders) await rm(f, { recursive: true, force: true });
});

describe('deploying without room for the VPCs', () => {
  it('stops before any stack is created, explains the shortfall, and deploys once the quota is raised', async () => {
    const { dir } = await sampleProject('angular-express', 'crowded');
    folders.push(dir);
    await setAllConfig(app, dir);
    const record = await deploy(app, dir, 'affordable');
    expect(record.outcome).toBe('failed');
    expect(record.failure).toMatchObject({ phase: 'connection', code: 'LIMIT_EXCEEDED' });
    const message = record.failure!.message;
    expect(message).toMatch(/This deploy creates \d+ VPCs? in us-east-1, but 1 of the 1 VPCs your quota allows there are in use \(0 Berth's, 1 the default VPC\)\./);
    expect(message).toContain('https://us-east-1.console.aws.amazon.com/servicequotas/home/services/vpc/quotas/L-F678F1CE');
    expect(message).toMatch(/aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-F678F1CE --desired-value \d+ --region us-east-1/);
    expect(record.phases.find((p) => p.phase === 'bootstrap')?.state).toBe('skipped');
    for (const command of ['CreateStackCommand', 'CreateChangeSetCommand', 'StartBuildCommand', 'PutObjectCommand']) expect(callsOf(app, command), command).toBe(0);
    const clients = connectionManager(app.ctx).require().clients;
    expect((await clients.cloudformation.send(new ListStacksCommand({}))).StackSummaries ?? []).toEqual([]);

    // Raise the quota as the message says: the same deploy goes through and uses exactly that many VPCs.
    const desired = Number(/--desired-value (\d+)/.exec(message)![1]);
    await clients.quotas.send(new RequestServiceQuotaIncreaseCommand({ ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE', DesiredValue: desired }));
    const second = await deploy(app, dir, 'affordable');
    expect(second.failure?.message).toBeUndefined();
    expect(second.outcome).toBe('succeeded');
    expect((await clients.ec2.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(desired);
  });

  it('refuses a second project when the Region is full, while the deployed one still redeploys', async () => {
    const clients = connectionManager(app.ctx).require().clients;
    const inUse = (await clients.ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length;
    sandbox.setQuotas({ vpc: { 'L-F678F1CE': inUse } });
    const { dir } = await sampleProject('angular-express', 'crowded-two');
    folders.push(dir);
    await setAllConfig(app, dir);
    const from = app.calls.length;
    const record = await deploy(app, dir, 'affordable');
    expect(record.failure).toMatchObject({ phase: 'connection', code: 'LIMIT_EXCEEDED' });
    expect(record.failure!.message).toContain(`This deploy creates 1 VPC in us-east-1, but ${inUse} of the ${inUse} VPCs your quota allows there are in use (${inUse - 1} Berth's, 1 the default VPC).`);
    expect(record.failure!.message).toContain(`--desired-value ${inUse + 1} --region us-east-1`);
    expect(callsOf(app, 'CreateChangeSetCommand', from) + callsOf(app, 'CreateStackCommand', from)).toBe(0);

    const again = await deploy(app, folders[0]!, 'affordable');
    expect(again.outcome).toBe('nothing-to-change');
  });

  it('shows the shortfall in the preview of a new project, and nothing for a deployed one', async () => {
    const preview = async (dir: string) => {
      const result = await dispatch(handlers, app.ctx, 'plan:preview', { dir, mode: 'affordable' });
      expect(result.ok).toBe(true);
      return (result as { value: PlanPreview }).value;
    };
    const fresh = await preview(folders[1]!);
    expect(fresh.vpcCapacity).toMatchObject({ region: 'us-east-1', needed: 1, ok: false, limitSource: 'applied', defaultVpc: true, counted: true });
    expect(fresh.vpcCapacity!.inUse).toBe(fresh.vpcCapacity!.limit);
    expect(fresh.vpcCapacity!.message).toContain('request-service-quota-increase');
    expect((await preview(folders[0]!)).vpcCapacity).toBeUndefined();
  });

  it('berth up prints the shortfall and how to make room, and exits 1', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-cli-data-'));
    folders.push(dataDir);
    const result = await runBerth(['up', folders[1]!, '--yes', '--endpoint', sandbox.endpoint, '--sandbox', '--region', 'us-east-1'], dataDir);
    expect(result.code).toBe(1);
    expect(result.err).toContain('This deploy creates 1 VPC in us-east-1');
    expect(result.err).toMatch(/aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-F678F1CE --desired-value \d+ --region us-east-1/);
  });
});
