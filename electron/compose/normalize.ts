/** Turns one merged compose service into the ServiceModel the planner and the UI use. */
import type { EnvValue, FargateSize, ManagedStore, Platform, ServiceModel } from '../../shared/domain/project';
import { AppErrorException } from '../../shared/result';
import { serviceBuild } from './build';
import { serviceEnvironment, type EnvFileCache, type PlacedEnv } from './environment';
import { DEFAULT_FARGATE_SIZE, fargateSize } from './fargate';
import { gpuReservation } from './gpu';
import { replacedGatewayImage } from './llm';
import { serviceHealthcheck } from './healthcheck';
import { DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR, imageOrigin, versionFromImage } from './image';
import { checkDomainIngress, servicePorts, type PlacedPort } from './ports';
import type { Report } from './report';
import { get, lineCol, str, type At, type SNode } from './tree';
import { parseBytes, parseCpus, parseDuration, shellWords } from './units';

/** Engine versions used when the image tag names none (`postgres:latest`). */
export const DEFAULT_POSTGRES_VERSION = '17';
export const DEFAULT_REDIS_VERSION = '7.1';
/** Fargate's longest stop timeout. */
const MAX_STOP_SECONDS = 120;

/** A normalised service plus what later, project-wide checks need. */
export interface NormalisedService {
  model: ServiceModel;
  ports: PlacedPort[];
  env: Map<string, PlacedEnv>;
  dependsOn: { name: string; required: boolean; condition: string; at: At }[];
  /** `restart:` as written (`no`, `on-failure:3`, `always`…), and where. */
  restart?: string;
  restartAt?: At;
  /** Where `image:` is written. */
  imageAt?: At;
  /** Where the service is declared, and its healthcheck (for project-wide diagnostics). */
  sourceAt: At;
  healthcheckAt?: At;
}

export interface NormaliseContext {
  lookup: (name: string) => string | undefined;
  envFiles: EnvFileCache;
  report: Report;
  /** A provider service (`provider:`): it has no image of its own, Berth supplies what runs. */
  provided?: boolean;
}

/** Docker Hub images that are not official ones are pulled anonymously, which Docker rate-limits per IP address. */
function warnDockerHub(name: string, image: string, at: At, report: Report): void {
  if (imageOrigin(image).registry !== 'docker-hub') return;
  report.warning(
    'docker-hub-rate-limit',
    `${name} runs ${image} from Docker Hub, which allows ${DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR} anonymous pulls an hour per IP address. Tasks behind one NAT gateway (high availability mode) share an address, and a task that cannot pull its image does not start.`,
    'Add your Docker Hub account on the Connect screen (or `berth docker-hub login`): Berth then pulls it once through your account’s ECR cache, signed in. Or use the same image from public.ecr.aws or another registry.',
    at,
    name,
  );
}

