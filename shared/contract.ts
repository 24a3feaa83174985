/**
 * The one contract between the renderer and main: every method with its zod argument
 * schema and result type, every event with its payload type. The IPC registration, the
 * preload, the web bridge and the renderer's `api` all derive from these two maps.
 */
import { z } from 'zod';
import type { AppInfo, FolderCheck, RecentProject, SandboxStatus } from './domain/app';
import type { BootstrapStatus } from './domain/bootstrap';
import type { DockerHubAccount } from './domain/docker-hub';
import type {
  CallerIdentity,
  ConnectionPin,
  ConnectionStatus,
  ProfilesOverview,
  SsoSignIn,
} from './domain/connection';
import type { DeployEvent, DeploymentComparison, DeploymentRecord, HolderView, RollbackCheck } from './domain/deploy';
import type { Inventory, TeardownEvent } from './domain/inventory';
import type { LogBatch, LogLine } from './domain/logs';
import { DEPLOYMENT_MODES, type PlanPreview } from './domain/plan';
import type { LoadedProject } from './domain/project';
import type { ConfigEntry, ConfigListing } from './domain/secrets';
import { EVENT_NAMES as EVENT_NAME_LIST, METHOD_NAMES as METHOD_NAME_LIST, type EventNameList, type MethodNameList } from './names';

// ---------------------------------------------------------------- argument building blocks

const noArgs = z.object({}).strict();
/** An absolute folder path (POSIX or Windows), bounded so a hostile caller cannot send megabytes. */
export const folderPath = z
  .string()
  .min(1, 'A folder path is required')
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'Must be an absolute path');
const projectDir = z.object({ dir: folderPath }).strict();
export const configName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'Config names start with a letter or _ and hold only letters, digits and _ (at most 64)');
export const regionName = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'Not an AWS region name (e.g. us-east-1)');
export const deploymentMode = z.enum(DEPLOYMENT_MODES);
const id = z.string().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, 'Not a valid id');
const projectName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'Not a valid project name');
export const connectionTarget = z
  .object({
    profile: z.string().min(1).max(128).optional(),
    region: regionName,
    endpoint: z.string().url().max(2048).optional(),
    sandbox: z.boolean().optional(),
  })
  .strict();
export const logQuery = z
  .object({
    project: z.string().min(1).max(200),
    dir: folderPath.optional(),
    services: z.array(z.string().max(200)).max(200).optional(),
    deploymentId: id.optional(),
    filter: z.string().max(1000).optional(),
    since: z.number().int().nonnegative().optional(),
    includeBuilds: z.boolean().optional(),
    includeEvents: z.boolean().optional(),
  })
  .strict();

// ---------------------------------------------------------------- methods

/** A method's shape: the schema its one argument must pass, and (type-only) what it returns. */
export interface MethodSpec<A extends z.ZodType, R> {
  args: A;
  /** Phantom: carries the result type; never set at runtime. */
  readonly result?: R;
}
function method<R>() {
  return <A extends z.ZodType>(args: A): MethodSpec<A, R> => ({ args });
}

