/** The normalised Compose project: what the compose engine hands to the planner and the UI. */
import type { Diagnostic } from './diagnostics';

export type Platform = 'linux/amd64' | 'linux/arm64';

/** A container port and how it is exposed: `ingress` is public through the ALB, `host` is private. */
export interface PortMapping {
  target: number;
  published?: number;
  protocol: 'tcp' | 'udp';
  mode: 'ingress' | 'host';
  /** `http` (default for ingress), `http2`, `grpc`; `tcp` for raw TCP (network load balancer); undefined for UDP and private ports. */
  appProtocol?: 'http' | 'http2' | 'grpc' | 'tcp';
}

/** How an image gets built from local sources. */
/** The Railpack plan file, which BuildKit reads in a Dockerfile's place for a `railpack` build. */
export const RAILPACK_PLAN_FILE = 'railpack-plan.json';

export interface BuildSpec {
  /** Absolute path of the build context folder. */
  context: string;
  /**
   * How the image is built, both by BuildKit: from the context's Dockerfile, or, when the context
   * has none (and names none), from the plan Railpack makes for the app it detects there.
   */
  builder: 'dockerfile' | 'railpack';
  /**
   * `dockerfile`: the Dockerfile path relative to the context (default `Dockerfile`).
   * `railpack`: always `railpack-plan.json` (RAILPACK_PLAN_FILE), the plan `railpack prepare`
   * writes at build time outside the context; nothing of that name is read from the context.
   */
  dockerfile: string;
  /** `railpack` only: what Berth detected, in Railpack's words (e.g. Python, from requirements.txt). */
  railpack?: RailpackDetection;
  args: Record<string, string>;
  target?: string;
  /**
   * Compose build secrets: `id` is what BuildKit sees (`RUN --mount=type=secret,id=…`; the
   * long form's `target`, else the secret's name), `secret` the top-level compose secret whose
   * value it gets. Values are never in the model.
   */
  secrets?: { id: string; secret: string }[];
  platform: Platform;
}

/**
 * How an image is built, in a few words, for the preview and the services table: `built with
 * Railpack (detected: Python)` or `built from Dockerfile (BuildKit)`.
 */
export function imageBuildWords(build: Pick<BuildSpec, 'builder' | 'dockerfile' | 'railpack'>): string {
  if (build.builder === 'dockerfile') return `built from ${build.dockerfile} (BuildKit)`;
  const r = build.railpack;
  if (!r) return 'built with Railpack';
  return r.evidence.length === 1 && r.evidence[0] === 'railpack.json' ? `built with Railpack (${r.provider}, set in railpack.json)` : `built with Railpack (detected: ${r.provider})`;
}

/** The Railpack provider that builds a Dockerfile-less context, and the files that chose it. */
export interface RailpackDetection {
  /** Railpack's provider name as its own messages print it: Php, Golang, Java, … Python, Node, … Shell. */
  provider: string;
  /** The files that made Railpack pick it, in the order it looks (`railpack.json` when that names the provider). */
  evidence: string[];
}

/**
 * An environment value as it will reach the container:
 * - literal: written in the task definition as is;
 * - config: a whole value from the secrets store (`KEY` with no value, or `${KEY}` not defined locally);
 * - derived: config spliced into a larger string, computed at deploy time into a derived parameter.
 *   `template` writes each config as `${NAME}` and a literal dollar sign as `$$`
 *   (e.g. `postgres://u:${POSTGRES_PASSWORD}@db:5432/x`); `names` lists the configs once each, in order.
 */
export type EnvValue =
  | { kind: 'literal'; value: string }
  | { kind: 'config'; name: string }
  | { kind: 'derived'; template: string; names: string[] };

/**
 * What answers a host name on AWS, inside the project's own network whose DNS search domain is
 * `<project>.internal` (so a bare service name resolves as it does on the compose network).
 */
