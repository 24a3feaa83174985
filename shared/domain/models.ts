/**
 * Language and embedding models as Berth deploys them: a compose model name (`ai/smollm2`,
 * `chat-default`, a Bedrock id) → the Amazon Bedrock model that answers it. The table is
 * documented in docs/models.md; prices are on-demand list prices in us-east-1 on MODEL_PRICE_DATE,
 * shown as an estimate.
 */

export const MODEL_PRICE_DATE = '2026-11-01';

export type ModelKind = 'chat' | 'embedding';

/** A geography of Bedrock's system-defined cross-region inference profiles (`us.amazon.nova-…`). */
export type ModelGeo = 'us' | 'eu' | 'apac';

export interface BedrockModelInfo {
  /** The Bedrock foundation-model id. */
  id: string;
  /** Its name in Bedrock's catalog. */
  name: string;
  provider: 'Amazon' | 'Anthropic' | 'Meta' | 'Mistral AI' | 'DeepSeek' | 'Cohere';
  kind: ModelKind;
  /** The geographies with a cross-region profile for it; Berth invokes through the region's one when there is one. */
  geos: ModelGeo[];
  /** Bedrock serves it only through an inference profile (an on-demand call by its own id is refused). */
  profileOnly: boolean;
  /** USD per 1,000 tokens in (prompt) and out (answer). */
  price: { input: number; output: number };
  /** Sold through AWS Marketplace: the account's first call subscribes it (Anthropic also asks for a use-case form once). */
  marketplace: boolean;
  /** Answers tool (function) calls through Converse. */
  tools: boolean;
  /** Embedding models: the vector length Berth's gateway asks for. */
  dimensions?: number;
}

const m = (model: BedrockModelInfo) => model;