export const methods = {
  /** Name, version, shell (desktop or web) and data folder. */
  'app:info': method<AppInfo>()(noArgs),
  /** Opens an https URL in the system browser (never inside the app). */
  'app:openExternal': method<null>()(z.object({ url: z.string().url().max(4096) }).strict()),

  /** Shows the native folder picker; null when cancelled. Desktop only (see AppInfo.nativeDialogs). */
  'project:pickFolder': method<string | null>()(noArgs),
  /** Checks a typed path: does it exist, is it a folder, which compose files does it hold. */
  'project:checkFolder': method<FolderCheck>()(projectDir),
  /** Recently opened projects, newest first, with pin and last deployment. */
  'project:recent': method<RecentProject[]>()(noArgs),
  /** Removes a folder from the recent list (files are untouched). */
  'project:forget': method<null>()(projectDir),
  /** Loads a project (model + diagnostics), remembers it and watches it for changes. */
  'project:open': method<LoadedProject>()(
    z.object({ dir: folderPath, files: z.array(z.string().min(1).max(4096)).max(20).optional() }).strict(),
  ),
  /** Stops watching a project folder. */
  'project:close': method<null>()(projectDir),

  /** Profiles from the shared config and credentials files, with kinds, regions and conflicts. */
  'connection:profiles': method<ProfilesOverview>()(noArgs),
  /** Connects with a profile, region and optional endpoint; resolves the caller identity. */
  'connection:connect': method<ConnectionStatus>()(z.object({ target: connectionTarget }).strict()),
  /** The current connection and identity, if any. */
  'connection:status': method<ConnectionStatus>()(noArgs),
  /** Forgets the current connection (credentials stay where they are on disk). */
  'connection:disconnect': method<null>()(noArgs),
  /** Regions Berth offers, with price tables for cost estimates. */
  'connection:regions': method<string[]>()(noArgs),
  /** Starts the SSO device sign-in for a profile; progress arrives as `sso:status` events. */
  'connection:ssoSignIn': method<SsoSignIn>()(z.object({ profile: z.string().min(1).max(128) }).strict()),
  /** The account and region a project is pinned to, or null before its first deploy. */
  'connection:pin': method<ConnectionPin | null>()(projectDir),
  /** Moves a project's pin to the current connection after the user confirmed the move. */
  'connection:movePin': method<ConnectionPin>()(z.object({ dir: folderPath, confirm: z.literal(true) }).strict()),
  /** The identity of the current connection (GetCallerIdentity). */
  'connection:whoami': method<CallerIdentity>()(noArgs),
  /** The Docker Hub account stored in this account and Region for the pull-through cache (never its token), or null. */
  'connection:dockerHub': method<DockerHubAccount | null>()(noArgs),
  /** Stores (or replaces) the Docker Hub credentials in Secrets Manager; the next deploy adds the Docker Hub cache. */
  'connection:saveDockerHub': method<DockerHubAccount>()(
    z.object({ username: z.string().min(1).max(255), accessToken: z.string().min(1).max(4096) }).strict(),
  ),
  /** Deletes the stored Docker Hub credentials; the next deploy removes the Docker Hub cache. */
  'connection:removeDockerHub': method<null>()(z.object({ confirm: z.literal(true) }).strict()),

  /** Whether the local sandbox runs, and where. */
  'sandbox:status': method<SandboxStatus>()(noArgs),
  /** Starts the local sandbox (if needed) and connects to it. */
  'sandbox:start': method<SandboxStatus>()(z.object({ speed: z.enum(['instant', 'realistic']).optional() }).strict()),
  /** Stops the local sandbox; its state stays on disk. */
  'sandbox:stop': method<SandboxStatus>()(noArgs),
  /** Erases the sandbox's state (stacks, objects, parameters, logs). */
  'sandbox:reset': method<SandboxStatus>()(z.object({ confirm: z.literal(true) }).strict()),

  /** Plans a project: templates, preview, diagram graph, cost per mode, preflight results. */
  'plan:preview': method<PlanPreview>()(
    z.object({ dir: folderPath, mode: deploymentMode, region: regionName.optional() }).strict(),
  ),

  /** Config names for a project: required vs set, last modified, who uses each. Never values. */
  'secrets:list': method<ConfigListing>()(projectDir),
  /** Sets (or overwrites) one config value as a SecureString. */
  'secrets:set': method<ConfigEntry>()(
    z.object({ dir: folderPath, name: configName, value: z.string().min(1).max(8192) }).strict(),
  ),
  /** Sets a config value to a random string generated in main (the value never leaves main). */
  'secrets:generate': method<ConfigEntry>()(
    z.object({ dir: folderPath, name: configName, length: z.number().int().min(16).max(128).optional() }).strict(),
  ),
  /** Deletes config values. */
  'secrets:delete': method<null>()(z.object({ dir: folderPath, names: z.array(configName).min(1).max(500) }).strict()),
  /** Reveals one value: an explicit user action, never part of a listing. */
  'secrets:reveal': method<{ name: string; value: string }>()(z.object({ dir: folderPath, name: configName }).strict()),
  /** Imports values from a .env file in the project (or a path the user chose). */
  'secrets:importEnv': method<{ imported: string[]; skipped: { name: string; reason: string }[] }>()(
    z.object({ dir: folderPath, file: z.string().min(1).max(4096), names: z.array(configName).max(500).optional() }).strict(),
  ),
  /** Copies config from Defang's /Defang/<project>/<stack>/ parameters. */
  'secrets:importDefang': method<{ imported: string[] }>()(
    z.object({ dir: folderPath, stack: z.string().min(1).max(128), names: z.array(configName).max(500) }).strict(),
  ),

  /** The bootstrap stack in the connected account and region, and what ensure would do. */
  'bootstrap:status': method<BootstrapStatus>()(noArgs),
  /** Creates or updates the bootstrap stack; events arrive as `bootstrap:event`. */
  'bootstrap:ensure': method<BootstrapStatus>()(z.object({ confirmRecover: z.boolean().optional() }).strict()),

  /** Starts a deployment; progress arrives as `deploy:event`. */
  'deploy:start': method<{ deploymentId: string }>()(
    z.object({ dir: folderPath, mode: deploymentMode, autoApprove: z.boolean().optional(), takeOver: z.string().max(200).optional() }).strict(),
  ),
  /** Confirms the change set a deployment is waiting on. */
  'deploy:approve': method<null>()(z.object({ deploymentId: id }).strict()),
  /** Cancels a deployment between phases (and stops its builds). */
  'deploy:cancel': method<null>()(z.object({ deploymentId: id }).strict()),
  /** The deployment running for a project, if any (used to re-attach after a restart). */
  'deploy:active': method<DeploymentRecord | null>()(projectDir),
  /** Past deployments of a project, newest first. */
  'deploy:history': method<DeploymentRecord[]>()(projectDir),
  /** Who holds the project's deployment (any machine, from the bucket), or null when nobody does. */
  'deploy:holder': method<HolderView | null>()(projectDir),
  /** Whether an earlier deployment can be put back, and what would not come back (before anything is applied). */
  'deploy:rollbackCheck': method<RollbackCheck>()(z.object({ dir: folderPath, deploymentId: id }).strict()),
  /** Starts a rollback to an earlier deployment; it is a deployment itself, with the same review and events. */
  'deploy:rollback': method<{ deploymentId: string; target: string }>()(z.object({ dir: folderPath, deploymentId: id, autoApprove: z.boolean().optional() }).strict()),
  /** Two deployments side by side: services, images, config names, compose files, resources. */
  'deploy:compare': method<DeploymentComparison>()(z.object({ dir: folderPath, from: id, to: id }).strict()),

  /** Starts tailing logs; batches arrive as `logs:batch` events. */
  'logs:start': method<{ tailId: string }>()(logQuery),
  /** Stops a tail. */
  'logs:stop': method<null>()(z.object({ tailId: id }).strict()),
  /** One page of past log lines (no tail). */
  'logs:fetch': method<LogLine[]>()(z.object({ query: logQuery, limit: z.number().int().min(1).max(10000) }).strict()),

  /** Everything Berth owns in the region (or every enabled region). */
  'inventory:list': method<Inventory[]>()(z.object({ allRegions: z.boolean().optional() }).strict()),
  /** Tears a project down; the user typed the project name to confirm. Progress: `teardown:event`. */
  'inventory:teardownProject': method<{ operationId: string }>()(
    z
      .object({
        project: projectName,
        confirm: z.string(),
        deleteConfig: z.boolean(),
        deleteUploads: z.boolean(),
        /** Also delete the EFS file system of the project's named volumes (their data is gone for good). */
        deleteVolumes: z.boolean().optional(),
        /** After a DELETE_FAILED: logical ids to keep in the account so the rest can be deleted. */
        retain: z.array(z.string().regex(/^[A-Za-z0-9]{1,255}$/, 'Not a logical resource id')).max(100).optional(),
      })
      .strict()
      .refine((a) => a.confirm === a.project, { message: 'Type the project name to confirm', path: ['confirm'] }),
  ),
  /** Tears the bootstrap stack down; refused while any project stack exists. */
  'inventory:teardownBootstrap': method<{ operationId: string }>()(z.object({ confirm: z.literal('berth-bootstrap') }).strict()),
} as const satisfies Record<MethodNameList, MethodSpec<z.ZodType, unknown>>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes. */
export type ArgsOf<M extends MethodName> = z.input<Methods[M]['args']>;
/** What a handler receives, after parsing. */
export type ParsedArgsOf<M extends MethodName> = z.output<Methods[M]['args']>;
export type ResultOf<M extends MethodName> = Methods[M] extends MethodSpec<z.ZodType, infer R> ? R : never;
export const METHOD_NAMES: readonly MethodName[] = METHOD_NAME_LIST;
// Both directions: the name list holds exactly the methods above (a missing or extra name fails the type check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodNamesMatch: Same<MethodName, MethodNameList> = true;
void methodNamesMatch;