export type HostAnswer =
  /** A container service of the project: its tasks' addresses at `<name>.<project>.internal`. */
  | { kind: 'service'; service: string; dnsName: string }
  /** A managed store (`x-defang-postgres`, `x-defang-redis`): a CNAME at its compose name. */
  | { kind: 'store'; service: string; store: 'postgres' | 'redis'; dnsName: string }
  /** A name with dots outside the project's domain: the public DNS answers (through the VPC resolver). */
  | { kind: 'internet' }
  /** Nothing: the name does not resolve on AWS; `why` says so in a sentence, `fix` what to write instead. */
  | { kind: 'nothing'; why: string; fix: string };

/** A host the user wrote in a service's settings, and what answers it on AWS. */
export interface HostReference {
  /** The service whose settings name the host. */
  service: string;
  /** Where it is written: an environment variable (see `variable`), the `command` or the `entrypoint`. */
  where: 'environment' | 'command' | 'entrypoint';
  /** The environment variable, when `where` is `environment`. */
  variable?: string;
  /** The host as written (e.g. `db`). */
  host: string;
  answer: HostAnswer;
  /** Where the value is written. */
  source?: SourceRef;
}

/** What answers, in a few words (`managed PostgreSQL (RDS)`), for the preview table and the CLI. */
export function hostAnswerWords(answer: HostAnswer): string {
  switch (answer.kind) {
    case 'service':
      return `the ${answer.service} service`;
    case 'store':
      return answer.store === 'postgres' ? 'managed PostgreSQL (RDS)' : 'managed Redis (ElastiCache)';
    case 'internet':
      return 'the public internet';
    case 'nothing':
      return 'nothing';
  }
}

export interface Healthcheck {
  /** The compose `test`, normalised to exec form (`["CMD-SHELL", "..."]` or `["CMD", ...]`). */
  test: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
  /** Path derived from a curl/wget test against localhost, used by the ALB target group. */
  httpPath?: string;
}

/** A valid Fargate task size (DESIGN.md §2): CPU units and memory in MiB. */
export interface FargateSize {
  cpu: number;
  memory: number;
}

/** A compose service marked `x-defang-postgres` or `x-defang-redis`: becomes RDS or ElastiCache. */
export interface ManagedStore {
  kind: 'postgres' | 'redis';
  /** Engine version from the image tag (`postgres:16` → `16`), or the default. */
  version: string;
  /** Postgres only: the database user and name from POSTGRES_USER / POSTGRES_DB. */
  user?: string;
  database?: string;
  /** Postgres only: the config name that holds the password (normally POSTGRES_PASSWORD). */
  passwordConfig?: string;
  port: number;
}

/** A model a service reaches through Amazon Bedrock: the name as written and the Bedrock model it stands for. */
export interface ModelUse {
  /** As written (`ai/smollm2`, `default`, an env value); what clients send to a gateway. */
  name: string;
  /** The Bedrock model id (shared/domain/models.ts). */
  model: string;
  /** Where the name is written, when it is. */
  source?: SourceRef;
}

/**
 * Model access through Amazon Bedrock (`x-defang-llm`, `provider: type: model`, `models:`): the
 * task role may invoke exactly these models, and the task knows its region.
 */
export interface LlmAccess {
  models: ModelUse[];
  /** Environment variables whose config value names the model: read and checked at deploy. */
  configModels?: string[];
  /**
   * The service runs Berth's OpenAI-compatible gateway to Bedrock at its compose name: for a
   * `provider: type: model` service, a `models:` entry, or in place of Defang's gateway image (`replaces`).
   */
  gateway?: { kind: 'chat' | 'embedding'; replaces?: string };
}

/** GPUs a service reserves (`deploy.resources.reservations.devices` with `capabilities: [gpu]`, or `gpus:`): it runs on GPU instances. */
export interface GpuReservation {
  count: number;
  /** The CPU units and MiB the task reserves (EC2 tasks are not held to Fargate's sizes). */
  cpu: number;
  memory: number;
  /** Where the reservation is written. */
  source?: SourceRef;
}

