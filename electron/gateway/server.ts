/**
 * Berth's model gateway: a small OpenAI-compatible HTTP API (Chat Completions, Embeddings, Models)
 * in front of Amazon Bedrock, deployed as its own ECS service for each model service of a compose file.
 *
 * Runs as `node server.ts` on Node 24 (type stripping: erasable TypeScript only, `import type` for
 * types, no relative imports) and is imported by Berth's tests through `startGateway`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import type {
  BedrockRuntimeClientConfig,
  ContentBlock,
  ConverseCommandInput,
  ConverseCommandOutput,
  ConverseStreamOutput,
  Message,
  StopReason,
  SystemContentBlock,
  TokenUsage,
  ToolChoice,
  ToolConfiguration,
  ToolUseBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';

export interface GatewayOptions {
  /** PORT, AWS_REGION, OPENAI_API_KEY and BERTH_MODELS, as the task definition sets them. */
  env: Record<string, string | undefined>;
  /** Overrides PORT (0: a free port). */
  port?: number;
  host?: string;
  /** Bedrock's endpoint (tests: the sandbox's); AWS's for the region by default. */
  endpoint?: string;
  /** Credentials for Bedrock (tests: a role session); the SDK's chain, i.e. the ECS task role, by default. */
  credentials?: BedrockRuntimeClientConfig['credentials'];
  /** A Bedrock client to use instead of one made from `endpoint` and `credentials`. */
  client?: BedrockRuntimeClient;
  /** Where the one-line-per-request log goes (stdout by default). */
  log?: (line: string) => void;
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
// ECS waits 30 s (stopTimeout) between SIGTERM and SIGKILL: finish in-flight requests within that.
const DRAIN_MS = 25_000;
// Cohere Embed takes at most 96 texts per call.
const COHERE_BATCH = 96;
// Parallel InvokeModel calls per embeddings request: fast for a batch, gentle on Bedrock's quotas.
const EMBED_CONCURRENCY = 4;
const TITAN_V2_DIMENSIONS = [256, 512, 1024];

// ---------------------------------------------------------------------------------------------
// Configuration

const modelEntrySchema = z.object({
  id: z.string().min(1, 'needs a Bedrock model or inference-profile id'),
  kind: z.enum(['chat', 'embedding']),
});
type ModelEntry = z.infer<typeof modelEntrySchema>;
/** A JSON value as the SDK types it (tool inputs, tool schemas). */
type Document = NonNullable<ToolUseBlock['input']>;

const modelsSchema = z
  .record(z.string().min(1), modelEntrySchema)
  .refine((models) => Object.keys(models).length > 0, 'needs at least one model')
  .superRefine((models, ctx) => {
    for (const [name, entry] of Object.entries(models)) {
      if (entry.kind === 'embedding' && !embeddingFamily(entry.id)) {
        ctx.addIssue({
          code: 'custom',
          path: [name, 'id'],
          message: `${entry.id} is not an embedding model this gateway can call (Amazon Titan Text Embeddings or Cohere Embed)`,
        });
      }
    }
  });

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(80),
  AWS_REGION: z
    .string({ error: 'is required: the region whose Bedrock the gateway calls, e.g. us-east-1' })
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1'),
  OPENAI_API_KEY: z.string().default(''),
  BERTH_MODELS: z
    .string({ error: 'is required: JSON {"<name>": {"id": "<Bedrock id>", "kind": "chat" | "embedding"}}' })
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(modelsSchema),
});

interface Config {
  port: number;
  region: string;
  apiKey: string;
  models: Record<string, ModelEntry>;
}

/** Reads the environment the planner sets; throws one message naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable is an unset one (ECS task definitions often carry "" for optional values).
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key !== 'OPENAI_API_KEY' ? value !== '' : true));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${fieldPath(issue.path)} ${issue.message}`);
    throw new Error(`Invalid gateway configuration: ${problems.join('; ')}`);
  }
  const { PORT, AWS_REGION, OPENAI_API_KEY, BERTH_MODELS } = parsed.data;
  return { port: PORT, region: AWS_REGION, apiKey: OPENAI_API_KEY, models: BERTH_MODELS };
}

/** `['messages', 0, 'content']` → `messages[0].content`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

// ---------------------------------------------------------------------------------------------
// Errors in OpenAI's shape

class GatewayError extends Error {
  status: number;
  type: string;
  param: string | null;
  code: string | null;
  /** What the request log names (an AWS exception name, never a message). */
  logName: string | undefined;

  constructor(status: number, message: string, extra: { type?: string; param?: string | null; code?: string | null; logName?: string } = {}) {
    super(message);
    this.status = status;
    this.type = extra.type ?? errorType(status);
    this.param = extra.param ?? null;
    this.code = extra.code ?? null;
    this.logName = extra.logName;
  }

  body() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