// ---------------------------------------------------------------- events

/** An event's shape (type-only payload). */
export interface EventSpec<P> {
  readonly payload?: P;
}
function event<P>(): EventSpec<P> {
  return {};
}

export const events = {
  /** The app menu asks the renderer to show a screen. */
  'app:navigate': event<{ route: string }>(),
  /** A compose or .env file of an open project changed; carries the reloaded project. */
  'project:changed': event<LoadedProject>(),
  /** The connection or its identity changed. */
  'connection:changed': event<ConnectionStatus>(),
  /** SSO device sign-in progress. */
  'sso:status': event<{ profile: string; state: 'waiting' | 'signed-in' | 'failed' | 'expired'; message?: string }>(),
  /** The sandbox started or stopped. */
  'sandbox:status': event<SandboxStatus>(),
  /** A bootstrap stack event. */
  'bootstrap:event': event<import('./domain/deploy').StackEvent>(),
  /** Deployment progress: phases, progress, build logs, diff, stack events, rollouts, finish. */
  'deploy:event': event<DeployEvent>(),
  /** A batch of log lines for one tail (at most ~10 batches per second). */
  'logs:batch': event<LogBatch>(),
  /** Teardown progress. */
  'teardown:event': event<TeardownEvent & { operationId: string }>(),
} as const satisfies Record<EventNameList, EventSpec<unknown>>;

export type Events = typeof events;
export type EventName = keyof Events;
export type PayloadOf<E extends EventName> = Events[E] extends EventSpec<infer P> ? P : never;
export const EVENT_NAMES: readonly EventName[] = EVENT_NAME_LIST;
const eventNamesMatch: Same<EventName, EventNameList> = true;
void eventNamesMatch;

/** True when `name` is a contract method (the bridge and IPC check this before anything else). */
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
/** True when `name` is a contract event. */
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
