/**
 * Amazon Bedrock's model catalog as the sandbox serves it, per region: what ListFoundationModels
 * answers there (on demand, or only through an inference profile), and the system-defined
 * cross-region inference profiles with their destination regions. Taken from AWS's model cards,
 * "Supported cross-Region inference profiles" and ListFoundationModels answers (late 2025); the
 * maximum output tokens are the Converse limits the model cards give.
 */

export type Modality = 'TEXT' | 'IMAGE' | 'VIDEO' | 'EMBEDDING';
export type InferenceType = 'ON_DEMAND' | 'INFERENCE_PROFILE';
export type Customization = 'FINE_TUNING' | 'CONTINUED_PRE_TRAINING' | 'DISTILLATION';
/** A profile's geography: its id's prefix (`us.`, `eu.`, `apac.`, `jp.`, `au.`, `global.`). */
export type Geo = 'us' | 'eu' | 'apac' | 'jp' | 'au' | 'global';
/** Converse tool use: yes, no ("This model doesn't support tool use."), or not while streaming. */
export type ToolSupport = 'yes' | 'no' | 'not-streaming';
export type EmbeddingFamily = 'titan-v2' | 'titan-v1' | 'cohere-v3';

export interface CatalogModel {
  id: string;
  name: string;
  provider: 'Amazon' | 'Anthropic' | 'Meta' | 'Mistral AI' | 'DeepSeek' | 'Cohere';
  input: Modality[];
  output: Modality[];
  streaming: boolean;
  /** Where ListFoundationModels lists it, and how it may be invoked there. */
  regions: Record<string, InferenceType>;
  /** Its system-defined profiles: geography → destination regions (global: every commercial region). */
  profiles: Partial<Record<Geo, string[]>>;
  customizations?: Partial<Record<string, Customization[]>>;
  /** Chat models: the largest `maxTokens` Converse takes. */
  maxTokens?: number;
  tools?: ToolSupport;
  /** Tool-using models Converse cannot force to call one (no `toolChoice.any` or `.tool`): Llama 3.1 and 3.3. */
  noToolChoice?: boolean;
  /** Chat models that refuse a Converse `system` prompt (Mistral 7B Instruct, as AWS's model features table says). */
  noSystemPrompt?: boolean;
  /** Embedding models: the request body InvokeModel takes. */
  embedding?: EmbeddingFamily;
  /** Sold through AWS Marketplace: the account subscribes on the first call. */
  marketplace: boolean;
}

export interface CatalogProfile {
  id: string;
  geo: Geo;
  model: CatalogModel;
  name: string;
  description: string;
  /** Regions a request through it may be routed to (empty for global: any commercial region). */
  destinations: string[];
}

const US = ['us-east-1', 'us-east-2', 'us-west-2'];
const US_EAST_WEST = ['us-east-1', 'us-west-2'];
const EU = ['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3'];
const EU3 = ['eu-central-1', 'eu-west-1', 'eu-west-3'];
const EU_WIDE = [...EU, 'eu-south-1', 'eu-south-2'];
const APAC = ['ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'];
const APAC_WIDE = [...APAC, 'ap-northeast-3', 'ap-south-2'];
const JP = ['ap-northeast-1', 'ap-northeast-3'];
const AU = ['ap-southeast-2', 'ap-southeast-4'];

/** The regions the catalog describes (others have no Bedrock models in the sandbox). */
export const CATALOG_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2'];

const OD: InferenceType = 'ON_DEMAND';
const IP: InferenceType = 'INFERENCE_PROFILE';

function inRegions(regions: string[], type: InferenceType): Record<string, InferenceType> {
  return Object.fromEntries(regions.map((r) => [r, type]));
}

