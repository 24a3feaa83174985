/** The task role statements for models: exactly the models a service uses, a profile's model only through its profile. */
import { describe, expect, it } from 'vitest';
import { planProject } from '../../electron/plan/project';
import { config, literal, project, service } from './fixtures';

/** The Bedrock statements of a service's task role in the planned project stack. */
function bedrockStatements(p: ReturnType<typeof project>, serviceName: string, region = 'us-east-1') {
  const preview = planProject(p, { mode: 'balanced', region, preflight: false });
  const template = preview.stacks.find((s) => s.stackName === `berth-${p.name}`)!.template as { Resources: Record<string, { Type: string; Properties: { Policies?: { PolicyName: string; PolicyDocument: { Statement: unknown[] } }[] } }> };
  const roles = Object.entries(template.Resources).filter(([id, r]) => r.Type === 'AWS::IAM::Role' && id.toLowerCase().startsWith(serviceName.replace(/-/g, '')) && id.endsWith('TaskRole'));
  expect(roles, `${serviceName}'s task role`).toHaveLength(1);
  return roles[0]![1].Properties.Policies?.find((x) => x.PolicyName === 'invoke-models')?.PolicyDocument.Statement ?? [];
}

const agent = (env: Record<string, ReturnType<typeof literal>>, models: { name: string; model: string }[], configModels?: string[]) =>
  service('agent', { image: 'example/agent:1', environment: env, llm: { models, ...(configModels ? { configModels } : {}) } });

const ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

describe('model statements', () => {
  it('a model behind a profile: the profile in the region, and its model in any region only through that profile', () => {
    const statements = bedrockStatements(project('shop', [agent({ LLM_MODEL: literal('nova-pro') }, [{ name: 'nova-pro', model: 'amazon.nova-pro-v1:0' }])]), 'agent');
    expect(statements).toEqual([
      { Sid: 'InvokeProjectModels', Effect: 'Allow', Action: ACTIONS, Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/us.amazon.nova-pro-v1:0' }] },
      {
        Sid: 'InvokeModelsThroughTheirProfiles',
        Effect: 'Allow',
        Action: ACTIONS,
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:*::foundation-model/amazon.nova-pro-v1:0' }],
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': [{ 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/us.amazon.nova-pro-v1:0' }] } },
      },
    ]);
  });

  it('a model called on demand: the model in the region, and no profile statement', () => {
    const statements = bedrockStatements(project('shop', [agent({ EMBEDDING_MODEL: literal('amazon.titan-embed-text-v2:0') }, [{ name: 'amazon.titan-embed-text-v2:0', model: 'amazon.titan-embed-text-v2:0' }])]), 'agent');
    expect(statements).toEqual([{ Sid: 'InvokeProjectModels', Effect: 'Allow', Action: ACTIONS, Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/amazon.titan-embed-text-v2:0' }] }]);
  });

  it('models named by config: the ARNs Berth checks at deploy, and a profile’s model only through the profiles among them', () => {
    const statements = bedrockStatements(project('shop', [agent({ LLM_MODEL: config('LLM_MODEL') }, [], ['LLM_MODEL'])]), 'agent');
    expect(statements).toEqual([
      { Sid: 'InvokeConfiguredModels', Effect: 'Allow', Action: ACTIONS, Resource: { Ref: 'AgentConfigModelArns' } },
      {
        Sid: 'InvokeConfiguredModelsThroughTheirProfiles',
        Effect: 'Allow',
        Action: ACTIONS,
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:*::foundation-model/*' },
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': { Ref: 'AgentConfigModelArns' } } },
      },
    ]);
  });

  it('a service’s own code is granted what it calls: the model id or the profile id as written', () => {
    const statements = bedrockStatements(
      project('shop', [
        agent({ LLM_MODEL: literal('amazon.nova-lite-v1:0'), FAST_MODEL: literal('us.amazon.nova-lite-v1:0') }, [
          { name: 'amazon.nova-lite-v1:0', model: 'amazon.nova-lite-v1:0' },
          { name: 'us.amazon.nova-lite-v1:0', model: 'amazon.nova-lite-v1:0' },
        ]),
      ]),
      'agent',
    ) as { Sid: string; Resource: unknown }[];
    expect(statements.map((st) => [st.Sid, st.Resource])).toEqual([
      [
        'InvokeProjectModels',
        [{ 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/amazon.nova-lite-v1:0' }, { 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/us.amazon.nova-lite-v1:0' }],
      ],
      ['InvokeModelsThroughTheirProfiles', [{ 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:*::foundation-model/amazon.nova-lite-v1:0' }]],
    ]);
  });

  it('refuses a profile-only model called by its bare id, naming the profile id to write', () => {
    const p = project('shop', [agent({ LLM_MODEL: literal('amazon.nova-premier-v1:0') }, [{ name: 'amazon.nova-premier-v1:0', model: 'amazon.nova-premier-v1:0' }])]);
    const error = (() => {
      try {
        planProject(p, { mode: 'balanced', region: 'us-east-1', preflight: false });
      } catch (e) {
        return (e as { appError: { code: string; message: string; details: { fix: string } } }).appError;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'PLAN_INVALID', details: { fix: 'Write the profile id us.amazon.nova-premier-v1:0 instead.' } });
    expect(error!.message).toContain('agent calls Amazon Nova Premier by its model id amazon.nova-premier-v1:0, which Amazon Bedrock serves only through an inference profile');
  });

  it('a service without models gets no Bedrock statement', () => {
    expect(bedrockStatements(project('shop', [service('agent', { image: 'example/agent:1' })]), 'agent')).toEqual([]);
  });
});
