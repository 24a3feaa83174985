/**
 * Teardown: a project (images, stack, optionally config and uploads; RDS final snapshots are
 * kept and reported) and the bootstrap stack (only when no project stack remains; the bucket
 * is emptied of every version first). Both are idempotent: what is already gone is skipped.
 */
import { holderView, holderWords, readHolder } from '../deploy/lock';
import { DeleteStackCommand, UpdateTerminationProtectionCommand } from '@aws-sdk/client-cloudformation';
import { DeleteFileSystemCommand } from '@aws-sdk/client-efs';
import { DeleteRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import type { TeardownEvent } from '../../shared/domain/inventory';
import { AppErrorException, raise } from '../../shared/result';
import type { ActiveConnection } from '../aws/connection';
import { describeFailure, describeStack, latestEventId, stackOutputs, waitForStack, type WaitOptions, type WaitResult } from '../aws/stacks';
import { BOOTSTRAP_STACK } from '../bootstrap/ensure';
import { DOCKER_HUB_CACHE_PREFIX, PULL_THROUGH_CACHE_PREFIX } from '../plan/bootstrap';
import { DOCKER_HUB_SECRET_NAME } from '../../shared/domain/docker-hub';
import { removeDockerHubCredentials, storedDockerHubAccount } from '../aws/docker-hub';
import { projectRepositoryName, projectStackName } from '../plan/names';
import { countStoredConfig, deleteAllConfig, deleteDerivedConfig } from '../secrets/store';
import { deleteAllVersions, hasObjects } from './bucket';
import { listProjectStacks, listTaggedResources, arnType } from './list';
import { projectOf } from '../aws/tags';
import { toAppError } from '../deploy/errors';
import { withRetry } from '../deploy/retry';

export type TeardownConnection = Pick<ActiveConnection, 'clients'>;

export interface TeardownOutcome {
  ok: true;
  message: string;
  leftBehind: string[];
}

export interface TeardownRun {
  onEvent: (event: TeardownEvent) => void;
  wait?: Pick<WaitOptions, 'sleep' | 'now' | 'timeoutMs' | 'initialIntervalMs' | 'maxIntervalMs' | 'signal'>;
}

export interface ProjectTeardownOptions extends TeardownRun {
  project: string;
  deleteConfig: boolean;
  deleteUploads: boolean;
  /** Delete the project's kept EFS file system too (its volumes' data is gone for good). */
  deleteVolumes?: boolean;
  /** Logical ids to keep (after a DELETE_FAILED the user chose to retain them). */
  retain?: string[];
}

/** Runs one named step, reporting running → done / skipped / failed. `work` returns a skip reason or a done message. */
async function step(run: TeardownRun, target: string, name: string, work: () => Promise<{ skipped?: string; done?: string }>): Promise<void> {
  run.onEvent({ type: 'step', target, step: name, state: 'running' });
  try {
    const result = await work();
    if (result.skipped !== undefined) run.onEvent({ type: 'step', target, step: name, state: 'skipped', message: result.skipped });
    else run.onEvent({ type: 'step', target, step: name, state: 'done', ...(result.done ? { message: result.done } : {}) });
  } catch (error) {
    const message = error instanceof AppErrorException ? error.appError.message : error instanceof Error ? error.message : String(error);
    run.onEvent({ type: 'step', target, step: name, state: 'failed', message });
    throw error;
  }
}

/** Deletes a stack (termination protection off first), streaming its events; raises DELETE_FAILED naming the resource. */
async function deleteStack(conn: TeardownConnection, run: TeardownRun, stackName: string, retain?: string[]): Promise<{ skipped?: string; done?: string }> {
  const cfn = conn.clients.cloudformation;
  const stack = await describeStack(cfn, stackName);
  if (!stack) return { skipped: `${stackName} does not exist.` };
  const status = stack.StackStatus ?? '';
  if (status.endsWith('_IN_PROGRESS') && status !== 'DELETE_IN_PROGRESS' && status !== 'REVIEW_IN_PROGRESS') {
    raise('STACK_BUSY', `${stackName} is ${status}: a deployment is still running. Wait for it to finish (or cancel it), then tear down.`, { stackName, status });
  }
  const after = await latestEventId(cfn, stackName);
  if (status !== 'DELETE_IN_PROGRESS') {
    if (stack.EnableTerminationProtection) await cfn.send(new UpdateTerminationProtectionCommand({ StackName: stackName, EnableTerminationProtection: false }));
    // RetainResources is only accepted for a stack in DELETE_FAILED.
    const keep = status === 'DELETE_FAILED' && retain?.length ? { RetainResources: retain } : {};
    await cfn.send(new DeleteStackCommand({ StackName: stackName, ...keep }));
  }
  const result: WaitResult = await waitForStack(cfn, stackName, {
    ...run.wait,
    after,
    ...(stack.StackId ? { stackId: stack.StackId } : {}),
    onEvent: (event) => run.onEvent({ type: 'stack-event', target: stackName, event }),
  });
  if (result.status !== 'DELETE_COMPLETE') {
    const failed = [...new Set(result.events.filter((e) => e.status === 'DELETE_FAILED' && e.type !== 'AWS::CloudFormation::Stack').map((e) => e.logicalId))];
    raise(
      'DELETE_FAILED',
      `${stackName} could not be deleted: ${describeFailure(result.firstFailure)}. Fix the cause and retry the teardown, or retain ${failed.join(', ') || 'the failed resources'} (they stay in your account) and delete the rest.`,
      { stackName, status: result.status, retainable: failed, ...(result.firstFailure ? { resource: result.firstFailure.logicalId, reason: result.firstFailure.reason } : {}) },
    );
  }
  return { done: retain?.length ? `${stackName} deleted; kept ${retain.join(', ')}.` : `${stackName} deleted.` };
}

interface KeptData {
  databaseSnapshots: string[];
  cacheSnapshots: string[];
  fileSystems: string[];
}

/** What is tagged for the project and outlives its stack (snapshots, file systems), in one scan. */
async function projectKept(conn: TeardownConnection, project: string): Promise<KeptData> {
  const mine = (await listTaggedResources(conn)).filter((m) => m.ResourceARN && projectOf(m.Tags) === project).map((m) => ({ type: arnType(m.ResourceARN!), id: m.ResourceARN!.split(/[:/]/).pop()! }));
  const of = (type: RegExp) => mine.filter((m) => type.test(m.type)).map((m) => m.id);
  return { databaseSnapshots: of(/^rds:(cluster-)?snapshot$/), cacheSnapshots: of(/^elasticache:snapshot$/), fileSystems: of(/^elasticfilesystem:file-system$/) };
}

/** Deletes a kept file system once its mount targets (deleted with the stack) are gone; an already deleted one is fine. */
async function deleteFileSystem(conn: TeardownConnection, id: string): Promise<void> {
  try {
    await withRetry(() => conn.clients.efs.send(new DeleteFileSystemCommand({ FileSystemId: id })));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'FileSystemNotFound') return;
    if (name === 'FileSystemInUse') raise('DELETE_FAILED', `The EFS file system ${id} still has mount targets; delete them in the EFS console, then delete the file system.`, { fileSystem: id });
    throw error;
  }
}