// Nova 1 runs on demand in us-east-1 and through its us./eu./apac. profiles elsewhere.
const NOVA_REGIONS = { 'us-east-1': OD, ...inRegions(['us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2'], IP) };
const NOVA_PROFILES = { us: US, eu: EU, apac: APAC };
const NOVA_CUSTOM = { 'us-east-1': ['FINE_TUNING', 'DISTILLATION'] as Customization[] };
const CLAUDE_PROFILE_REGIONS = inRegions([...US, 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2'], IP);
const LLAMA31_REGIONS = { 'us-west-2': OD, 'us-east-1': IP, 'us-east-2': IP };
const LLAMA32_REGIONS = inRegions([...US_EAST_WEST, 'eu-west-1', 'eu-central-1'], IP);
const EMBED_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2'];

const TEXT: Modality[] = ['TEXT'];
const TEXT_IMAGE: Modality[] = ['TEXT', 'IMAGE'];
const TEXT_IMAGE_VIDEO: Modality[] = ['TEXT', 'IMAGE', 'VIDEO'];

const chat = (m: Omit<CatalogModel, 'output' | 'streaming' | 'marketplace'> & { marketplace?: boolean }): CatalogModel => ({ output: TEXT, streaming: true, marketplace: false, ...m });
const embed = (m: Omit<CatalogModel, 'input' | 'output' | 'streaming' | 'profiles' | 'marketplace'> & { marketplace?: boolean }): CatalogModel => ({
  input: TEXT,
  output: ['EMBEDDING'],
  streaming: false,
  profiles: {},
  marketplace: false,
  ...m,
});

export const MODELS: readonly CatalogModel[] = [
  chat({ id: 'amazon.nova-micro-v1:0', name: 'Nova Micro', provider: 'Amazon', input: TEXT, regions: NOVA_REGIONS, profiles: NOVA_PROFILES, customizations: NOVA_CUSTOM, maxTokens: 10_000, tools: 'yes' }),
  chat({ id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon', input: TEXT_IMAGE_VIDEO, regions: NOVA_REGIONS, profiles: NOVA_PROFILES, customizations: NOVA_CUSTOM, maxTokens: 10_000, tools: 'yes' }),
  chat({ id: 'amazon.nova-pro-v1:0', name: 'Nova Pro', provider: 'Amazon', input: TEXT_IMAGE_VIDEO, regions: NOVA_REGIONS, profiles: NOVA_PROFILES, customizations: NOVA_CUSTOM, maxTokens: 10_000, tools: 'yes' }),
  chat({ id: 'amazon.nova-premier-v1:0', name: 'Nova Premier', provider: 'Amazon', input: TEXT_IMAGE_VIDEO, regions: inRegions(US, IP), profiles: { us: US }, maxTokens: 32_000, tools: 'yes' }),
  chat({ id: 'amazon.nova-2-lite-v1:0', name: 'Nova 2 Lite', provider: 'Amazon', input: TEXT_IMAGE_VIDEO, regions: inRegions(CATALOG_REGIONS, IP), profiles: { us: US, eu: EU, global: [] }, maxTokens: 65_535, tools: 'yes' }),
  embed({ id: 'amazon.titan-embed-text-v2:0', name: 'Titan Text Embeddings V2', provider: 'Amazon', regions: inRegions(CATALOG_REGIONS, OD), embedding: 'titan-v2' }),
  embed({ id: 'amazon.titan-embed-text-v1', name: 'Titan Embeddings G1 - Text', provider: 'Amazon', regions: inRegions(['us-east-1', 'us-west-2', 'eu-central-1', 'ap-northeast-1'], OD), embedding: 'titan-v1' }),
  embed({ id: 'cohere.embed-english-v3', name: 'Embed English', provider: 'Cohere', regions: inRegions(EMBED_REGIONS, OD), embedding: 'cohere-v3', marketplace: true }),
  embed({ id: 'cohere.embed-multilingual-v3', name: 'Embed Multilingual', provider: 'Cohere', regions: inRegions(EMBED_REGIONS, OD), embedding: 'cohere-v3', marketplace: true }),
  chat({
    id: 'anthropic.claude-3-haiku-20240307-v1:0',
    name: 'Claude 3 Haiku',
    provider: 'Anthropic',
    input: TEXT_IMAGE,
    regions: { ...inRegions(['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2'], OD), 'us-east-2': IP },
    profiles: { us: US, eu: EU3, apac: APAC },
    customizations: { 'us-west-2': ['FINE_TUNING'] },
    maxTokens: 4096,
    tools: 'yes',
    marketplace: true,
  }),
  chat({ id: 'anthropic.claude-3-5-haiku-20241022-v1:0', name: 'Claude 3.5 Haiku', provider: 'Anthropic', input: TEXT, regions: { 'us-west-2': OD, 'us-east-1': IP, 'us-east-2': IP }, profiles: { us: US }, maxTokens: 8192, tools: 'yes', marketplace: true }),
  chat({
    id: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
    name: 'Claude 3.5 Sonnet v2',
    provider: 'Anthropic',
    input: TEXT_IMAGE,
    regions: { 'us-west-2': OD, ...inRegions(['us-east-1', 'us-east-2', 'ap-northeast-1', 'ap-southeast-2'], IP) },
    profiles: { us: US, apac: APAC_WIDE },
    maxTokens: 8192,
    tools: 'yes',
    marketplace: true,
  }),
  chat({ id: 'anthropic.claude-3-7-sonnet-20250219-v1:0', name: 'Claude 3.7 Sonnet', provider: 'Anthropic', input: TEXT_IMAGE, regions: CLAUDE_PROFILE_REGIONS, profiles: { us: US, eu: EU, apac: APAC_WIDE }, maxTokens: 131_072, tools: 'yes', marketplace: true }),
  chat({ id: 'anthropic.claude-sonnet-4-20250514-v1:0', name: 'Claude Sonnet 4', provider: 'Anthropic', input: TEXT_IMAGE, regions: CLAUDE_PROFILE_REGIONS, profiles: { us: US, eu: EU_WIDE, apac: APAC_WIDE, global: [] }, maxTokens: 64_000, tools: 'yes', marketplace: true }),
  chat({ id: 'anthropic.claude-sonnet-4-5-20250929-v1:0', name: 'Claude Sonnet 4.5', provider: 'Anthropic', input: TEXT_IMAGE, regions: CLAUDE_PROFILE_REGIONS, profiles: { us: US, eu: EU_WIDE, jp: JP, au: AU, global: [] }, maxTokens: 64_000, tools: 'yes', marketplace: true }),
  chat({ id: 'meta.llama3-1-8b-instruct-v1:0', name: 'Llama 3.1 8B Instruct', provider: 'Meta', input: TEXT, regions: LLAMA31_REGIONS, profiles: { us: US }, customizations: { 'us-west-2': ['FINE_TUNING', 'DISTILLATION'] }, maxTokens: 2048, tools: 'not-streaming', noToolChoice: true }),
  chat({ id: 'meta.llama3-1-70b-instruct-v1:0', name: 'Llama 3.1 70B Instruct', provider: 'Meta', input: TEXT, regions: LLAMA31_REGIONS, profiles: { us: US }, customizations: { 'us-west-2': ['FINE_TUNING', 'DISTILLATION'] }, maxTokens: 2048, tools: 'not-streaming', noToolChoice: true }),
  chat({ id: 'meta.llama3-2-1b-instruct-v1:0', name: 'Llama 3.2 1B Instruct', provider: 'Meta', input: TEXT, regions: LLAMA32_REGIONS, profiles: { us: US_EAST_WEST, eu: EU3 }, maxTokens: 2048, tools: 'no' }),
  chat({ id: 'meta.llama3-2-3b-instruct-v1:0', name: 'Llama 3.2 3B Instruct', provider: 'Meta', input: TEXT, regions: LLAMA32_REGIONS, profiles: { us: US_EAST_WEST, eu: EU3 }, maxTokens: 2048, tools: 'no' }),
  chat({ id: 'meta.llama3-3-70b-instruct-v1:0', name: 'Llama 3.3 70B Instruct', provider: 'Meta', input: TEXT, regions: inRegions(US, IP), profiles: { us: US }, maxTokens: 2048, tools: 'not-streaming', noToolChoice: true }),
  chat({ id: 'mistral.mistral-7b-instruct-v0:2', name: 'Mistral 7B Instruct', provider: 'Mistral AI', input: TEXT, regions: inRegions(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'], OD), profiles: {}, maxTokens: 8192, tools: 'no', noSystemPrompt: true }),
  chat({ id: 'deepseek.r1-v1:0', name: 'DeepSeek-R1', provider: 'DeepSeek', input: TEXT, regions: inRegions(US, IP), profiles: { us: US }, maxTokens: 32_768, tools: 'no' }),
];

const GEO_LABEL: Record<Geo, string> = { us: 'US', eu: 'EU', apac: 'APAC', jp: 'JP', au: 'AU', global: 'Global' };

function profileName(geo: Geo, model: CatalogModel): string {
  // AWS names profiles "<geo> <provider> <model>", the provider left out where the name carries it.
  const provider = model.provider === 'Amazon' || model.name.startsWith(model.provider) ? '' : `${model.provider} `;
  return `${GEO_LABEL[geo]} ${provider}${model.name}`;
}

export const PROFILES: readonly CatalogProfile[] = MODELS.flatMap((model) =>
  (Object.entries(model.profiles) as [Geo, string[]][]).map(([geo, destinations]) => ({
    id: `${geo}.${model.id}`,
    geo,
    model,
    name: profileName(geo, model),
    description:
      geo === 'global'
        ? `Routes requests to ${model.name} in commercial AWS Regions.`
        : `Routes requests to ${model.name} in ${destinations.slice(0, -1).join(', ')} and ${destinations[destinations.length - 1]}.`,
    destinations,
  })),
);

/** A model by id, in any region. */
export function modelById(id: string): CatalogModel | undefined {
  return MODELS.find((m) => m.id === id);
}

/** The models ListFoundationModels lists in a region. */
export function modelsIn(region: string): CatalogModel[] {
  return MODELS.filter((m) => m.regions[region] !== undefined);
}

/** Can a request from `region` use this profile? A geography's profiles start in its destination regions; global ones anywhere the model is listed. */
export function profileServes(profile: CatalogProfile, region: string): boolean {
  if (profile.model.regions[region] === undefined) return false;
  return profile.geo === 'global' || profile.destinations.includes(region);
}

/** The system-defined profiles a region offers. */
export function profilesIn(region: string): CatalogProfile[] {
  return PROFILES.filter((p) => profileServes(p, region));
}

export function foundationModelArn(region: string, modelId: string): string {
  return `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
}

export function profileArn(region: string, account: string, profileId: string): string {
  return `arn:aws:bedrock:${region}:${account}:inference-profile/${profileId}`;
}

/**
 * The model ARNs a call through the profile is authorised on: the model in every destination
 * region; a global profile's in the source region and with no region, as AWS documents it.
 */
export function profileModelArns(profile: CatalogProfile, region: string): string[] {
  if (profile.geo === 'global') return [foundationModelArn(region, profile.model.id), `arn:aws:bedrock:::foundation-model/${profile.model.id}`];
  return profile.destinations.map((r) => foundationModelArn(r, profile.model.id));
}
