/**
 * Whether the account may use the Bedrock models a project invokes, checked with the user's own
 * credentials before anything is created (Bedrock's GetFoundationModelAvailability, and the
 * inference profile each call goes through). A model the account cannot use would otherwise
 * surface only as the app's first failing model call, after the deploy "succeeded".
 */
import { GetFoundationModelAvailabilityCommand, GetInferenceProfileCommand, type BedrockClient } from '@aws-sdk/client-bedrock';
import { bedrockModel } from '../../shared/domain/models';
import type { ModelAccessCheck, ModelAccessProblem, ModelPlan } from '../../shared/domain/plan';
import { raise } from '../../shared/result';
import { isAccessDenied, isAwsError } from '../aws/errors';

const missing = (error: unknown) => isAwsError(error) && ['ResourceNotFoundException', 'ValidationException'].includes(error.name);

function consoleUrl(region: string, model: string): string {
  return `https://${region}.console.aws.amazon.com/bedrock/home?region=${region}#/model-catalog/serverless/${model}`;
}

/** Why a model's availability says the account cannot use it, and what to do (undefined: it can). */
function availabilityProblem(a: { authorizationStatus?: string; entitlementAvailability?: string; agreementAvailability?: { status?: string; errorMessage?: string }; regionAvailability?: string }, model: string, region: string): Omit<ModelAccessProblem, 'services'> | undefined {
  const info = bedrockModel(model);
  const name = info ? `${info.name} (${model})` : model;
  if (a.regionAvailability === 'NOT_AVAILABLE') {
    return { model, reason: `${name} is not offered by Amazon Bedrock in ${region}.`, fix: 'Deploy to a Region that offers it, or choose another model (docs/models.md).' };
  }
  if (a.authorizationStatus === 'NOT_AUTHORIZED') {
    return info?.provider === 'Anthropic'
      ? { model, reason: `${name} needs Anthropic's one-time use-case form, which this account has not submitted.`, fix: `Open the model in the Bedrock console (${consoleUrl(region, model)}) and submit the use-case details once for the account; access follows within minutes. Then deploy again.` }
      : { model, reason: `This account is not authorised to use ${name}.`, fix: `Request access to it in the Bedrock console (${consoleUrl(region, model)}), or ask your administrator whether a policy denies it. Then deploy again.` };
  }
  const agreement = a.agreementAvailability;
  if (agreement?.status === 'ERROR') {
    return { model, reason: `The AWS Marketplace subscription ${name} needs cannot be made: ${agreement.errorMessage ?? 'Bedrock gives no reason'}.`, fix: 'Add a valid payment method to the account, and make sure whoever subscribes may use aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions; then deploy again.' };
  }
  if (agreement?.status === 'PENDING') return { model, reason: `The AWS Marketplace subscription to ${name} is still being set up (it can take up to 15 minutes).`, fix: 'Deploy again in a few minutes.' };
  if (a.entitlementAvailability === 'NOT_AVAILABLE' || agreement?.status === 'NOT_AVAILABLE') {
    return {
      model,
      reason: `${name} is sold through AWS Marketplace and this account has not subscribed to it yet. The first call subscribes the account, but only as someone allowed to (the services' roles deliberately are not).`,
      fix: `Subscribe once as yourself: send it one message in the Bedrock console's playground (${consoleUrl(region, model)}), or run \`aws bedrock-runtime converse --model-id ${model} --messages '[{"role":"user","content":[{"text":"hi"}]}]' --region ${region}\`. Then deploy again.`,
    };
  }
  return undefined;
}

/** Checks every model the plan invokes (once per model), naming the services that use it. */
export async function checkModelAccess(bedrock: BedrockClient, region: string, models: readonly Pick<ModelPlan, 'service' | 'model' | 'invokeId'>[]): Promise<ModelAccessCheck | undefined> {
  if (models.length === 0) return undefined;
  const byModel = new Map<string, { services: string[]; invokeIds: Set<string> }>();
  for (const m of models) {
    const entry = byModel.get(m.model) ?? { services: [], invokeIds: new Set<string>() };
    if (!entry.services.includes(m.service)) entry.services.push(m.service);
    entry.invokeIds.add(m.invokeId);
    byModel.set(m.model, entry);
  }
  const problems: ModelAccessProblem[] = [];
  for (const [model, { services, invokeIds }] of byModel) {
    let availability;
    try {
      availability = await bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId: model }));
    } catch (error) {
      if (isAccessDenied(error)) return { region, checked: [], problems: [], note: 'Berth may not read Bedrock model access (bedrock:GetFoundationModelAvailability was denied), so it could not check that the account may use the project’s models.' };
      if (!missing(error)) throw error;
      problems.push({ model, services, reason: `Amazon Bedrock does not know the model ${model} in ${region}.`, fix: 'Choose another model (docs/models.md), or deploy to a Region that has it.' });
      continue;
    }
    const problem = availabilityProblem(availability, model, region);
    if (problem) {
      problems.push({ ...problem, services });
      continue;
    }
    for (const id of invokeIds) {
      if (id === model) continue;
      try {
        await bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
      } catch (error) {
        if (isAccessDenied(error)) continue;
        if (!missing(error)) throw error;
        problems.push({ model, services, reason: `The cross-region inference profile ${id} does not exist in ${region}, so calls to ${model} from there would fail.`, fix: 'Deploy to a Region in the profile’s geography, or choose a model served there (docs/models.md).' });
      }
    }
  }
  return { region, checked: [...byModel.keys()], problems };
}

/** Refuses the deploy when the account cannot use a model the project invokes. */
export async function assertModelAccess(bedrock: BedrockClient, region: string, models: readonly Pick<ModelPlan, 'service' | 'model' | 'invokeId'>[]): Promise<ModelAccessCheck | undefined> {
  const check = await checkModelAccess(bedrock, region, models);
  if (check && check.problems.length > 0) {
    const text = check.problems.map((p) => `${p.services.join(', ')}: ${p.reason}\n  ${p.fix}`).join('\n');
    raise('MODEL_UNAVAILABLE', `This account cannot use ${check.problems.length === 1 ? 'a model' : `${check.problems.length} models`} the project invokes in ${region}. Nothing was created.\n${text}`, { modelAccess: check });
  }
  return check;
}
