/**
 * Berth's sandbox: a local AWS-compatible endpoint on 127.0.0.1 that the real AWS SDK v3 clients
 * talk to unchanged (only `endpoint` and credentials differ). See README.md for the options.
 */
import type { Server } from 'node:http';
import type { SandboxCore } from './core';
import { publish } from './events/bus';
import type { FaultConfig } from './faults';
import type { ServiceName } from './http';
import { DEFAULT_REGION, SANDBOX_ACCOUNT } from './identity';
import { startServer } from './server';
import { deleteState, emptyState, loadState, saveState, stateFile } from './state';
import { Scheduler, Timing, type DeadlineKind, type Speed } from './timing';
import { resumeStacks } from './cloudformation/engine';
import { forgetSimulation, resumeEcs } from './ecs/simulation';
import { resumeCodeBuild } from './codebuild';
import { quotaConfig, setQuotas, type QuotaConfig } from './quotas/catalog';
import { resolveFromTask, type Resolution } from './network/dns';
import { filesSeenBy } from './ecs/files';
import { snapshotDataOf, storeDataOf } from './stores/introspection';
import { deleteOutsideDnsRecord, outsideDnsRecords, putOutsideDnsRecord } from './network/outside-dns';
import type { OutsideDnsRecord } from './state';
import { runImageLifecycle, type ExpiredImage } from './ecr';
import { issueRoleSession } from './iam/sessions';
import { modelAccess, setModelAccess, type ModelAccessState } from './bedrock';

export type { FaultConfig, ServiceFaults } from './faults';
export type { QuotaConfig } from './quotas/catalog';
export type { DeadlineKind, Speed } from './timing';
export type { OutsideDnsRecord } from './state';
export type { ExpiredImage } from './ecr';
export type { ModelAccessState } from './bedrock';
export { SANDBOX_ACCOUNT, SANDBOX_CALLER_ARN, SANDBOX_DNS_SUFFIX, SANDBOX_LOG_PREFIX } from './identity';

/** The fixed local credentials the sandbox accepts. */
export const SANDBOX_KEYS = { accessKeyId: 'BERTHSANDBOXKEY', secretAccessKey: 'berth-sandbox-secret' } as const;

export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Folder for the state file; absent keeps everything in memory. */
  dataDir?: string;
  /** `instant` (default, for tests) or `realistic` AWS-like durations. */
  speed?: Speed;
  /** Multiplies realistic durations (0.1 = ten times faster than AWS). Default 1. */
  speedFactor?: number;
  /** Fault knobs per service; change later with `setFaults`. */
  faults?: FaultConfig;
  /** Region reported for resources and ARNs. Default us-east-1. */
  region?: string;
  /** Random source for fault decisions (tests can make them deterministic). */
  random?: () => number;
  /** Applied Service Quotas values in the sandbox's region (`{ vpc: { 'L-F678F1CE': 2 } }`); change later with `setQuotas`. */
  quotas?: QuotaConfig;
  /** How long AWS waits for the user, in ms, overriding AWS's own (`{ certificateValidation: 50 }` lets a test reach ACM's 72-hour timeout). */
  deadlines?: Partial<Record<DeadlineKind, number>>;
}