function errorType(status: number): string {
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

// Bedrock's exception names → the status an OpenAI client reacts to (its SDKs retry 408, 409, 429
// and 5xx). A failure upstream of the gateway is a bad gateway (502), not the gateway's own 500.
const BEDROCK_STATUS: Record<string, number> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  InternalServerException: 502,
  ModelErrorException: 502,
  ModelStreamErrorException: 502,
  ModelNotReadyException: 503,
  ServiceUnavailableException: 503,
  ModelTimeoutException: 504,
};

// AWS refusing the gateway's own credentials: nothing its client can fix.
const CREDENTIALS_REFUSED = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'IncompleteSignatureException', 'ExpiredTokenException', 'InvalidClientTokenId']);

// Node's codes for a connection that failed or broke; the HTTP/2 handler wraps them (ERR_HTTP2_*, with the cause).
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT']);

/** The model a request is for, to name it in errors (`default (us.amazon.nova-micro-v1:0)`). */
interface Target {
  name: string;
  id: string;
}

interface AwsError {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
}

/** An exception Bedrock answered with (the SDK's ServiceException, or one inside its event stream). */
function isAwsError(error: unknown): error is AwsError {
  return error instanceof Error && '$fault' in error;
}

/** The code of a connection failure, looking through the SDK's wrapping; undefined for anything else. */
function networkCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_HTTP2_') ? code : undefined;
}

/** Bedrock's model catalog page for a model (a profile id names its model: `us.` and the like dropped). */
function consoleUrl(region: string, id: string): string {
  const model = id.replace(/^(us|eu|apac|jp|au|ca|us-gov|global)\./, '');
  return `https://${region}.console.aws.amazon.com/bedrock/home?region=${region}#/model-catalog/serverless/${model}`;
}

/**
 * Bedrock refusing a model: the task role's IAM policy, or the account's model access (Anthropic's
 * use-case form, an AWS Marketplace subscription, the legacy access page). Bedrock tells them apart
 * only in its message, so that is read; AWS's message is kept, as it names the role or the reason.
 */
function accessRefused(error: AwsError, target: Target, region: string): GatewayError {
  const which = `'${target.name}' (${target.id})`;
  const url = consoleUrl(region, target.id);
  const extra = { code: 'model_access_denied', logName: error.name };
  if (/not authorized to perform: bedrock:/.test(error.message)) {
    return new GatewayError(
      403,
      `The gateway's task role may not invoke the model ${which}: ${error.message}. Berth's deploy grants the role exactly the models the compose file names: deploy the project again (berth up) so the role covers this model.`,
      { ...extra, code: 'role_not_allowed' },
    );
  }
  const fix = /use case/i.test(error.message)
    ? `Submit Anthropic's use-case details once for the account in the Amazon Bedrock console (${url}); access follows within minutes.`
    : /marketplace|payment/i.test(error.message)
      ? `The model is sold through AWS Marketplace: subscribe the account once as a user allowed aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions (send the model one message in the Bedrock console's playground, ${url}), with a valid payment method on the account.`
      : `Request access to the model in the Amazon Bedrock console (${url}), or ask your administrator whether a policy denies it.`;
  return new GatewayError(403, `Model access to ${which} is not enabled for this AWS account in ${region}: ${error.message} ${fix} Then retry; \`berth up\` checks every model's access before it deploys.`, extra);
}

/** A Bedrock exception → the OpenAI-shaped error its client can act on. */
function fromBedrock(error: AwsError, target: Target | undefined, region: string): GatewayError {
  const { name, message } = error;
  const accessRelated = name === 'AccessDeniedException' || (name === 'ResourceNotFoundException' && /use case/i.test(message));
  if (accessRelated && target) return accessRefused(error, target, region);
  if (CREDENTIALS_REFUSED.has(name)) {
    return new GatewayError(502, `Amazon Bedrock refused the gateway's AWS credentials (${name}): check the ECS task role of this service.`, { code: 'bedrock_credentials', logName: name });
  }
  if (name === 'ValidationException' && /toolConfig\.toolChoice/.test(message)) {
    // Llama on Bedrock takes tools but cannot be made to call one: say what to send instead.
    const which = target ? ` '${target.name}' (${target.id})` : '';
    return new GatewayError(
      400,
      `The model${which} cannot be made to call a tool on Amazon Bedrock (${message}), so tool_choice "required" or a named function cannot be honoured. Send tool_choice "auto" or leave it out, or use a model that takes it (Amazon Nova, Anthropic Claude).`,
      { param: 'tool_choice', code: 'unsupported_tool_choice', logName: name },
    );
  }
  const http = error.$metadata?.httpStatusCode ?? 0;
  const status = BEDROCK_STATUS[name] ?? (http >= 400 && http < 500 ? http : 502);
  const about = target ? ` (model '${target.name}', ${target.id})` : '';
  const text = status >= 500 ? `Amazon Bedrock failed${about}: ${message}` : status === 404 ? `${message}${about}` : message;
  return new GatewayError(status, text, { code: name, logName: name });
}