/** Tears a project down; returns what was left behind on purpose. Raises on a failed step. */
export async function teardownProject(conn: TeardownConnection, options: ProjectTeardownOptions): Promise<TeardownOutcome> {
  const { project } = options;
  const target = projectStackName(project);
  const leftBehind: string[] = [];
  const bootstrap = await describeStack(conn.clients.cloudformation, BOOTSTRAP_STACK);
  const bucket = stackOutputs(bootstrap).BucketName;
  // Never under a deployment running elsewhere: it would recreate what this deletes.
  const held = bucket ? await readHolder(conn.clients.s3, bucket, project) : undefined;
  if (held) {
    const view = holderView(held.holder);
    if (!view.stale) raise('TEARDOWN_BLOCKED', `${project} is ${holderWords(view)}. Tear it down once that deployment has finished.`, { holder: held.holder });
  }

  await step(options, target, 'images', async () => {
    // The project's repository and those under it (BuildKit's layer cache lives at `<repo>/cache`).
    const names = await projectRepositories(conn, projectRepositoryName(project));
    if (names.length === 0) return { skipped: `No image repository ${projectRepositoryName(project)}.` };
    for (const repositoryName of names) {
      try {
        await conn.clients.ecr.send(new DeleteRepositoryCommand({ repositoryName, force: true }));
      } catch (error) {
        // Deleted meanwhile (a second teardown running): the goal is reached.
        if ((error as { name?: string }).name !== 'RepositoryNotFoundException') throw error;
      }
    }
    return { done: `Deleted image repositor${names.length === 1 ? 'y' : 'ies'} ${names.join(', ')} and their images.` };
  });

  await step(options, target, 'stack', () => deleteStack(conn, options, target, options.retain));
  if (options.retain?.length) leftBehind.push(`Retained resources of ${target}: ${options.retain.join(', ')}`);

  await step(options, target, 'config', async () => {
    const derived = await deleteDerivedConfig(conn.clients.ssm, project);
    if (options.deleteConfig) {
      const all = await deleteAllConfig(conn.clients.ssm, project);
      return all + derived === 0 ? { skipped: 'No config values stored.' } : { done: `Deleted ${all + derived} config value(s).` };
    }
    const kept = await countStoredConfig(conn.clients.ssm, project);
    if (kept > 0) leftBehind.push(`${kept} config value(s) under /Berth/${project}/ (kept as asked)`);
    return { skipped: kept > 0 ? `Kept ${kept} config value(s).` : 'No config values stored.' };
  });

  await step(options, target, 'uploads', async () => {
    if (!bucket) return { skipped: 'No bootstrap bucket.' };
    const prefixes = [`uploads/${project}/`, `deployments/${project}/`, `releases/${project}/`];
    if (options.deleteUploads) {
      let n = 0;
      for (const prefix of prefixes) n += await deleteAllVersions(conn.clients.s3, bucket, prefix);
      return n === 0 ? { skipped: 'No uploads or deployment records.' } : { done: `Deleted ${n} object version(s) of build contexts, deployment records and releases.` };
    }
    for (const prefix of prefixes) if (await hasObjects(conn.clients.s3, bucket, prefix)) leftBehind.push(`s3://${bucket}/${prefix} (kept as asked)`);
    return { skipped: 'Kept build contexts and deployment records.' };
  });

  // The stack is gone: a failed look for what outlives it is a warning, not a failed teardown.
  let kept: KeptData;
  try {
    kept = await projectKept(conn, project);
  } catch (error) {
    const warning = `Berth could not check for the snapshots and file systems the project kept (${toAppError(error).message}); look for berth-${project} in the RDS, ElastiCache and EFS consoles.`;
    options.onEvent({ type: 'step', target, step: 'kept data', state: 'skipped', message: warning });
    return { ok: true, message: `${project} is torn down. ${warning}`, leftBehind };
  }
  for (const id of kept.databaseSnapshots) {
    leftBehind.push(`RDS final snapshot ${id} (kept so your data survives; delete it in the RDS console when no longer needed)`);
  }
  for (const id of kept.cacheSnapshots) {
    leftBehind.push(`ElastiCache snapshot ${id} (kept so your data survives; delete it in the ElastiCache console when no longer needed)`);
  }
  const volumes = kept.fileSystems;
  if (options.deleteVolumes && volumes.length > 0) {
    await step(options, target, 'volumes', async () => {
      for (const id of volumes) await deleteFileSystem(conn, id);
      return { done: `Deleted the EFS file system${volumes.length === 1 ? '' : 's'} ${volumes.join(', ')} and the volumes' data.` };
    });
  } else {
    for (const id of volumes) leftBehind.push(`EFS file system ${id} with the project's named volumes (kept so your data survives; delete it in the EFS console when no longer needed)`);
  }
  return { ok: true, message: `${project} is torn down.`, leftBehind };
}