/** The Bedrock models Berth knows, by id. */
export const BEDROCK_MODELS: readonly BedrockModelInfo[] = [
  m({ id: 'amazon.nova-micro-v1:0', name: 'Amazon Nova Micro', provider: 'Amazon', kind: 'chat', geos: ['us', 'eu', 'apac'], profileOnly: false, price: { input: 0.000035, output: 0.00014 }, marketplace: false, tools: true }),
  m({ id: 'amazon.nova-lite-v1:0', name: 'Amazon Nova Lite', provider: 'Amazon', kind: 'chat', geos: ['us', 'eu', 'apac'], profileOnly: false, price: { input: 0.00006, output: 0.00024 }, marketplace: false, tools: true }),
  m({ id: 'amazon.nova-pro-v1:0', name: 'Amazon Nova Pro', provider: 'Amazon', kind: 'chat', geos: ['us', 'eu', 'apac'], profileOnly: false, price: { input: 0.0008, output: 0.0032 }, marketplace: false, tools: true }),
  m({ id: 'amazon.nova-premier-v1:0', name: 'Amazon Nova Premier', provider: 'Amazon', kind: 'chat', geos: ['us'], profileOnly: true, price: { input: 0.0025, output: 0.0125 }, marketplace: false, tools: true }),
  m({ id: 'amazon.nova-2-lite-v1:0', name: 'Amazon Nova 2 Lite', provider: 'Amazon', kind: 'chat', geos: ['us', 'eu'], profileOnly: true, price: { input: 0.0003, output: 0.0025 }, marketplace: false, tools: true }),
  m({ id: 'amazon.titan-embed-text-v2:0', name: 'Amazon Titan Text Embeddings V2', provider: 'Amazon', kind: 'embedding', geos: [], profileOnly: false, price: { input: 0.00002, output: 0 }, marketplace: false, tools: false, dimensions: 1024 }),
  m({ id: 'amazon.titan-embed-text-v1', name: 'Amazon Titan Embeddings G1 - Text', provider: 'Amazon', kind: 'embedding', geos: [], profileOnly: false, price: { input: 0.0001, output: 0 }, marketplace: false, tools: false, dimensions: 1536 }),
  m({ id: 'cohere.embed-english-v3', name: 'Cohere Embed English', provider: 'Cohere', kind: 'embedding', geos: [], profileOnly: false, price: { input: 0.0001, output: 0 }, marketplace: true, tools: false, dimensions: 1024 }),
  m({ id: 'cohere.embed-multilingual-v3', name: 'Cohere Embed Multilingual', provider: 'Cohere', kind: 'embedding', geos: [], profileOnly: false, price: { input: 0.0001, output: 0 }, marketplace: true, tools: false, dimensions: 1024 }),
  m({ id: 'anthropic.claude-3-haiku-20240307-v1:0', name: 'Claude 3 Haiku', provider: 'Anthropic', kind: 'chat', geos: ['us', 'eu', 'apac'], profileOnly: false, price: { input: 0.00025, output: 0.00125 }, marketplace: true, tools: true }),
  m({ id: 'anthropic.claude-3-5-haiku-20241022-v1:0', name: 'Claude 3.5 Haiku', provider: 'Anthropic', kind: 'chat', geos: ['us'], profileOnly: true, price: { input: 0.0008, output: 0.004 }, marketplace: true, tools: true }),
  m({ id: 'anthropic.claude-3-5-sonnet-20241022-v2:0', name: 'Claude 3.5 Sonnet v2', provider: 'Anthropic', kind: 'chat', geos: ['us', 'apac'], profileOnly: true, price: { input: 0.003, output: 0.015 }, marketplace: true, tools: true }),
  m({ id: 'anthropic.claude-3-7-sonnet-20250219-v1:0', name: 'Claude 3.7 Sonnet', provider: 'Anthropic', kind: 'chat', geos: ['us', 'eu', 'apac'], profileOnly: true, price: { input: 0.003, output: 0.015 }, marketplace: true, tools: true }),
  m({ id: 'anthropic.claude-sonnet-4-20250514-v1:0', name: 'Claude Sonnet 4', provider: 'Anthropic', kind: 'chat', geos: ['us', 'eu', 'apac'], profileOnly: true, price: { input: 0.003, output: 0.015 }, marketplace: true, tools: true }),
  m({ id: 'anthropic.claude-sonnet-4-5-20250929-v1:0', name: 'Claude Sonnet 4.5', provider: 'Anthropic', kind: 'chat', geos: ['us', 'eu'], profileOnly: true, price: { input: 0.003, output: 0.015 }, marketplace: true, tools: true }),
  m({ id: 'meta.llama3-1-8b-instruct-v1:0', name: 'Llama 3.1 8B Instruct', provider: 'Meta', kind: 'chat', geos: ['us'], profileOnly: false, price: { input: 0.00022, output: 0.00022 }, marketplace: false, tools: true }),
  m({ id: 'meta.llama3-1-70b-instruct-v1:0', name: 'Llama 3.1 70B Instruct', provider: 'Meta', kind: 'chat', geos: ['us'], profileOnly: false, price: { input: 0.00072, output: 0.00072 }, marketplace: false, tools: true }),
  m({ id: 'meta.llama3-2-1b-instruct-v1:0', name: 'Llama 3.2 1B Instruct', provider: 'Meta', kind: 'chat', geos: ['us', 'eu'], profileOnly: true, price: { input: 0.0001, output: 0.0001 }, marketplace: false, tools: false }),
  m({ id: 'meta.llama3-2-3b-instruct-v1:0', name: 'Llama 3.2 3B Instruct', provider: 'Meta', kind: 'chat', geos: ['us', 'eu'], profileOnly: true, price: { input: 0.00015, output: 0.00015 }, marketplace: false, tools: false }),
  m({ id: 'meta.llama3-3-70b-instruct-v1:0', name: 'Llama 3.3 70B Instruct', provider: 'Meta', kind: 'chat', geos: ['us'], profileOnly: true, price: { input: 0.00072, output: 0.00072 }, marketplace: false, tools: true }),
  m({ id: 'mistral.mistral-7b-instruct-v0:2', name: 'Mistral 7B Instruct', provider: 'Mistral AI', kind: 'chat', geos: [], profileOnly: false, price: { input: 0.00015, output: 0.0002 }, marketplace: false, tools: false }),
  m({ id: 'deepseek.r1-v1:0', name: 'DeepSeek-R1', provider: 'DeepSeek', kind: 'chat', geos: ['us'], profileOnly: true, price: { input: 0.00135, output: 0.0054 }, marketplace: false, tools: false }),
];

/** A compose model name Berth maps, and why it maps there. */
export interface ModelAlias {
  name: string;
  model: string;
  why: string;
}

