/**
 * Bedrock's control plane for what Berth checks before a deploy: ListFoundationModels (with its
 * four filters), GetFoundationModel, GetFoundationModelAvailability, ListInferenceProfiles
 * (typeEquals, maxResults, nextToken) and GetInferenceProfile, from the region's catalog.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import { availabilityOf } from './access';
import { authorize } from './authorize';
import { foundationModelArn, modelById, modelsIn, PROFILES, profileArn, profilesIn, profileServes, type CatalogModel, type CatalogProfile } from './catalog';

// The catalog's models and profiles date from their launches; one fixed time keeps answers stable.
const PROFILE_TIME = '2024-11-01T00:00:00Z';

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function constraint(value: string, path: string, rule: string): never {
  fail('ValidationException', `1 validation error detected: Value '${value}' at '${path}' failed to satisfy constraint: ${rule}`);
}

function enumParam(req: SandboxRequest, name: string, path: string, allowed: string[]): string | undefined {
  const value = req.query.get(name) ?? undefined;
  if (value !== undefined && !allowed.includes(value)) constraint(value, path, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  return value;
}

function modelView(model: CatalogModel, region: string) {
  return {
    modelArn: foundationModelArn(region, model.id),
    modelId: model.id,
    modelName: model.name,
    providerName: model.provider,
    inputModalities: model.input,
    outputModalities: model.output,
    responseStreamingSupported: model.streaming,
    customizationsSupported: model.customizations?.[region] ?? [],
    inferenceTypesSupported: [model.regions[region]],
    modelLifecycle: { status: 'ACTIVE' },
  };
}

function profileView(core: SandboxCore, profile: CatalogProfile, region: string) {
  const models = profile.geo === 'global' ? [`arn:aws:bedrock:::foundation-model/${profile.model.id}`] : profile.destinations.map((r) => foundationModelArn(r, profile.model.id));
  return {
    inferenceProfileName: profile.name,
    description: profile.description,
    createdAt: PROFILE_TIME,
    updatedAt: PROFILE_TIME,
    inferenceProfileArn: profileArn(region, core.account, profile.id),
    models: models.map((modelArn) => ({ modelArn })),
    inferenceProfileId: profile.id,
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
  };
}

/** A model identifier (id or foundation-model ARN) in the region. */
function modelInRegion(identifier: string, region: string): CatalogModel {
  const arn = /^arn:aws:bedrock:([a-z0-9-]*)::foundation-model\/(.+)$/.exec(identifier);
  const model = modelById(arn ? arn[2]! : identifier);
  if (!model || model.regions[region] === undefined || (arn && arn[1] !== region)) fail('ValidationException', `Could not find model with identifier ${identifier}`);
  return model;
}

function listFoundationModels(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  authorize(core, req.caller, 'bedrock:ListFoundationModels', [undefined]);
  const provider = req.query.get('byProvider') ?? undefined;
  const modality = enumParam(req, 'byOutputModality', 'byOutputModality', ['TEXT', 'IMAGE', 'EMBEDDING']);
  const inference = enumParam(req, 'byInferenceType', 'byInferenceType', ['ON_DEMAND', 'PROVISIONED']);
  const customization = enumParam(req, 'byCustomizationType', 'byCustomizationType', ['FINE_TUNING', 'CONTINUED_PRE_TRAINING', 'DISTILLATION']);
  if (provider !== undefined && !/^[A-Za-z0-9- ]{1,63}$/.test(provider)) constraint(provider, 'byProvider', 'Member must satisfy regular expression pattern: [A-Za-z0-9- ]{1,63}');
  const models = modelsIn(req.region).filter(
    (m) =>
      (provider === undefined || m.provider.toLowerCase() === provider.toLowerCase()) &&
      (modality === undefined || (m.output as string[]).includes(modality)) &&
      (inference === undefined || m.regions[req.region] === inference) &&
      (customization === undefined || (m.customizations?.[req.region] ?? []).includes(customization as never)),
  );
  return json({ modelSummaries: models.map((m) => modelView(m, req.region)) });
}

function listInferenceProfiles(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  authorize(core, req.caller, 'bedrock:ListInferenceProfiles', [undefined]);
  const type = enumParam(req, 'type', 'typeEquals', ['SYSTEM_DEFINED', 'APPLICATION']);
  const max = req.query.get('maxResults');
  if (max !== null && (!/^\d+$/.test(max) || Number(max) < 1)) constraint(max, 'maxResults', 'Member must have value greater than or equal to 1');
  if (max !== null && Number(max) > 1000) constraint(max, 'maxResults', 'Member must have value less than or equal to 1000');
  const token = req.query.get('nextToken');
  let start = 0;
  if (token !== null) {
    const decoded = /^berth-sandbox:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) fail('ValidationException', 'The pagination token is not valid (Berth sandbox tokens come from a previous ListInferenceProfiles answer).');
    start = Number(decoded[1]);
  }
  // The account has no application profiles: the sandbox does not create them.
  const all = type === 'APPLICATION' ? [] : profilesIn(req.region);
  const size = max === null ? 1000 : Number(max);
  const page = all.slice(start, start + size);
  const next = start + size < all.length ? Buffer.from(`berth-sandbox:${start + size}`).toString('base64url') : undefined;
  return json({ inferenceProfileSummaries: page.map((p) => profileView(core, p, req.region)), ...(next ? { nextToken: next } : {}) });
}

function getInferenceProfile(core: SandboxCore, req: SandboxRequest, identifier: string): SandboxResponse {
  const arn = /^arn:aws:bedrock:([a-z0-9-]+):(\d{12}):inference-profile\/(.+)$/.exec(identifier);
  const id = arn ? arn[3]! : identifier;
  authorize(core, req.caller, 'bedrock:GetInferenceProfile', [profileArn(req.region, core.account, id)]);
  const profile = PROFILES.find((p) => p.id === id);
  if (!profile || !profileServes(profile, req.region) || (arn && (arn[1] !== req.region || arn[2] !== core.account))) fail('ResourceNotFoundException', 'Inference profile not found', 404);
  return json(profileView(core, profile, req.region));
}

/** Handles a control-plane operation (already named by `bedrockOperationName`). */
export function handleControl(core: SandboxCore, req: SandboxRequest, operation: string, identifier: string): SandboxResponse {
  if (operation === 'ListFoundationModels') return listFoundationModels(core, req);
  if (operation === 'ListInferenceProfiles') return listInferenceProfiles(core, req);
  if (operation === 'GetInferenceProfile') return getInferenceProfile(core, req, identifier);
  if (operation === 'GetFoundationModel') {
    const model = modelInRegion(identifier, req.region);
    authorize(core, req.caller, 'bedrock:GetFoundationModel', [foundationModelArn(req.region, model.id)]);
    return json({ modelDetails: modelView(model, req.region) });
  }
  // GetFoundationModelAvailability: a model Bedrock has in another region is there, just not available here.
  authorize(core, req.caller, 'bedrock:GetFoundationModelAvailability', [undefined]);
  const model = modelById(identifier);
  if (!model) fail('ValidationException', `Could not find model with identifier ${identifier}`);
  return json(availabilityOf(core, model, req.region));
}
