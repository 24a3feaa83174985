/** The normalised Compose project: what the compose engine hands to the planner and the UI. */
import type { Diagnostic } from './diagnostics';

export type Platform = 'linux/amd64' | 'linux/arm64';

/** A container port and how it is exposed: `ingress` is public through the ALB, `host` is private. */
export interface PortMapping {
  target: number;
  published?: number;
  protocol: 'tcp' | 'udp';
  mode: 'ingress' | 'host';
  /** `http` (default for ingress), `http2`, `grpc`, or undefined for raw TCP/UDP. */
  appProtocol?: 'http' | 'http2' | 'grpc';
}

/** How an image gets built from local sources. */
export interface BuildSpec {
  /** Absolute path of the build context folder. */
  context: string;
  /** Dockerfile path relative to the context (default `Dockerfile`). */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  platform: Platform;
}

/**
 * An environment value as it will reach the container:
 * - literal: written in the task definition as is;
 * - config: a whole value from the secrets store (`KEY` with no value, or `${KEY}` not defined locally);
 * - derived: config spliced into a larger string, computed at deploy time into a derived parameter.
 *   `template` writes each config as `${NAME}` and a literal dollar sign as `$$`
 *   (e.g. `postgres://u:${POSTGRES_PASSWORD}@db.myproj.internal:5432/x`); `names` lists the configs once each, in order.
 */
export type EnvValue =
  | { kind: 'literal'; value: string }
  | { kind: 'config'; name: string }
  | { kind: 'derived'; template: string; names: string[] };

/** A service name used as a host in an env value, rewritten to its private DNS name. */
export interface HostRewrite {
  /** The service whose environment holds the value. */
  service: string;
  /** The environment variable. */
  variable: string;
  /** The service name found as a host (e.g. `db`). */
  host: string;
  /** The whole value before rewriting (a derived template keeps its `${NAME}` placeholders). */
  from: string;
  /** The whole value after rewriting (`db` → `db.<project>.internal`). */
  to: string;
  /** Where the value is written. */
  source?: SourceRef;
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
  managed?: ManagedStore;
  domainname?: string;
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

export interface ProjectModel {
  name: string;
  /** Absolute path of the project folder. */
  dir: string;
  files: ComposeFileInfo[];
  services: ServiceModel[];
  requiredConfig: RequiredConfig[];
  hostRewrites: HostRewrite[];
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
