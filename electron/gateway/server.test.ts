/**
 * Berth's model gateway against the sandbox's Bedrock (the real runtime client, over HTTP/2): the
 * OpenAI routes Defang's samples call (`<URL>/chat/completions` with URL ending `/v1/` or
 * `/api/v1/`, streaming, embeddings), and every way a request fails — the client's mistakes,
 * Bedrock's refusals mapped to OpenAI's statuses, an unreachable Bedrock, and the gateway's own bug.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { sandboxClientConfig, startSandbox, type Sandbox } from '../sandbox';
import { startGateway, type Gateway } from './server';

const KEY = 'sk-test-gateway-key-0123456789';
const LABEL = '[Berth sandbox: fixed local responder, not a model]';
// As electron/plan/models.ts gatewayModelTable writes it for us-east-1.
const MODELS = {
  default: { id: 'us.amazon.nova-micro-v1:0', kind: 'chat' },
  'ai/smollm2': { id: 'us.amazon.nova-micro-v1:0', kind: 'chat' },
  claude: { id: 'us.anthropic.claude-3-haiku-20240307-v1:0', kind: 'chat' },
  'embedding-default': { id: 'amazon.titan-embed-text-v2:0', kind: 'embedding' },
  cohere: { id: 'cohere.embed-english-v3', kind: 'embedding' },
};
const ENV = { AWS_REGION: 'us-east-1', OPENAI_API_KEY: KEY, BERTH_MODELS: JSON.stringify(MODELS) };

let sandbox: Sandbox;
let gateway: Gateway;
const logs: string[] = [];
const extra: Gateway[] = [];

/** A gateway on a free port, logging into `logs`, closed after the suite. */
async function gatewayWith(options: Partial<Parameters<typeof startGateway>[0]> = {}): Promise<Gateway> {
  const g = await startGateway({ env: ENV, port: 0, host: '127.0.0.1', endpoint: sandbox.endpoint, credentials: sandbox.credentials, log: (l) => logs.push(l), ...options });
  extra.push(g);
  return g;
}

/** A runtime client whose ConverseStream events pass through `rewrite` (a broken or endless stream). */
function clientWithStream(rewrite: (events: AsyncIterable<unknown>) => AsyncIterable<unknown>): BedrockRuntimeClient {
  const client = new BedrockRuntimeClient(sandboxClientConfig(sandbox));
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { stream?: AsyncIterable<unknown> };
      output.stream = rewrite(output.stream!);
      return result;
    },
    { step: 'initialize', name: 'rewriteStream' },
  );
  return client;
}

/** The parts of OpenAI's response bodies these tests read. */
interface OpenAiBody {
  object?: string;
  id?: string;
  model?: string;
  status?: string;
  owned_by?: string;
  prefixes?: string[];
  data?: { id: string; object: string; index: number; embedding: number[] | string }[];
  choices?: { message: { role: string; content: string; tool_calls?: { function: { name: string; arguments: string } }[] }; finish_reason: string }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  error?: { message: string; type: string; param: string | null; code: string | null };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: OpenAiBody;
}

