/**
 * Amazon Bedrock in the sandbox, through the real SDK clients (the runtime's speaks HTTP/2): the
 * control plane, Converse / ConverseStream / InvokeModel, Bedrock's validation messages, the
 * account's model access states, and IAM for a CloudFormation-made role's sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  type ListFoundationModelsCommandInput,
} from '@aws-sdk/client-bedrock';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  type ContentBlock,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { CreateStackCommand, DescribeStacksCommand, CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { sandboxClientConfig, startSandbox, type Sandbox } from '../index';

const ACCOUNT = '000000000000';
const label = '[Berth sandbox: fixed local responder, not a model]';
const hello: Message[] = [{ role: 'user', content: [{ text: 'Hello from the test' }] }];
const weatherTool = {
  toolSpec: {
    name: 'get_weather',
    description: 'Weather for a city',
    inputSchema: { json: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' }, metric: { type: 'boolean' }, note: { type: 'string' } }, required: ['city', 'days', 'metric'] } },
  },
};
const timeTool = { toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object', properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } }, required: ['zone'] } } } };

async function caught(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

function textOf(output: ConverseCommandOutput): string {
  return (output.output?.message?.content ?? []).map((b) => b.text ?? '').join('');
}

function decode(body: Uint8Array): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
}

function norm(v: number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

// Roles whose inline policies the Bedrock calls of their sessions are judged by.
const FM = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const PROFILE = (id: string) => `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/${id}`;
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: ['sts:AssumeRole'] }] };
const role = (name: string, statements: unknown[]) => ({
  Type: 'AWS::IAM::Role',
  Properties: { RoleName: name, AssumeRolePolicyDocument: trust, Policies: [{ PolicyName: 'bedrock', PolicyDocument: { Version: '2012-10-17', Statement: statements } }] },
});
const ROLES = {
  Direct: role('direct-nova', [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: FM('us-east-1', 'amazon.nova-micro-v1:0') }]),
  ProfileOnly: role('profile-only', [{ Effect: 'Allow', Action: 'bedrock:InvokeModel*', Resource: PROFILE('us.amazon.nova-pro-v1:0') }]),
  OneRegion: role('one-region', [{ Effect: 'Allow', Action: 'bedrock:InvokeModel*', Resource: [PROFILE('us.amazon.nova-pro-v1:0'), FM('us-east-1', 'amazon.nova-pro-v1:0')] }]),
  AllRegions: role('all-regions', [
    { Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: [PROFILE('us.amazon.nova-pro-v1:0'), 'arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0'] },
    { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: [PROFILE('global.amazon.nova-2-lite-v1:0'), FM('us-east-1', 'amazon.nova-2-lite-v1:0')] },
  ]),
  Global: role('global-nova', [
    { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: [PROFILE('global.amazon.nova-2-lite-v1:0'), FM('us-east-1', 'amazon.nova-2-lite-v1:0'), 'arn:aws:bedrock:::foundation-model/amazon.nova-2-lite-v1:0'] },
  ]),
  Denied: role('denied-claude', [
    { Effect: 'Allow', Action: 'bedrock:*', Resource: '*' },
    { Effect: 'Deny', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/anthropic.*' },
  ]),
  NotResource: role('not-titan', [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', NotResource: FM('us-east-1', 'amazon.titan-embed-text-v1') }]),
  Reader: role('catalog-reader', [{ Effect: 'Allow', Action: ['bedrock:GetFoundationModel', 'bedrock:GetInferenceProfile'], Resource: '*' }]),
  Marketplace: role('claude-subscriber', [
    { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' },
    { Effect: 'Allow', Action: ['aws-marketplace:ViewSubscriptions', 'aws-marketplace:Subscribe'], Resource: '*' },
  ]),
};
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe('sandbox Bedrock', () => {
  let dir: string;
  let sb: Sandbox;
  let control: BedrockClient;
  let runtime: BedrockRuntimeClient;
  const clients: { destroy(): void }[] = [];
  const controlIn = (region: string) => track(new BedrockClient({ ...sandboxClientConfig(sb), region }));
  const runtimeIn = (region: string) => track(new BedrockRuntimeClient({ ...sandboxClientConfig(sb), region }));
  function track<T extends { destroy(): void }>(client: T): T {
    clients.push(client);
    return client;
  }
  const asRole = (name: string, session = 'task-1') => ({ endpoint: sb.endpoint, region: 'us-east-1', credentials: sb.roleCredentials(roleArn(name), session), maxAttempts: 1 });
  const converse = (input: Partial<ConverseCommandInput>, client = runtime) => client.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: hello, ...input }));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-bedrock-'));
    sb = await startSandbox({ dataDir: dir });
    control = track(new BedrockClient(sandboxClientConfig(sb)));
    runtime = track(new BedrockRuntimeClient(sandboxClientConfig(sb)));
    const cfn = new CloudFormationClient(sandboxClientConfig(sb));
    await cfn.send(new CreateStackCommand({ StackName: 'bedrock-roles', TemplateBody: JSON.stringify({ Resources: ROLES }), Capabilities: ['CAPABILITY_NAMED_IAM'] }));
    await sb.settle();
    expect((await cfn.send(new DescribeStacksCommand({ StackName: 'bedrock-roles' }))).Stacks![0]!.StackStatus).toBe('CREATE_COMPLETE');
    cfn.destroy();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await sb?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('control plane', () => {
    const list = async (input: ListFoundationModelsCommandInput = {}, client = control) => Object.fromEntries(((await client.send(new ListFoundationModelsCommand(input))).modelSummaries ?? []).map((m) => [m.modelId!, m]));

    it('lists the region catalog: on-demand models and profile-only ones, with ARNs, modalities and streaming', async () => {
      const models = await list();
      const types = Object.fromEntries(Object.entries(models).map(([id, m]) => [id, m.inferenceTypesSupported]));
      expect(types).toMatchObject({
        'amazon.nova-micro-v1:0': ['ON_DEMAND'],
        'amazon.nova-premier-v1:0': ['INFERENCE_PROFILE'],
        'amazon.nova-2-lite-v1:0': ['INFERENCE_PROFILE'],
        'amazon.titan-embed-text-v2:0': ['ON_DEMAND'],
        'cohere.embed-english-v3': ['ON_DEMAND'],
        'anthropic.claude-3-haiku-20240307-v1:0': ['ON_DEMAND'],
        'anthropic.claude-3-5-sonnet-20241022-v2:0': ['INFERENCE_PROFILE'],
        'anthropic.claude-sonnet-4-5-20250929-v1:0': ['INFERENCE_PROFILE'],
        'meta.llama3-2-1b-instruct-v1:0': ['INFERENCE_PROFILE'],
        'meta.llama3-3-70b-instruct-v1:0': ['INFERENCE_PROFILE'],
        'mistral.mistral-7b-instruct-v0:2': ['ON_DEMAND'],
        'deepseek.r1-v1:0': ['INFERENCE_PROFILE'],
      });
      expect(Object.keys(models)).toHaveLength(22);
      expect(models['amazon.nova-lite-v1:0']).toMatchObject({
        modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
        modelName: 'Nova Lite',
        providerName: 'Amazon',
        inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
        outputModalities: ['TEXT'],
        responseStreamingSupported: true,
        modelLifecycle: { status: 'ACTIVE' },
      });
      expect(models['amazon.titan-embed-text-v2:0']).toMatchObject({ outputModalities: ['EMBEDDING'], responseStreamingSupported: false });
      // Region by region: Claude 3.5 Sonnet v2 runs on demand in us-west-2; eu-west-1 has no DeepSeek.
      expect((await list({}, controlIn('us-west-2')))['anthropic.claude-3-5-sonnet-20241022-v2:0']!.inferenceTypesSupported).toEqual(['ON_DEMAND']);
      expect(Object.keys(await list({}, controlIn('eu-west-1')))).not.toContain('deepseek.r1-v1:0');
      expect(await list({}, controlIn('sa-east-1'))).toEqual({});
    });

    it('filters by provider, output modality, inference type and customization type, and checks the enums', async () => {
      expect(new Set(Object.values(await list({ byProvider: 'anthropic' })).map((m) => m.providerName))).toEqual(new Set(['Anthropic']));
      expect(Object.keys(await list({ byOutputModality: 'EMBEDDING' })).sort()).toEqual(['amazon.titan-embed-text-v1', 'amazon.titan-embed-text-v2:0', 'cohere.embed-english-v3', 'cohere.embed-multilingual-v3']);
      const onDemand = await list({ byInferenceType: 'ON_DEMAND' });
      expect(onDemand['amazon.nova-micro-v1:0']).toBeDefined();
      expect(onDemand['amazon.nova-2-lite-v1:0']).toBeUndefined();
      expect(await list({ byInferenceType: 'PROVISIONED' })).toEqual({});
      expect(Object.keys(await list({ byCustomizationType: 'FINE_TUNING' })).sort()).toEqual(['amazon.nova-lite-v1:0', 'amazon.nova-micro-v1:0', 'amazon.nova-pro-v1:0']);
      expect(await caught(control.send(new ListFoundationModelsCommand({ byOutputModality: 'AUDIO' as never })))).toEqual({
        name: 'ValidationException',
        status: 400,
        message: "1 validation error detected: Value 'AUDIO' at 'byOutputModality' failed to satisfy constraint: Member must satisfy enum value set: [TEXT, IMAGE, EMBEDDING]",
      });
    });

    it('gets a model by id or ARN; an unknown one, or one not in the region, is not found', async () => {
      const byId = await control.send(new GetFoundationModelCommand({ modelIdentifier: 'meta.llama3-1-8b-instruct-v1:0' }));
      expect(byId.modelDetails).toMatchObject({ modelId: 'meta.llama3-1-8b-instruct-v1:0', providerName: 'Meta', inferenceTypesSupported: ['INFERENCE_PROFILE'] });
      const byArn = await controlIn('us-west-2').send(new GetFoundationModelCommand({ modelIdentifier: FM('us-west-2', 'meta.llama3-1-8b-instruct-v1:0') }));
      expect(byArn.modelDetails).toMatchObject({ inferenceTypesSupported: ['ON_DEMAND'], customizationsSupported: ['FINE_TUNING', 'DISTILLATION'] });
      expect(await caught(control.send(new GetFoundationModelCommand({ modelIdentifier: 'openai.gpt-5' })))).toEqual({ name: 'ValidationException', status: 400, message: 'Could not find model with identifier openai.gpt-5' });
      expect(await caught(controlIn('eu-west-1').send(new GetFoundationModelCommand({ modelIdentifier: 'deepseek.r1-v1:0' })))).toMatchObject({ name: 'ValidationException' });
    });

    it('lists inference profiles page by page (maxResults, nextToken, typeEquals) and gets one by id or ARN', async () => {
      const all = (await control.send(new ListInferenceProfilesCommand({}))).inferenceProfileSummaries!;
      const ids = all.map((p) => p.inferenceProfileId);
      expect(ids).toEqual(expect.arrayContaining(['us.amazon.nova-micro-v1:0', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'global.amazon.nova-2-lite-v1:0', 'us.meta.llama3-2-1b-instruct-v1:0', 'us.deepseek.r1-v1:0']));
      expect(ids.some((id) => id!.startsWith('eu.') || id!.startsWith('apac.'))).toBe(false);
      const paged: string[] = [];
      let token: string | undefined;
      do {
        const page = await control.send(new ListInferenceProfilesCommand({ maxResults: 5, nextToken: token }));
        expect(page.inferenceProfileSummaries!.length).toBeLessThanOrEqual(5);
        paged.push(...page.inferenceProfileSummaries!.map((p) => p.inferenceProfileId!));
        token = page.nextToken;
      } while (token);
      expect(paged).toEqual(ids);
      expect((await control.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION' }))).inferenceProfileSummaries).toEqual([]);
      expect(await caught(control.send(new ListInferenceProfilesCommand({ maxResults: 0 })))).toMatchObject({ name: 'ValidationException', message: "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1" });

      const nova = await control.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: PROFILE('us.amazon.nova-pro-v1:0') }));
      expect(nova).toMatchObject({
        inferenceProfileId: 'us.amazon.nova-pro-v1:0',
        inferenceProfileName: 'US Nova Pro',
        inferenceProfileArn: PROFILE('us.amazon.nova-pro-v1:0'),
        status: 'ACTIVE',
        type: 'SYSTEM_DEFINED',
        models: ['us-east-1', 'us-east-2', 'us-west-2'].map((r) => ({ modelArn: FM(r, 'amazon.nova-pro-v1:0') })),
      });
      expect(nova.createdAt).toBeInstanceOf(Date);
      const global = await control.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' }));
      expect(global.models).toEqual([{ modelArn: 'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0' }]);
      const apac = await controlIn('ap-northeast-1').send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0' }));
      expect(apac.models!.map((m) => m.modelArn)).toEqual([FM('ap-northeast-1', 'anthropic.claude-sonnet-4-5-20250929-v1:0'), FM('ap-northeast-3', 'anthropic.claude-sonnet-4-5-20250929-v1:0')]);
      expect(await caught(control.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'eu.amazon.nova-pro-v1:0' })))).toEqual({ name: 'ResourceNotFoundException', status: 404, message: 'Inference profile not found' });
    });

    it('reports availability: Amazon models available, Marketplace ones waiting for their first call, regions without the model', async () => {
      expect(await control.send(new GetFoundationModelAvailabilityCommand({ modelId: 'amazon.nova-pro-v1:0' }))).toMatchObject({
        modelId: 'amazon.nova-pro-v1:0',
        agreementAvailability: { status: 'AVAILABLE' },
        authorizationStatus: 'AUTHORIZED',
        entitlementAvailability: 'AVAILABLE',
        regionAvailability: 'AVAILABLE',
      });
      const cohere = () => control.send(new GetFoundationModelAvailabilityCommand({ modelId: 'cohere.embed-multilingual-v3' }));
      expect(await cohere()).toMatchObject({ agreementAvailability: { status: 'NOT_AVAILABLE' }, authorizationStatus: 'AUTHORIZED', entitlementAvailability: 'NOT_AVAILABLE' });
      expect(sb.modelAccess()['cohere.embed-multilingual-v3']).toBe('not-subscribed');
      // The account's first call subscribes it (the sandbox's own user may subscribe).
      await runtime.send(new InvokeModelCommand({ modelId: 'cohere.embed-multilingual-v3', contentType: 'application/json', body: JSON.stringify({ texts: ['hola'], input_type: 'search_query' }) }));
      expect(await cohere()).toMatchObject({ agreementAvailability: { status: 'AVAILABLE' }, entitlementAvailability: 'AVAILABLE' });
      expect(sb.modelAccess()['cohere.embed-multilingual-v3']).toBe('available');
      expect(await controlIn('eu-west-1').send(new GetFoundationModelAvailabilityCommand({ modelId: 'deepseek.r1-v1:0' }))).toMatchObject({ regionAvailability: 'NOT_AVAILABLE' });
      expect(await caught(control.send(new GetFoundationModelAvailabilityCommand({ modelId: 'openai.gpt-5' })))).toMatchObject({ name: 'ValidationException', message: 'Could not find model with identifier openai.gpt-5' });
    });
  });

  describe('Converse', () => {
    it('answers with the labelled fixed responder: the model, the echoed user text, end_turn, usage and latency', async () => {
      const out = await converse({ system: [{ text: 'Be brief.' }] });
      expect(out.output?.message?.role).toBe('assistant');
      expect(textOf(out)).toBe(`${label} Nova Micro (amazon.nova-micro-v1:0) received: "Hello from the test"`);
      expect(out.stopReason).toBe('end_turn');
      expect(out.usage).toEqual({ inputTokens: 8, outputTokens: Math.ceil(textOf(out).length / 4), totalTokens: 8 + Math.ceil(textOf(out).length / 4) });
      expect(out.metrics?.latencyMs).toBeGreaterThan(0);
      // The same request, the same answer.
      expect(await converse({ system: [{ text: 'Be brief.' }] })).toMatchObject({ output: out.output, usage: out.usage, metrics: out.metrics });
      const long = await converse({ messages: [{ role: 'user', content: [{ text: 'x'.repeat(500) }] }] });
      expect(textOf(long)).toContain(`"${'x'.repeat(200)}…"`);
    });

    it('takes a model id, a model ARN, a profile id and a profile ARN', async () => {
      for (const modelId of ['amazon.nova-pro-v1:0', FM('us-east-1', 'amazon.nova-pro-v1:0'), 'us.amazon.nova-pro-v1:0', PROFILE('us.amazon.nova-pro-v1:0'), 'global.anthropic.claude-sonnet-4-5-20250929-v1:0']) {
        const out = await converse({ modelId });
        expect(textOf(out)).toContain(`(${modelId}) received`);
      }
      expect(textOf(await converse({ modelId: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0' }))).toContain('Claude 3.5 Sonnet v2');
    });

    it('refuses model ids as Bedrock does: unknown, not in the region, another geography, profile-only on demand, an embedding model', async () => {
      const invalid = { name: 'ValidationException', status: 400, message: 'The provided model identifier is invalid.' };
      expect(await caught(converse({ modelId: 'anthropic.claude-9' }))).toEqual(invalid);
      expect(await caught(converse({ modelId: 'eu.amazon.nova-pro-v1:0' }))).toEqual(invalid);
      expect(await caught(converse({ modelId: FM('us-west-2', 'amazon.nova-pro-v1:0') }))).toEqual(invalid);
      expect(await caught(converse({ modelId: 'deepseek.r1-v1:0' }, runtimeIn('eu-west-1')))).toEqual(invalid);
      expect(await caught(converse({ modelId: 'us.deepseek.r1-v1:0' }, runtimeIn('eu-west-1')))).toEqual(invalid);
      for (const id of ['amazon.nova-2-lite-v1:0', 'meta.llama3-2-3b-instruct-v1:0', 'meta.llama3-3-70b-instruct-v1:0', 'anthropic.claude-3-5-sonnet-20241022-v2:0']) {
        expect(await caught(converse({ modelId: id }))).toEqual({
          name: 'ValidationException',
          status: 400,
          message: `Invocation of model ID ${id} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
        });
      }
      // On demand where the region serves it so.
      expect(textOf(await converse({ modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0' }, runtimeIn('us-west-2')))).toContain(label);
      expect(await caught(converse({ modelId: 'amazon.titan-embed-text-v2:0' }))).toEqual({ name: 'ValidationException', status: 400, message: "This action doesn't support the model that you provided. Try again with a supported text or chat model." });
    });

    it('checks the conversation as Bedrock does', async () => {
      const v = (message: string) => ({ name: 'ValidationException', status: 400, message });
      expect(await caught(converse({ messages: [{ role: 'assistant', content: [{ text: 'hi' }] }] }))).toEqual(v('A conversation must start with a user message. Try again with a conversation that starts with a user message.'));
      expect(await caught(converse({ messages: [...hello, { role: 'user', content: [{ text: 'again' }] }] }))).toEqual(
        v('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.'),
      );
      expect(await caught(converse({ messages: [...hello, { role: 'assistant', content: [] }, { role: 'user', content: [{ text: 'x' }] }] }))).toEqual(
        v('The content field in the Message object at messages.1 is empty. Add a ContentBlock object to the content field and try again.'),
      );
      expect(await caught(converse({ messages: [{ role: 'user', content: [{ text: 'a' }, { text: '  ' }] }] }))).toEqual(v('The text field in the ContentBlock object at messages.0.content.1 is blank. Add text to the text field, and try again.'));
      const toolTurns: Message[] = [
        ...hello,
        { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'get_weather', input: { city: 'Oslo' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'rain' }] } }] },
      ];
      expect(await caught(converse({ messages: toolTurns }))).toEqual(v('The toolConfig field must be defined when using toolUse and toolResult content blocks.'));
      expect(await caught(converse({ inferenceConfig: { maxTokens: 10_001 } }))).toEqual(v('The maximum tokens you requested exceeds the model limit of 10000. Try again with a maximum tokens value that is lower than 10000.'));
      expect(await caught(converse({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', inferenceConfig: { maxTokens: 4097 } }))).toEqual(v('The maximum tokens you requested exceeds the model limit of 4096. Try again with a maximum tokens value that is lower than 4096.'));
      expect(await caught(converse({ inferenceConfig: { maxTokens: 0 } }))).toEqual(v("1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1"));
      expect(await caught(converse({ inferenceConfig: { temperature: 1.5 } }))).toEqual(v("1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1"));
      expect(await caught(converse({ modelId: 'us.meta.llama3-2-1b-instruct-v1:0', toolConfig: { tools: [weatherTool] } }))).toEqual(v("This model doesn't support tool use."));
      expect(await caught(converse({ modelId: 'mistral.mistral-7b-instruct-v0:2', toolConfig: { tools: [weatherTool] } }))).toEqual(v("This model doesn't support tool use."));
    });

    it('calls the first offered tool with an input from its required properties, then answers the tool result', async () => {
      const first = await converse({ toolConfig: { tools: [weatherTool, timeTool] } });
      expect(first.stopReason).toBe('tool_use');
      const call = first.output!.message!.content!.find((b) => b.toolUse)!.toolUse!;
      expect(call).toMatchObject({ name: 'get_weather', input: { city: 'sandbox', days: 1, metric: true } });
      expect(call.toolUseId).toMatch(/^tooluse_[\w-]{22}$/);
      expect(textOf(first)).toContain(label);
      const chosen = await converse({ toolConfig: { tools: [weatherTool, timeTool], toolChoice: { tool: { name: 'get_time' } } } });
      expect(chosen.output!.message!.content!.find((b) => b.toolUse)!.toolUse).toMatchObject({ name: 'get_time', input: { zone: 'UTC' } });
      const answered = await converse({
        toolConfig: { tools: [weatherTool, timeTool] },
        messages: [...hello, first.output!.message!, { role: 'user', content: [{ toolResult: { toolUseId: call.toolUseId, content: [{ json: { forecast: 'rain' } }] } }] }],
      });
      expect(answered.stopReason).toBe('end_turn');
      expect(textOf(answered)).toBe(`${label} Nova Micro (amazon.nova-micro-v1:0) received the tool result: get_weather (${call.toolUseId}) returned "{"forecast":"rain"}".`);
      // Llama 3.1 takes tools through Converse (not while streaming).
      expect((await converse({ modelId: 'us.meta.llama3-1-8b-instruct-v1:0', toolConfig: { tools: [weatherTool] } })).stopReason).toBe('tool_use');
    });

    it('stops at maxTokens', async () => {
      const out = await converse({ inferenceConfig: { maxTokens: 5 } });
      expect(out.stopReason).toBe('max_tokens');
      expect(textOf(out)).toHaveLength(20);
    });
  });

  describe('ConverseStream', () => {
    async function collect(input: Partial<ConverseCommandInput>) {
      const out = await runtime.send(new ConverseStreamCommand({ modelId: 'us.amazon.nova-lite-v1:0', messages: hello, ...input }));
      const events: Record<string, unknown>[] = [];
      for await (const event of out.stream!) events.push(event as unknown as Record<string, unknown>);
      return events;
    }

    it('streams the same answer as Converse through the SDK iterator: messageStart, text deltas, stops, metadata', async () => {
      const events = await collect({});
      const kinds = events.map((e) => Object.keys(e)[0]);
      expect(kinds[0]).toBe('messageStart');
      expect(kinds.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
      expect(kinds.filter((k) => k === 'contentBlockDelta').length).toBeGreaterThan(1);
      const text = events.flatMap((e) => ((e.contentBlockDelta as { delta?: { text?: string } })?.delta?.text ? [(e.contentBlockDelta as { delta: { text: string } }).delta.text] : [])).join('');
      const whole = await converse({ modelId: 'us.amazon.nova-lite-v1:0' });
      expect(text).toBe(textOf(whole));
      expect(events.find((e) => e.messageStop)).toEqual({ messageStop: { stopReason: 'end_turn' } });
      expect(events.find((e) => e.metadata)).toMatchObject({ metadata: { usage: whole.usage, metrics: whole.metrics } });
    });

    it('streams a tool call: contentBlockStart with the tool, its input as a delta, then tool_use', async () => {
      const events = await collect({ toolConfig: { tools: [weatherTool] } });
      const start = events.find((e) => e.contentBlockStart)!.contentBlockStart as { contentBlockIndex: number; start: { toolUse: { name: string; toolUseId: string } } };
      expect(start).toMatchObject({ contentBlockIndex: 1, start: { toolUse: { name: 'get_weather' } } });
      const input = events.map((e) => (e.contentBlockDelta as { contentBlockIndex: number; delta: { toolUse?: { input: string } } } | undefined)).find((d) => d?.delta.toolUse);
      expect(input?.contentBlockIndex).toBe(1);
      expect(JSON.parse(input!.delta.toolUse!.input)).toEqual({ city: 'sandbox', days: 1, metric: true });
      expect(events.find((e) => e.messageStop)).toEqual({ messageStop: { stopReason: 'tool_use' } });
    });

    it('refuses tools while streaming for models that take them only unstreamed, and checks like Converse', async () => {
      expect(await caught(collect({ modelId: 'us.meta.llama3-3-70b-instruct-v1:0', toolConfig: { tools: [weatherTool] } }))).toEqual({ name: 'ValidationException', status: 400, message: "This model doesn't support tool use in streaming mode." });
      expect(await caught(collect({ modelId: 'amazon.nova-lite-v1:0', messages: [{ role: 'assistant', content: [{ text: 'x' }] as ContentBlock[] }] }))).toMatchObject({ message: 'A conversation must start with a user message. Try again with a conversation that starts with a user message.' });
    });
  });

  describe('InvokeModel (embeddings)', () => {
    const invoke = async (modelId: string, body: unknown, client = runtime) => {
      const out = await client.send(new InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(body) }));
      return decode(out.body);
    };

    it('Titan Text Embeddings V2: 1024 by default, 256 or 512 on request, unit vectors derived from the text', async () => {
      const a = await invoke('amazon.titan-embed-text-v2:0', { inputText: 'berth sandbox' });
      expect((a.embedding as number[]).length).toBe(1024);
      expect(a.inputTextTokenCount).toBe(4);
      expect(norm(a.embedding as number[])).toBeCloseTo(1, 10);
      expect(await invoke('amazon.titan-embed-text-v2:0', { inputText: 'berth sandbox' })).toEqual(a);
      expect(await invoke('amazon.titan-embed-text-v2:0', { inputText: 'another text' })).not.toEqual(a);
      for (const dimensions of [256, 512]) expect(((await invoke('amazon.titan-embed-text-v2:0', { inputText: 'x', dimensions, normalize: true })).embedding as number[]).length).toBe(dimensions);
      expect(norm((await invoke('amazon.titan-embed-text-v2:0', { inputText: 'x', normalize: false })).embedding as number[])).not.toBeCloseTo(1, 3);
      const malformed = (message: string) => ({ name: 'ValidationException', status: 400, message: `Malformed input request: ${message}, please reformat your input and try again.` });
      expect(await caught(invoke('amazon.titan-embed-text-v2:0', { inputText: 'x', dimensions: 100 }))).toEqual(malformed('#/dimensions: 100 is not a valid enum value'));
      expect(await caught(invoke('amazon.titan-embed-text-v2:0', { text: 'x' }))).toEqual(malformed('#: extraneous key [text] is not permitted#: required key [inputText] not found'));
    });

    it('Titan Embeddings G1 (1536) and Cohere Embed v3 in their own shapes', async () => {
      const v1 = await invoke('amazon.titan-embed-text-v1', { inputText: 'hello' });
      expect((v1.embedding as number[]).length).toBe(1536);
      expect(v1.inputTextTokenCount).toBe(2);
      const cohere = await invoke('cohere.embed-english-v3', { texts: ['one', 'two'], input_type: 'search_document' });
      expect(cohere).toMatchObject({ texts: ['one', 'two'], response_type: 'embeddings_floats' });
      expect(cohere.id).toMatch(/^[0-9a-f-]{36}$/);
      const vectors = cohere.embeddings as number[][];
      expect(vectors.map((v) => v.length)).toEqual([1024, 1024]);
      expect(norm(vectors[0]!)).toBeCloseTo(1, 10);
      expect(vectors[0]).not.toEqual(vectors[1]);
      expect(await caught(invoke('cohere.embed-english-v3', { texts: ['one'] }))).toMatchObject({ message: 'Malformed input request: #: required key [input_type] not found, please reformat your input and try again.' });
    });

    it('refuses a chat model through InvokeModel as the sandbox does not speak its native body', async () => {
      expect(await caught(invoke('amazon.nova-micro-v1:0', { messages: [] }))).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('The Berth sandbox answers InvokeModel only for embedding models') });
      expect(await caught(invoke('amazon.nova-2-lite-v1:0', { messages: [] }))).toMatchObject({ message: expect.stringContaining('with on-demand throughput isn’t supported') });
    });
  });

  describe('model access', () => {
    afterAll(() => sb.setModelAccess({ 'anthropic.claude-3-haiku-20240307-v1:0': null, 'anthropic.claude-3-5-haiku-20241022-v1:0': null, 'cohere.embed-english-v3': null, 'meta.llama3-1-70b-instruct-v1:0': null }));
    const availability = (modelId: string) => control.send(new GetFoundationModelAvailabilityCommand({ modelId }));
    const haiku = () => converse({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0' });

    it("Anthropic's use-case form not submitted", async () => {
      sb.setModelAccess({ 'anthropic.claude-3-haiku-20240307-v1:0': 'use-case-required' });
      expect(await availability('anthropic.claude-3-haiku-20240307-v1:0')).toMatchObject({ authorizationStatus: 'NOT_AUTHORIZED', entitlementAvailability: 'NOT_AVAILABLE' });
      expect(await caught(haiku())).toEqual({
        name: 'ResourceNotFoundException',
        status: 404,
        message: 'Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model. If you have already filled out the form, try again in 15 minutes.',
      });
      // Through a profile too: access is the model's, whatever the id.
      expect(await caught(converse({ modelId: 'us.anthropic.claude-3-haiku-20240307-v1:0' }))).toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('a Marketplace subscription the caller may not make, and no valid payment method', async () => {
      sb.setModelAccess({ 'anthropic.claude-3-haiku-20240307-v1:0': 'marketplace-denied', 'cohere.embed-english-v3': 'payment-invalid' });
      const marketplace =
        'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model. Refer to the Amazon Bedrock documentation for further details. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 5 minutes.';
      expect(await availability('anthropic.claude-3-haiku-20240307-v1:0')).toMatchObject({ agreementAvailability: { status: 'ERROR', errorMessage: marketplace }, entitlementAvailability: 'NOT_AVAILABLE', authorizationStatus: 'AUTHORIZED' });
      expect(await caught(haiku())).toEqual({ name: 'AccessDeniedException', status: 403, message: marketplace });
      expect(await availability('cohere.embed-english-v3')).toMatchObject({ agreementAvailability: { status: 'ERROR', errorMessage: 'INVALID_PAYMENT_INSTRUMENT:A valid payment instrument must be provided.' } });
      expect(await caught(runtime.send(new InvokeModelCommand({ modelId: 'cohere.embed-english-v3', contentType: 'application/json', body: JSON.stringify({ texts: ['x'], input_type: 'search_query' }) })))).toEqual({
        name: 'AccessDeniedException',
        status: 403,
        message: 'Model access is denied due to INVALID_PAYMENT_INSTRUMENT:A valid payment instrument must be provided.. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.',
      });
    });

    it('the legacy "not enabled" state, and back to a new account with null', async () => {
      sb.setModelAccess({ 'meta.llama3-1-70b-instruct-v1:0': 'not-enabled' });
      expect(await availability('meta.llama3-1-70b-instruct-v1:0')).toMatchObject({ authorizationStatus: 'NOT_AUTHORIZED', entitlementAvailability: 'NOT_AVAILABLE', agreementAvailability: { status: 'NOT_AVAILABLE' } });
      expect(await caught(converse({ modelId: 'us.meta.llama3-1-70b-instruct-v1:0' }))).toEqual({ name: 'AccessDeniedException', status: 403, message: "You don't have access to the model with the specified model ID." });
      sb.setModelAccess({ 'meta.llama3-1-70b-instruct-v1:0': null, 'anthropic.claude-3-haiku-20240307-v1:0': null });
      expect(sb.modelAccess()).toMatchObject({ 'meta.llama3-1-70b-instruct-v1:0': 'available', 'anthropic.claude-3-haiku-20240307-v1:0': 'not-subscribed', 'amazon.nova-micro-v1:0': 'available' });
      expect(textOf(await haiku())).toContain('Claude 3 Haiku');
      expect(sb.modelAccess()['anthropic.claude-3-haiku-20240307-v1:0']).toBe('available');
    });

    it('refuses states a model cannot be in', () => {
      expect(() => sb.setModelAccess({ 'amazon.nova-micro-v1:0': 'use-case-required' })).toThrow(/Only Anthropic/);
      expect(() => sb.setModelAccess({ 'amazon.nova-micro-v1:0': 'payment-invalid' })).toThrow(/not sold through AWS Marketplace/);
      expect(() => sb.setModelAccess({ 'openai.gpt-5': 'available' })).toThrow(/no model openai.gpt-5/);
      expect(() => sb.setModelAccess({ 'amazon.nova-micro-v1:0': 'enabled' as never })).toThrow(/not a model access state/);
    });
  });

  describe('IAM for role sessions', () => {
    it('issues ASIA session keys that STS answers as the assumed role; a wrong token is refused', async () => {
      const creds = sb.roleCredentials(roleArn('direct-nova'), 'web-task');
      expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
      const sts = track(new STSClient({ endpoint: sb.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 }));
      expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/direct-nova/web-task`, Account: ACCOUNT, UserId: expect.stringMatching(/^AROA\w+:web-task$/) });
      const forged = track(new STSClient({ endpoint: sb.endpoint, region: 'us-east-1', credentials: { ...creds, sessionToken: 'forged' }, maxAttempts: 1 }));
      expect(await caught(forged.send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId' });
      const noToken = track(new BedrockRuntimeClient({ endpoint: sb.endpoint, region: 'us-east-1', credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, maxAttempts: 1 }));
      expect(await caught(converse({}, noToken))).toMatchObject({ name: 'UnrecognizedClientException' });
      expect(() => sb.roleCredentials(roleArn('no-such-role'))).toThrow(/No IAM role/);
      expect(() => sb.roleCredentials(roleArn('direct-nova'), 'bad name')).toThrow(/not valid/);
    });

    it('allows what the inline policy allows and refuses the rest in IAM words (ConverseStream needs its own action)', async () => {
      const rt = track(new BedrockRuntimeClient(asRole('direct-nova')));
      expect(textOf(await converse({}, rt))).toContain(label);
      const who = `arn:aws:sts::${ACCOUNT}:assumed-role/direct-nova/task-1`;
      expect(await caught(rt.send(new ConverseStreamCommand({ modelId: 'amazon.nova-micro-v1:0', messages: hello })))).toEqual({
        name: 'AccessDeniedException',
        status: 403,
        message: `User: ${who} is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: ${FM('us-east-1', 'amazon.nova-micro-v1:0')} because no identity-based policy allows the bedrock:InvokeModelWithResponseStream action`,
      });
      expect(await caught(converse({ modelId: 'amazon.nova-lite-v1:0' }, rt))).toEqual({
        name: 'AccessDeniedException',
        status: 403,
        message: `User: ${who} is not authorized to perform: bedrock:InvokeModel on resource: ${FM('us-east-1', 'amazon.nova-lite-v1:0')} because no identity-based policy allows the bedrock:InvokeModel action`,
      });
      const cp = track(new BedrockClient(asRole('direct-nova')));
      expect(await caught(cp.send(new ListFoundationModelsCommand({})))).toEqual({
        name: 'AccessDeniedException',
        status: 403,
        message: `User: ${who} is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action`,
      });
      const reader = track(new BedrockClient(asRole('catalog-reader')));
      expect((await reader.send(new GetFoundationModelCommand({ modelIdentifier: 'amazon.nova-micro-v1:0' }))).modelDetails?.modelId).toBe('amazon.nova-micro-v1:0');
      expect((await reader.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'us.amazon.nova-micro-v1:0' }))).inferenceProfileId).toBe('us.amazon.nova-micro-v1:0');
      expect(await caught(reader.send(new ListInferenceProfilesCommand({})))).toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('bedrock:ListInferenceProfiles because') });
    });

    it('a profile call needs the profile ARN and the model in every destination region (global: the model with no region)', async () => {
      const denied = (name: string, resource: string, action = 'bedrock:InvokeModel') => ({
        name: 'AccessDeniedException',
        status: 403,
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/${name}/task-1 is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
      });
      const call = (name: string, modelId: string) => converse({ modelId }, track(new BedrockRuntimeClient(asRole(name))));
      expect(await caught(call('profile-only', 'us.amazon.nova-pro-v1:0'))).toEqual(denied('profile-only', FM('us-east-1', 'amazon.nova-pro-v1:0')));
      expect(await caught(call('one-region', 'us.amazon.nova-pro-v1:0'))).toEqual(denied('one-region', FM('us-east-2', 'amazon.nova-pro-v1:0')));
      // The model in the region alone is what a direct call needs.
      expect(textOf(await call('one-region', 'amazon.nova-pro-v1:0'))).toContain('Nova Pro');
      expect(textOf(await call('all-regions', 'us.amazon.nova-pro-v1:0'))).toContain('Nova Pro');
      expect(textOf(await call('all-regions', PROFILE('us.amazon.nova-pro-v1:0')))).toContain('Nova Pro');
      expect(await caught(call('all-regions', 'amazon.nova-micro-v1:0'))).toEqual(denied('all-regions', FM('us-east-1', 'amazon.nova-micro-v1:0')));
      expect(await caught(call('all-regions', 'global.amazon.nova-2-lite-v1:0'))).toEqual(denied('all-regions', 'arn:aws:bedrock:::foundation-model/amazon.nova-2-lite-v1:0'));
      expect(textOf(await call('global-nova', 'global.amazon.nova-2-lite-v1:0'))).toContain('Nova 2 Lite');
      const stream = await track(new BedrockRuntimeClient(asRole('all-regions'))).send(new ConverseStreamCommand({ modelId: 'us.amazon.nova-pro-v1:0', messages: hello }));
      const kinds: string[] = [];
      for await (const e of stream.stream!) kinds.push(Object.keys(e)[0]!);
      expect(kinds).toContain('metadata');
    });

    it('an explicit Deny wins over an Allow; NotResource allows everything but what it names', async () => {
      const rt = track(new BedrockRuntimeClient(asRole('denied-claude')));
      expect(textOf(await converse({}, rt))).toContain(label);
      expect(await caught(converse({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }, rt))).toEqual({
        name: 'AccessDeniedException',
        status: 403,
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/denied-claude/task-1 is not authorized to perform: bedrock:InvokeModel on resource: ${FM('us-east-1', 'anthropic.claude-3-haiku-20240307-v1:0')} with an explicit deny in an identity-based policy`,
      });
      const nr = track(new BedrockRuntimeClient(asRole('not-titan')));
      expect(decode((await nr.send(new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', contentType: 'application/json', body: JSON.stringify({ inputText: 'x' }) }))).body).embedding).toHaveLength(1024);
      expect(await caught(nr.send(new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v1', contentType: 'application/json', body: JSON.stringify({ inputText: 'x' }) })))).toMatchObject({ name: 'AccessDeniedException' });
    });

    it("a Marketplace model's first call subscribes only when the role may use the Marketplace actions", async () => {
      // denied-claude may invoke every non-Anthropic model, and has no Marketplace actions.
      expect(sb.modelAccess()['cohere.embed-english-v3']).toBe('not-subscribed');
      const body = JSON.stringify({ texts: ['x'], input_type: 'search_query' });
      expect(await caught(track(new BedrockRuntimeClient(asRole('denied-claude'))).send(new InvokeModelCommand({ modelId: 'cohere.embed-english-v3', contentType: 'application/json', body })))).toEqual({
        name: 'AccessDeniedException',
        status: 403,
        message: `Model access is denied due to User: arn:aws:sts::${ACCOUNT}:assumed-role/denied-claude/task-1 is not authorized to perform: aws-marketplace:ViewSubscriptions on resource: * because no identity-based policy allows the aws-marketplace:ViewSubscriptions action. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.`,
      });
      expect(sb.modelAccess()['cohere.embed-english-v3']).toBe('not-subscribed');
      await track(new BedrockRuntimeClient(asRole('claude-subscriber'))).send(new InvokeModelCommand({ modelId: 'cohere.embed-english-v3', contentType: 'application/json', body }));
      expect(sb.modelAccess()['cohere.embed-english-v3']).toBe('available');
    });
  });

  it('applies the fault knobs in Bedrock codes', async () => {
    try {
      sb.setFaults({ bedrock: { throttleRate: 1 } });
      expect(await caught(converse({}))).toMatchObject({ name: 'ThrottlingException', status: 429 });
      sb.setFaults({ bedrock: { accessDenied: ['ListFoundationModels'] } });
      expect(await caught(control.send(new ListFoundationModelsCommand({})))).toMatchObject({ name: 'AccessDeniedException', status: 403, message: expect.stringContaining('bedrock:ListFoundationModels') });
      expect(textOf(await converse({}))).toContain(label);
      sb.setFaults({ bedrock: { errorRate: 1 } });
      expect(await caught(control.send(new ListInferenceProfilesCommand({})))).toMatchObject({ name: 'InternalServerException', status: 500 });
    } finally {
      sb.setFaults({});
    }
    expect(sb.requestCounts().bedrock).toBeGreaterThan(0);
  });

  it('keeps role sessions and model access across a restart; reset() clears them', async () => {
    const creds = sb.roleCredentials(roleArn('direct-nova'), 'survivor');
    sb.setModelAccess({ 'anthropic.claude-3-5-haiku-20241022-v1:0': 'use-case-required' });
    const port = sb.port;
    for (const c of clients.splice(0)) c.destroy();
    await sb.close();
    sb = await startSandbox({ dataDir: dir, port });
    control = track(new BedrockClient(sandboxClientConfig(sb)));
    runtime = track(new BedrockRuntimeClient(sandboxClientConfig(sb)));
    expect(sb.modelAccess()['anthropic.claude-3-5-haiku-20241022-v1:0']).toBe('use-case-required');
    const rt = track(new BedrockRuntimeClient({ endpoint: sb.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 }));
    expect(textOf(await converse({}, rt))).toContain(label);
    await sb.reset();
    expect(sb.modelAccess()['anthropic.claude-3-5-haiku-20241022-v1:0']).toBe('not-subscribed');
    expect(await caught(converse({}, rt))).toMatchObject({ name: 'UnrecognizedClientException' });
  });
});