/** Names compose files use for models (Defang's aliases, Docker Model Runner's `ai/…` names). */
export const MODEL_ALIASES: readonly ModelAlias[] = [
  { name: 'default', model: 'amazon.nova-micro-v1:0', why: 'What Defang’s first Bedrock gateway answers `default` with' },
  { name: 'chat-default', model: 'amazon.nova-2-lite-v1:0', why: 'Defang’s chat default on AWS' },
  { name: 'chat-large', model: 'amazon.nova-pro-v1:0', why: 'Amazon’s larger model (Defang uses a Marketplace model, Z.ai GLM-5)' },
  { name: 'embedding-default', model: 'amazon.titan-embed-text-v2:0', why: 'Defang’s embedding default on AWS (1,024 dimensions)' },
  { name: 'nova-micro', model: 'amazon.nova-micro-v1:0', why: 'Short name' },
  { name: 'nova-lite', model: 'amazon.nova-lite-v1:0', why: 'Short name' },
  { name: 'nova-pro', model: 'amazon.nova-pro-v1:0', why: 'Short name' },
  { name: 'nova-premier', model: 'amazon.nova-premier-v1:0', why: 'Short name' },
  { name: 'nova-2-lite', model: 'amazon.nova-2-lite-v1:0', why: 'Short name' },
  { name: 'ai/smollm2', model: 'amazon.nova-micro-v1:0', why: 'A small local model: the smallest Bedrock one stands in for it, as in Defang' },
  { name: 'ai/llama3.1', model: 'meta.llama3-1-8b-instruct-v1:0', why: 'The same model family and size (a `70B` tag picks the 70B one)' },
  { name: 'ai/llama3.1:70b', model: 'meta.llama3-1-70b-instruct-v1:0', why: 'The same model family and size' },
  { name: 'ai/llama3.2', model: 'meta.llama3-2-1b-instruct-v1:0', why: 'The same model family and size (a `3B` tag picks the 3B one)' },
  { name: 'ai/llama3.2:3b', model: 'meta.llama3-2-3b-instruct-v1:0', why: 'The same model family and size' },
  { name: 'ai/llama3.3', model: 'meta.llama3-3-70b-instruct-v1:0', why: 'The same model family and size' },
  { name: 'ai/mistral', model: 'mistral.mistral-7b-instruct-v0:2', why: 'The same model' },
  { name: 'ai/deepseek-r1-distill-llama', model: 'deepseek.r1-v1:0', why: 'The full R1 model the distillation comes from' },
  { name: 'ai/claude3-haiku', model: 'anthropic.claude-3-haiku-20240307-v1:0', why: 'The same model' },
  { name: 'ai/mxbai-embed-large', model: 'amazon.titan-embed-text-v2:0', why: 'An embedding model with the same 1,024 dimensions' },
];

/** The geography prefix of a system-defined inference profile id (`us.`, `global.`…). */
export const PROFILE_PREFIX = /^(us|eu|apac|global)\./;

const BY_ID = new Map(BEDROCK_MODELS.map((model) => [model.id, model]));

/** How a written model name resolved: the model, and whether it was an alias or an id. */
export interface ResolvedModelName {
  model: BedrockModelInfo;
  via: 'alias' | 'id';
}

/** `ai/llama3.2:3B-Q4_K_M` → the alias keys to try, most specific first, and the size the tag names. */
function aliasKeys(written: string): { keys: string[]; size?: string; base: string } {
  const lower = written.trim().toLowerCase().replace(/^docker\.io\//, '');
  const [base, tag] = lower.split(':') as [string, string | undefined];
  const size = tag ? /^(\d+b)/.exec(tag)?.[1] : undefined;
  return { keys: [...new Set([lower, ...(size ? [`${base}:${size}`] : []), base])], base, ...(size ? { size } : {}) };
}

/** A tag's size may fall back to the base name only when the base's model is that size or names none (`ai/llama3.1:70b` is not the 8B model). */
function sizeAgrees(modelId: string, size: string | undefined): boolean {
  if (!size) return true;
  const named = /-(\d+b)-/.exec(modelId)?.[1];
  return named === undefined || named === size;
}

/**
 * The Bedrock model a compose model name stands for: an alias of the table, a Bedrock model id,
 * or a profile id (`us.…`, `global.…`) or LiteLLM's `bedrock/…` form of one. Undefined when Berth
 * has no counterpart for it.
 */
export function resolveModelName(written: string): ResolvedModelName | undefined {
  const { keys, base, size } = aliasKeys(written);
  for (const key of keys) {
    const alias = MODEL_ALIASES.find((a) => a.name === key);
    if (!alias || (key === base && !sizeAgrees(alias.model, size))) continue;
    return { model: BY_ID.get(alias.model)!, via: 'alias' };
  }
  const id = written.trim().replace(/^bedrock\//, '').replace(PROFILE_PREFIX, '');
  const model = BY_ID.get(id);
  return model ? { model, via: 'id' } : undefined;
}

/** The names an unmapped model could be replaced with, for the error that lists them. */
export function modelChoices(kind?: ModelKind): string[] {
  const names = MODEL_ALIASES.filter((a) => !kind || BY_ID.get(a.model)!.kind === kind).map((a) => a.name);
  return [...names, ...BEDROCK_MODELS.filter((b) => !kind || b.kind === kind).map((b) => b.id)];
}

/** The inference-profile geography a region's calls go through (undefined: none Berth knows). */
export function regionGeo(region: string): ModelGeo | undefined {
  if (region.startsWith('us-') && !region.startsWith('us-gov-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return undefined;
}

/**
 * The id Berth's services invoke a model by from `region`: the region's cross-region profile
 * when the model has one (more throughput, same price), else the model id itself; undefined when
 * Bedrock serves the model only through profiles and none starts in this region.
 */
export function invokeId(model: BedrockModelInfo, region: string): string | undefined {
  const geo = regionGeo(region);
  if (geo && model.geos.includes(geo)) return `${geo}.${model.id}`;
  return model.profileOnly ? undefined : model.id;
}

/** A Bedrock model id Berth knows. */
export function bedrockModel(id: string): BedrockModelInfo | undefined {
  return BY_ID.get(id);
}
