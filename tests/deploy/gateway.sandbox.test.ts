/**
 * A model service end to end: Defang's managed-llm-provider sample through `berth up` into the
 * sandbox, then Berth's gateway run in-process exactly as ECS would run its task — the task
 * definition's environment and a session of its task role — called as the sample's app calls it
 * (its task definition's LLM_URL + "chat/completions", LLM_MODEL, OPENAI_API_KEY). A role without
 * the model, and the account without access to it, each get a 403 that says what to do.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, type TaskDefinition } from '@aws-sdk/client-ecs';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { sandboxClientConfig, startSandbox, type Sandbox } from '../../electron/sandbox';
import { startGateway, type Gateway } from '../../electron/gateway/server';
import { ecsServiceName } from '../../electron/plan/names';
import type { DeploymentRecord } from '../../shared/domain/deploy';
import { corpusDir } from '../corpus/locate';
import { runBerth } from './helpers';

const SAMPLE = 'managed-llm-provider';
const LABEL = '[Berth sandbox: fixed local responder, not a model]';

let sandbox: Sandbox;
let dataDir: string;
let dir: string;
let flags: string[];
let ecs: ECSClient;
let cfn: CloudFormationClient;
const gateways: Gateway[] = [];
let deployed = false;

function berth(args: string[]) {
  return runBerth(args, dataDir);
}

/** A service's task definition as ECS describes it, through the real client. */
async function taskDefinitionOf(service: string): Promise<TaskDefinition> {
  const stacks = (await cfn.send(new DescribeStacksCommand({ StackName: 'berth-bootstrap' }))).Stacks!;
  const cluster = stacks[0]!.Outputs!.find((o) => o.OutputKey === 'ClusterName')!.OutputValue!;
  const described = (await ecs.send(new DescribeServicesCommand({ cluster, services: [ecsServiceName(SAMPLE, service)] }))).services!;
  expect(described).toHaveLength(1);
  return (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: described[0]!.taskDefinition! }))).taskDefinition!;
}

function environmentOf(td: TaskDefinition): Record<string, string> {
  const container = td.containerDefinitions![0]!;
  return Object.fromEntries((container.environment ?? []).map((e) => [e.name!, e.value ?? '']));
}

/** The gateway as its ECS task runs: that environment, that role's session, Bedrock at the sandbox. */
async function gatewayAs(env: Record<string, string>, roleArn: string, session: string): Promise<Gateway> {
  const gateway = await startGateway({ env, port: 0, host: '127.0.0.1', endpoint: sandbox.endpoint, credentials: sandbox.roleCredentials(roleArn, session), log: () => undefined });
  gateways.push(gateway);
  return gateway;
}

/** What the sample's app does: POST `${LLM_URL}chat/completions` with its model and key (the URL's host is the gateway). */
async function ask(gateway: Gateway, app: Record<string, string>, prompt: string) {
  const url = new URL(app.LLM_URL!);
  const res = await fetch(`${gateway.url}${url.pathname}chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${app.OPENAI_API_KEY}` },
    body: JSON.stringify({ model: app.LLM_MODEL, messages: [{ role: 'user', content: prompt }], stream: false }),
  });
  return { status: res.status, body: (await res.json()) as { choices?: { message: { content: string } }[]; error?: { message: string; type: string; code: string } } };
}

beforeAll(async () => {
  sandbox = await startSandbox({ speed: 'instant' });
  dataDir = await mkdtemp(join(tmpdir(), 'berth-gateway-data-'));
  const work = await mkdtemp(join(tmpdir(), 'berth-gateway-'));
  dir = join(work, SAMPLE);
  await cp(join(corpusDir(), SAMPLE), dir, { recursive: true });
  flags = ['--endpoint', sandbox.endpoint, '--sandbox', '--region', 'us-east-1'];
  ecs = new ECSClient(sandboxClientConfig(sandbox));
  cfn = new CloudFormationClient(sandboxClientConfig(sandbox));
});

afterAll(async () => {
  for (const g of gateways) await g.close();
  ecs?.destroy();
  cfn?.destroy();
  await sandbox?.close();
  await rm(dataDir, { recursive: true, force: true });
  if (dir) await rm(join(dir, '..'), { recursive: true, force: true });
});