/**
 * Anything a request threw → an OpenAI-shaped error: the gateway's own refusals as they are,
 * Bedrock's exceptions and an unreachable Bedrock mapped to 4xx/5xx, and everything else the
 * gateway's own fault (500), told without its message, which may hold request data.
 */
function toGatewayError(error: unknown, target: Target | undefined, region: string): GatewayError {
  if (error instanceof GatewayError) return error;
  if (isAwsError(error)) return fromBedrock(error, target, region);
  const network = networkCode(error);
  const name = error instanceof Error ? error.name : 'Error';
  if (network || name === 'TimeoutError') {
    const code = network ?? name;
    return new GatewayError(code === 'ETIMEDOUT' || code === 'TimeoutError' ? 504 : 502, `Amazon Bedrock in ${region} could not be reached from the gateway (${code}); try again.`, { code: 'bedrock_unreachable', logName: code });
  }
  if (name === 'CredentialsProviderError') {
    return new GatewayError(503, "The gateway could not load AWS credentials to call Amazon Bedrock with (its ECS task role's); try again.", { code: 'bedrock_credentials', logName: name });
  }
  // The client went away and its Bedrock call was cancelled: nobody reads this answer.
  if (name === 'AbortError') return new GatewayError(499, 'The client closed the request.', { code: 'client_closed_request', logName: name });
  return new GatewayError(500, 'The gateway failed to handle this request (a bug in the gateway, logged without its details).', { code: 'gateway_error', logName: `${name}${whereThrown(error)}` });
}

/** `@server.ts:123` — where a bug was thrown, for the log (a stack frame holds no request data). */
function whereThrown(error: unknown): string {
  const frame = error instanceof Error ? error.stack?.split('\n').find((line) => /^\s+at /.test(line)) : undefined;
  const place = frame?.match(/([^/\\(\s]+:\d+):\d+\)?$/)?.[1];
  return place ? `@${place}` : '';
}

function invalid(message: string, param: string | null, code: string | null = null): GatewayError {
  return new GatewayError(400, message, { param, code });
}

/** A zod failure → 400 naming the first bad field. */
function schemaError(error: z.ZodError): GatewayError {
  const issue = error.issues[0];
  const param = issue ? fieldPath(issue.path) : '';
  return invalid(`Invalid request: ${param || 'body'}: ${issue?.message ?? 'invalid'}`, param || null);
}

// ---------------------------------------------------------------------------------------------
// Request schemas (OpenAI's; unknown parameters are stripped, as LiteLLM's --drop_params does)

const textPart = z.object({ type: z.literal('text'), text: z.string() });
// Any content part parses; parts other than text are refused by name when translated.
const contentPart = z.looseObject({ type: z.string() });
const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string().nullish() }),
});

const chatMessage = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: textContent }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(contentPart)]) }),
  z.object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(contentPart)]).nullish(),
    tool_calls: z.array(toolCall).nullish(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: textContent }),
]);
type ChatMessage = z.infer<typeof chatMessage>;

const functionTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
  }),
});

const chatRequest = z.object({
  model: z.string().min(1),
  messages: z.array(chatMessage).min(1),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  tools: z.array(functionTool).nullish(),
  tool_choice: z
    .union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) })])
    .nullish(),
});
type ChatRequest = z.infer<typeof chatRequest>;

const embeddingRequest = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048), z.array(z.number()), z.array(z.array(z.number()))]),
  dimensions: z.number().int().positive().nullish(),
  encoding_format: z.enum(['float', 'base64']).nullish(),
});

// ---------------------------------------------------------------------------------------------
// Model names

