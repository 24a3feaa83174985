/**
 * The bootstrap stack `berth-bootstrap`: read its status, and create, update, recover or leave
 * it alone. A deployed template newer than this app's is never downgraded.
 */
import {
  ContinueUpdateRollbackCommand,
  CreateStackCommand,
  DeleteStackCommand,
  GetTemplateCommand,
  paginateDescribeStacks,
  UpdateStackCommand,
  UpdateTerminationProtectionCommand,
  type CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import type { BootstrapStatus } from '../../shared/domain/bootstrap';
import type { StackEvent } from '../../shared/domain/deploy';
import type { PlannedStack } from '../../shared/domain/plan';
import { raise } from '../../shared/result';
import type { ActiveConnection } from '../aws/connection';
import { describeFailure, describeStack, latestEventId, stackOutputs, waitForStack, type WaitOptions, type WaitResult } from '../aws/stacks';
import { berthTags } from '../aws/tags';
import { storedDockerHubAccount } from '../aws/docker-hub';
import { DOCKER_HUB_OUTPUTS } from '../plan/bootstrap';

export const BOOTSTRAP_STACK = 'berth-bootstrap';

/** Where the bootstrap template comes from (the planner in the app; fixtures in tests). */
/** The bootstrap bucket's name, or undefined while there is no bootstrap stack. */
export async function bootstrapBucket(cfn: CloudFormationClient): Promise<string | undefined> {
  return stackOutputs(await describeStack(cfn, BOOTSTRAP_STACK)).BucketName;
}

export interface BootstrapTemplateSource {
  /**
   * The template, keeping the shared project network while projects deployed before per-project
   * networks use it, with a Docker Hub cache when the user's Docker Hub credentials are stored.
   */
  template(legacy: LegacyNetwork | undefined, dockerHub?: DockerHubCache): PlannedStack;
  /** The version this app writes (the template's `TemplateVersion` output). */
  version: number;
}

export type BootstrapConnection = Pick<ActiveConnection, 'clients'>;

export interface BootstrapOptions {
  source: BootstrapTemplateSource;
  onEvent?: (event: StackEvent) => void;
  /** The user agreed to delete and recreate a bootstrap stack whose creation failed. */
  confirmRecover?: boolean;
  /** Waiting knobs (tests shorten them). */
  wait?: Pick<WaitOptions, 'sleep' | 'now' | 'timeoutMs' | 'initialIntervalMs' | 'maxIntervalMs' | 'signal'>;
}

// Statuses a failed first creation leaves behind: the only way on is delete and recreate.
const RECREATE = new Set(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'REVIEW_IN_PROGRESS', 'DELETE_FAILED']);

function deployedVersion(stack: Stack | undefined): number | undefined {
  const raw = stackOutputs(stack).TemplateVersion;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/** The Docker Hub pull-through cache signs in with this secret. */
export type DockerHubCache = { credentialArn: string };

/**
 * The Docker Hub cache the bootstrap should have: the stored credentials' secret, if any. When
 * Secrets Manager cannot be asked (no permission, unreachable), the deployed bootstrap keeps what it has.
 */
async function dockerHubCache(conn: BootstrapConnection, stack: Stack | undefined): Promise<DockerHubCache | undefined> {
  try {
    const account = await storedDockerHubAccount(conn.clients.secretsManager);
    return account ? { credentialArn: account.secretArn } : undefined;
  } catch {
    const deployed = stackOutputs(stack)[DOCKER_HUB_OUTPUTS.credential];
    return deployed ? { credentialArn: deployed } : undefined;
  }
}

/** The shared private network of bootstrap version 1, and whether it had NAT gateways. */
export type LegacyNetwork = { nat: boolean };

/**
 * Whether project stacks deployed before per-project networks still run in the bootstrap's
 * private subnets (their template takes `PrivateSubnetIds` from it): then those subnets, and
 * any NAT gateways, stay until the last such project is redeployed or torn down.
 */
async function legacyNetworkInUse(cfn: CloudFormationClient, stack: Stack | undefined): Promise<LegacyNetwork | undefined> {
  const outputs = stackOutputs(stack);
  if (!outputs.PrivateSubnetIds) return undefined;
  for await (const page of paginateDescribeStacks({ client: cfn }, {})) {
    for (const s of page.Stacks ?? []) {
      if (s.StackName === BOOTSTRAP_STACK || !s.StackName?.startsWith('berth-') || s.StackStatus === 'DELETE_COMPLETE') continue;
      if ((s.Parameters ?? []).some((p) => p.ParameterKey === 'PrivateSubnetIds')) return { nat: Number(outputs.NatGateways ?? '0') > 0 };
    }
  }
  return undefined;
}

/** Same JSON, regardless of key order and whitespace. */
function canonical(text: string): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sort(x)])) : v;
  try {
    return JSON.stringify(sort(JSON.parse(text)));
  } catch {
    return text;
  }
}

