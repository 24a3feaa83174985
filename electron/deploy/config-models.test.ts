import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProjectModel } from '../../shared/domain/project';
import { invokedArn, readConfigModels } from './config-models';
import { toAppError } from './errors';
import { awsError } from './testing/errors';

const config = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };
const ssmMock = mockClient(SSMClient);
const ssm = new SSMClient(config);
const US = { region: 'us-east-1', account: '123456789012' };
const CANARY = 'canary-model-3b9d-DO-NOT-LEAK';

/** A project whose services read their model from config: `service → { variable: config name }`. */
function project(services: Record<string, Record<string, string>>): ProjectModel {
  return {
    name: 'shop',
    services: Object.entries(services).map(([name, vars]) => ({
      name,
      environment: Object.fromEntries(Object.entries(vars).map(([variable, config]) => [variable, { kind: 'config', name: config }])),
      llm: { models: [], configModels: Object.keys(vars) },
    })),
  } as unknown as ProjectModel;
}

/** Config values by parameter name. */
function values(byName: Record<string, string>) {
  for (const [name, Value] of Object.entries(byName)) ssmMock.on(GetParameterCommand, { Name: `/Berth/shop/${name}`, WithDecryption: true }).resolves({ Parameter: { Name: `/Berth/shop/${name}`, Value, Type: 'SecureString' } });
}

async function failure(p: Promise<unknown>) {
  return toAppError(await p.then(() => expect.fail('expected a refusal'), (e: unknown) => e));
}

beforeEach(() => ssmMock.reset());
afterEach(() => vi.restoreAllMocks());