function resolveModel(config: Config, requested: string, kind: ModelEntry['kind']): ModelEntry {
  const entry = config.models[requested] ?? Object.values(config.models).find((model) => model.id === requested);
  if (!entry) {
    const names = Object.keys(config.models).join(', ');
    // OpenAI answers an unknown model with 404 model_not_found.
    throw new GatewayError(404, `The model '${requested}' is not served by this gateway. Configured models: ${names} (or their Bedrock ids).`, { param: 'model', code: 'model_not_found' });
  }
  if (entry.kind !== kind) {
    const route = entry.kind === 'chat' ? '/chat/completions' : '/embeddings';
    throw invalid(`The model '${requested}' is ${entry.kind === 'chat' ? 'a chat' : 'an embedding'} model: use it with ${route}.`, 'model', 'model_not_supported');
  }
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Chat Completions → Converse

function textOf(content: string | { type: string; text?: unknown }[], param: string): string[] {
  if (typeof content === 'string') return [content];
  return content.map((part, index) => {
    if (part.type !== 'text' || typeof part.text !== 'string') {
      throw invalid(`Only text content parts are supported by this gateway (got '${part.type}').`, `${param}[${index}]`, 'unsupported_content');
    }
    return part.text;
  });
}

// Bedrock refuses blank text blocks.
function textBlocks(texts: string[]): ContentBlock[] {
  return texts.filter((text) => text.trim() !== '').map((text) => ({ text }));
}

function parseArguments(text: string | null | undefined, param: string): Document {
  if (!text || !text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Document;
  } catch {
    // Falls through to the error below.
  }
  throw invalid('Tool call arguments must be a JSON object encoded as a string.', param);
}

/** One OpenAI message → Bedrock role and blocks; with `nativeTools` false, tool traffic becomes text. */
function toBlocks(message: ChatMessage, index: number, nativeTools: boolean): { role: 'user' | 'assistant'; blocks: ContentBlock[] } {
  const param = `messages[${index}]`;
  switch (message.role) {
    case 'user':
      return { role: 'user', blocks: textBlocks(textOf(message.content, `${param}.content`)) };
    case 'assistant': {
      const blocks = textBlocks(message.content ? textOf(message.content, `${param}.content`) : []);
      (message.tool_calls ?? []).forEach((call, callIndex) => {
        const input = parseArguments(call.function.arguments, `${param}.tool_calls[${callIndex}].function.arguments`);
        blocks.push(
          nativeTools
            ? { toolUse: { toolUseId: call.id, name: call.function.name, input } }
            : { text: `[Called tool ${call.function.name} (call ${call.id}) with ${JSON.stringify(input)}]` },
        );
      });
      return { role: 'assistant', blocks };
    }
    case 'tool': {
      const text = textOf(message.content, `${param}.content`).join('\n');
      // Bedrock refuses an empty tool result; say so in words instead.
      const result = text.trim() ? text : '(no output)';
      const block: ContentBlock = nativeTools
        ? { toolResult: { toolUseId: message.tool_call_id, content: [{ text: result }] } }
        : { text: `[Result of tool call ${message.tool_call_id}: ${result}]` };
      return { role: 'user', blocks: [block] };
    }
    default:
      return { role: 'user', blocks: [] };
  }
}

/** OpenAI messages → Converse `system` and `messages` (consecutive same-role turns merged: Bedrock needs alternation). */
function toConverseMessages(messages: ChatMessage[], nativeTools: boolean): { system: SystemContentBlock[]; messages: Message[] } {
  const system: SystemContentBlock[] = [];
  const out: Message[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') {
      for (const text of textOf(message.content, `messages[${index}].content`)) if (text.trim()) system.push({ text });
      return;
    }
    const { role, blocks } = toBlocks(message, index, nativeTools);
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content = [...(last.content ?? []), ...blocks];
    else out.push({ role, content: blocks });
  });
  return { system, messages: out };
}

function toToolChoice(choice: ChatRequest['tool_choice']): ToolChoice | undefined {
  if (!choice || choice === 'auto') return undefined; // Bedrock's default is auto.
  if (choice === 'required') return { any: {} };
  if (typeof choice === 'object') return { tool: { name: choice.function.name } };
  return undefined;
}

function toToolConfig(request: ChatRequest): ToolConfiguration | undefined {
  // `none` offers no tools: Bedrock has no such choice, and a tool offered can be called.
  if (!request.tools?.length || request.tool_choice === 'none') return undefined;
  const toolChoice = toToolChoice(request.tool_choice);
  return {
    tools: request.tools.map(({ function: fn }) => ({
      toolSpec: {
        name: fn.name,
        ...(fn.description ? { description: fn.description } : {}),
        inputSchema: { json: (fn.parameters ?? { type: 'object', properties: {} }) as Document },
      },
    })),
    ...(toolChoice ? { toolChoice } : {}),
  };
}

