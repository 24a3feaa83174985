import { BedrockClient, GetFoundationModelAvailabilityCommand, GetInferenceProfileCommand, type GetFoundationModelAvailabilityCommandOutput } from '@aws-sdk/client-bedrock';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { toAppError } from './errors';
import { assertModelAccess, checkModelAccess } from './model-access';
import { awsError } from './testing/errors';

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };
const bedrockMock = mockClient(BedrockClient);
const bedrock = new BedrockClient(config);

const NOVA = 'amazon.nova-lite-v1:0';
const SONNET = 'anthropic.claude-sonnet-4-20250514-v1:0';
const COHERE = 'cohere.embed-english-v3';
const use = (service: string, model: string, invokeId = model) => ({ service, model, invokeId });

/** An availability answer: everything available unless overridden. */
function availability(over: Partial<GetFoundationModelAvailabilityCommandOutput> = {}): Partial<GetFoundationModelAvailabilityCommandOutput> {
  return { modelId: NOVA, agreementAvailability: { status: 'AVAILABLE' }, authorizationStatus: 'AUTHORIZED', entitlementAvailability: 'AVAILABLE', regionAvailability: 'AVAILABLE', ...over };
}

beforeEach(() => bedrockMock.reset());

describe('model access (mocked Bedrock)', () => {
  it('asks nothing of a project without models', async () => {
    expect(await checkModelAccess(bedrock, 'eu-west-1', [])).toBeUndefined();
    expect(bedrockMock.calls()).toHaveLength(0);
  });

  it('available: one call per model however many services use it, and its profile exists', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability());
    bedrockMock.on(GetInferenceProfileCommand).resolves({ inferenceProfileId: `eu.${NOVA}`, status: 'ACTIVE' });
    const check = await assertModelAccess(bedrock, 'eu-west-1', [use('app', NOVA, `eu.${NOVA}`), use('worker', NOVA, `eu.${NOVA}`), use('llm', NOVA, `eu.${NOVA}`)]);
    expect(check).toEqual({ region: 'eu-west-1', checked: [NOVA], problems: [] });
    expect(bedrockMock.commandCalls(GetFoundationModelAvailabilityCommand).map((c) => c.args[0].input)).toEqual([{ modelId: NOVA }]);
    expect(bedrockMock.commandCalls(GetInferenceProfileCommand).map((c) => c.args[0].input)).toEqual([{ inferenceProfileIdentifier: `eu.${NOVA}` }]);
  });

  it('a model invoked on demand (its own id) needs no profile read', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability());
    expect(await checkModelAccess(bedrock, 'eu-west-1', [use('app', NOVA)])).toMatchObject({ problems: [] });
    expect(bedrockMock.commandCalls(GetInferenceProfileCommand)).toHaveLength(0);
  });

  it('not offered in the Region', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability({ regionAvailability: 'NOT_AVAILABLE' }));
    const [p] = (await checkModelAccess(bedrock, 'eu-west-1', [use('app', NOVA)]))!.problems;
    expect(p).toEqual({ model: NOVA, services: ['app'], reason: `Amazon Nova Lite (${NOVA}) is not offered by Amazon Bedrock in eu-west-1.`, fix: expect.stringContaining('Deploy to a Region that offers it') });
  });

  it('Anthropic without the use-case form: the form, and the console page to submit it', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability({ modelId: SONNET, authorizationStatus: 'NOT_AUTHORIZED', entitlementAvailability: 'NOT_AVAILABLE', agreementAvailability: { status: 'NOT_AVAILABLE' } }));
    const [p] = (await checkModelAccess(bedrock, 'eu-west-1', [use('chat', SONNET, `eu.${SONNET}`)]))!.problems;
    expect(p!.reason).toBe(`Claude Sonnet 4 (${SONNET}) needs Anthropic's one-time use-case form, which this account has not submitted.`);
    expect(p!.fix).toContain(`https://eu-west-1.console.aws.amazon.com/bedrock/home?region=eu-west-1#/model-catalog/serverless/${SONNET}`);
    // The account cannot use the model at all, so its profile is not read.
    expect(bedrockMock.commandCalls(GetInferenceProfileCommand)).toHaveLength(0);
  });

  it('another maker’s model not authorised: request access, or a denying policy', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability({ authorizationStatus: 'NOT_AUTHORIZED' }));
    const [p] = (await checkModelAccess(bedrock, 'eu-west-1', [use('app', NOVA)]))!.problems;
    expect(p!.reason).toBe(`This account is not authorised to use Amazon Nova Lite (${NOVA}).`);
    expect(p!.fix).toContain('ask your administrator whether a policy denies it');
  });

  it('the Marketplace subscription fails: Bedrock’s reason, the payment method and the Marketplace permissions', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability({ modelId: COHERE, entitlementAvailability: 'NOT_AVAILABLE', agreementAvailability: { status: 'ERROR', errorMessage: 'INVALID_PAYMENT_INSTRUMENT:A valid payment instrument must be provided.' } }));
    const [p] = (await checkModelAccess(bedrock, 'eu-west-1', [use('embed', COHERE)]))!.problems;
    expect(p!.reason).toContain('cannot be made: INVALID_PAYMENT_INSTRUMENT:A valid payment instrument must be provided.');
    expect(p!.fix).toContain('aws-marketplace:Subscribe');
  });

  it('a subscription under way: wait and deploy again', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability({ modelId: COHERE, entitlementAvailability: 'NOT_AVAILABLE', agreementAvailability: { status: 'PENDING' } }));
    const [p] = (await checkModelAccess(bedrock, 'eu-west-1', [use('embed', COHERE)]))!.problems;
    expect(p!.reason).toContain('is still being set up');
    expect(p!.fix).toBe('Deploy again in a few minutes.');
  });

  it('not subscribed yet: subscribe once as yourself (the services’ roles may not), with the command', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability({ modelId: COHERE, entitlementAvailability: 'NOT_AVAILABLE', agreementAvailability: { status: 'NOT_AVAILABLE' } }));
    const [p] = (await checkModelAccess(bedrock, 'eu-west-1', [use('embed', COHERE)]))!.problems;
    expect(p!.reason).toContain('has not subscribed to it yet');
    expect(p!.fix).toContain(`aws bedrock-runtime converse --model-id ${COHERE}`);
    expect(p!.fix).toContain('--region eu-west-1');
  });

  it('a model Bedrock does not know in the Region', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).rejects(awsError('ValidationException', `Could not find model with identifier ${NOVA}`));
    const [p] = (await checkModelAccess(bedrock, 'eu-west-1', [use('app', NOVA)]))!.problems;
    expect(p!.reason).toBe(`Amazon Bedrock does not know the model ${NOVA} in eu-west-1.`);
  });

  it('a missing inference profile: the calls from the Region would fail', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability());
    bedrockMock.on(GetInferenceProfileCommand).rejects(awsError('ResourceNotFoundException', 'Inference profile not found', 404));
    const [p] = (await checkModelAccess(bedrock, 'eu-west-1', [use('app', NOVA, `us.${NOVA}`)]))!.problems;
    expect(p!.reason).toBe(`The cross-region inference profile us.${NOVA} does not exist in eu-west-1, so calls to ${NOVA} from there would fail.`);
  });

  it('may not read model access: no problems, a note naming the permission', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: bedrock:GetFoundationModelAvailability', 403));
    const check = await assertModelAccess(bedrock, 'eu-west-1', [use('app', NOVA)]);
    expect(check).toEqual({ region: 'eu-west-1', checked: [], problems: [], note: expect.stringContaining('bedrock:GetFoundationModelAvailability was denied') });
  });

  it('may not read inference profiles: the model still counts as checked', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability());
    bedrockMock.on(GetInferenceProfileCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: bedrock:GetInferenceProfile', 403));
    expect(await checkModelAccess(bedrock, 'eu-west-1', [use('app', NOVA, `eu.${NOVA}`)])).toEqual({ region: 'eu-west-1', checked: [NOVA], problems: [] });
  });

  it('throttling and outages reach the deploy instead of passing unchecked', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand).rejects(awsError('ThrottlingException', 'Too many requests, please wait before trying again.', 429));
    await expect(checkModelAccess(bedrock, 'eu-west-1', [use('app', NOVA)])).rejects.toMatchObject({ name: 'ThrottlingException' });
    bedrockMock.reset();
    bedrockMock.on(GetFoundationModelAvailabilityCommand).resolves(availability());
    bedrockMock.on(GetInferenceProfileCommand).rejects(awsError('ThrottlingException', 'Too many requests', 429));
    await expect(checkModelAccess(bedrock, 'eu-west-1', [use('app', NOVA, `eu.${NOVA}`)])).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('refuses the deploy naming every model, the services that use it and the fix', async () => {
    bedrockMock.on(GetFoundationModelAvailabilityCommand, { modelId: NOVA }).resolves(availability());
    bedrockMock.on(GetFoundationModelAvailabilityCommand, { modelId: SONNET }).resolves(availability({ modelId: SONNET, authorizationStatus: 'NOT_AUTHORIZED' }));
    bedrockMock.on(GetFoundationModelAvailabilityCommand, { modelId: COHERE }).resolves(availability({ modelId: COHERE, agreementAvailability: { status: 'PENDING' } }));
    const error = toAppError(await assertModelAccess(bedrock, 'eu-west-1', [use('app', NOVA), use('chat', SONNET), use('worker', SONNET), use('embed', COHERE)]).catch((e: unknown) => e));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message.split('\n')[0]).toBe('This account cannot use 2 models the project invokes in eu-west-1. Nothing was created.');
    expect(error.message).toContain("chat, worker: Claude Sonnet 4 (anthropic.claude-sonnet-4-20250514-v1:0) needs Anthropic's one-time use-case form");
    expect(error.message).toContain('embed: The AWS Marketplace subscription to Cohere Embed English');
    expect(error.message).not.toContain('app:');
    expect(error.details).toMatchObject({ modelAccess: { checked: [NOVA, SONNET, COHERE] } });
  });
});
