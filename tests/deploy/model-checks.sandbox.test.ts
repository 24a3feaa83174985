/**
 * The pre-deploy checks for models and GPUs through the real pipeline against the sandbox: each
 * stops the deploy in its config phase, before any stack exists, with what to do; a check Berth
 * may not make (its read is denied) lets the deploy go on and says so on the phase; a config value
 * that is not a model, written past Berth's Secrets screen, is never repeated anywhere.
 */
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { RequestServiceQuotaIncreaseCommand } from '@aws-sdk/client-service-quotas';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeploymentRecord } from '../../shared/domain/deploy';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sandboxClientConfig } from '../../electron/sandbox';
import { ecsServiceName } from '../../electron/plan/names';
import { callsOf, clientsOf, clusterOf, deploy, sandboxAppForSuite, setAllConfig, suiteProject, vpcQuota } from './helpers';

const suite = sandboxAppForSuite(vpcQuota(20));
const CANARY = 'canary-llm-51c2-DO-NOT-LEAK';
const SONNET = 'anthropic.claude-sonnet-4-20250514-v1:0';

const GPU_COMPOSE = ['name: gpu-app', 'services:', '  vision:', '    image: python:3.12-slim', '    command: ["python", "-m", "http.server", "8000"]', '    ports: ["8000:8000"]', '    deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}', ''].join('\n');
const AGENT_COMPOSE = ['name: agent-app', 'services:', '  agent:', '    image: python:3.12-slim', '    command: ["python", "-m", "http.server", "8000"]', '    ports: ["8000:8000"]', '    x-defang-llm: true', '    environment:', '      - LLM_MODEL', ''].join('\n');

afterEach(() => {
  suite.sandbox.setFaults({});
  vi.restoreAllMocks();
});

async function stacks(): Promise<string[]> {
  const listed = (await clientsOf(suite.app).cloudformation.send(new ListStacksCommand({}))).StackSummaries ?? [];
  return listed.filter((s) => s.StackStatus !== 'DELETE_COMPLETE').map((s) => s.StackName!);
}

/** A deploy stopped by a check: config phase, nothing created. */
async function refused(dir: string, code: string): Promise<DeploymentRecord> {
  const before = suite.app.calls.length;
  const record = await deploy(suite.app, dir, 'affordable');
  expect(record.outcome).toBe('failed');
  expect(record.failure).toMatchObject({ phase: 'config', code });
  expect(record.phases.find((p) => p.phase === 'bootstrap')?.state).toBe('skipped');
  for (const command of ['CreateStackCommand', 'CreateChangeSetCommand', 'StartBuildCommand', 'PutObjectCommand']) expect(callsOf(suite.app, command, before), command).toBe(0);
  return record;
}

/** Bedrock's runtime as the service's task runs: its task role's session. */
async function runtimeAs(project: string, service: string): Promise<BedrockRuntimeClient> {
  const ecs = clientsOf(suite.app).ecs;
  const [described] = (await ecs.send(new DescribeServicesCommand({ cluster: await clusterOf(suite.app), services: [ecsServiceName(project, service)] }))).services!;
  const roleArn = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: described!.taskDefinition! }))).taskDefinition!.taskRoleArn!;
  return new BedrockRuntimeClient({ ...sandboxClientConfig(suite.sandbox), credentials: suite.sandbox.roleCredentials(roleArn, `${service}-task`) });
}

async function writeModel(value: string) {
  // Written the way `aws ssm put-parameter` would, past the Secrets screen's own check.
  await clientsOf(suite.app).ssm.send(new PutParameterCommand({ Name: '/Berth/agent-app/LLM_MODEL', Value: value, Type: 'SecureString', Overwrite: true }));
}