async function call(base: string, path: string, init: { method?: string; body?: unknown; key?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = init.key === undefined ? KEY : init.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${base}${path}`, { method: init.method ?? (init.body ? 'POST' : 'GET'), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  let json: OpenAiBody = {};
  try {
    json = JSON.parse(text) as OpenAiBody;
  } catch {
    // SSE or empty.
  }
  return { status: res.status, headers: res.headers, text, json };
}

const hello = (model = 'default', extraFields: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'Hello from the gateway test' }], ...extraFields });

/** The `data:` payloads of an SSE body, in order. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      return block.slice('data: '.length);
    });
}

/** OpenAI's error body: exactly these four fields. */
function expectOpenAiError(answer: Answer, status: number, code?: string): { message: string; type: string; param: string | null; code: string | null } {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/json');
  expect(Object.keys(answer.json)).toEqual(['error']);
  const error = answer.json.error!;
  expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof error.message).toBe('string');
  if (code !== undefined) expect(error.code).toBe(code);
  return error;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

beforeAll(async () => {
  sandbox = await startSandbox({ speed: 'instant' });
  gateway = await gatewayWith();
});

afterAll(async () => {
  for (const g of extra) await g.close();
  await sandbox?.close();
});

beforeEach(() => {
  sandbox.setFaults({});
});

describe('routes', () => {
  it('answers /health without a key, and names its routes at /', async () => {
    const health = await call(gateway.url, '/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
    const root = await call(gateway.url, '/', { key: null });
    expect(root.json.prefixes).toEqual(['/v1', '/api/v1']);
  });

  it('lists the configured models under /v1 and /api/v1, and one by name', async () => {
    for (const prefix of ['/v1', '/api/v1']) {
      const list = await call(gateway.url, `${prefix}/models`);
      expect(list.status).toBe(200);
      expect(list.json.object).toBe('list');
      expect(list.json.data!.map((m) => m.id)).toEqual(Object.keys(MODELS));
      expect(list.json.data!.every((m) => m.object === 'model')).toBe(true);
    }
    const one = await call(gateway.url, '/api/v1/models/ai%2Fsmollm2');
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: 'ai/smollm2', object: 'model', owned_by: 'berth' });
    expectOpenAiError(await call(gateway.url, '/v1/models/gpt-4o'), 404, 'model_not_found');
  });

  it('refuses an unknown route and a wrong method in OpenAI’s error shape', async () => {
    expectOpenAiError(await call(gateway.url, '/v2/chat/completions', { body: hello() }), 404, 'unknown_url');
    expectOpenAiError(await call(gateway.url, '/v1/chat/completions'), 405, 'method_not_allowed');
  });
});

describe('chat completions', () => {
  it('answers the managed-llm sample’s request (LLM_URL http://llm/api/v1/ + "chat/completions", stream false)', async () => {
    const answer = await call(`${gateway.url}/api/v1/`, 'chat/completions', { body: hello('default', { stream: false }) });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ object: 'chat.completion', model: 'default' });
    expect(answer.json.id).toMatch(/^chatcmpl-/);
    const [choice] = answer.json.choices!;
    expect(choice!.message.role).toBe('assistant');
    expect(choice!.message.content.startsWith(LABEL)).toBe(true);
    // The sandbox's responder names the Bedrock model it was called as, and echoes the user's text.
    expect(choice!.message.content).toContain('amazon.nova-micro-v1:0');
    expect(choice!.message.content).toContain('Hello from the gateway test');
    expect(choice!.finish_reason).toBe('stop');
    const usage = answer.json.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('answers at /v1/chat/completions with a system prompt and a Bedrock id as the model name', async () => {
    const answer = await call(gateway.url, '/v1/chat/completions', {
      body: { model: 'us.amazon.nova-micro-v1:0', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Second question' }] }], max_tokens: 200 },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.choices![0]!.message.content).toContain('Second question');
  });

  it('streams chat.completion.chunk events ending in data: [DONE]', async () => {
    const answer = await call(gateway.url, '/api/v1/chat/completions', { body: hello('default', { stream: true, stream_options: { include_usage: true } }) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    const data = sseData(answer.text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { id: string; object: string; choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[]; usage?: { total_tokens: number } | null });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const text = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('');
    expect(text.startsWith(LABEL)).toBe(true);
    expect(text).toContain('Hello from the gateway test');
    expect(chunks.flatMap((c) => c.choices).at(-1)!.finish_reason).toBe('stop');
    // With include_usage the last chunk has no choices and the usage.
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('passes a tool call through as OpenAI tool_calls', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const answer = await call(gateway.url, '/v1/chat/completions', { body: hello('default', { tools }) });
    expect(answer.status, answer.text).toBe(200);
    const choice = answer.json.choices![0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls![0]!.function).toEqual({ name: 'get_weather', arguments: JSON.stringify({ city: 'sandbox' }) });
  });
});

describe('embeddings', () => {
  it('embeds a list of texts with Titan, as floats and as base64', async () => {
    const answer = await call(gateway.url, '/api/v1/embeddings', { body: { model: 'embedding-default', input: ['first text', 'second text'] } });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ object: 'list', model: 'embedding-default' });
    const data = answer.json.data!;
    expect(data.map((d) => [d.object, d.index])).toEqual([['embedding', 0], ['embedding', 1]]);
    expect(data[0]!.embedding).toHaveLength(1024);
    expect(data[0]!.embedding).not.toEqual(data[1]!.embedding);
    expect(answer.json.usage!.prompt_tokens).toBeGreaterThan(0);

    const small = await call(gateway.url, '/v1/embeddings', { body: { model: 'embedding-default', input: 'first text', dimensions: 256, encoding_format: 'base64' } });
    expect(small.status, small.text).toBe(200);
    const bytes = Buffer.from(small.json.data![0]!.embedding as string, 'base64');
    const vector = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(vector).toHaveLength(256);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
  });

  it('embeds with Cohere', async () => {
    const answer = await call(gateway.url, '/v1/embeddings', { body: { model: 'cohere', input: 'a text' } });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.data![0]!.embedding).toHaveLength(1024);
  });
});

describe('the client’s mistakes', () => {
  it('refuses a missing or wrong bearer token with 401, without echoing the key', async () => {
    const missing = expectOpenAiError(await call(gateway.url, '/api/v1/chat/completions', { body: hello(), key: null }), 401, 'missing_api_key');
    expect(missing.type).toBe('invalid_request_error');
    const wrong = expectOpenAiError(await call(gateway.url, '/api/v1/chat/completions', { body: hello(), key: 'sk-wrong-key-4711' }), 401, 'invalid_api_key');
    expect(wrong.message).not.toContain('sk-wrong-key-4711');
    expect(wrong.message).not.toContain(KEY);
    expectOpenAiError(await call(gateway.url, '/v1/models', { key: 'FAKE_TOKEN' }), 401, 'invalid_api_key');
    expectOpenAiError(await call(gateway.url, '/v1/embeddings', { body: { model: 'embedding-default', input: 'x' }, key: null }), 401);
  });

  it('refuses a model it does not serve with 404, naming the choices', async () => {
    const error = expectOpenAiError(await call(gateway.url, '/v1/chat/completions', { body: hello('gpt-4o') }), 404, 'model_not_found');
    expect(error.param).toBe('model');
    expect(error.message).toContain("'gpt-4o'");
    for (const name of Object.keys(MODELS)) expect(error.message).toContain(name);
  });

  it('refuses a chat model for embeddings (and the reverse) with 400, naming the route to use', async () => {
    expect(expectOpenAiError(await call(gateway.url, '/v1/embeddings', { body: { model: 'default', input: 'x' } }), 400, 'model_not_supported').message).toContain('/chat/completions');
    expect(expectOpenAiError(await call(gateway.url, '/v1/chat/completions', { body: hello('embedding-default') }), 400, 'model_not_supported').message).toContain('/embeddings');
  });

  it('refuses a malformed body with 400 naming the field', async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: '{"model": ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const error = expectOpenAiError(await call(gateway.url, '/v1/chat/completions', { body: { model: 'default', messages: [] } }), 400);
    expect(error.param).toBe('messages');
  });
});

describe('Bedrock’s refusals', () => {
  afterAll(() => sandbox.setModelAccess({ 'amazon.nova-micro-v1:0': null, 'anthropic.claude-3-haiku-20240307-v1:0': null, 'cohere.embed-english-v3': null }));

  it('maps a Bedrock ValidationException to 400 with Bedrock’s message', async () => {
    const error = expectOpenAiError(await call(gateway.url, '/v1/chat/completions', { body: hello('default', { max_tokens: 1_000_000 }) }), 400, 'ValidationException');
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/The maximum tokens you requested exceeds the model limit/);
  });

  it('maps model access not enabled to 403 naming the model and how to enable it, also when streaming', async () => {
    sandbox.setModelAccess({ 'amazon.nova-micro-v1:0': 'not-enabled' });
    for (const stream of [false, true]) {
      const error = expectOpenAiError(await call(gateway.url, '/api/v1/chat/completions', { body: hello('default', { stream }) }), 403, 'model_access_denied');
      expect(error.type).toBe('permission_error');
      expect(error.message).toContain("'default' (us.amazon.nova-micro-v1:0)");
      expect(error.message).toContain("You don't have access to the model with the specified model ID.");
      expect(error.message).toContain('Request access to the model in the Amazon Bedrock console (https://us-east-1.console.aws.amazon.com/bedrock/home?region=us-east-1#/model-catalog/serverless/amazon.nova-micro-v1:0)');
    }
    sandbox.setModelAccess({ 'amazon.nova-micro-v1:0': null });
    expect((await call(gateway.url, '/api/v1/chat/completions', { body: hello() })).status).toBe(200);
  });

  it('maps Anthropic’s missing use-case form (Bedrock’s 404) to 403 with the form as the fix', async () => {
    sandbox.setModelAccess({ 'anthropic.claude-3-haiku-20240307-v1:0': 'use-case-required' });
    const error = expectOpenAiError(await call(gateway.url, '/v1/chat/completions', { body: hello('claude') }), 403, 'model_access_denied');
    expect(error.message).toContain("'claude' (us.anthropic.claude-3-haiku-20240307-v1:0)");
    expect(error.message).toContain('Model use case details have not been submitted for this account.');
    expect(error.message).toContain("Submit Anthropic's use-case details once for the account in the Amazon Bedrock console");
    expect(error.message).toContain('serverless/anthropic.claude-3-haiku-20240307-v1:0');
  });

  it('maps a failed AWS Marketplace subscription to 403 with the subscription as the fix', async () => {
    sandbox.setModelAccess({ 'cohere.embed-english-v3': 'payment-invalid' });
    const error = expectOpenAiError(await call(gateway.url, '/v1/embeddings', { body: { model: 'cohere', input: 'x' } }), 403, 'model_access_denied');
    expect(error.message).toContain("'cohere' (cohere.embed-english-v3)");
    expect(error.message).toContain('INVALID_PAYMENT_INSTRUMENT');
    expect(error.message).toContain('aws-marketplace:Subscribe');
  });

  it('maps Bedrock’s throttling to 429 and its internal errors to 502', async () => {
    sandbox.setFaults({ bedrock: { throttleRate: 1 } });
    const throttled = expectOpenAiError(await call(gateway.url, '/v1/chat/completions', { body: hello() }), 429, 'ThrottlingException');
    expect(throttled.type).toBe('rate_limit_error');
    sandbox.setFaults({ bedrock: { errorRate: 1 } });
    const failed = expectOpenAiError(await call(gateway.url, '/v1/embeddings', { body: { model: 'embedding-default', input: 'x' } }), 502, 'InternalServerException');
    expect(failed.type).toBe('server_error');
    expect(failed.message).toContain("model 'embedding-default'");
  }, 20_000);

  it('answers 502 when Bedrock cannot be reached', async () => {
    const unreachable = await gatewayWith({ endpoint: `http://127.0.0.1:${await freePort()}` });
    const error = expectOpenAiError(await call(unreachable.url, '/v1/chat/completions', { body: hello() }), 502, 'bedrock_unreachable');
    expect(error.type).toBe('server_error');
    expect(error.message).toContain('Amazon Bedrock in us-east-1 could not be reached from the gateway (ECONNREFUSED)');
  }, 20_000);

  it('answers 502 when Bedrock refuses the gateway’s credentials, without showing them', async () => {
    const stranger = { accessKeyId: 'stranger-access-key-id', secretAccessKey: 'stranger-secret-value' };
    const refused = await gatewayWith({ credentials: stranger });
    const answer = await call(refused.url, '/v1/chat/completions', { body: hello() });
    const error = expectOpenAiError(answer, 502, 'bedrock_credentials');
    expect(error.message).toContain('task role');
    expect(answer.text).not.toContain(stranger.accessKeyId);
    expect(answer.text).not.toContain(stranger.secretAccessKey);
  });
});

