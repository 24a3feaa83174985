/**
 * Model access through Amazon Bedrock, as Defang gives it on AWS:
 * - `provider: {type: model, options: {model}}` services and top-level `models:` entries become
 *   Berth's OpenAI-compatible gateway to Bedrock, at their compose name, on port 80 (`/v1` and
 *   `/api/v1`), and so does a service running Defang's own gateway image;
 * - services that depend on a gateway (or list it under `models:`) get `<NAME>_URL`,
 *   `<NAME>_MODEL` and `OPENAI_API_KEY` unless they set them (Docker's and Defang's contract);
 * - `x-defang-llm: true` on a service with its own image: its task role may invoke the models it
 *   names (a `*_MODEL` variable), and it gets `AWS_REGION` (added by the planner).
 * Model names map to Bedrock through shared/domain/models.ts; an unmapped one is a positioned error.
 */
import { bedrockModel, modelChoices, resolveModelName, type ModelKind } from '../../shared/domain/models';
import type { EnvValue, ModelUse, ServiceModel } from '../../shared/domain/project';
import { gatewayContextDir } from '../gateway/context';
import { DEFAULT_FARGATE_SIZE } from './fargate';
import type { NormalisedService } from './normalize';
import type { Report } from './report';
import { get, lineCol, str, type At, type SNode } from './tree';

/** The port Berth's gateway listens on: the one Defang's first gateway used, which samples hard-code (`http://llm/api/v1/`). */
export const GATEWAY_PORT = 80;