// Models whose Converse refuses a system prompt ("This model doesn't support system messages").
const NO_SYSTEM_PROMPT = /^(?:[a-z]+\.)?mistral\.(?:mistral-7b|mixtral-8x7b)/;

/** For a model without system prompts, the instructions go first in the first user turn, as its chat template expects. */
function foldSystem(system: SystemContentBlock[], messages: Message[]): Message[] {
  const text = system.map((b) => b.text ?? '').join('\n\n');
  const [first, ...rest] = messages;
  if (!first) return messages;
  return [{ ...first, content: [{ text }, ...(first.content ?? [])] }, ...rest];
}

export function toConverseInput(request: ChatRequest, modelId: string): ConverseCommandInput {
  const toolConfig = toToolConfig(request);
  // Bedrock refuses toolUse/toolResult blocks without a toolConfig, so without one they go as text.
  const converted = toConverseMessages(request.messages, toolConfig !== undefined);
  const fold = converted.system.length > 0 && NO_SYSTEM_PROMPT.test(modelId);
  const system = fold ? [] : converted.system;
  const messages = fold ? foldSystem(converted.system, converted.messages) : converted.messages;
  const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  const inferenceConfig = dropUndefined({
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
    temperature: request.temperature ?? undefined,
    topP: request.top_p ?? undefined,
    stopSequences: stop?.length ? stop : undefined,
  });
  return {
    modelId,
    messages,
    ...(system.length ? { system } : {}),
    ...(Object.keys(inferenceConfig).length ? { inferenceConfig } : {}),
    ...(toolConfig ? { toolConfig } : {}),
  };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const FINISH_REASONS: Partial<Record<StopReason, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
};

function finishReason(reason: StopReason | string | undefined): string {
  return FINISH_REASONS[reason as StopReason] ?? 'stop';
}

function toUsage(usage: TokenUsage | undefined) {
  const prompt = usage?.inputTokens ?? 0;
  const completion = usage?.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: usage?.totalTokens ?? prompt + completion };
}

function completionId(): string {
  return `chatcmpl-${randomUUID().replaceAll('-', '')}`;
}

export function fromConverseOutput(output: ConverseCommandOutput, model: string) {
  const blocks = output.output?.message?.content ?? [];
  const text = blocks.flatMap((block) => (block.text !== undefined ? [block.text] : [])).join('');
  const toolCalls = blocks.flatMap((block) =>
    block.toolUse
      ? [{ id: block.toolUse.toolUseId ?? '', type: 'function', function: { name: block.toolUse.name ?? '', arguments: JSON.stringify(block.toolUse.input ?? {}) } }]
      : [],
  );
  return {
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text || (toolCalls.length ? null : ''), ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: finishReason(output.stopReason),
      },
    ],
    usage: toUsage(output.usage),
  };
}

/** ConverseStream events → OpenAI `chat.completion.chunk` objects, in order. */
export async function* toChunks(events: AsyncIterable<ConverseStreamOutput>, model: string, includeUsage: boolean): AsyncGenerator<Record<string, unknown>> {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  // Bedrock numbers every content block; OpenAI numbers tool calls only.
  const toolIndex = new Map<number, { index: number; argued: boolean }>();
  for await (const event of events) {
    if (event.messageStart) {
      yield chunk({ role: 'assistant', content: '' });
    } else if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      const index = toolIndex.size;
      toolIndex.set(event.contentBlockStart.contentBlockIndex ?? index, { index, argued: false });
      yield chunk({ tool_calls: [{ index, id: toolUseId, type: 'function', function: { name, arguments: '' } }] });
    } else if (event.contentBlockDelta?.delta) {
      const { delta, contentBlockIndex } = event.contentBlockDelta;
      if (delta.text !== undefined) yield chunk({ content: delta.text });
      const tool = toolIndex.get(contentBlockIndex ?? -1);
      if (delta.toolUse?.input && tool) {
        tool.argued = true;
        yield chunk({ tool_calls: [{ index: tool.index, function: { arguments: delta.toolUse.input } }] });
      }
    } else if (event.contentBlockStop) {
      // A tool without parameters streams no input: clients still expect a JSON object.
      const tool = toolIndex.get(event.contentBlockStop.contentBlockIndex ?? -1);
      if (tool && !tool.argued) yield chunk({ tool_calls: [{ index: tool.index, function: { arguments: '{}' } }] });
    } else if (event.messageStop) {
      yield chunk({}, finishReason(event.messageStop.stopReason));
    } else if (event.metadata && includeUsage) {
      yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: toUsage(event.metadata.usage) };
    } else {
      const failure = streamException(event);
      if (failure) throw failure;
    }
  }
}