/** Raises TEARDOWN_BLOCKED, listing them, while any project stack exists. */
export async function assertBootstrapRemovable(conn: TeardownConnection): Promise<void> {
  const projects = await listProjectStacks(conn);
  if (projects.length > 0) {
    raise(
      'TEARDOWN_BLOCKED',
      `The bootstrap stack is shared by ${projects.length} project stack(s): ${projects.map((p) => p.stackName).join(', ')}. Tear those down first.`,
      { stacks: projects.map((p) => p.stackName) },
    );
  }
}

/** Tears the bootstrap stack down: refuses while projects exist, empties the bucket of every version, deletes the stack. */
export async function teardownBootstrap(conn: TeardownConnection, run: TeardownRun): Promise<TeardownOutcome> {
  await assertBootstrapRemovable(conn);
  const stack = await describeStack(conn.clients.cloudformation, BOOTSTRAP_STACK);
  const bucket = stackOutputs(stack).BucketName;
  await step(run, BOOTSTRAP_STACK, 'bucket', async () => {
    if (!bucket) return { skipped: 'No bootstrap bucket.' };
    const n = await deleteAllVersions(conn.clients.s3, bucket);
    return { done: n > 0 ? `Emptied ${bucket} (${n} object version(s) and delete marker(s)).` : `${bucket} was already empty.` };
  });
  await step(run, BOOTSTRAP_STACK, 'stack', () => deleteStack(conn, run, BOOTSTRAP_STACK));
  // The Docker Hub cache went with the stack; the credentials it signed in with are Berth's too.
  await step(run, BOOTSTRAP_STACK, 'docker hub account', async () => {
    if (!(await storedDockerHubAccount(conn.clients.secretsManager))) return { skipped: 'No Docker Hub account stored.' };
    await removeDockerHubCredentials(conn.clients.secretsManager);
    return { done: `Deleted the secret ${DOCKER_HUB_SECRET_NAME}.` };
  });
  const cached = await pullThroughRepositories(conn);
  const leftBehind = [PULL_THROUGH_CACHE_PREFIX, DOCKER_HUB_CACHE_PREFIX].flatMap((prefix) => {
    const n = cached.filter((name) => name.startsWith(`${prefix}/`)).length;
    const origin = prefix === PULL_THROUGH_CACHE_PREFIX ? 'ECR Public' : 'Docker Hub';
    return n > 0 ? [`${n} image cache repositor${n === 1 ? 'y' : 'ies'} under ${prefix}/ (made by pulls through ${origin}; delete them in the ECR console if nothing else uses them)`] : [];
  });
  return { ok: true, message: 'The bootstrap stack is torn down.', leftBehind };
}

/** Repositories the pull-through caches created (they are not part of the stack). */
async function pullThroughRepositories(conn: TeardownConnection): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const out = await conn.clients.ecr.send(new DescribeRepositoriesCommand(token ? { nextToken: token } : {}));
    for (const r of out.repositories ?? []) if ([PULL_THROUGH_CACHE_PREFIX, DOCKER_HUB_CACHE_PREFIX].some((prefix) => r.repositoryName?.startsWith(`${prefix}/`))) names.push(r.repositoryName!);
    token = out.nextToken;
  } while (token);
  return names;
}

/** The project's repository and every repository under it, e.g. `berth/shop` and `berth/shop/cache`. */
async function projectRepositories(conn: TeardownConnection, root: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await conn.clients.ecr.send(new DescribeRepositoriesCommand({ nextToken }));
    for (const r of out.repositories ?? []) {
      const name = r.repositoryName ?? '';
      if (name === root || name.startsWith(`${root}/`)) names.push(name);
    }
    nextToken = out.nextToken;
  } while (nextToken);
  // Children first, so nothing is left pointing at a deleted parent.
  return names.sort((a, b) => b.length - a.length);
}
