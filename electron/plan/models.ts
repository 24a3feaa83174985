/**
 * What model access becomes in the project stack: the ids a service invokes from the region
 * (a cross-region inference profile when the model has one there), the task role's Bedrock
 * statements scoped to exactly those models, and the gateway's model table (BERTH_MODELS).
 */
import { bedrockModel, invokeId, PROFILE_PREFIX, type BedrockModelInfo } from '../../shared/domain/models';
import type { ServiceModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { ref, sub, type PolicyStatement } from './cfn';

/** One model a service invokes, as it is invoked from the region. */
export interface InvokedModel {
  /** The names clients use for it (a gateway's aliases; the written name otherwise). */
  names: string[];
  model: BedrockModelInfo;
  /** The model id, or the inference profile id (`us.amazon.nova-micro-v1:0`). */
  invokeId: string;
}

/**
 * What a service's own code calls Bedrock with: the id as written (a model id, or a profile id),
 * so its role is granted exactly that; an alias, which Bedrock would not know, gets the region's id.
 */
function calledId(service: ServiceModel, written: string, model: BedrockModelInfo, region: string): string | undefined {
  const called = written.trim().replace(/^bedrock\//, '');
  if (PROFILE_PREFIX.test(called)) return called;
  if (called !== model.id) return invokeId(model, region);
  if (model.profileOnly) {
    const profile = invokeId(model, region);
    raise('PLAN_INVALID', `${service.name} calls ${model.name} by its model id ${model.id}, which Amazon Bedrock serves only through an inference profile: the calls would fail ("Invocation of model ID … with on-demand throughput isn’t supported").`, {
      service: service.name,
      model: model.id,
      region,
      fix: profile ? `Write the profile id ${profile} instead.` : `Deploy to a region where it has a profile (${model.geos.join(', ') || 'none'}), or choose another model (docs/models.md).`,
    });
  }
  return model.id;
}

/** The models `service` invokes from `region`: one entry per Bedrock model and id it is called by. */
export function invokedModels(service: ServiceModel, region: string): InvokedModel[] {
  const out: InvokedModel[] = [];
  // A gateway calls what its table says; a service's own code calls the name as written.
  const ownCode = !service.llm?.gateway;
  for (const use of service.llm?.models ?? []) {
    const model = bedrockModel(use.model);
    if (!model) raise('PLAN_INVALID', `${service.name} uses ${use.model}, which is not in Berth's model table.`, { service: service.name });
    const id = ownCode ? calledId(service, use.name, model, region) : invokeId(model, region);
    if (!id) {
      raise('PLAN_INVALID', `${model.name} (${model.id}), which ${service.name} uses as "${use.name}", is served by Amazon Bedrock only through cross-region inference profiles, and none of them starts in ${region}.`, {
        service: service.name,
        model: model.id,
        region,
        fix: `Deploy to a US, European or Asia Pacific region where it has a profile (${model.geos.join(', ') || 'none'}), or choose another model (docs/models.md).`,
      });
    }
    const known = out.find((o) => o.model.id === model.id && o.invokeId === id);
    if (known) {
      if (!known.names.includes(use.name)) known.names.push(use.name);
    } else out.push({ names: [use.name], model, invokeId: id });
  }
  return out;
}

/**
 * What a service calls: the model in the region (on demand), or the inference profile in the
 * region. A profile call is also authorised on the model in each region the profile routes to
 * (see `routedModelPattern`).
 */
export function invokedArnPattern(invoked: string, model: string): string {
  if (invoked === model) return `arn:\${AWS::Partition}:bedrock:\${AWS::Region}::foundation-model/${model}`;
  return `arn:\${AWS::Partition}:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${invoked}`;
}

/** The model behind a profile in any region it routes to (a global profile names none), granted only through the profile. */
export function routedModelPattern(model: string): string {
  return `arn:\${AWS::Partition}:bedrock:*::foundation-model/${model}`;
}

/** The stack parameter carrying the ARNs a service's config values name (filled at deploy). */
export function configModelsParameter(part: string): string {
  return `${part}ConfigModelArns`;
}

/** IAM's key for the profile a call went through; a direct call to a model has none. */
const THROUGH_PROFILE = 'bedrock:InferenceProfileArn';

/**
 * The task role statements for a service's models: invoke (and stream) them, nothing else. A model
 * behind a profile is allowed only through that profile (AWS's documented fence), so the role
 * cannot call it directly in another region.
 */
export function modelStatements(models: InvokedModel[], configParameter?: string): PolicyStatement[] {
  const actions = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
  const statements: PolicyStatement[] = [];
  const profiled = models.filter((m) => m.invokeId !== m.model.id);
  if (models.length > 0) statements.push({ Sid: 'InvokeProjectModels', Effect: 'Allow', Action: actions, Resource: models.map((m) => sub(invokedArnPattern(m.invokeId, m.model.id))) });
  if (profiled.length > 0) {
    statements.push({
      Sid: 'InvokeModelsThroughTheirProfiles',
      Effect: 'Allow',
      Action: actions,
      Resource: profiled.map((m) => sub(routedModelPattern(m.model.id))),
      Condition: { StringEquals: { [THROUGH_PROFILE]: profiled.map((m) => sub(invokedArnPattern(m.invokeId, m.model.id))) } },
    });
  }
  if (configParameter) {
    // A list parameter cannot sit inside another list: the config-named models get statements of their own.
    statements.push({ Sid: 'InvokeConfiguredModels', Effect: 'Allow', Action: actions, Resource: ref(configParameter) });
    // Only profiles in the list ever match the key, and a system profile routes to its one model.
    statements.push({ Sid: 'InvokeConfiguredModelsThroughTheirProfiles', Effect: 'Allow', Action: actions, Resource: sub('arn:${AWS::Partition}:bedrock:*::foundation-model/*'), Condition: { StringEquals: { [THROUGH_PROFILE]: ref(configParameter) } } });
  }
  return statements;
}

/** BERTH_MODELS for Berth's gateway: every name clients may send → the id it invokes and the kind. */
export function gatewayModelTable(models: InvokedModel[]): string {
  const table: Record<string, { id: string; kind: string }> = {};
  for (const m of models) for (const name of m.names) table[name] = { id: m.invokeId, kind: m.model.kind };
  return JSON.stringify(table);
}