export interface SourceRef {
  file: string;
  line: number;
  column: number;
}

export interface ServiceModel {
  name: string;
  image?: string;
  build?: BuildSpec;
  ports: PortMapping[];
  environment: Record<string, EnvValue>;
  command?: string[];
  entrypoint?: string[];
  healthcheck?: Healthcheck;
  replicas: number;
  size: FargateSize;
  dependsOn: string[];
  /**
   * Runs once, as an ECS task, before the services that depend on it (a migration or seed step);
   * a non-zero exit stops the deploy. Why Berth reads it so, in the user's words.
   */
  oneOff?: { why: string };
  /** Compose secrets the service mounts, as files (`/run/secrets/<name>` unless a target says otherwise). */
  secretFiles?: SecretFile[];
  /** Named volumes it mounts (EFS access points on AWS). */
  volumes?: VolumeMount[];
  managed?: ManagedStore;
  domainname?: string;
  llm?: LlmAccess;
  gpu?: GpuReservation;
  /** Managed IAM policy ARNs attached to the service's own task role (`x-defang-policies`); none means no AWS permissions. */
  policies?: string[];
  stopGracePeriodSeconds?: number;
  user?: string;
  workingDir?: string;
  init?: boolean;
  readOnly?: boolean;
  platform: Platform;
  source: SourceRef;
  /** Where `image:` is written, when it is (plan errors about the image point there). */
  imageSource?: SourceRef;
  /** Profiles the service belongs to (it is only in the model when one of them is active, or when it has none). */
  profiles?: string[];
}

/** A name the project needs from the secrets store, and where it is used. */
export interface RequiredConfig {
  name: string;
  /** Every environment variable (or managed store setting) that needs it; `variable` is the env name. */
  usedBy: { service: string; variable: string }[];
}

export interface ComposeFileInfo {
  /** Absolute path. */
  path: string;
  /** `extends` also covers compose files pulled in by `include`; `env` is `.env` and every env_file read. */
  role: 'main' | 'override' | 'extends' | 'env';
}

/** A named volume mounted into a service. */
export interface VolumeMount {
  volume: string;
  /** Absolute path in the container. */
  path: string;
  readOnly: boolean;
}

/** One compose secret a service mounts: which secret, at which path, owned and moded as written. */
export interface SecretFile {
  secret: string;
  /** Absolute path in the container, under /run/secrets. */
  path: string;
  uid?: string;
  gid?: string;
  /** Octal, as compose writes it (default 0444). */
  mode?: string;
}

/**
 * A top-level compose secret Berth deploys: a `file:` read at deploy time into its own
 * SecureString, or an `environment:` variable that is a config value set in Berth's Secrets.
 */
export interface ComposeSecret {
  name: string;
  source: { kind: 'file'; path: string; shown: string } | { kind: 'config'; name: string };
  /** Where the secret is declared. */
  declared: { file: string; line: number; column: number };
}

export interface ProjectModel {
  name: string;
  /** Absolute path of the project folder. */
  dir: string;
  files: ComposeFileInfo[];
  services: ServiceModel[];
  requiredConfig: RequiredConfig[];
  /** Top-level compose secrets that deployed services mount. */
  secrets?: ComposeSecret[];
  /** Named volumes deployed services mount: one EFS access point each. */
  volumes?: string[];
  /** Every host named in env values, commands and entrypoints, and what answers it on AWS. */
  hostReferences: HostReference[];
  /** Profiles that were active while loading (from the options or COMPOSE_PROFILES). */
  profiles?: string[];
  /** Services in the files that are not deployed as containers (provider services, inactive profiles), with the reason. */
  notDeployed?: { service: string; reason: string }[];
}

/** What loading a folder gives: the model when it could be built, and every diagnostic. */
export interface LoadedProject {
  dir: string;
  project: ProjectModel | null;
  diagnostics: Diagnostic[];
  /** Compose files found in the folder (whether or not they were selected). */
  composeFiles: string[];
}
