/**
 * InvokeModel for the embedding models: each family's request body checked as Bedrock checks it
 * (its JSON schema validator's "Malformed input request: …" errors) and answered in its own shape
 * with the responder's deterministic vectors.
 */
import { randomUUID } from 'node:crypto';
import { fail } from '../errors';
import type { CatalogModel } from './catalog';
import { embeddingOf, tokens } from './responder';

type Json = Record<string, unknown>;

const TITAN_V2_DIMENSIONS = [256, 512, 1024];
const COHERE_INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering'];
const COHERE_TRUNCATE = ['NONE', 'START', 'END'];
const COHERE_MAX_TEXTS = 96;

/** The validator's type names. */
function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'JSONArray';
  if (value === null) return 'Null';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'BigDecimal';
  return 'JSONObject';
}

class Schema {
  readonly errors: string[] = [];
  constructor(private readonly body: Json) {}
  required(key: string): this {
    if (!(key in this.body)) this.errors.push(`#: required key [${key}] not found`);
    return this;
  }
  only(keys: string[]): this {
    for (const key of Object.keys(this.body)) if (!keys.includes(key)) this.errors.push(`#: extraneous key [${key}] is not permitted`);
    return this;
  }
  type(key: string, expected: 'String' | 'Boolean' | 'JSONArray' | 'Integer'): this {
    const value = this.body[key];
    if (value !== undefined && typeName(value) !== expected) this.errors.push(`#/${key}: expected type: ${expected}, found: ${typeName(value)}`);
    return this;
  }
  oneOf(key: string, allowed: unknown[]): this {
    const value = this.body[key];
    if (value !== undefined && !allowed.includes(value)) this.errors.push(`#/${key}: ${JSON.stringify(value)} is not a valid enum value`);
    return this;
  }
  check(): void {
    if (this.errors.length > 0) fail('ValidationException', `Malformed input request: ${this.errors.join('')}, please reformat your input and try again.`);
  }
}

function titanV2(body: Json): { body: Json; inputTokens: number } {
  const s = new Schema(body).only(['inputText', 'dimensions', 'normalize', 'embeddingTypes']).required('inputText').type('inputText', 'String').type('normalize', 'Boolean').oneOf('dimensions', TITAN_V2_DIMENSIONS).type('embeddingTypes', 'JSONArray');
  if (typeof body.inputText === 'string' && body.inputText.length === 0) s.errors.push('#/inputText: expected minLength: 1, actual: 0');
  const types = Array.isArray(body.embeddingTypes) ? (body.embeddingTypes as unknown[]) : undefined;
  types?.forEach((t, i) => {
    if (t !== 'float' && t !== 'binary') s.errors.push(`#/embeddingTypes/${i}: ${JSON.stringify(t)} is not a valid enum value`);
  });
  s.check();
  if (types?.includes('binary')) fail('ValidationException', 'The Berth sandbox answers Titan Text Embeddings V2 with float vectors only: ask for embeddingTypes ["float"] or leave it out.');
  const text = body.inputText as string;
  const embedding = embeddingOf(text, Number(body.dimensions ?? 1024), body.normalize !== false);
  const inputTextTokenCount = tokens(text);
  return { body: { embedding, ...(types ? { embeddingsByType: { float: embedding } } : {}), inputTextTokenCount }, inputTokens: inputTextTokenCount };
}

function titanV1(body: Json): { body: Json; inputTokens: number } {
  new Schema(body).only(['inputText']).required('inputText').type('inputText', 'String').check();
  const text = body.inputText as string;
  const inputTextTokenCount = tokens(text);
  return { body: { embedding: embeddingOf(text, 1536), inputTextTokenCount }, inputTokens: inputTextTokenCount };
}

function cohereV3(body: Json): { body: Json; inputTokens: number } {
  const s = new Schema(body).only(['texts', 'input_type', 'truncate', 'embedding_types', 'images']).required('input_type').required('texts').type('texts', 'JSONArray').oneOf('input_type', COHERE_INPUT_TYPES).oneOf('truncate', COHERE_TRUNCATE).type('embedding_types', 'JSONArray');
  const texts = Array.isArray(body.texts) ? (body.texts as unknown[]) : [];
  if (texts.length > COHERE_MAX_TEXTS) s.errors.push(`#/texts: expected maximum item count: ${COHERE_MAX_TEXTS}, found: ${texts.length}`);
  texts.forEach((t, i) => {
    if (typeof t !== 'string') s.errors.push(`#/texts/${i}: expected type: String, found: ${typeName(t)}`);
  });
  s.check();
  const kinds = body.embedding_types as unknown[] | undefined;
  if (body.images !== undefined || (kinds && kinds.some((k) => k !== 'float'))) fail('ValidationException', 'The Berth sandbox answers Cohere Embed with float vectors of texts only: leave out images, and ask for embedding_types ["float"] or leave it out.');
  const vectors = (texts as string[]).map((t) => embeddingOf(t, 1024));
  return {
    body: kinds ? { id: randomUUID(), embeddings: { float: vectors }, texts, response_type: 'embeddings_by_type' } : { id: randomUUID(), embeddings: vectors, texts, response_type: 'embeddings_floats' },
    inputTokens: (texts as string[]).reduce((sum, t) => sum + tokens(t), 0),
  };
}

/** Answers InvokeModel for an embedding model: the response body and its input token count. */
export function embed(model: CatalogModel, raw: Buffer): { body: Json; inputTokens: number } {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    fail('ValidationException', 'Malformed input request: the body is not JSON (Berth sandbox), please reformat your input and try again.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('ValidationException', `Malformed input request: #: expected type: JSONObject, found: ${typeName(body)}, please reformat your input and try again.`);
  if (model.embedding === 'titan-v2') return titanV2(body as Json);
  if (model.embedding === 'titan-v1') return titanV1(body as Json);
  return cohereV3(body as Json);
}
