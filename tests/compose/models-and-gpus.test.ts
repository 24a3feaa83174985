/** Model services, x-defang-llm and GPU reservations, as the compose engine reads them (issue 16). */
import { afterAll, describe, expect, it } from 'vitest';
import { modelChoices, resolveModelName } from '../../shared/domain/models';
import { gatewayContextDir } from '../../electron/gateway/context';
import { brief, cleanupProjects, context, loadFiles, placed } from './helpers';

afterAll(cleanupProjects);

const service = (project: Awaited<ReturnType<typeof loadFiles>>['project'], name: string) => project!.services.find((s) => s.name === name)!;

describe('model services (provider: type: model, models:)', () => {
  it('become Berth’s gateway at their compose name, and dependents get URL, model and key without overwriting what they set', async () => {
    const r = await loadFiles({
      ...context(),
      'compose.yaml': [
        'services:',
        '  app:',
        '    build: ./app',
        '    depends_on: [chat, embedding]',
        '    environment:',
        '      CHAT_MODEL: default',
        '  chat:',
        '    provider: {type: model, options: {model: chat-default}}',
        '    x-defang-llm: true',
        '    environment: {OPENAI_API_KEY: defang}',
        '  embedding:',
        '    provider: {type: model, options: {model: embedding-default}}',
      ].join('\n'),
    });
    expect(brief(r.diagnostics).filter((d) => !d.includes('env-literal-secret'))).toEqual([]);
    const chat = service(r.project, 'chat');
    expect(chat.build).toMatchObject({ context: gatewayContextDir(), dockerfile: 'Dockerfile', builder: 'dockerfile', platform: 'linux/amd64' });
    expect(chat.image).toBeUndefined();
    expect(chat.ports).toEqual([{ target: 80, protocol: 'tcp', mode: 'host' }]);
    expect(chat.llm).toMatchObject({ gateway: { kind: 'chat' }, models: [{ name: 'chat-default', model: 'amazon.nova-2-lite-v1:0' }, { name: 'default', model: 'amazon.nova-2-lite-v1:0' }] });
    expect(service(r.project, 'embedding').llm).toMatchObject({ gateway: { kind: 'embedding' }, models: [{ model: 'amazon.titan-embed-text-v2:0' }, { name: 'default' }] });
    expect(service(r.project, 'app').environment).toEqual({
      CHAT_MODEL: { kind: 'literal', value: 'default' },
      CHAT_URL: { kind: 'literal', value: 'http://chat/v1/' },
      EMBEDDING_URL: { kind: 'literal', value: 'http://embedding/v1/' },
      EMBEDDING_MODEL: { kind: 'literal', value: 'embedding-default' },
      OPENAI_API_KEY: { kind: 'literal', value: 'defang' },
    });
    expect(r.project!.notDeployed).toEqual([]);
    expect(r.project!.hostReferences.find((h) => h.host === 'chat')?.answer).toMatchObject({ kind: 'service', service: 'chat' });
  });

  it('an unmapped model is an error at options.model that names the choices', async () => {
    const r = await loadFiles({
      'compose.yaml': ['services:', '  llm:', '    provider:', '      type: model', '      options:', '        model: ai/gemma3'].join('\n'),
    });
    const d = r.diagnostics.find((x) => x.code === 'model-unmapped')!;
    expect(d).toMatchObject({ severity: 'error', line: 6, column: 16, path: 'services.llm.provider.options.model' });
    expect(d.message).toContain('"ai/gemma3"');
    expect(d.fix).toContain('ai/smollm2');
    expect(d.fix).toContain('amazon.nova-lite-v1:0');
    expect(brief(r.diagnostics)).not.toContain('warning llm-model-unnamed services.llm.x-defang-llm');
  });

  it('refuses other provider types and a provider without a model', async () => {
    const r = await loadFiles({
      'compose.yaml': ['services:', '  a:', '    provider: {type: mcp}', '  b:', '    provider: {type: model}'].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual(['error provider-unsupported services.a.provider.type', 'error provider-model-missing services.b.provider']);
  });

  it('a client asking its gateway for an embedding model by a chat gateway’s variable is refused', async () => {
    const r = await loadFiles({
      ...context(),
      'compose.yaml': ['services:', '  app:', '    build: ./app', '    depends_on: [llm]', '    environment: {LLM_MODEL: embedding-default}', '  llm:', '    provider: {type: model, options: {model: ai/smollm2}}'].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual(['error model-kind-mismatch services.app.environment.LLM_MODEL']);
  });

  it('a client naming another known model in the gateway’s variable gets it served too', async () => {
    const r = await loadFiles({
      ...context(),
      'compose.yaml': ['services:', '  app:', '    build: ./app', '    depends_on: [llm]', '    environment: {LLM_MODEL: ai/llama3.2:3B-Q4_K_M}', '  llm:', '    provider: {type: model, options: {model: ai/smollm2}}'].join('\n'),
    });
    expect(service(r.project, 'llm').llm!.models.map((m) => `${m.name}=${m.model}`)).toEqual([
      'ai/smollm2=amazon.nova-micro-v1:0',
      'default=amazon.nova-micro-v1:0',
      'ai/llama3.2:3B-Q4_K_M=meta.llama3-2-3b-instruct-v1:0',
    ]);
  });

  it('top-level models: become gateways; `models:` users wait for them and get the variables they name', async () => {
    const r = await loadFiles({
      ...context(),
      'compose.yaml': [
        'services:',
        '  app:',
        '    build: ./app',
        '    models:',
        '      smart-model: {endpoint_var: AI_URL, model_var: AI_MODEL}',
        '      embed-model: {}',
        'models:',
        '  smart-model: {model: ai/llama3.3, context_size: 8192}',
        '  embed-model: {model: ai/mxbai-embed-large}',
      ].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual(['warning model-option-ignored models.smart-model.context_size']);
    const app = service(r.project, 'app');
    expect(app.dependsOn.sort()).toEqual(['embed-model', 'smart-model']);
    expect(app.environment).toMatchObject({
      AI_URL: { value: 'http://smart-model/v1/' },
      AI_MODEL: { value: 'ai/llama3.3' },
      EMBED_MODEL_URL: { value: 'http://embed-model/v1/' },
      EMBED_MODEL_MODEL: { value: 'ai/mxbai-embed-large' },
    });
    expect(service(r.project, 'smart-model').llm?.models[0]).toMatchObject({ model: 'meta.llama3-3-70b-instruct-v1:0' });
  });

  it('a model named like a service, and a service using an undeclared model, are errors', async () => {
    const r = await loadFiles({
      ...context(),
      'compose.yaml': ['services:', '  app:', '    build: ./app', '    models: [nope]', '  llm:', '    image: x', 'models:', '  llm: {model: ai/smollm2}'].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual(['error model-unknown services.app.models[0]', 'error model-name-taken models.llm']);
  });
});

describe('x-defang-llm', () => {
  it('Defang’s gateway image is replaced by Berth’s, with the same API, and not pulled from Docker Hub', async () => {
    const r = await loadFiles({
      ...context(),
      'compose.yaml': [
        'services:',
        '  app:',
        '    build: ./app',
        '    depends_on: [llm]',
        '    environment: [LLM_URL=http://llm/api/v1/, LLM_MODEL=default]',
        '  llm:',
        '    image: defangio/openai-access-gateway:latest',
        '    x-defang-llm: true',
        '    ports: [{target: 80, mode: host}]',
      ].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual(['info defang-gateway-replaced services.llm.image']);
    const llm = service(r.project, 'llm');
    expect(llm.image).toBeUndefined();
    expect(llm.llm).toMatchObject({ gateway: { kind: 'chat', replaces: 'defangio/openai-access-gateway:latest' }, models: [{ name: 'default', model: 'amazon.nova-micro-v1:0' }] });
    // The app set its own URL: it is kept.
    expect(service(r.project, 'app').environment.LLM_URL).toEqual({ kind: 'literal', value: 'http://llm/api/v1/' });
  });

  it('a service with its own image may invoke the models its *_MODEL variables name; config-valued ones are checked at deploy; false turns it off', async () => {
    const r = await loadFiles({
      ...context(),
      'compose.yaml': [
        'services:',
        '  agent:',
        '    build: ./app',
        '    x-defang-llm: true',
        '    environment: {LLM_MODEL: us.anthropic.claude-3-5-sonnet-20241022-v2:0, EMBEDDING_MODEL_ID: amazon.titan-embed-text-v2:0}',
        '  configured:',
        '    build: ./app',
        '    x-defang-llm: true',
        '    environment: [LLM_MODEL]',
        '  off:',
        '    build: ./app',
        '    x-defang-llm: false',
        '    environment: {LLM_MODEL: default}',
        '  bare:',
        '    build: ./app',
        '    x-defang-llm: true',
        '  elsewhere:',
        '    build: ./app',
        '    x-defang-llm: true',
        '    environment: {LLM_MODEL: google/gemini-2.5-flash}',
      ].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual(['warning llm-model-unnamed services.bare.x-defang-llm', 'warning model-unmapped services.elsewhere.environment.LLM_MODEL']);
    expect(service(r.project, 'agent').llm!.models.map((m) => m.model)).toEqual(['anthropic.claude-3-5-sonnet-20241022-v2:0', 'amazon.titan-embed-text-v2:0']);
    expect(service(r.project, 'configured').llm).toEqual({ models: [], configModels: ['LLM_MODEL'] });
    expect(service(r.project, 'off').llm).toBeUndefined();
    expect(service(r.project, 'bare').llm!.models).toEqual([{ name: 'default', model: 'amazon.nova-micro-v1:0' }]);
    expect(service(r.project, 'elsewhere').llm).toEqual({ models: [] });
  });
});

describe('x-defang-llm names its own code calls Bedrock with', () => {
  it('warns, where it is written, that an alias is not a name Bedrock knows, and names the id to write', async () => {
    const r = await loadFiles({ ...context(), 'compose.yaml': ['services:', '  agent:', '    build: ./app', '    x-defang-llm: true', '    environment:', '      LLM_MODEL: nova-pro', '      EMBEDDING_MODEL: amazon.titan-embed-text-v2:0'].join('\n') });
    expect(placed(r.diagnostics)).toEqual(['warning llm-model-alias-direct 6:7']);
    const d = r.diagnostics.find((x) => x.code === 'llm-model-alias-direct')!;
    expect(d.message).toContain('agent reads LLM_MODEL="nova-pro", a name Berth maps to Amazon Nova Pro (amazon.nova-pro-v1:0) but Amazon Bedrock does not know');
    expect(d.fix).toContain('or its profile id for your region such as us.amazon.nova-pro-v1:0');
    expect(service(r.project, 'agent').llm!.models.map((m) => m.name)).toEqual(['nova-pro', 'amazon.titan-embed-text-v2:0']);
  });
});

describe('the model table', () => {
  it('maps aliases, Docker names with tags, Bedrock ids, profile ids and LiteLLM’s bedrock/ form', () => {
    expect(resolveModelName('ai/smollm2:latest')?.model.id).toBe('amazon.nova-micro-v1:0');
    expect(resolveModelName('ai/llama3.2:1B-F16')?.model.id).toBe('meta.llama3-2-1b-instruct-v1:0');
    expect(resolveModelName('ai/llama3.2:3B-Q4_0')?.model.id).toBe('meta.llama3-2-3b-instruct-v1:0');
    expect(resolveModelName('bedrock/us.amazon.nova-2-lite-v1:0')?.model.id).toBe('amazon.nova-2-lite-v1:0');
    expect(resolveModelName('global.anthropic.claude-sonnet-4-5-20250929-v1:0')?.via).toBe('id');
    expect(resolveModelName('gpt-4o')).toBeUndefined();
    // A size in the tag is never swapped for another size of the family.
    expect(resolveModelName('ai/llama3.1:70B-Q4_K_M')?.model.id).toBe('meta.llama3-1-70b-instruct-v1:0');
    expect(resolveModelName('ai/llama3.2:11B')).toBeUndefined();
    expect(resolveModelName('ai/mistral:7B-Q4_0')?.model.id).toBe('mistral.mistral-7b-instruct-v0:2');
    expect(resolveModelName('ai/deepseek-r1-distill-llama:8B')?.model.id).toBe('deepseek.r1-v1:0');
    expect(modelChoices('embedding')).toEqual(expect.arrayContaining(['embedding-default', 'amazon.titan-embed-text-v2:0']));
    expect(modelChoices('embedding')).not.toContain('default');
  });
});

describe('GPU reservations', () => {
  it('count GPUs from devices (no count is one, as in Defang) and gpus:, with the task’s CPU and memory', async () => {
    const r = await loadFiles({
      ...context(),
      'compose.yaml': [
        'services:',
        '  one:',
        '    build: ./app',
        '    deploy: {resources: {reservations: {cpus: "2.0", memory: 8192M, devices: [{capabilities: [gpu]}]}}}',
        '  two:',
        '    build: ./app',
        '    deploy: {resources: {reservations: {devices: [{capabilities: [gpu], count: 2, driver: nvidia}]}}}',
        '  all:',
        '    build: ./app',
        '    gpus: all',
        '  requested:',
        '    build: ./app',
        '    gpus: [{driver: nvidia, count: 4}]',
      ].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual([]);
    // A gpus: entry is a device request with the gpu capability implied: its count counts.
    expect(service(r.project, 'requested').gpu).toMatchObject({ count: 4 });
    expect(service(r.project, 'one').gpu).toMatchObject({ count: 1, cpu: 2048, memory: 8192, source: { line: 4 } });
    expect(service(r.project, 'two').gpu).toMatchObject({ count: 2, cpu: 1024, memory: 4096 });
    expect(service(r.project, 'all').gpu).toMatchObject({ count: 1 });
  });

  it('refuses other devices, other drivers, impossible counts and arm64, where they are written', async () => {
    const r = await loadFiles({
      ...context(),
      'compose.yaml': [
        'services:',
        '  tpu:',
        '    build: ./app',
        '    deploy: {resources: {reservations: {devices: [{capabilities: [tpu]}]}}}',
        '  amd:',
        '    build: ./app',
        '    deploy: {resources: {reservations: {devices: [{capabilities: [gpu], driver: amdgpu}]}}}',
        '  many:',
        '    build: ./app',
        '    deploy: {resources: {reservations: {devices: [{capabilities: [gpu], count: 16}]}}}',
        '  arm:',
        '    build: ./app',
        '    platform: linux/arm64',
        '    deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}',
      ].join('\n'),
    });
    expect(placed(r.diagnostics)).toEqual(['error device-not-gpu 4:66', 'error gpu-driver-unsupported 7:81', 'error gpu-count-invalid 10:80', 'error gpu-arm64 13:15']);
  });
});
