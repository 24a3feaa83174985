/** Deployments: the pipeline's phases, progress events, change-set diffs and records. */
import type { ErrorCode } from '../result';
import type { DeploymentMode } from './plan';

export const DEPLOY_PHASES = [
  'validate',
  'connection',
  'config',
  'bootstrap',
  'package',
  'upload',
  'build',
  'secrets',
  'stack',
  'rollout',
  'record',
] as const;
export type DeployPhase = (typeof DEPLOY_PHASES)[number];

export type PhaseState = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface ChangeSetChange {
  action: 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic';
  logicalId: string;
  physicalId?: string;
  type: string;
  /** `True`, `False` or `Conditional` for Modify. */
  replacement?: 'True' | 'False' | 'Conditional';
  /** Properties whose change causes the replacement, in words. */
  replacementReason?: string;
  description: string;
}

export interface ChangeSetDiff {
  stackName: string;
  changeSetName: string;
  changes: ChangeSetChange[];
  /** True when the change set was empty: nothing to change. */
  empty: boolean;
  /** Managed stores this deploy moves into the project's own network (restored from a snapshot). */
  moves?: StoreMove[];
}

/**
 * A managed store leaving the shared VPC of an earlier Berth: the services stop, the store is
 * snapshotted, and its replacement in the project's network is restored from that snapshot.
 */
export interface StoreMove {
  store: string;
  kind: 'postgres' | 'redis';
  /** The DB instance or replication group in the stack, and its physical id. */
  logicalId: string;
  physicalId: string;
  /** The snapshot taken before the move and restored after it (kept afterwards). */
  snapshot: string;
}

export interface StackEvent {
  stackName: string;
  eventId: string;
  timestamp: string;
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
  /** The resource in the user's words, e.g. "Load balancer for web". */
  label?: string;
}

/** A one-off service (a migration) run once during the stack update, before the services that wait for it. */
export interface OneOffRun {
  service: string;
  state: 'running' | 'succeeded' | 'failed';
  taskId?: string;
  exitCode?: number;
  /** Why it failed, with its last log line. */
  message?: string;
  /** Its last log lines, once it stopped. */
  lines: string[];
}

export interface ServiceRollout {
  service: string;
  desired: number;
  running: number;
  pending: number;
  state: 'in-progress' | 'completed' | 'failed';
  lastEvent?: string;
}

export type DeployEvent =
  | { type: 'phase'; deploymentId: string; phase: DeployPhase; state: PhaseState; message?: string }
  | { type: 'progress'; deploymentId: string; phase: DeployPhase; item?: string; done: number; total: number; unit: 'bytes' | 'files' | 'steps' }
  | { type: 'build-log'; deploymentId: string; service: string; lines: string[] }
  /** An image build entered a CodeBuild phase; at COMPLETED, `status` says how it ended (SUCCEEDED, FAILED, STOPPED...). */
  | { type: 'build-phase'; deploymentId: string; services: string[]; phase: BuildPhaseName; status?: string }
  | { type: 'diff'; deploymentId: string; diff: ChangeSetDiff }
  | { type: 'stack-event'; deploymentId: string; event: StackEvent }
  | { type: 'rollout'; deploymentId: string; rollout: ServiceRollout }
  | { type: 'one-off'; deploymentId: string; run: OneOffRun }
  | { type: 'finished'; deploymentId: string; record: DeploymentRecord };

/** CodeBuild's build phases, in the order a build goes through them. */
export const BUILD_PHASES = ['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED'] as const;
export type BuildPhaseName = (typeof BUILD_PHASES)[number];

/** One image build of a deployment: how long CodeBuild ran it and what that cost. */
export interface BuildRun {
  services: string[];
  platform: string;
  status: string;
  seconds: number;
  /** CodeBuild bills by the minute, rounded up. */
  billedMinutes: number;
  usd: number;
}

export interface DeploymentFailure {
  phase: DeployPhase;
  /** The stable error code of the cause (BUILD_FAILED, STACK_FAILED, CONFIG_MISSING...). */
  code?: ErrorCode;
  message: string;
  resource?: string;
  reason?: string;
  logLines?: string[];
}