describe('GPU quota before deploy', () => {
  let gpuApp = '';

  it('a new account (0 vCPUs) is refused with the request command; denied Service Quotas goes on and says so', async () => {
    const dir = await suiteProject(suite, { 'compose.yaml': GPU_COMPOSE }, 'gpu-app-');
    gpuApp = dir;
    const record = await refused(dir, 'LIMIT_EXCEEDED');
    expect(record.failure!.message).toContain('need 4 vCPUs (vision: 1 × g4dn.xlarge (4 vCPUs each))');
    expect(await stacks()).toEqual([]);
    const desired = Number(/--desired-value (\d+)/.exec(record.failure!.message)![1]);
    expect(desired).toBe(4);
    await clientsOf(suite.app).quotas.send(new RequestServiceQuotaIncreaseCommand({ ServiceCode: 'ec2', QuotaCode: 'L-DB2E81BA', DesiredValue: desired }));

    // With the quota raised but unreadable, the deploy is not blocked, and the phase says what went unchecked.
    suite.sandbox.setFaults({ servicequotas: { accessDenied: ['GetServiceQuota', 'GetAWSDefaultServiceQuota'] } });
    const second = await deploy(suite.app, dir, 'affordable');
    expect(second.failure?.message).toBeUndefined();
    expect(second.outcome).toBe('succeeded');
    const config = second.phases.find((p) => p.phase === 'config')!;
    expect(config.state).toBe('done');
    expect(config.note).toContain('servicequotas:GetServiceQuota was denied');
  });

  it('G instances another project runs count: a second GPU project is refused naming them, and the first still redeploys', async () => {
    // The quota is 4 vCPUs and gpu-app's instance holds all of them (EC2 would refuse the next launch).
    const other = await suiteProject(suite, { 'compose.yaml': GPU_COMPOSE.replace('name: gpu-app', 'name: gpu-other') }, 'gpu-other-');
    const record = await refused(other, 'LIMIT_EXCEEDED');
    const listed = await clientsOf(suite.app).ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:berth:project', Values: ['gpu-app'] }, { Name: 'instance-state-name', Values: ['running'] }] }));
    const ids = (listed.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    expect(ids).toHaveLength(1);
    expect(record.failure!.message).toContain(`need 4 vCPUs (vision: 1 × g4dn.xlarge (4 vCPUs each)), and G and VT instances already running outside this project use 4 (${ids[0]} (g4dn.xlarge))`);
    expect(record.failure!.message).toContain('--desired-value 8');
    expect(await stacks()).not.toContain('berth-gpu-other');

    // Its own instance is not counted against gpu-app: a redeploy passes the check (and has nothing to change).
    const again = await deploy(suite.app, gpuApp, 'affordable');
    expect(again.failure?.message).toBeUndefined();
    expect(again.outcome).toBe('nothing-to-change');

    // Where Berth may not list instances, the deploy is not blocked by a guess, and the phase says what went uncounted.
    suite.sandbox.setFaults({ ec2: { accessDenied: ['DescribeInstances'] } });
    const unlisted = await deploy(suite.app, gpuApp, 'affordable');
    expect(unlisted.outcome).toBe('nothing-to-change');
    expect(unlisted.phases.find((p) => p.phase === 'config')!.note).toContain('ec2:DescribeInstances was denied');
  });
});

describe('GPU services across deploys', () => {
  it('removes one of two GPU services (its cluster, instances and provider go, the other keeps running)', async () => {
    // Room for these two and the GPU project above, which still runs: 3 × 4 vCPUs.
    await clientsOf(suite.app).quotas.send(new RequestServiceQuotaIncreaseCommand({ ServiceCode: 'ec2', QuotaCode: 'L-DB2E81BA', DesiredValue: 12 }));
    const gpu = (name: string) => [`  ${name}:`, '    image: python:3.12-slim', '    command: ["python", "-m", "http.server", "8000"]', '    deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}'];
    const both = ['name: two-gpus', 'services:', ...gpu('infer'), ...gpu('embed'), ''].join('\n');
    const dir = await suiteProject(suite, { 'compose.yaml': both }, 'two-gpus-');
    const first = await deploy(suite.app, dir, 'affordable');
    expect(first.failure?.message).toBeUndefined();
    const ecs = clientsOf(suite.app).ecs;
    const clusters = async () => ((await ecs.send(new ListClustersCommand({}))).clusterArns ?? []).map((a) => a.split('/').at(-1)!).filter((n) => n.startsWith('berth-two-gpus-gpu-')).sort();
    expect(await clusters()).toEqual(['berth-two-gpus-gpu-embed', 'berth-two-gpus-gpu-infer']);

    await writeFile(join(dir, 'compose.yaml'), ['name: two-gpus', 'services:', ...gpu('infer'), ''].join('\n'));
    const second = await deploy(suite.app, dir, 'affordable');
    expect(second.failure?.message).toBeUndefined();
    expect(second.outcome).toBe('succeeded');
    expect(await clusters()).toEqual(['berth-two-gpus-gpu-infer']);
    const [infer] = (await ecs.send(new DescribeServicesCommand({ cluster: 'berth-two-gpus-gpu-infer', services: [ecsServiceName('two-gpus', 'infer')] }))).services!;
    expect(infer).toMatchObject({ status: 'ACTIVE', runningCount: 1 });
  });
});

describe('models named by config before deploy', () => {
  it('refuses a non-model value without repeating it, an unusable model with its fix, and deploys once fixed', async () => {
    const logged: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => logged.push(args.map(String).join(' ')));
    const dir = await suiteProject(suite, { 'compose.yaml': AGENT_COMPOSE }, 'agent-app-');
    await setAllConfig(suite.app, dir);

    await writeModel(CANARY);
    const events = suite.app.events.length;
    const bad = await refused(dir, 'MODEL_UNAVAILABLE');
    expect(bad.failure!.message).toContain('The config value LLM_MODEL, which agent reads as LLM_MODEL');
    const everything = JSON.stringify([bad, suite.app.events.slice(events), logged]);
    expect(everything).not.toContain(CANARY);

    // Anthropic's form not submitted: named, with the console page, before anything exists.
    suite.sandbox.setModelAccess({ [SONNET]: 'use-case-required' });
    await writeModel(`us.${SONNET}`);
    const form = await refused(dir, 'MODEL_UNAVAILABLE');
    expect(form.failure!.message).toContain("agent: Claude Sonnet 4 (anthropic.claude-sonnet-4-20250514-v1:0) needs Anthropic's one-time use-case form");

    // A profile from another geography does not exist in us-east-1.
    suite.sandbox.setModelAccess({ [SONNET]: 'available' });
    await writeModel(`eu.${SONNET}`);
    const profile = await refused(dir, 'MODEL_UNAVAILABLE');
    expect(profile.failure!.message).toContain(`The cross-region inference profile eu.${SONNET} does not exist in us-east-1`);
    expect(await stacks()).not.toContain('berth-agent-app');

    // Fixed: it deploys, and the task role may invoke exactly the model the value names.
    await writeModel(`us.${SONNET}`);
    const good = await deploy(suite.app, dir, 'affordable');
    expect(good.failure?.message).toBeUndefined();
    expect(good.outcome).toBe('succeeded');
    expect(await stacks()).toContain('berth-agent-app');
    expect(logged.join('\n')).not.toContain(CANARY);
  });

  it('throttled Bedrock: the deploy stops in the config phase, retried and said, not passed unchecked', async () => {
    const dir = await suiteProject(suite, { 'compose.yaml': AGENT_COMPOSE }, 'agent-app-');
    await writeModel('us.amazon.nova-lite-v1:0');
    suite.sandbox.setFaults({ bedrock: { throttleRate: 1 } });
    const before = suite.app.calls.length;
    const record = await refused(dir, 'THROTTLED');
    expect(record.failure!.message).toBe('AWS is throttling Bedrock GetFoundationModelAvailability requests. Berth retried and gave up; wait a minute and try again.');
    expect(callsOf(suite.app, 'GetFoundationModelAvailabilityCommand', before)).toBe(1);
  });

  it('denied model access reads: the deploy goes on and the phase says it could not check', async () => {
    const dir = await suiteProject(suite, { 'compose.yaml': AGENT_COMPOSE }, 'agent-app-');
    await writeModel('us.amazon.nova-lite-v1:0');
    suite.sandbox.setFaults({ bedrock: { accessDenied: ['GetFoundationModelAvailability'] } });
    const record = await deploy(suite.app, dir, 'affordable');
    expect(record.outcome).toBe('succeeded');
    expect(record.phases.find((p) => p.phase === 'config')!.note).toContain('bedrock:GetFoundationModelAvailability was denied');
    suite.sandbox.setFaults({});

    // The task role may call the configured profile, and its model only through it.
    const runtime = await runtimeAs('agent-app', 'agent');
    try {
      const messages = [{ role: 'user' as const, content: [{ text: 'hi' }] }];
      expect((await runtime.send(new ConverseCommand({ modelId: 'us.amazon.nova-lite-v1:0', messages }))).output?.message).toBeDefined();
      await expect(runtime.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      await expect(runtime.send(new ConverseCommand({ modelId: 'us.amazon.nova-pro-v1:0', messages }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      runtime.destroy();
    }
  });
});

describe('models named in compose that a service calls itself', () => {
  it('grants what the code calls: the model id directly, the profile id through the profile, nothing else', async () => {
    const compose = ['name: direct-app', 'services:', '  agent:', '    image: python:3.12-slim', '    command: ["python", "-m", "http.server", "8000"]', '    ports: ["8000:8000"]', '    x-defang-llm: true', '    environment:', '      LLM_MODEL: amazon.nova-lite-v1:0', '      FAST_MODEL: us.amazon.nova-micro-v1:0', ''].join('\n');
    const dir = await suiteProject(suite, { 'compose.yaml': compose }, 'direct-app-');
    const record = await deploy(suite.app, dir, 'affordable');
    expect(record.failure?.message).toBeUndefined();
    const runtime = await runtimeAs('direct-app', 'agent');
    try {
      const messages = [{ role: 'user' as const, content: [{ text: 'hi' }] }];
      expect((await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages }))).output?.message).toBeDefined();
      expect((await runtime.send(new ConverseCommand({ modelId: 'us.amazon.nova-micro-v1:0', messages }))).output?.message).toBeDefined();
      await expect(runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      await expect(runtime.send(new ConverseCommand({ modelId: 'us.amazon.nova-lite-v1:0', messages }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      runtime.destroy();
    }
  });
});