// An exception delivered inside the event stream (the SDK usually throws these itself).
function streamException(event: ConverseStreamOutput): Error | undefined {
  for (const name of ['internalServerException', 'modelStreamErrorException', 'validationException', 'throttlingException', 'serviceUnavailableException'] as const) {
    const value = (event as unknown as Record<string, { message?: string } | undefined>)[name];
    if (value) return Object.assign(new Error(value.message ?? name), { name: name[0]!.toUpperCase() + name.slice(1), $fault: 'server' });
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Embeddings → InvokeModel

type EmbeddingFamily = 'titan-v2' | 'titan-v1' | 'cohere';

function embeddingFamily(id: string): EmbeddingFamily | undefined {
  if (/amazon\.titan-embed-text-v2/.test(id)) return 'titan-v2';
  if (/amazon\.titan-embed-(text-v1|g1-text)/.test(id)) return 'titan-v1';
  if (/cohere\.embed-/.test(id)) return 'cohere';
  return undefined;
}

interface Embedded {
  vectors: number[][];
  tokens: number;
}

async function invokeJson(client: BedrockRuntimeClient, modelId: string, body: unknown, signal: AbortSignal): Promise<Record<string, unknown>> {
  const output = await client.send(new InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(body) }), { abortSignal: signal });
  return JSON.parse(new TextDecoder().decode(output.body)) as Record<string, unknown>;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function embed(client: BedrockRuntimeClient, modelId: string, inputs: string[], dimensions: number | undefined, signal: AbortSignal): Promise<Embedded> {
  const family = embeddingFamily(modelId);
  if (family === 'cohere') {
    const batches = Array.from({ length: Math.ceil(inputs.length / COHERE_BATCH) }, (_, i) => inputs.slice(i * COHERE_BATCH, (i + 1) * COHERE_BATCH));
    const answers = await mapLimit(batches, EMBED_CONCURRENCY, (texts) => invokeJson(client, modelId, { texts, input_type: 'search_document' }, signal));
    // Embed v3 answers a list of vectors; v4 one list per embedding type.
    const vectors = answers.flatMap((answer) => {
      const embeddings = answer.embeddings as number[][] | { float?: number[][] };
      return Array.isArray(embeddings) ? embeddings : (embeddings?.float ?? []);
    });
    // Cohere's body carries no token count (Bedrock sends it only as a response header).
    return { vectors, tokens: 0 };
  }
  const answers = await mapLimit(inputs, EMBED_CONCURRENCY, (inputText) =>
    invokeJson(client, modelId, family === 'titan-v2' ? { inputText, ...(dimensions ? { dimensions } : {}), normalize: true } : { inputText }, signal),
  );
  return {
    vectors: answers.map((answer) => answer.embedding as number[]),
    tokens: answers.reduce((sum, answer) => sum + (Number(answer.inputTextTokenCount) || 0), 0),
  };
}

// OpenAI's SDKs ask for base64 by default: little-endian float32, as OpenAI sends.
function encodeVector(vector: number[], format: 'float' | 'base64'): number[] | string {
  return format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Context {
  config: Config;
  client: BedrockRuntimeClient;
  created: number;
}

/** What the request log line says (never a prompt, an answer or a header). */
interface LogEntry {
  model?: string;
  /** The configured model the request resolved to, named in its errors. */
  target?: Target;
  status: number;
  error?: string;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid('The request body is not valid JSON.', null, 'invalid_json');
  }
}

function tooLarge(): GatewayError {
  return new GatewayError(413, `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`, { code: 'request_too_large' });
}

async function parseBody<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJson(req));
  if (!parsed.success) throw schemaError(parsed.error);
  return parsed.data;
}