/** Builds the model of service `name` from its merged node (declared at `declaredAt`). */
export async function normaliseService(name: string, svc: SNode, declaredAt: At, ctx: NormaliseContext): Promise<NormalisedService> {
  const { report } = ctx;
  const managed = managedStore(name, svc, report);
  const platform = servicePlatform(name, svc, report);
  const image = str(get(svc, 'image'));
  const build = await serviceBuild(get(svc, 'build'), name, platform, ctx.lookup, report);
  if (!image && !get(svc, 'build') && !ctx.provided) {
    report.error('service-no-image', `${name} has neither an image nor a build section, so there is nothing to run.`, 'Add `image:` (e.g. nginx:1.27) or `build:` (the folder with the Dockerfile).', declaredAt);
  }
  const ports = servicePorts(get(svc, 'ports'), name, report);
  const env = await serviceEnvironment(svc, name, ctx.lookup, ctx.envFiles, report, !managed);
  if (managed) completeManaged(managed, name, env, ports, image, report);
  const environment: Record<string, EnvValue> = {};
  for (const [k, v] of env) environment[k] = v.value;

  const { line, column } = lineCol(declaredAt);
  const model: ServiceModel = {
    name,
    ports: ports.map((p) => p.port),
    environment,
    replicas: replicas(name, svc, report),
    size: size(name, svc, report),
    dependsOn: [],
    platform,
    source: { file: declaredAt.src?.path ?? '', line, column },
  };
  if (image) model.image = image;
  const imageNode = get(svc, 'image');
  if (image && imageNode) {
    const at = lineCol(imageNode.at);
    model.imageSource = { file: imageNode.at.src?.path ?? model.source.file, line: at.line, column: at.column };
  }
  if (image && imageNode && !build && !managed && !replacedGatewayImage(svc, image)) warnDockerHub(name, image, imageNode.at, report);
  if (build) model.build = build;
  const command = commandOf(get(svc, 'command'), 'command', name, report);
  if (command) model.command = command;
  const entrypoint = commandOf(get(svc, 'entrypoint'), 'entrypoint', name, report);
  if (entrypoint) model.entrypoint = entrypoint;
  const healthcheck = serviceHealthcheck(get(svc, 'healthcheck'), name, report);
  if (healthcheck) model.healthcheck = healthcheck;
  if (managed) model.managed = managed;
  const domainname = str(get(svc, 'domainname'));
  if (domainname) model.domainname = domainname;
  if (domainname) checkDomainIngress(name, get(svc, 'domainname')?.at, ports, report);
  const policies = servicePolicies(name, get(svc, 'x-defang-policies'), report);
  if (policies.length > 0) model.policies = policies;
  const gpu = gpuReservation(name, svc, report);
  if (gpu) {
    model.gpu = gpu;
    if (platform === 'linux/arm64') report.error('gpu-arm64', `${name} reserves a GPU on linux/arm64; ECS GPU instances (and their AMI) are x86_64 only.`, 'Remove `platform: linux/arm64` from the service.', get(svc, 'platform')?.at ?? declaredAt);
    if (managed) report.error('gpu-managed-store', `${name} reserves a GPU but becomes a managed ${managed.kind === 'postgres' ? 'database' : 'cache'}.`, 'Remove the GPU reservation.', declaredAt);
  }
  const grace = stopGrace(name, get(svc, 'stop_grace_period'), report);
  if (grace !== undefined) model.stopGracePeriodSeconds = grace;
  const user = str(get(svc, 'user'));
  if (user) model.user = user;
  const workingDir = str(get(svc, 'working_dir'));
  if (workingDir) model.workingDir = workingDir;
  const init = flag(get(svc, 'init'));
  if (init !== undefined) model.init = init;
  const readOnly = flag(get(svc, 'read_only'));
  if (readOnly !== undefined) model.readOnly = readOnly;
  const profiles = get(svc, 'profiles');
  if (profiles?.kind === 'seq') model.profiles = profiles.items.map((p) => str(p) ?? '').filter(Boolean);

  const dependsOn: NormalisedService['dependsOn'] = [];
  const deps = get(svc, 'depends_on');
  if (deps?.kind === 'map') {
    for (const [dep, e] of deps.entries) {
      const required = get(e.value, 'required');
      const condition = str(get(e.value, 'condition')) ?? 'service_started';
      dependsOn.push({ name: dep, required: !(required?.kind === 'scalar' && required.value === false), condition, at: e.keyAt });
    }
  }
  const out: NormalisedService = { model, ports, env, dependsOn, sourceAt: declaredAt };
  const imageKey = svc.kind === 'map' ? svc.entries.get('image')?.keyAt : undefined;
  if (imageKey) out.imageAt = imageKey;
  const restart = get(svc, 'restart');
  if (restart?.kind === 'scalar' && restart.value !== null) {
    out.restart = String(restart.value === false ? 'no' : restart.value);
    // Diagnostics point at the key, as the support rules do.
    out.restartAt = (svc.kind === 'map' ? svc.entries.get('restart')?.keyAt : undefined) ?? restart.at;
  }
  const hcNode = get(svc, 'healthcheck');
  if (hcNode) out.healthcheckAt = hcNode.at;
  return out;
}

/**
 * A managed policy ARN IAM attaches: AWS's own (`arn:aws:iam::aws:policy/...`) or one of an
 * account's (`arn:aws:iam::<12 digits>:policy/...`), with an optional path; names use
 * letters, digits and `+=,.@_-` (IAM's rule for policy names).
 */
export const MANAGED_POLICY_ARN = /^arn:aws(-cn|-us-gov)?:iam::(aws|\d{12}):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;

