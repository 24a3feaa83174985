/**
 * What a runtime `modelId` names — a foundation model id or ARN, or a system-defined inference
 * profile id or ARN — in the request's region, and the ARNs IAM authorises the call on. Bedrock's
 * refusals: an id it does not know there ("The provided model identifier is invalid."), and a
 * profile-only model called on demand.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { RequestContext } from '../iam/policy';
import { foundationModelArn, modelById, PROFILES, profileArn, profileModelArns, profileServes, type CatalogModel, type CatalogProfile } from './catalog';

export const INVALID_MODEL_MESSAGE = 'The provided model identifier is invalid.';

export interface ResolvedModel {
  model: CatalogModel;
  profile?: CatalogProfile;
  /** Every ARN the action must be allowed on (a profile's own, then its models'). */
  resources: string[];
  /** The condition keys IAM sees: a call through a profile carries its ARN; a direct call has none. */
  context: RequestContext;
}

const FM_ARN = /^arn:aws:bedrock:([a-z0-9-]+)::foundation-model\/(.+)$/;
const PROFILE_ARN = /^arn:aws:bedrock:([a-z0-9-]+):(\d{12}):inference-profile\/(.+)$/;

function invalid(): never {
  fail('ValidationException', INVALID_MODEL_MESSAGE);
}

function viaProfile(core: SandboxCore, region: string, id: string): ResolvedModel | undefined {
  const profile = PROFILES.find((p) => p.id === id);
  if (!profile) return undefined;
  // A profile that does not start in this region (eu.* from us-east-1) is not one Bedrock knows here.
  if (!profileServes(profile, region)) invalid();
  const arn = profileArn(region, core.account, id);
  return { model: profile.model, profile, resources: [arn, ...profileModelArns(profile, region)], context: { 'bedrock:InferenceProfileArn': arn } };
}

/** Resolves `modelId` in `region`: a profile carries its model whatever its inference types; a bare model must run on demand. */
export function resolveModel(core: SandboxCore, region: string, modelId: string): ResolvedModel {
  const profileArnMatch = PROFILE_ARN.exec(modelId);
  if (profileArnMatch) {
    const [, arnRegion, account, id] = profileArnMatch;
    if (arnRegion !== region || account !== core.account) invalid();
    return viaProfile(core, region, id!) ?? invalid();
  }
  if (modelId.startsWith('arn:') && !FM_ARN.test(modelId)) invalid();
  const fmMatch = FM_ARN.exec(modelId);
  if (fmMatch && fmMatch[1] !== region) invalid();
  const id = fmMatch ? fmMatch[2]! : modelId;
  const profiled = fmMatch ? undefined : viaProfile(core, region, id);
  if (profiled) return profiled;
  const model = modelById(id);
  const type = model?.regions[region];
  if (!model || !type) invalid();
  if (type !== 'ON_DEMAND') {
    fail('ValidationException', `Invocation of model ID ${model.id} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`);
  }
  return { model, resources: [foundationModelArn(region, model.id)], context: {} };
}