async function templateUnchanged(cfn: CloudFormationClient, planned: PlannedStack): Promise<boolean> {
  const out = await cfn.send(new GetTemplateCommand({ StackName: BOOTSTRAP_STACK, TemplateStage: 'Original' }));
  return out.TemplateBody !== undefined && canonical(out.TemplateBody) === canonical(planned.body);
}

function statusOf(stack: Stack | undefined, appVersion: number, action: BootstrapStatus['action'], message?: string): BootstrapStatus {
  const status: BootstrapStatus = { stackName: BOOTSTRAP_STACK, exists: stack !== undefined, appVersion, action, outputs: stackOutputs(stack) };
  if (stack?.StackStatus) status.status = stack.StackStatus;
  const version = deployedVersion(stack);
  if (version !== undefined) status.deployedVersion = version;
  if (message) status.message = message;
  return status;
}

/** What the bootstrap stack is, and what ensure would do about it. */
export async function bootstrapStatus(conn: BootstrapConnection, options: Pick<BootstrapOptions, 'source'>): Promise<BootstrapStatus> {
  const cfn = conn.clients.cloudformation;
  const stack = await describeStack(cfn, BOOTSTRAP_STACK);
  const appVersion = options.source.version;
  if (!stack) return statusOf(undefined, appVersion, 'create', 'Berth will create its bootstrap stack (bucket, cluster, image builder) on the first deploy.');
  const status = stack.StackStatus ?? '';
  if (RECREATE.has(status)) {
    return statusOf(stack, appVersion, 'recover', `The bootstrap stack is ${status} (an earlier creation failed). Berth can delete and recreate it once you confirm.`);
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return statusOf(stack, appVersion, 'recover', 'The last bootstrap update failed to roll back. Berth will continue the rollback, then update it.');
  }
  if (status.endsWith('_IN_PROGRESS')) return statusOf(stack, appVersion, 'none', `The bootstrap stack is busy (${status}).`);
  const version = deployedVersion(stack);
  if (version !== undefined && version > appVersion) {
    return statusOf(stack, appVersion, 'refuse', newerMessage(version, appVersion));
  }
  const planned = options.source.template(await legacyNetworkInUse(cfn, stack), await dockerHubCache(conn, stack));
  if (version === appVersion && (await templateUnchanged(cfn, planned))) return statusOf(stack, appVersion, 'none');
  return statusOf(stack, appVersion, 'update', version === undefined || version < appVersion ? `Berth will update its bootstrap stack from version ${version ?? 'unknown'} to ${appVersion}.` : 'Berth will update its bootstrap stack.');
}

function newerMessage(deployed: number, app: number): string {
  return `The bootstrap stack in this account and region is version ${deployed}, newer than this Berth (version ${app}). Update Berth before deploying here; Berth never downgrades it.`;
}

function fail(stage: string, result: WaitResult): never {
  raise('BOOTSTRAP_FAILED', `The bootstrap stack ${stage} failed (${result.status}). First failure: ${describeFailure(result.firstFailure)}.`, {
    status: result.status,
    ...(result.firstFailure ? { resource: result.firstFailure.logicalId, resourceType: result.firstFailure.type, reason: result.firstFailure.reason } : {}),
  });
}

function isNoUpdates(error: unknown): boolean {
  return /No updates are to be performed/i.test((error as { message?: string }).message ?? '');
}

/**
 * Makes the bootstrap stack current: creates it, updates it (an unchanged template is success),
 * waits out another operation, recovers failed states, and turns termination protection on.
 * Stack events go to `onEvent`; a failure names the first failed resource and its reason.
 */