function sendJson(res: ServerResponse, entry: LogEntry, status: number, body: unknown): void {
  entry.status = status;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function keyMatches(sent: string, expected: string): boolean {
  // Equal-length digests: the comparison takes the same time whatever was sent.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

function checkAuth(req: IncomingMessage, apiKey: string): void {
  if (!apiKey) return;
  const header = req.headers.authorization;
  const sent = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
  if (!sent) {
    throw new GatewayError(401, 'No API key was sent: send it in an Authorization header (Authorization: Bearer <OPENAI_API_KEY>).', { code: 'missing_api_key' });
  }
  if (!keyMatches(sent, apiKey)) {
    throw new GatewayError(401, "Incorrect API key provided: it is not this gateway's OPENAI_API_KEY.", { code: 'invalid_api_key' });
  }
}

// Bedrock can take a while to produce a token; a slow client must not stall the gateway either.
// A client that has gone never drains: stop writing instead of waiting for it.
async function write(res: ServerResponse, text: string, signal: AbortSignal): Promise<void> {
  if (res.destroyed || res.writableEnded || signal.aborted) throw new ClientGone();
  if (res.write(text)) return;
  await new Promise<void>((done) => {
    const finish = () => {
      res.off('drain', finish).off('close', finish);
      signal.removeEventListener('abort', finish);
      done();
    };
    res.once('drain', finish).once('close', finish);
    signal.addEventListener('abort', finish, { once: true });
  });
  if (res.destroyed || signal.aborted) throw new ClientGone();
}

/** The client closed the stream: nothing is left to write to. */
class ClientGone extends Error {}

async function chatCompletions(req: IncomingMessage, res: ServerResponse, ctx: Context, entry: LogEntry, signal: AbortSignal): Promise<void> {
  const request = await parseBody(req, chatRequest);
  entry.model = request.model;
  const { id: modelId } = resolveModel(ctx.config, request.model, 'chat');
  entry.target = { name: request.model, id: modelId };
  const input = toConverseInput(request, modelId);
  if (!request.stream) {
    const output = await ctx.client.send(new ConverseCommand(input), { abortSignal: signal });
    sendJson(res, entry, 200, fromConverseOutput(output, request.model));
    return;
  }
  // Errors before the first event (access, validation) still get a proper status.
  const output = await ctx.client.send(new ConverseStreamCommand(input), { abortSignal: signal });
  if (!output.stream) throw new GatewayError(502, 'Bedrock answered without a stream.');
  entry.status = 200;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  try {
    for await (const chunk of toChunks(output.stream, request.model, request.stream_options?.include_usage === true)) {
      await write(res, `data: ${JSON.stringify(chunk)}\n\n`, signal);
    }
    await write(res, 'data: [DONE]\n\n', signal);
  } catch (error) {
    if (error instanceof ClientGone) {
      entry.error = 'client_closed';
      return;
    }
    // Headers are gone: OpenAI's clients raise an `error` event as an API error.
    const failure = toGatewayError(error, entry.target, ctx.config.region);
    entry.status = failure.status;
    entry.error = failure.logName ?? 'stream_error';
    if (!res.destroyed) await write(res, `data: ${JSON.stringify(failure.body())}\n\n`, signal).catch(() => undefined);
  }
  res.end();
}

async function embeddings(req: IncomingMessage, res: ServerResponse, ctx: Context, entry: LogEntry, signal: AbortSignal): Promise<void> {
  const request = await parseBody(req, embeddingRequest);
  entry.model = request.model;
  const { id: modelId } = resolveModel(ctx.config, request.model, 'embedding');
  entry.target = { name: request.model, id: modelId };
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  if (!inputs.every((value): value is string => typeof value === 'string')) {
    throw invalid('Token arrays are not supported as input: send text.', 'input', 'unsupported_input');
  }
  const family = embeddingFamily(modelId);
  const dimensions = request.dimensions ?? undefined;
  if (dimensions !== undefined && family === 'titan-v2' && !TITAN_V2_DIMENSIONS.includes(dimensions)) {
    throw invalid(`Titan Text Embeddings v2 makes vectors of ${TITAN_V2_DIMENSIONS.join(', ')} dimensions, not ${dimensions}.`, 'dimensions');
  }
  const { vectors, tokens } = await embed(ctx.client, modelId, inputs, family === 'titan-v2' ? dimensions : undefined, signal);
  const format = request.encoding_format ?? 'float';
  sendJson(res, entry, 200, {
    object: 'list',
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: encodeVector(vector, format) })),
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function modelObject(ctx: Context, name: string) {
  return { id: name, object: 'model', created: ctx.created, owned_by: 'berth' };
}

/** `//api/v1//chat/completions/` → `/api/v1/chat/completions`: clients join base URLs loosely. */
function normalizePath(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!.replace(/\/{2,}/g, '/');
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}

const ROUTES = ['GET /health', 'GET /', 'POST /v1/chat/completions', 'POST /v1/embeddings', 'GET /v1/models', 'GET /v1/models/{model}'];

async function route(req: IncomingMessage, res: ServerResponse, ctx: Context, path: string, entry: LogEntry, signal: AbortSignal): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/health' && method === 'GET') return sendJson(res, entry, 200, { status: 'ok' });
  if (path === '/' && method === 'GET') {
    return sendJson(res, entry, 200, { status: 'ok', service: 'berth-model-gateway', routes: ROUTES, prefixes: ['/v1', '/api/v1'] });
  }
  const api = /^\/(?:api\/)?v1(\/.+)$/.exec(path)?.[1];
  const allowed = api === '/chat/completions' || api === '/embeddings' ? 'POST' : api === '/models' || api?.startsWith('/models/') ? 'GET' : undefined;
  if (!api || !allowed) throw new GatewayError(404, `Unknown route: ${method} ${path}.`, { code: 'unknown_url' });
  if (method !== allowed) throw new GatewayError(405, `${path} takes ${allowed}, not ${method}.`, { code: 'method_not_allowed' });
  checkAuth(req, ctx.config.apiKey);
  if (api === '/chat/completions') return chatCompletions(req, res, ctx, entry, signal);
  if (api === '/embeddings') return embeddings(req, res, ctx, entry, signal);
  if (api === '/models') return sendJson(res, entry, 200, { object: 'list', data: Object.keys(ctx.config.models).map((name) => modelObject(ctx, name)) });
  const name = decodedName(api.slice('/models/'.length));
  if (!ctx.config.models[name]) throw new GatewayError(404, `The model '${name}' is not served by this gateway.`, { param: 'model', code: 'model_not_found' });
  return sendJson(res, entry, 200, modelObject(ctx, name));
}

/** A path segment as the client meant it; a malformed escape (`%E0`) is no model's name. */
function decodedName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GatewayError(404, 'The model in the path is not validly URL-encoded.', { param: 'model', code: 'model_not_found' });
  }
}