/** `x-defang-policies`: a list of managed policy ARNs, or one comma-separated string (as Defang reads it). */
function servicePolicies(name: string, node: SNode | undefined, report: Report): string[] {
  if (!node || (node.kind === 'scalar' && node.value === null)) return [];
  const entries: { text: string; at: At }[] = [];
  if (node.kind === 'seq') {
    for (const item of node.items) {
      if (item.kind !== 'scalar' || typeof item.value !== 'string') {
        report.error('policy-arn-invalid', `x-defang-policies of ${name} holds something that is not a policy ARN.`, 'List managed policy ARNs as strings, e.g. `- arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess`.', item.at);
        continue;
      }
      for (const part of item.value.split(',')) if (part.trim()) entries.push({ text: part.trim(), at: item.at });
    }
  } else if (node.kind === 'scalar' && typeof node.value === 'string') {
    for (const part of node.value.split(',')) if (part.trim()) entries.push({ text: part.trim(), at: node.at });
  } else {
    report.error('policy-arn-invalid', `x-defang-policies of ${name} must be a list of managed policy ARNs.`, 'Write `x-defang-policies:` followed by `- arn:aws:iam::aws:policy/...` lines.', node.at);
    return [];
  }
  const policies: string[] = [];
  for (const { text, at } of entries) {
    if (!MANAGED_POLICY_ARN.test(text)) {
      report.error(
        'policy-arn-invalid',
        `"${text}" in x-defang-policies of ${name} is not a managed policy ARN; IAM would refuse it ("ARN ${text} is not valid.").`,
        'Write the full ARN: arn:aws:iam::aws:policy/<name> for an AWS managed policy, arn:aws:iam::<account id>:policy/<name> for your own.',
        at,
      );
    } else if (!policies.includes(text)) policies.push(text);
  }
  return policies;
}

function flag(node: SNode | undefined): boolean | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return node.value === true || node.value === 'true';
}

function servicePlatform(name: string, svc: SNode, report: Report): Platform {
  const node = get(svc, 'platform');
  const text = str(node)?.toLowerCase();
  if (!text || !node) return 'linux/amd64';
  if (['linux/amd64', 'linux/x86_64', 'amd64', 'x86_64'].includes(text)) return 'linux/amd64';
  if (['linux/arm64', 'linux/arm64/v8', 'linux/aarch64', 'arm64', 'aarch64'].includes(text)) return 'linux/arm64';
  report.error('platform-unsupported', `${name} asks for platform ${text}; Fargate runs linux/amd64 and linux/arm64.`, 'Use linux/amd64 or linux/arm64.', node.at);
  return 'linux/amd64';
}

function commandOf(node: SNode | undefined, key: string, name: string, report: Report): string[] | undefined {
  if (!node) return undefined;
  if (node.kind === 'seq') return node.items.map((i) => str(i) ?? '');
  if (node.kind !== 'scalar' || node.value === null) return undefined;
  const words = shellWords(String(node.value));
  if (words === null) {
    report.error('command-invalid', `The ${key} of ${name} has an unclosed quote.`, 'Close the quote, or write the command as a list.', node.at);
    return undefined;
  }
  return words;
}

function replicas(name: string, svc: SNode, report: Report): number {
  const deploy = get(svc, 'deploy');
  if (str(get(deploy, 'mode')) === 'global') return 1;
  const node = get(deploy, 'replicas') ?? get(svc, 'scale');
  if (node?.kind !== 'scalar' || node.value === null) return 1;
  const n = typeof node.value === 'number' ? node.value : /^\s*\d+\s*$/.test(String(node.value)) ? Number(node.value) : NaN;
  if (!Number.isInteger(n) || n < 0) {
    report.error('replicas-invalid', `The replica count of ${name} is not a whole number: "${String(node.value)}".`, 'Write a whole number such as 1 or 2.', node.at);
    return 1;
  }
  return n;
}