export async function ensureBootstrap(conn: BootstrapConnection, options: BootstrapOptions): Promise<BootstrapStatus> {
  const cfn = conn.clients.cloudformation;
  const appVersion = options.source.version;
  const wait = async (after: string | undefined, stackId?: string) =>
    waitForStack(cfn, BOOTSTRAP_STACK, { ...options.wait, after, ...(stackId ? { stackId } : {}), ...(options.onEvent ? { onEvent: options.onEvent } : {}) });

  let stack = await describeStack(cfn, BOOTSTRAP_STACK);
  if (stack?.StackStatus?.endsWith('_IN_PROGRESS') && stack.StackStatus !== 'REVIEW_IN_PROGRESS') {
    // Another window or an earlier run is working on it: wait, then decide.
    stack = (await wait(await latestEventId(cfn, BOOTSTRAP_STACK))).stack;
  }

  if (stack && RECREATE.has(stack.StackStatus ?? '')) {
    if (!options.confirmRecover) {
      raise('BOOTSTRAP_FAILED', `The bootstrap stack is ${stack.StackStatus} because an earlier creation failed. Confirm to let Berth delete and recreate it.`, {
        status: stack.StackStatus,
        needsConfirmation: true,
      });
    }
    const after = await latestEventId(cfn, BOOTSTRAP_STACK);
    await cfn.send(new UpdateTerminationProtectionCommand({ StackName: BOOTSTRAP_STACK, EnableTerminationProtection: false }));
    await cfn.send(new DeleteStackCommand({ StackName: BOOTSTRAP_STACK }));
    const deleted = await wait(after, stack.StackId);
    if (deleted.status !== 'DELETE_COMPLETE') fail('deletion', deleted);
    stack = undefined;
  }

  if (stack?.StackStatus === 'UPDATE_ROLLBACK_FAILED') {
    const after = await latestEventId(cfn, BOOTSTRAP_STACK);
    await cfn.send(new ContinueUpdateRollbackCommand({ StackName: BOOTSTRAP_STACK }));
    const rolled = await wait(after);
    if (rolled.status !== 'UPDATE_ROLLBACK_COMPLETE') fail('rollback', rolled);
    stack = rolled.stack;
  }

  if (!stack) {
    const planned = options.source.template(undefined, await dockerHubCache(conn, undefined));
    assertInline(planned);
    await cfn.send(
      new CreateStackCommand({
        StackName: BOOTSTRAP_STACK,
        TemplateBody: planned.body,
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        Tags: berthTags(),
        EnableTerminationProtection: true,
        OnFailure: 'ROLLBACK',
      }),
    );
    const created = await wait(undefined);
    if (created.status !== 'CREATE_COMPLETE') fail('creation', created);
    return statusOf(created.stack, appVersion, 'none', 'Bootstrap stack created.');
  }

  const version = deployedVersion(stack);
  if (version !== undefined && version > appVersion) raise('BOOTSTRAP_NEWER', newerMessage(version, appVersion), { deployedVersion: version, appVersion });
  if (!stack.EnableTerminationProtection) {
    await cfn.send(new UpdateTerminationProtectionCommand({ StackName: BOOTSTRAP_STACK, EnableTerminationProtection: true }));
    stack = { ...stack, EnableTerminationProtection: true };
  }
  const planned = options.source.template(await legacyNetworkInUse(cfn, stack), await dockerHubCache(conn, stack));
  if (version === appVersion && (await templateUnchanged(cfn, planned))) return statusOf(stack, appVersion, 'none');
  assertInline(planned);
  const after = await latestEventId(cfn, BOOTSTRAP_STACK);
  try {
    await cfn.send(
      new UpdateStackCommand({
        StackName: BOOTSTRAP_STACK,
        TemplateBody: planned.body,
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        Tags: berthTags(),
      }),
    );
  } catch (error) {
    if (isNoUpdates(error)) return statusOf(stack, appVersion, 'none');
    throw error;
  }
  const updated = await wait(after);
  if (updated.status !== 'UPDATE_COMPLETE') fail('update', updated);
  return statusOf(updated.stack, appVersion, 'none', `Bootstrap stack updated to version ${appVersion}.`);
}

function assertInline(planned: PlannedStack): void {
  // The bucket that would carry a large template is part of this very stack.
  if (planned.needsUpload) raise('LIMIT_EXCEEDED', `The bootstrap template is ${planned.bytes} bytes, over CloudFormation's inline limit of 51,200.`);
}