// Log values come from clients: one line each, no control characters, bounded.
function clean(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

function logLine(method: string, path: string, entry: LogEntry, ms: number): string {
  const model = entry.model === undefined ? '-' : JSON.stringify(clean(entry.model));
  return `${clean(method)} ${clean(path)} model=${model} status=${entry.status} ms=${Math.round(ms)}${entry.error ? ` error=${entry.error}` : ''}`;
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const path = normalizePath(req.url);
  const entry: LogEntry = { status: 500 };
  // A client that goes away cancels its Bedrock call.
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  try {
    await route(req, res, ctx, path, entry, abort.signal);
  } catch (error) {
    const failure = toGatewayError(error, entry.target, ctx.config.region);
    entry.status = failure.status;
    entry.error = failure.logName;
    if (!res.headersSent) {
      // An oversized body is left unread: close the connection rather than read it.
      if (failure.status === 413) res.setHeader('connection', 'close');
      sendJson(res, entry, failure.status, failure.body());
    } else if (!res.writableEnded) {
      res.end();
    }
  } finally {
    log(logLine(req.method ?? '-', path, entry, performance.now() - started));
  }
}

function listen(server: Server, port: number, host: string | undefined): Promise<AddressInfo> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done(server.address() as AddressInfo);
    });
  });
}

function urlFor(address: AddressInfo, host: string | undefined): string {
  const shown = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}`;
}

/** Starts the gateway; rejects with a message naming the variable when the configuration is bad. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const config = loadConfig(options.env);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const client = options.client ?? new BedrockRuntimeClient({ region: config.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.credentials ? { credentials: options.credentials } : {}) });
  const ctx: Context = { config, client, created: Math.floor(Date.now() / 1000) };
  let closing = false;
  const server = createServer((req, res) => {
    // While draining, answer in-flight keep-alive connections and then let them go.
    if (closing) res.setHeader('connection', 'close');
    res.once('finish', () => {
      if (closing) server.closeIdleConnections();
    });
    void handle(req, res, ctx, log);
  });
  const address = await listen(server, options.port ?? config.port, options.host);
  log(`berth-gateway listening on port ${address.port} in ${config.region}: models ${Object.keys(config.models).join(', ')}; auth ${config.apiKey ? 'on' : 'off'}`);
  let closed: Promise<void> | undefined;
  return {
    url: urlFor(address, options.host),
    close: () =>
      (closed ??= new Promise<void>((done, fail) => {
        closing = true;
        const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          // A client of our own holds HTTP/2 sessions to Bedrock open.
          if (!options.client) client.destroy();
          if (error) fail(error);
          else done();
        });
        server.closeIdleConnections();
      })),
  };
}

async function main(): Promise<void> {
  let gateway: Gateway;
  try {
    gateway = await startGateway({ env: process.env });
  } catch (error) {
    process.stderr.write(`berth-gateway: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  // ECS sends SIGTERM: stop accepting, finish what is in flight, exit.
  const stop = (signal: string) => {
    process.stdout.write(`berth-gateway: ${signal}, finishing in-flight requests\n`);
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

// Bundled into another program (a benchmark, CommonJS) there is no module URL: it is not the entry point then.
if (process.argv[1] && import.meta.url && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