function size(name: string, svc: SNode, report: Report): FargateSize {
  const resources = get(get(svc, 'deploy'), 'resources');
  const pick = (key: 'cpus' | 'memory', ...fallbacks: (SNode | undefined)[]) =>
    get(get(resources, 'reservations'), key) ?? get(get(resources, 'limits'), key) ?? fallbacks.find((f) => f !== undefined);
  const cpuNode = pick('cpus', get(svc, 'cpus'));
  const memNode = pick('memory', get(svc, 'mem_reservation'), get(svc, 'mem_limit'));
  let cpus: number | undefined;
  let memoryMiB: number | undefined;
  if (cpuNode?.kind === 'scalar' && cpuNode.value !== null) {
    const parsed = typeof cpuNode.value === 'boolean' ? null : parseCpus(cpuNode.value);
    if (parsed === null) report.error('resources-invalid', `The CPU count of ${name} is not a number: "${String(cpuNode.value)}".`, 'Write a number of CPUs such as 0.5 or 2.', cpuNode.at);
    else cpus = parsed;
  }
  if (memNode?.kind === 'scalar' && memNode.value !== null) {
    const bytes = typeof memNode.value === 'boolean' ? null : parseBytes(memNode.value);
    if (bytes === null) report.error('resources-invalid', `The memory of ${name} is not a size: "${String(memNode.value)}".`, 'Write a size such as 512M or 2G.', memNode.at);
    else memoryMiB = bytes / (1024 * 1024);
  }
  try {
    return fargateSize(cpus, memoryMiB);
  } catch (error) {
    if (!(error instanceof AppErrorException)) throw error;
    report.error('resources-too-large', `${name}: ${error.message}`, 'Ask for at most 16 vCPU and 120 GB, or split the work across services.', (cpuNode ?? memNode ?? svc).at);
    return { ...DEFAULT_FARGATE_SIZE };
  }
}

function stopGrace(name: string, node: SNode | undefined, report: Report): number | undefined {
  if (node?.kind !== 'scalar' || node.value === null || typeof node.value === 'boolean') return undefined;
  const s = parseDuration(node.value);
  if (s === null) {
    report.error('duration-invalid', `stop_grace_period of ${name} is not a duration: "${String(node.value)}".`, 'Write a duration such as 10s or 1m30s.', node.at);
    return undefined;
  }
  if (s > MAX_STOP_SECONDS) {
    report.warning('stop-grace-period-range', `stop_grace_period of ${name} is ${s}s; Fargate waits at most ${MAX_STOP_SECONDS}s, which is used.`, `Set it to ${MAX_STOP_SECONDS}s or less.`, node.at);
    return MAX_STOP_SECONDS;
  }
  return Math.round(s);
}

function managedStore(name: string, svc: SNode, report: Report): ManagedStore | undefined {
  const pg = get(svc, 'x-defang-postgres');
  const redis = get(svc, 'x-defang-redis');
  const isOn = (n: SNode | undefined) => n !== undefined && !(n.kind === 'scalar' && (n.value === false || n.value === null || n.value === 'false'));
  if (isOn(pg) && isOn(redis)) {
    report.error('managed-conflict', `${name} is marked both x-defang-postgres and x-defang-redis.`, 'Keep one of the two.', (redis as SNode).at);
    return undefined;
  }
  if (isOn(pg)) return { kind: 'postgres', version: DEFAULT_POSTGRES_VERSION, port: 5432 };
  if (isOn(redis)) return { kind: 'redis', version: DEFAULT_REDIS_VERSION, port: 6379 };
  return undefined;
}

function completeManaged(store: ManagedStore, name: string, env: Map<string, PlacedEnv>, ports: PlacedPort[], image: string | undefined, report: Report): void {
  store.version = versionFromImage(image) ?? store.version;
  const first = ports[0];
  if (first) store.port = first.port.target;
  if (store.kind !== 'postgres') return;
  const literal = (k: string) => {
    const v = env.get(k)?.value;
    return v?.kind === 'literal' && v.value !== '' ? v.value : undefined;
  };
  store.user = literal('POSTGRES_USER') ?? 'postgres';
  store.database = literal('POSTGRES_DB') ?? store.user;
  store.passwordConfig = 'POSTGRES_PASSWORD';
  const password = env.get('POSTGRES_PASSWORD');
  if (password?.value.kind === 'literal') {
    report.warning(
      'managed-password-literal',
      `POSTGRES_PASSWORD of ${name} is written in the file; the managed database takes its password from the POSTGRES_PASSWORD config instead.`,
      'Write `- POSTGRES_PASSWORD` (no value) and set it in Berth’s Secrets.',
      password.at,
    );
    // The store still needs the config: record it as such so the deploy gate asks for it.
    env.set('POSTGRES_PASSWORD', { value: { kind: 'config', name: 'POSTGRES_PASSWORD' }, at: password.at });
  }
}
