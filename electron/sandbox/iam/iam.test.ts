/** The sandbox's IAM: inline-policy evaluation (wildcards per ARN section, NotResource, Deny) and role sessions as STS reports them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { actionMatches, conditionsHold, deniedMessage, resourceMatches } from './policy';
import { sandboxClients, type SandboxClients } from '../testing/clients';
import { startSandbox, type Sandbox } from '../index';

describe('IAM policy matching', () => {
  it('matches actions case-insensitively with wildcards', () => {
    expect(actionMatches('bedrock:InvokeModel*', 'bedrock:invokemodelwithresponsestream')).toBe(true);
    expect(actionMatches('bedrock:Get?oundationModel', 'bedrock:GetFoundationModel')).toBe(true);
    expect(actionMatches('bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream')).toBe(false);
  });

  it('matches ARNs section by section: a wildcard region matches an empty one, a short pattern takes the rest', () => {
    expect(resourceMatches('arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0', 'arn:aws:bedrock:::foundation-model/amazon.nova-pro-v1:0')).toBe(true);
    expect(resourceMatches('arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0', 'arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0')).toBe(true);
    expect(resourceMatches('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', 'arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0')).toBe(false);
    // The resource part keeps its colons (`:0` in a model id).
    expect(resourceMatches('arn:aws:bedrock:us-east-1::foundation-model/*', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0')).toBe(true);
    expect(resourceMatches('arn:aws:bedrock:*', 'arn:aws:bedrock:us-east-1:000000000000:inference-profile/us.amazon.nova-pro-v1:0')).toBe(true);
    expect(resourceMatches('arn:aws:ecr:*:*:repository/ecr-public/*', 'arn:aws:ecr:us-east-1:000000000000:repository/ecr-public/nginx/nginx')).toBe(true);
    expect(resourceMatches('*', 'anything')).toBe(true);
  });

  it('evaluates string and ARN conditions over the request context, as IAM does for a missing key', () => {
    const profile = 'arn:aws:bedrock:us-east-1:000000000000:inference-profile/us.amazon.nova-pro-v1:0';
    const via = { 'bedrock:InferenceProfileArn': profile };
    expect(conditionsHold(undefined, {})).toBe(true);
    expect(conditionsHold({ StringEquals: { 'bedrock:InferenceProfileArn': profile } }, via)).toBe(true);
    // Keys are case-insensitive; a list of values is any of them.
    expect(conditionsHold({ StringEquals: { 'Bedrock:inferenceProfileArn': ['arn:other', profile] } }, via)).toBe(true);
    expect(conditionsHold({ StringEquals: { 'bedrock:InferenceProfileArn': 'arn:other' } }, via)).toBe(false);
    expect(conditionsHold({ StringLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/us.*' } }, via)).toBe(true);
    expect(conditionsHold({ ArnLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/*' } }, via)).toBe(true);
    // A direct call carries no profile: positive operators fail, negated ones and IfExists hold.
    expect(conditionsHold({ StringEquals: { 'bedrock:InferenceProfileArn': profile } }, {})).toBe(false);
    expect(conditionsHold({ StringNotEquals: { 'bedrock:InferenceProfileArn': profile } }, {})).toBe(true);
    expect(conditionsHold({ StringEqualsIfExists: { 'bedrock:InferenceProfileArn': profile } }, {})).toBe(true);
    expect(conditionsHold({ StringNotLike: { 'bedrock:InferenceProfileArn': 'arn:*' } }, via)).toBe(false);
    // Every operator and key must hold; an operator the sandbox does not know is not guessed.
    expect(conditionsHold({ StringEquals: { 'bedrock:InferenceProfileArn': profile }, StringLike: { 'aws:PrincipalTag/team': 'x' } }, via)).toBe(false);
    expect(conditionsHold({ Bool: { 'aws:SecureTransport': 'true' } }, via)).toBeUndefined();
    expect(conditionsHold({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, via)).toBeUndefined();
  });

  it("words a refusal as IAM does, with or without a resource", () => {
    expect(deniedMessage('arn:aws:sts::000000000000:assumed-role/r/s', 'bedrock:ListFoundationModels', undefined, 'implicit-deny')).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/r/s is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action',
    );
    expect(deniedMessage('arn:x', 'bedrock:InvokeModel', 'arn:y', 'explicit-deny')).toBe('User: arn:x is not authorized to perform: bedrock:InvokeModel on resource: arn:y with an explicit deny in an identity-based policy');
  });
});

describe('role sessions', () => {
  let sb: Sandbox;
  let c: SandboxClients;
  const roleArn = 'arn:aws:iam::000000000000:role/app/web-task';
  beforeAll(async () => {
    sb = await startSandbox();
    c = sandboxClients(sb);
    const template = { Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'web-task', Path: '/app/', AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } } } } };
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'roles', TemplateBody: JSON.stringify(template), Capabilities: ['CAPABILITY_NAMED_IAM'] }));
    await sb.settle();
  });
  afterAll(async () => {
    c.destroy();
    await sb.close();
  });

  it('runs as the assumed role (its name, not its path) on every service; the session token must come with the key', async () => {
    const credentials = sb.roleCredentials(roleArn, 'task-0123');
    expect(credentials).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/), secretAccessKey: expect.any(String), sessionToken: expect.any(String) });
    const sts = new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: 'arn:aws:sts::000000000000:assumed-role/web-task/task-0123', Account: '000000000000' });
    // Other services take the session too; their policies are not evaluated.
    const ssm = new SSMClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
    await ssm.send(new PutParameterCommand({ Name: '/iam/x', Value: 'v', Type: 'String' }));
    expect((await ssm.send(new GetParameterCommand({ Name: '/iam/x' }))).Parameter?.Value).toBe('v');
    const forged = new SSMClient({ endpoint: sb.endpoint, region: sb.region, credentials: { ...credentials, sessionToken: 'other' }, maxAttempts: 1 });
    await expect(forged.send(new GetParameterCommand({ Name: '/iam/x' }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    // The sandbox's own user is unchanged.
    expect((await c.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::000000000000:user/berth-sandbox');
    for (const client of [sts, ssm, forged]) client.destroy();
  });
});