/** What a finished deployment says when its stack has no public address (CLI and Deploy screen alike). */
export const NO_PUBLIC_ADDRESS = 'No public address: no service publishes a port (compose `ports`), so nothing answers from the internet. The services still reach each other by name.';

export interface DeploymentRecord {
  id: string;
  project: string;
  mode: DeploymentMode;
  account: string;
  region: string;
  identityArn: string;
  startedAt: string;
  finishedAt?: string;
  outcome: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'nothing-to-change';
  /** `note`: what a finished phase could not do or check (also sent on its event). */
  phases: { phase: DeployPhase; state: PhaseState; startedAt?: string; finishedAt?: string; note?: string }[];
  digests: Record<string, string>;
  /** Build log stream (in the build log group) of each service built by this deployment. */
  buildLogStreams?: Record<string, string>;
  /** The image builds this deployment ran. */
  builds?: BuildRun[];
  templateHash?: string;
  urls: string[];
  failure?: DeploymentFailure;
  /** The earlier deployment this one put back (a rollback). */
  rollbackOf?: string;
  /** Each built service's image as deployed (repository address and build digest tag). */
  images?: Record<string, string>;
  /** The SSM parameter versions the stack and tasks read (names and versions, never values). */
  configVersions?: Record<string, number>;
  /** True once its release (template, parameters, compose files) is in the bucket: it can be rolled back to and compared. */
  released?: boolean;
  /** The stale deployment this one took the project over from (who, where, last heard of). */
  tookOverFrom?: { deploymentId: string; identityArn: string; host: string; heartbeatAt: string };
}

/** What a rollback would do and what stops it, known before anything is applied (names, never values). */
export interface RollbackCheck {
  target: string;
  /** Reasons it cannot go ahead (an image gone, a config value deleted). */
  blockers: string[];
  /** What it does not put back (data, schema, files on volumes). */
  notes: string[];
  /** Config parameters that go back to their earlier version. */
  configRestores: { parameter: string; from?: number; to: number }[];
}

/** Two deployments side by side (`berth history --diff A B`, the History screen's Compare): names and digests, never values. */
export interface DeploymentComparison {
  from: Pick<DeploymentRecord, 'id' | 'startedAt' | 'outcome' | 'mode' | 'rollbackOf'>;
  to: Pick<DeploymentRecord, 'id' | 'startedAt' | 'outcome' | 'mode' | 'rollbackOf'>;
  services: { added: string[]; removed: string[] };
  /** Services whose image changed: the image address (by build digest for built ones) and the build context's digest. */
  images: { service: string; from?: string; to?: string; contextFrom?: string; contextTo?: string }[];
  /** Config names (never values) added, removed, or given a new version. */
  config: { added: string[]; removed: string[]; changed: string[] };
  /** Compose files as deployed: a unified diff of each one that changed. */
  files: { path: string; change: 'added' | 'removed' | 'changed'; diff: string }[];
  /** Resources of the project stack added, removed or with changed properties. */
  resources: { change: 'added' | 'removed' | 'changed'; logicalId: string; type: string }[];
  /** What could not be compared (a deployment without a stored release). */
  missing: string[];
}

/** Who holds a project's deployment: kept in the bucket while it runs, so every machine sees it. */
export interface DeploymentHolder {
  deploymentId: string;
  project: string;
  identityArn: string;
  host: string;
  berthVersion: string;
  account: string;
  region: string;
  startedAt: string;
  /** The holder writes this every half minute; one that stopped long ago is stale. */
  heartbeatAt: string;
  phase: DeployPhase;
  /** Set when this deployment took the project over from a stale holder. */
  tookOverFrom?: { deploymentId: string; identityArn: string; host: string; heartbeatAt: string };
}

/** The holder as a screen shows it: whether it stopped reporting, and whether it is this app's own deployment. */
export interface HolderView {
  holder: DeploymentHolder;
  stale: boolean;
  /** Minutes since its last heartbeat. */
  silentMinutes: number;
}