/** Defang's own gateway images, which Berth runs its gateway in place of (same API, models Berth can scope). */
const DEFANG_GATEWAY_IMAGE = /(^|\/)defangio\/openai-access-gateway(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/;

/** True for Defang's gateway image on an `x-defang-llm` service: Berth runs its own gateway there instead. */
export function replacedGatewayImage(svc: SNode, image: string | undefined): boolean {
  return image !== undefined && llmFlag(svc) === true && DEFANG_GATEWAY_IMAGE.test(image);
}

/** An environment variable that names the model a service asks for. */
const MODEL_VARIABLE = /(^|_)MODEL(_ID|_NAME)?$/;

function sourceOf(at: At): ModelUse['source'] {
  const { line, column } = lineCol(at);
  return { file: at.src?.path ?? '', line, column };
}

/** `x-defang-llm` as written: true, false, or absent. A mapping counts as true. */
export function llmFlag(svc: SNode): boolean | undefined {
  const node = get(svc, 'x-defang-llm');
  if (!node) return undefined;
  if (node.kind === 'scalar') return !(node.value === false || node.value === 'false' || node.value === null);
  return true;
}

/** Resolves one written model name, reporting an unmapped one where it is written. */
function resolveUse(service: string, written: string, at: At, report: Report, kind?: ModelKind, ownCode = false): ModelUse | undefined {
  const resolved = resolveModelName(written);
  if (!resolved) {
    // A model service cannot serve it (an error); a service's own code may call it elsewhere with its own key (a warning).
    const say = ownCode ? report.warning.bind(report) : report.error.bind(report);
    say(
      'model-unmapped',
      ownCode
        ? `${service} names the model "${written}", which is not an Amazon Bedrock model Berth knows, so its role gets no access to it (x-defang-llm).`
        : `${service} asks for the model "${written}", which Berth cannot map to an Amazon Bedrock model.`,
      `Use one of: ${modelChoices(kind).join(', ')} (see docs/models.md).`,
      at,
    );
    return undefined;
  }
  if (kind && resolved.model.kind !== kind) {
    report.error('model-kind-mismatch', `${service} asks for "${written}", which is ${resolved.model.kind === 'chat' ? 'a chat' : 'an embedding'} model (${resolved.model.name}), where ${kind === 'chat' ? 'a chat' : 'an embedding'} model is needed.`, `Use one of: ${modelChoices(kind).join(', ')}.`, at);
    return undefined;
  }
  return { name: written, model: resolved.model.id, source: sourceOf(at) };
}

/** The gateway's image build: Berth's own context, built in the account like a compose build. */
function gatewayBuild(): NonNullable<ServiceModel['build']> {
  return { context: gatewayContextDir(), builder: 'dockerfile', dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64' };
}

/** Turns a normalised service into Berth's gateway serving `model` (the name its clients send). */
export function makeGateway(service: NormalisedService, use: ModelUse, kind: ModelKind, replaces?: string): void {
  const m = service.model;
  delete m.image;
  delete m.imageSource;
  m.build = gatewayBuild();
  m.platform = 'linux/amd64';
  m.ports = [{ target: GATEWAY_PORT, protocol: 'tcp', mode: 'host' }];
  m.healthcheck = {
    test: ['CMD', 'node', '-e', `fetch('http://localhost:${GATEWAY_PORT}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
    intervalSeconds: 30,
    timeoutSeconds: 5,
    retries: 3,
    startPeriodSeconds: 10,
    httpPath: '/health',
  };
  delete m.command;
  delete m.entrypoint;
  const models: ModelUse[] = [use];
  // Clients of a one-model gateway may ask for `default` (Defang's first gateway's name for its model).
  if (use.name !== 'default') models.push({ name: 'default', model: use.model });
  m.llm = { models, gateway: { kind, ...(replaces ? { replaces } : {}) } };
}

/** A provider service (`provider: type: model`): Berth's gateway for its `options.model`. */
export function providerGateway(service: NormalisedService, svc: SNode, report: Report): void {
  const name = service.model.name;
  const provider = get(svc, 'provider')!;
  const type = str(get(provider, 'type'));
  if (type !== 'model') {
    report.error('provider-unsupported', `${name} is a provider service of type "${type ?? ''}"; Berth deploys only \`type: model\` providers (as an OpenAI-compatible gateway to Amazon Bedrock).`, 'Use `provider: {type: model, options: {model: …}}`, or give the service an image.', get(provider, 'type')?.at ?? provider.at);
    return;
  }
  const modelNode = get(get(provider, 'options'), 'model');
  const written = str(modelNode);
  if (!written || !modelNode) {
    report.error('provider-model-missing', `The model provider ${name} names no model.`, 'Add `options: {model: ai/smollm2}` (or another name from docs/models.md) under `provider`.', provider.at);
    return;
  }
  const use = resolveUse(name, written, modelNode.at, report);
  if (use) makeGateway(service, use, resolveModelName(written)!.model.kind);
}

/** A top-level `models:` entry: a gateway service of that name. */
export interface ComposeModelEntry {
  name: string;
  model: string;
  at: At;
  keyAt: At;
}

/** Reads the top-level `models:` (compose's model element), reporting what Bedrock ignores. */
export function topLevelModels(root: SNode, report: Report): ComposeModelEntry[] {
  const node = get(root, 'models');
  if (node?.kind !== 'map') return [];
  const out: ComposeModelEntry[] = [];
  for (const [name, e] of node.entries) {
    const modelNode = get(e.value, 'model');
    const model = str(modelNode);
    if (!model || !modelNode) {
      report.error('model-entry-invalid', `The model ${name} under \`models:\` names no model.`, 'Write `model: ai/smollm2` (or another name from docs/models.md).', e.keyAt);
      continue;
    }
    for (const ignored of ['context_size', 'runtime_flags']) {
      const at = get(e.value, ignored)?.at;
      if (at) report.warning('model-option-ignored', `\`${ignored}\` of model ${name} is not used: Bedrock models run with their own settings.`, `Remove \`${ignored}\`.`, at);
    }
    out.push({ name, model, at: modelNode.at, keyAt: e.keyAt });
  }
  return out;
}

/** The service a top-level `models:` entry becomes: Berth's gateway for that model, at the smallest Fargate size. */
export function modelService(entry: ComposeModelEntry, report: Report): NormalisedService {
  const source = sourceOf(entry.keyAt)!;
  const service: NormalisedService = {
    model: { name: entry.name, ports: [], environment: {}, replicas: 1, size: { ...DEFAULT_FARGATE_SIZE }, dependsOn: [], platform: 'linux/amd64', source },
    ports: [],
    env: new Map(),
    dependsOn: [],
    sourceAt: entry.keyAt,
  };
  const use = resolveUse(entry.name, entry.model, entry.at, report);
  if (use) makeGateway(service, use, resolveModelName(entry.model)!.model.kind);
  return service;
}

/** A service's use of a gateway: which one, and the variables it gets the URL and the model in. */
interface GatewayClient {
  client: NormalisedService;
  gateway: ServiceModel;
  urlVariable: string;
  modelVariable: string;
  /** `models:` users also wait for the gateway. */
  viaModels: boolean;
}

/** `chat` → `CHAT`, `embedding-model` → `EMBEDDING_MODEL` (as Docker names the variables). */
function variablePrefix(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** Who uses which gateway: `depends_on` on it, or `models:` naming it (short or long syntax). */
function gatewayClients(services: NormalisedService[], nodes: Map<string, SNode>, report: Report): GatewayClient[] {
  const gateways = new Map(services.filter((s) => s.model.llm?.gateway).map((s) => [s.model.name, s.model]));
  const out: GatewayClient[] = [];
  for (const s of services) {
    if (s.model.llm?.gateway || s.model.managed) continue;
    const seen = new Set<string>();
    const uses = get(nodes.get(s.model.name), 'models');
    const listed: { name: string; url?: string; model?: string; at: At }[] = [];
    if (uses?.kind === 'seq') for (const i of uses.items) listed.push({ name: str(i) ?? '', at: i.at });
    if (uses?.kind === 'map') for (const [name, e] of uses.entries) listed.push({ name, url: str(get(e.value, 'endpoint_var')), model: str(get(e.value, 'model_var')), at: e.keyAt });
    for (const l of listed) {
      const gateway = gateways.get(l.name);
      if (!gateway) {
        report.error('model-unknown', `${s.model.name} uses the model ${l.name}, but no model of that name is declared.`, 'Declare it under the top-level `models:`, or fix the name.', l.at);
        continue;
      }
      seen.add(l.name);
      out.push({ client: s, gateway, urlVariable: l.url ?? `${variablePrefix(l.name)}_URL`, modelVariable: l.model ?? `${variablePrefix(l.name)}_MODEL`, viaModels: true });
    }
    for (const dep of s.dependsOn) {
      const gateway = gateways.get(dep.name);
      if (gateway && !seen.has(dep.name)) out.push({ client: s, gateway, urlVariable: `${variablePrefix(dep.name)}_URL`, modelVariable: `${variablePrefix(dep.name)}_MODEL`, viaModels: false });
    }
  }
  return out;
}

/** The literal model names a service's environment asks for, with where they are written. */
function modelVariables(service: NormalisedService): { variable: string; value: EnvValue; at: At }[] {
  return [...service.env.entries()].filter(([k]) => MODEL_VARIABLE.test(k)).map(([variable, placed]) => ({ variable, value: placed.value, at: placed.at }));
}

/**
 * Wires model access across the project, once every service is normalised: Defang's gateway
 * image becomes Berth's gateway, gateway clients get their variables (never overwriting one they
 * set), gateways learn the extra names their clients ask for, and `x-defang-llm` services learn
 * the models their role may invoke.
 */
export function wireModelAccess(services: NormalisedService[], nodes: Map<string, SNode>, report: Report): void {
  for (const s of services) {
    const node = nodes.get(s.model.name);
    if (!node || s.model.llm?.gateway) continue;
    const image = s.model.image;
    if (image && replacedGatewayImage(node, image)) {
      makeGateway(s, { name: 'default', model: resolveModelName('default')!.model.id }, 'chat', image);
      report.info(
        'defang-gateway-replaced',
        `${s.model.name} runs Berth’s gateway to Amazon Bedrock in place of ${image}: the same OpenAI-compatible API (port ${GATEWAY_PORT}, /api/v1, OPENAI_API_KEY), with a task role that may invoke only the models this project names.`,
        'Nothing to do; see docs/models.md for the models it serves.',
        s.imageAt ?? s.sourceAt,
        s.model.name,
      );
    }
  }

  for (const use of gatewayClients(services, nodes, report)) {
    const env = use.client.model.environment;
    const gatewayModel = use.gateway.llm!.models[0]!;
    const inject = (variable: string, value: EnvValue) => {
      if (env[variable] === undefined) env[variable] = value;
    };
    inject(use.urlVariable, { kind: 'literal', value: `http://${use.gateway.name}/v1/` });
    inject(use.modelVariable, { kind: 'literal', value: gatewayModel.name });
    const key = use.gateway.environment.OPENAI_API_KEY;
    if (key) inject('OPENAI_API_KEY', key);
    if (use.viaModels && !use.client.model.dependsOn.includes(use.gateway.name)) use.client.model.dependsOn.push(use.gateway.name);
    // A model the client sets itself in the gateway's variable (`LLM_MODEL=default`) must be one the gateway serves.
    const own = use.client.env.get(use.modelVariable);
    if (own?.value.kind === 'literal') {
      const names = use.gateway.llm!.models;
      const written = own.value.value;
      const resolved = names.some((n) => n.name === written) ? undefined : resolveUse(use.client.model.name, written, own.at, report, use.gateway.llm!.gateway!.kind);
      if (resolved) names.push(resolved);
    }
  }

  for (const s of services) {
    const node = nodes.get(s.model.name);
    // A model provider that could not become a gateway was reported already.
    if (!node || s.model.llm?.gateway || !llmFlag(node) || get(node, 'provider')) continue;
    const models: ModelUse[] = [];
    const configModels: string[] = [];
    for (const v of modelVariables(s)) {
      if (v.value.kind === 'config') configModels.push(v.variable);
      else if (v.value.kind === 'literal') {
        const resolved = resolveUse(s.model.name, v.value.value, v.at, report, undefined, true);
        if (resolved && resolveModelName(v.value.value)?.via === 'alias') {
          // Its own code calls Bedrock with the value: an alias only a gateway understands would be refused.
          const model = bedrockModel(resolved.model)!;
          report.warning(
            'llm-model-alias-direct',
            `${s.model.name} reads ${v.variable}="${v.value.value}", a name Berth maps to ${model.name} (${model.id}) but Amazon Bedrock does not know: if its code calls Bedrock with it, Bedrock refuses ("The provided model identifier is invalid").`,
            `Write the Bedrock id (${model.id}${model.geos.length > 0 ? `, or its profile id for your region such as ${model.geos[0]}.${model.id}` : ''}); the role is granted what the value names. Or call a model service (provider: type: model), which maps such names.`,
            v.at,
          );
        }
        if (resolved && !models.some((m) => m.name === resolved.name)) models.push(resolved);
      }
    }
    if (models.length === 0 && configModels.length === 0 && modelVariables(s).length === 0) {
      const fallback = resolveModelName('default')!.model;
      models.push({ name: 'default', model: fallback.id });
      report.warning(
        'llm-model-unnamed',
        `${s.model.name} has x-defang-llm but names no model in a *_MODEL variable, so its role may invoke only Berth’s default model, ${fallback.name} (${fallback.id}).`,
        'Name the model your code calls, e.g. `LLM_MODEL: us.amazon.nova-lite-v1:0` (see docs/models.md).',
        get(node, 'x-defang-llm')!.at,
      );
    }
    s.model.llm = { models, ...(configModels.length > 0 ? { configModels } : {}) };
  }
}