export interface Sandbox {
  /** `http://127.0.0.1:<port>`: pass as `endpoint` to every SDK client. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  /** The sandbox's fixed account id. */
  readonly account: string;
  readonly speed: Speed;
  /** The state file, when a data folder was given. */
  readonly dataFile?: string;
  /** Credentials to give the SDK clients. */
  readonly credentials: typeof SANDBOX_KEYS;
  /** Stops the server and background work, and writes the state. */
  close(): Promise<void>;
  /** Erases every stack, bucket, parameter, log, task and image (and the state file). */
  reset(): Promise<void>;
  /** Replaces the fault knobs. */
  setFaults(faults: FaultConfig): void;
  /** The current fault knobs. */
  faults(): FaultConfig;
  /** Resolves when no background work (stack operations, task transitions, builds) is left. */
  settle(): Promise<void>;
  /** Writes the state file now (it is also written shortly after every change). */
  save(): Promise<void>;
  /** Requests served, by service. */
  requestCounts(): Record<string, number>;
  /** Sets applied quota values (the account's, persisted) in a region, the sandbox's by default; `null` hides the applied value. */
  setQuotas(quotas: QuotaConfig, region?: string): void;
  /** The applied quota values set in a region (unset quotas are at AWS's default). */
  quotas(region?: string): QuotaConfig;
  /** How `name` resolves from a task's network now (as its program's getaddrinfo would see it). */
  resolveFromTask(taskArn: string, name: string): Resolution;
  /** How the hosts in each container's env and command resolved when the task started. */
  taskResolutions(taskArn: string): Record<string, Resolution[]>;
  /** The files a container of a task sees in its mounted volumes (absolute paths), with size and SHA-256, never the bytes. */
  taskFiles(taskArn: string, container: string): { path: string; size: number; sha256: string; mode: string; owner: string; readOnly: boolean }[];
  /** Which data a DB instance, replication group or cache cluster holds (by physical id or endpoint host name), the snapshot it was restored from, and its VPC; undefined when there is no such store. */
  storeData(physicalIdOrEndpoint: string): { dataId: string; restoredFrom?: string; vpcId?: string } | undefined;
  /** What an RDS or ElastiCache snapshot (by name or ARN) captured: the data, how many running tasks could write to its store then, and the store; undefined when there is none. */
  snapshotOf(name: string): { dataId: string; clientsAtSnapshot: number; source: string } | undefined;
  /** Adds (or replaces) a record in DNS outside the account — the user's registrar — where ACM also looks for validation records. */
  putOutsideDnsRecord(record: { name: string; type?: string; value: string }): OutsideDnsRecord;
  /** Removes an outside DNS record; false when there was none. */
  deleteOutsideDnsRecord(name: string, type?: string): boolean;
  /** The records in DNS outside the account. */
  outsideDns(): OutsideDnsRecord[];
  /**
   * Runs every ECR repository's lifecycle policy now (or as of `now`, ms since the epoch) and deletes
   * what it expires, as ECR's own evaluation does within 24 hours of a change; the sandbox never runs it by itself.
   */
  runImageLifecycle(options?: { now?: number }): ExpiredImage[];
  /**
   * Temporary credentials for a session of a role the sandbox holds (created by a CloudFormation
   * stack), as a task role hands them to its containers: `ASIA…` keys with a session token. Requests
   * signed with them run as `arn:aws:sts::000000000000:assumed-role/<role>/<session>`; Bedrock
   * evaluates the role's inline policies for them. Persisted with the state.
   */
  roleCredentials(roleArn: string, sessionName?: string): { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /** Sets Bedrock model access by model id (persisted; `null` puts a model back to what a new account has; `reset()` clears all). */
  setModelAccess(access: Record<string, ModelAccessState | null>): void;
  /** Every catalog model's access state in the account. */
  modelAccess(): Record<string, ModelAccessState>;
}

const SAVE_DELAY_MS = 250;

/** Starts a sandbox; the caller owns it and must `close()` it. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const region = options.region ?? DEFAULT_REGION;
  const dataDir = options.dataDir;
  const speed = options.speed ?? 'instant';
  const scheduler = new Scheduler();
  let faults: FaultConfig = options.faults ?? {};
  let saveTimer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  let closed = false;
  const counts: Record<string, number> = {};

  const persist = async (): Promise<void> => {
    if (!dataDir) return;
    // Serialise writes: the newest state always lands last.
    saving = saving.then(() => saveState(dataDir, core.state)).catch((error: unknown) => console.error('[sandbox] could not save state:', error));
    await saving;
  };

  const core: SandboxCore = {
    account: SANDBOX_ACCOUNT,
    region,
    endpoint: '',
    state: dataDir ? await loadState(dataDir) : emptyState(),
    timing: new Timing(speed, options.speedFactor ?? 1, options.deadlines),
    scheduler,
    changed() {
      if (!dataDir || closed || saveTimer) return;
      saveTimer = setTimeout(() => {
        saveTimer = undefined;
        void persist();
      }, SAVE_DELAY_MS);
    },
    publish(event) {
      publish(core, event);
    },
    kickEcs() {
      resumeEcs(core);
    },
    faults: () => faults,
  };

  let server: Server;
  let port: number;
  try {
    ({ server, port } = await startServer({
      core,
      port: options.port ?? 0,
      faults: () => faults,
      random: options.random ?? Math.random,
      onRequest: (service: ServiceName) => {
        counts[service] = (counts[service] ?? 0) + 1;
      },
    }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`Port ${options.port} on 127.0.0.1 is already in use; choose another port or omit it to pick a free one.`, { cause: error });
    throw error;
  }
  core.endpoint = `http://127.0.0.1:${port}`;
  if (options.quotas) setQuotas(core, region, options.quotas);
  // Work that was running when the sandbox last stopped picks up where it was.
  resumeStacks(core);
  resumeEcs(core);
  resumeCodeBuild(core);

  const sandbox: Sandbox = {
    endpoint: core.endpoint,
    port,
    region,
    account: SANDBOX_ACCOUNT,
    speed,
    dataFile: dataDir ? stateFile(dataDir) : undefined,
    credentials: SANDBOX_KEYS,
    async close() {
      if (closed) return;
      closed = true;
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = undefined;
      await scheduler.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await persist();
    },
    async reset() {
      await scheduler.close();
      scheduler.reopen();
      forgetSimulation(core);
      core.state = emptyState();
      if (dataDir) {
        await saving;
        await deleteState(dataDir);
      }
    },
    setFaults(next) {
      faults = next;
      // An Auto Scaling group held back by a capacity fault tries again.
      core.kickEcs();
    },
    faults: () => faults,
    settle: () => scheduler.settle(),
    save: () => persist(),
    requestCounts: () => ({ ...counts }),
    setQuotas: (quotas, inRegion = region) => setQuotas(core, inRegion, quotas),
    quotas: (inRegion = region) => quotaConfig(core, inRegion),
    resolveFromTask(taskArn, name) {
      const task = core.state.ecs.tasks.get(taskArn);
      if (!task) throw new Error(`No task ${taskArn} in the sandbox.`);
      return resolveFromTask(core, task, name);
    },
    taskResolutions: (taskArn) => core.state.ecs.tasks.get(taskArn)?.resolved ?? {},
    taskFiles: (taskArn, container) => filesSeenBy(core, taskArn, container),
    storeData: (idOrEndpoint) => storeDataOf(core, idOrEndpoint),
    snapshotOf: (name) => snapshotDataOf(core, name),
    putOutsideDnsRecord: (record) => putOutsideDnsRecord(core, record),
    deleteOutsideDnsRecord: (name, type) => deleteOutsideDnsRecord(core, name, type),
    outsideDns: () => outsideDnsRecords(core),
    runImageLifecycle: (lifecycleOptions) => runImageLifecycle(core, lifecycleOptions?.now),
    roleCredentials(roleArn, sessionName) {
      const { accessKeyId, secretAccessKey, sessionToken } = issueRoleSession(core, roleArn, sessionName);
      return { accessKeyId, secretAccessKey, sessionToken };
    },
    setModelAccess: (access) => setModelAccess(core, access),
    modelAccess: () => modelAccess(core),
  };
  return sandbox;
}

/** The SDK client settings for a sandbox (`new SSMClient(sandboxClientConfig(sb))`); S3 also needs `forcePathStyle: true`. */
export function sandboxClientConfig(sandbox: Pick<Sandbox, 'endpoint' | 'region' | 'credentials'>, maxAttempts = 1) {
  return { endpoint: sandbox.endpoint, region: sandbox.region, credentials: { ...sandbox.credentials }, maxAttempts };
}