describe('models named by config values (mocked SSM)', () => {
  it('reads nothing for a project without them', async () => {
    expect(await readConfigModels(ssm, { name: 'shop', services: [{ name: 'web', environment: {} }] } as unknown as ProjectModel, US)).toEqual({ parameters: {}, models: [] });
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('a profile id is invoked as written: the profile in the account (the template allows its model only through it)', async () => {
    values({ LLM_MODEL: 'us.anthropic.claude-sonnet-4-20250514-v1:0' });
    const out = await readConfigModels(ssm, project({ agent: { LLM_MODEL: 'LLM_MODEL' } }), US);
    expect(out.models).toEqual([{ service: 'agent', model: 'anthropic.claude-sonnet-4-20250514-v1:0', invokeId: 'us.anthropic.claude-sonnet-4-20250514-v1:0' }]);
    expect(out.parameters).toEqual({
      AgentConfigModelArns: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
    });
  });

  it('an on-demand model id is invoked in the Region only', async () => {
    values({ LLM_MODEL: 'amazon.nova-lite-v1:0' });
    const out = await readConfigModels(ssm, project({ agent: { LLM_MODEL: 'LLM_MODEL' } }), US);
    expect(out.models).toEqual([{ service: 'agent', model: 'amazon.nova-lite-v1:0', invokeId: 'amazon.nova-lite-v1:0' }]);
    expect(out.parameters.AgentConfigModelArns).toBe('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0');
  });

  it('LiteLLM’s bedrock/ form is the id it names; several variables are read in order', async () => {
    values({ CHAT: 'us.amazon.nova-2-lite-v1:0', EMBED: 'bedrock/amazon.titan-embed-text-v2:0' });
    const out = await readConfigModels(ssm, project({ agent: { LLM_MODEL: 'CHAT', EMBEDDING_MODEL: 'EMBED' } }), US);
    expect(out.models.map((m) => m.invokeId)).toEqual(['us.amazon.nova-2-lite-v1:0', 'amazon.titan-embed-text-v2:0']);
    expect(ssmMock.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name)).toEqual(['/Berth/shop/CHAT', '/Berth/shop/EMBED']);
    expect(out.parameters.AgentConfigModelArns!.split(',')).toContain('arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0');
  });

  it('an alias is refused: the service sends the value to Bedrock as it is', async () => {
    values({ LLM_MODEL: 'chat-default' });
    const error = await failure(readConfigModels(ssm, project({ agent: { LLM_MODEL: 'LLM_MODEL' } }), US));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain("is a name Berth maps to Amazon Nova 2 Lite, but agent's code sends it to Amazon Bedrock as it is");
    expect(error.details).toMatchObject({ fix: 'Set LLM_MODEL to amazon.nova-2-lite-v1:0 or its profile id for the region, such as us.amazon.nova-2-lite-v1:0 on the Secrets screen.' });
  });

  it('one parameter per service, ARNs once each, in the account’s partition', async () => {
    values({ LLM_MODEL: 'us.amazon.nova-pro-v1:0' });
    const out = await readConfigModels(ssm, project({ api: { LLM_MODEL: 'LLM_MODEL' }, 'job-runner': { LLM_MODEL: 'LLM_MODEL', SUMMARY_MODEL: 'LLM_MODEL' } }), { region: 'us-gov-west-1', account: '123456789012', partition: 'aws-us-gov' });
    expect(Object.keys(out.parameters)).toEqual(['ApiConfigModelArns', 'JobRunnerConfigModelArns']);
    expect(out.parameters.JobRunnerConfigModelArns).toBe(out.parameters.ApiConfigModelArns);
    expect(out.parameters.ApiConfigModelArns).toBe('arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0');
    expect(out.models).toHaveLength(3);
  });

  it('a model served only through profiles, written by its bare id: refused with the profile id to use', async () => {
    values({ LLM_MODEL: 'amazon.nova-premier-v1:0' });
    const error = await failure(readConfigModels(ssm, project({ agent: { LLM_MODEL: 'LLM_MODEL' } }), US));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain('names Amazon Nova Premier by its model id, which Amazon Bedrock serves only through an inference profile');
    expect(error.details).toMatchObject({ service: 'agent', variable: 'LLM_MODEL', fix: 'Set LLM_MODEL to the profile id us.amazon.nova-premier-v1:0 on the Secrets screen.' });
  });

  it('a model with no inference profile starting in the Region is refused', async () => {
    values({ LLM_MODEL: 'us.amazon.nova-premier-v1:0' });
    const error = await failure(readConfigModels(ssm, project({ agent: { LLM_MODEL: 'LLM_MODEL' } }), { region: 'eu-west-1', account: '123456789012' }));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toBe('The model in config value LLM_MODEL (Amazon Nova Premier) is served only through inference profiles, and none starts in eu-west-1.');
  });

  it('a value that is not a model is refused without ever being repeated: not in the message, details or logs', async () => {
    const logged: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => logged.push(args.map(String).join(' ')));
    values({ AGENT_MODEL: CANARY });
    const error = await failure(readConfigModels(ssm, project({ agent: { LLM_MODEL: 'AGENT_MODEL' } }), US));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toBe('The config value AGENT_MODEL, which agent reads as LLM_MODEL and whose role may invoke the model it names, is not an Amazon Bedrock model Berth knows. Nothing was created.');
    expect(error.details).toMatchObject({ service: 'agent', variable: 'LLM_MODEL', fix: expect.stringContaining('Set AGENT_MODEL to a model id from docs/models.md') });
    expect(JSON.stringify(error)).not.toContain(CANARY);
    expect(logged.join('\n')).not.toContain(CANARY);
  });

  it('a value deleted since the config gate: missing config, not a bad model', async () => {
    ssmMock.on(GetParameterCommand).rejects(awsError('ParameterNotFound', ''));
    const error = await failure(readConfigModels(ssm, project({ agent: { LLM_MODEL: 'LLM_MODEL' } }), US));
    expect(error).toMatchObject({ code: 'CONFIG_MISSING', details: { missing: ['LLM_MODEL'] } });
    expect(error.message).toBe('Set LLM_MODEL in Secrets before deploying shop: it names the model the project calls.');
  });

  it('throttling and denials reach the deploy as they are', async () => {
    ssmMock.on(GetParameterCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(readConfigModels(ssm, project({ agent: { LLM_MODEL: 'LLM_MODEL' } }), US)).rejects.toMatchObject({ name: 'ThrottlingException' });
    ssmMock.reset();
    ssmMock.on(GetParameterCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: ssm:GetParameter'));
    await expect(readConfigModels(ssm, project({ agent: { LLM_MODEL: 'LLM_MODEL' } }), US)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('invokedArn fills the template’s pattern in', () => {
    expect(invokedArn('eu.amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0', 'eu-west-1', '123456789012')).toBe('arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-lite-v1:0');
    expect(invokedArn('amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0', 'us-east-1', '123456789012')).toBe('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0');
  });
});