describe('the gateway’s own failures', () => {
  it('answers a bug with 500 and tells neither the client nor the log its details', async () => {
    const secret = 'canary-leaked-detail-5c2e';
    const client = new BedrockRuntimeClient(sandboxClientConfig(sandbox));
    client.middlewareStack.add(
      () => async () => {
        throw new TypeError(`Cannot read properties of undefined (reading '${secret}') in /app/server.ts`);
      },
      { step: 'initialize', name: 'gatewayBug' },
    );
    const buggy = await gatewayWith({ client });
    const before = logs.length;
    for (const stream of [false, true]) {
      const answer = await call(buggy.url, '/v1/chat/completions', { body: hello('default', { stream }) });
      const error = expectOpenAiError(answer, 500, 'gateway_error');
      expect(error.type).toBe('server_error');
      expect(answer.text).not.toContain(secret);
      expect(answer.text).not.toContain('Cannot read');
      expect(answer.text).not.toContain('/app/');
    }
    const lines = logs.slice(before);
    expect(lines.filter((l) => / status=500 /.test(l))).toHaveLength(2);
    expect(lines.every((l) => !l.includes(secret) && !l.includes('Cannot read'))).toBe(true);
    // The log says what failed and where, so the bug can be found.
    expect(lines.find((l) => / status=500 /.test(l))).toMatch(/error=TypeError@server\.test\.ts:\d+/);
    client.destroy();
  });

  it('reports Bedrock failing mid-stream as an OpenAI error event, after the 200 it already sent', async () => {
    // Bedrock's stream breaks after its first event, as a ModelStreamErrorException does.
    const client = clientWithStream(async function* (events) {
      for await (const event of events) {
        yield event;
        throw Object.assign(new Error('The model stream broke.'), { name: 'ModelStreamErrorException', $fault: 'client', $metadata: { httpStatusCode: 424 } });
      }
    });
    const broken = await gatewayWith({ client });
    const answer = await call(broken.url, '/v1/chat/completions', { body: hello('default', { stream: true }) });
    expect(answer.status).toBe(200);
    const data = sseData(answer.text);
    expect(data).not.toContain('[DONE]');
    expect(JSON.parse(data[0]!)).toMatchObject({ object: 'chat.completion.chunk' });
    expect(JSON.parse(data.at(-1)!)).toEqual({
      error: { message: "Amazon Bedrock failed (model 'default', us.amazon.nova-micro-v1:0): The model stream broke.", type: 'server_error', param: null, code: 'ModelStreamErrorException' },
    });
    expect(logs.at(-1)).toMatch(/ status=502 ms=\d+ error=ModelStreamErrorException$/);
    client.destroy();
  });

  it('stops streaming when the client goes away, and logs it, instead of waiting on it forever', async () => {
    // Bedrock keeps producing after the client has gone: the first event, then more, a little later each.
    const client = clientWithStream(async function* (events) {
      for await (const event of events) {
        for (let i = 0; i < 200; i++) {
          yield event;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    });
    const slow = await gatewayWith({ client });
    const before = logs.length;
    const abort = new AbortController();
    const res = await fetch(`${slow.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: JSON.stringify(hello('default', { stream: true })), signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await expect.poll(() => logs.slice(before).find((l) => l.includes('error=client_closed')), { timeout: 5000 }).toMatch(/^POST \/v1\/chat\/completions model="default" status=200 ms=\d+ error=client_closed$/);
    client.destroy();
  });

  it('folds the system prompt into the first turn for Mistral 7B, which Bedrock refuses system prompts for', async () => {
    const runtime = new BedrockRuntimeClient(sandboxClientConfig(sandbox));
    const mistral = 'mistral.mistral-7b-instruct-v0:2';
    const refused = await runtime.send(new ConverseCommand({ modelId: mistral, system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'hi' }] }] })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'ValidationException', message: "This model doesn't support system messages. Try again without a system message or use a model that supports system messages." });
    runtime.destroy();
    const g = await gatewayWith({ env: { ...ENV, BERTH_MODELS: JSON.stringify({ 'ai/mistral': { id: mistral, kind: 'chat' } }) } });
    const answer = await call(g.url, '/v1/chat/completions', { body: { model: 'ai/mistral', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello from the gateway test' }] } });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.choices![0]!.message.content.startsWith(LABEL)).toBe(true);
  });

  it('forces a tool call on Nova, and explains why it cannot on Llama 3.1, which Bedrock refuses toolChoice for', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const forced = await call(gateway.url, '/v1/chat/completions', { body: hello('default', { tools, tool_choice: 'required' }) });
    expect(forced.status, forced.text).toBe(200);
    expect(forced.json.choices![0]!.finish_reason).toBe('tool_calls');
    const llama = 'us.meta.llama3-1-8b-instruct-v1:0';
    const runtime = new BedrockRuntimeClient(sandboxClientConfig(sandbox));
    const toolConfig = { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] };
    const direct = await runtime.send(new ConverseCommand({ modelId: llama, messages: [{ role: 'user', content: [{ text: 'hi' }] }], toolConfig: { ...toolConfig, toolChoice: { any: {} } } })).catch((e: unknown) => e);
    expect(direct).toMatchObject({ name: 'ValidationException', message: "This model doesn't support the toolConfig.toolChoice.any field. Remove toolConfig.toolChoice.any and try again." });
    runtime.destroy();
    const g = await gatewayWith({ env: { ...ENV, BERTH_MODELS: JSON.stringify({ 'ai/llama3.1': { id: llama, kind: 'chat' } }) } });
    for (const [choice, field] of [
      ['required', 'any'],
      [{ type: 'function', function: { name: 'get_weather' } }, 'tool'],
    ] as const) {
      const error = expectOpenAiError(await call(g.url, '/v1/chat/completions', { body: hello('ai/llama3.1', { tools, tool_choice: choice }) }), 400, 'unsupported_tool_choice');
      expect(error.param).toBe('tool_choice');
      expect(error.message).toContain(`The model 'ai/llama3.1' (${llama}) cannot be made to call a tool on Amazon Bedrock (This model doesn't support the toolConfig.toolChoice.${field} field.`);
      expect(error.message).toContain('Send tool_choice "auto" or leave it out');
    }
    // Left to the model, Llama calls the tool.
    const auto = await call(g.url, '/v1/chat/completions', { body: hello('ai/llama3.1', { tools, tool_choice: 'auto' }) });
    expect(auto.status, auto.text).toBe(200);
    expect(auto.json.choices![0]!.finish_reason).toBe('tool_calls');
  });

  it('answers a malformed model name in the path with 404, not a gateway error', async () => {
    const answer = await call(gateway.url, '/v1/models/%E0', { method: 'GET' });
    expect(answer.status).toBe(404);
    expect(answer.json.error).toMatchObject({ code: 'model_not_found', message: 'The model in the path is not validly URL-encoded.' });
  });

  it('refuses to start with a bad configuration, naming each variable', async () => {
    await expect(startGateway({ env: { BERTH_MODELS: '{"x": {"id": "amazon.nova-micro-v1:0", "kind": "chat"}}' }, port: 0 })).rejects.toThrow(/AWS_REGION is required/);
    await expect(startGateway({ env: { AWS_REGION: 'us-east-1', BERTH_MODELS: '{not json' }, port: 0 })).rejects.toThrow(/BERTH_MODELS is not valid JSON/);
    await expect(startGateway({ env: { AWS_REGION: 'us-east-1', BERTH_MODELS: '{"e": {"id": "amazon.nova-micro-v1:0", "kind": "embedding"}}' }, port: 0 })).rejects.toThrow(/not an embedding model/);
  });

  it('never writes the API key, the AWS secret or a prompt to its log', () => {
    expect(logs.length).toBeGreaterThan(10);
    for (const line of logs) {
      expect(line).not.toContain(KEY);
      expect(line).not.toContain(sandbox.credentials.secretAccessKey);
      expect(line).not.toContain('Hello from the gateway test');
    }
    expect(logs.some((l) => /^POST \/api\/v1\/chat\/completions model="default" status=200 ms=\d+$/.test(l))).toBe(true);
    expect(logs.some((l) => / status=403 ms=\d+ error=AccessDeniedException$/.test(l))).toBe(true);
  });
});