describe(`${SAMPLE}: a model provider service through berth up, answered by Berth's gateway`, () => {
  let gatewayEnv: Record<string, string>;
  let gatewayRole: string;
  let appEnv: Record<string, string>;
  let appRole: string;

  it('deploys through the CLI', async () => {
    const validate = await berth(['validate', dir]);
    expect(validate.code, validate.out).toBe(0);
    const listing = await berth(['config', 'ls', '--project', dir, '--json', ...flags]);
    expect(listing.code, listing.err).toBe(0);
    for (const name of (JSON.parse(listing.out) as { missing: string[] }).missing) {
      const generated = await berth(['config', 'generate', name, '--project', dir, ...flags]);
      expect(generated.code, generated.err).toBe(0);
    }
    const up = await berth(['up', dir, '--yes', '--json', ...flags]);
    const { record } = JSON.parse(up.out.split('\n').at(-1) ?? '{}') as { record?: DeploymentRecord };
    expect(up.code, record?.failure?.message ?? (up.err || up.out)).toBe(0);
    expect(Object.keys(record!.digests).sort()).toEqual(['app', 'llm']);
    deployed = true;
  }, 180_000);

  it('gives the gateway its model table, key and a task role, and the app the URL, model and key', async () => {
    expect(deployed).toBe(true);
    const llm = await taskDefinitionOf('llm');
    gatewayEnv = environmentOf(llm);
    gatewayRole = llm.taskRoleArn!;
    expect(gatewayRole).toMatch(/^arn:aws:iam::000000000000:role\//);
    expect(JSON.parse(gatewayEnv.BERTH_MODELS!)).toEqual({
      'ai/smollm2': { id: 'us.amazon.nova-micro-v1:0', kind: 'chat' },
      default: { id: 'us.amazon.nova-micro-v1:0', kind: 'chat' },
    });
    expect(gatewayEnv).toMatchObject({ AWS_REGION: 'us-east-1', PORT: '80', OPENAI_API_KEY: 'FAKE_TOKEN' });

    const app = await taskDefinitionOf('app');
    appEnv = environmentOf(app);
    appRole = app.taskRoleArn!;
    expect(appEnv).toMatchObject({ LLM_URL: 'http://llm/api/v1/', LLM_MODEL: 'default', OPENAI_API_KEY: 'FAKE_TOKEN' });
    expect(appRole).toBeTruthy();
    expect(appRole).not.toBe(gatewayRole);
  });

  it('answers the app’s request with the sandbox’s labelled answer, as the gateway’s task role', async () => {
    const gateway = await gatewayAs(gatewayEnv, gatewayRole, 'llm-task');
    const { status, body } = await ask(gateway, appEnv, 'What is Berth?');
    expect(status, JSON.stringify(body)).toBe(200);
    const content = body.choices![0]!.message.content;
    expect(content.startsWith(LABEL)).toBe(true);
    expect(content).toContain('amazon.nova-micro-v1:0');
    expect(content).toContain('What is Berth?');
    // The key the app was given is the one the gateway checks.
    const wrong = await ask(gateway, { ...appEnv, OPENAI_API_KEY: 'not-the-key' }, 'hi');
    expect(wrong.status).toBe(401);
  });

  it('refuses with 403 naming the model and the role when run with a role not granted the model', async () => {
    // The app's own task role: the project gives it no Bedrock statement.
    const gateway = await gatewayAs(gatewayEnv, appRole, 'app-task');
    const { status, body } = await ask(gateway, appEnv, 'hi');
    expect(status, JSON.stringify(body)).toBe(403);
    expect(body.error!.type).toBe('permission_error');
    expect(body.error!.code).toBe('role_not_allowed');
    const roleName = appRole.split('/').at(-1)!;
    expect(body.error!.message).toContain("The gateway's task role may not invoke the model 'default' (us.amazon.nova-micro-v1:0)");
    expect(body.error!.message).toContain(`assumed-role/${roleName}/app-task is not authorized to perform: bedrock:InvokeModel`);
    expect(body.error!.message).toContain('deploy the project again (berth up)');
  });

  it('lets the gateway’s role reach the model only through its profile, not directly by model id', async () => {
    const runtime = new BedrockRuntimeClient({ ...sandboxClientConfig(sandbox), credentials: sandbox.roleCredentials(gatewayRole, 'llm-direct') });
    try {
      const message = { role: 'user' as const, content: [{ text: 'hi' }] };
      const through = await runtime.send(new ConverseCommand({ modelId: 'us.amazon.nova-micro-v1:0', messages: [message] }));
      expect(through.output?.message?.content?.[0]?.text?.startsWith(LABEL)).toBe(true);
      // Nova Micro runs on demand in us-east-1 too, but the role's grant on the model holds only through the profile.
      const direct = await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [message] })).catch((e: unknown) => e as Error);
      expect(direct).toMatchObject({ name: 'AccessDeniedException' });
      expect((direct as Error).message).toContain('is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0');
    } finally {
      runtime.destroy();
    }
  });

  it('refuses with 403 and the how-to when the account’s access to the model is switched off', async () => {
    const gateway = await gatewayAs(gatewayEnv, gatewayRole, 'llm-task-2');
    sandbox.setModelAccess({ 'amazon.nova-micro-v1:0': 'not-enabled' });
    try {
      const { status, body } = await ask(gateway, appEnv, 'hi');
      expect(status, JSON.stringify(body)).toBe(403);
      expect(body.error!.code).toBe('model_access_denied');
      expect(body.error!.message).toContain("Model access to 'default' (us.amazon.nova-micro-v1:0) is not enabled for this AWS account in us-east-1");
      expect(body.error!.message).toContain('Request access to the model in the Amazon Bedrock console (https://us-east-1.console.aws.amazon.com/bedrock/home?region=us-east-1#/model-catalog/serverless/amazon.nova-micro-v1:0)');
    } finally {
      sandbox.setModelAccess({ 'amazon.nova-micro-v1:0': null });
    }
    expect((await ask(gateway, appEnv, 'hi again')).status).toBe(200);
  });

  it('tears down with berth down', async () => {
    expect(deployed).toBe(true);
    const down = await berth(['down', dir, '--yes', ...flags]);
    expect(down.code, down.err || down.out).toBe(0);
    const stacks = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
    expect(stacks.filter((s) => s.StackName !== 'berth-bootstrap' && s.StackStatus !== 'DELETE_COMPLETE').map((s) => s.StackName)).toEqual([]);
  }, 120_000);
});
