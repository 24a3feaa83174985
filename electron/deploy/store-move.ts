/**
 * Moving a project's managed stores out of the shared VPC Berth used before each project had a
 * network of its own. RDS and ElastiCache cannot move a subnet group to another VPC, and a DB
 * instance or replication group given a new subnet group is replaced by CloudFormation — empty,
 * unless it is restored from a snapshot. So a move is: stop the project's services (nothing
 * writes any more), snapshot each store, and let the change set's replacements restore from those
 * snapshots in the new network. The services start again when the stack is done, on the restored
 * stores — or, when the stack rolls back, on the old ones, which are untouched.
 */
import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { CreateSnapshotCommand, DescribeSnapshotsCommand, type ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CreateDBSnapshotCommand, DescribeDBSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { StoreMove } from '../../shared/domain/deploy';
import type { ProjectModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { deployedTemplate, listStackResources } from '../aws/stacks';
import { berthTags } from '../aws/tags';
import { idPart } from '../plan/names';
import { RESTORED_METADATA_KEY } from '../plan/project-template';

/** What the deployed project stack says about its stores. */
export interface DeployedStores {
  /** Stores restored by an earlier move: their snapshot must stay in every later template. */
  restores: Record<string, string>;
  /** Stores still in the shared VPC, each with the snapshot this deploy will restore it from. */
  moves: StoreMove[];
}

/** Logical id → type and physical id of every resource in the stack. */
async function stackResources(cfn: CloudFormationClient, stackName: string): Promise<Map<string, { type: string; physicalId: string }>> {
  const found = new Map<string, { type: string; physicalId: string }>();
  for (const r of await listStackResources(cfn, stackName)) {
    if (r.LogicalResourceId && r.PhysicalResourceId) found.set(r.LogicalResourceId, { type: r.ResourceType ?? '', physicalId: r.PhysicalResourceId });
  }
  return found;
}

/** A snapshot name RDS and ElastiCache both accept: letters, digits, single hyphens, a letter first. */
export function moveSnapshotName(project: string, store: string, startedAt: string): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const stamp = startedAt.replace(/\D/g, '').slice(0, 14);
  return `berth-${slug(project)}-${slug(store)}-move-${stamp}`.replace(/-+/g, '-').slice(0, 255).replace(/-+$/, '');
}

/** The stack was created by a Berth whose projects shared the bootstrap's VPC (it takes the shared subnets). */
export function onSharedNetwork(stack: Stack | undefined): boolean {
  return Boolean(stack?.Parameters?.some((p) => p.ParameterKey === 'PrivateSubnetIds'));
}

/** Reads the deployed stack: stores restored before, and stores this deploy moves. */
export async function deployedStores(cfn: CloudFormationClient, stack: Stack | undefined, project: ProjectModel, startedAt: string): Promise<DeployedStores> {
  if (!stack?.StackName || stack.StackStatus === 'REVIEW_IN_PROGRESS') return { restores: {}, moves: [] };
  const template = await deployedTemplate(cfn, stack.StackName);
  const recorded = template.Metadata?.[RESTORED_METADATA_KEY];
  const restores: Record<string, string> = {};
  if (recorded && typeof recorded === 'object') for (const [k, v] of Object.entries(recorded)) if (typeof v === 'string') restores[k] = v;
  if (!onSharedNetwork(stack)) return { restores, moves: [] };
  const resources = await stackResources(cfn, stack.StackName);
  const moves: StoreMove[] = [];
  for (const s of project.services) {
    if (!s.managed || restores[s.name]) continue;
    const kind = s.managed.kind;
    const logicalId = `${idPart(s.name)}${kind === 'postgres' ? 'Database' : 'Cache'}`;
    const resource = resources.get(logicalId);
    const type = kind === 'postgres' ? 'AWS::RDS::DBInstance' : 'AWS::ElastiCache::ReplicationGroup';
    // A store the old stack did not have yet is simply created in the new network.
    if (!resource || resource.type !== type) continue;
    moves.push({ store: s.name, kind, logicalId, physicalId: resource.physicalId, snapshot: moveSnapshotName(project.name, s.name, startedAt) });
  }
  return { restores, moves };
}

export interface MoveEnvironment {
  cloudformation: CloudFormationClient;
  ecs: ECSClient;
  rds: RDSClient;
  elasticache: ElastiCacheClient;
  stackName: string;
  project: string;
  cluster: string;
  /** A line for the user at each step. */
  onStep: (message: string) => void;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Snapshots of big databases take a while; this bounds each wait. */
  timeoutMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// The SDK's waiters sleep in whole seconds on a real clock; deploys and their tests pass their own.
async function waitUntil(env: MoveEnvironment, what: string, done: () => Promise<boolean>): Promise<void> {
  const sleep = env.sleep ?? realSleep;
  const limit = env.timeoutMs ?? 3 * 60 * 60 * 1000;
  let waited = 0;
  let interval = Math.min(env.pollMs ?? 5_000, 5_000);
  while (!(await done())) {
    if (waited >= limit) raise('STORE_MOVE_FAILED', `Timed out waiting until ${what}. Nothing in the stack was changed; run the deploy again to carry on.`);
    await sleep(interval);
    waited += interval;
    interval = Math.min(interval * 2, env.pollMs !== undefined ? Math.max(env.pollMs, 100) : 30_000);
  }
}

/** The ECS services of the stack with the count its template gives each. */
async function servicesOf(env: MoveEnvironment): Promise<{ arn: string; desired: number | undefined }[]> {
  const [template, resources] = await Promise.all([deployedTemplate(env.cloudformation, env.stackName), stackResources(env.cloudformation, env.stackName)]);
  const services: { arn: string; desired: number | undefined }[] = [];
  for (const [logicalId, r] of resources) {
    if (r.type !== 'AWS::ECS::Service') continue;
    const count = template.Resources?.[logicalId]?.Properties?.DesiredCount;
    services.push({ arn: r.physicalId, desired: typeof count === 'number' ? count : typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : undefined });
  }
  return services;
}

async function setDesiredCounts(env: MoveEnvironment, counts: { arn: string; desired: number }[]): Promise<void> {
  for (const c of counts) await env.ecs.send(new UpdateServiceCommand({ cluster: env.cluster, service: c.arn, desiredCount: c.desired }));
  const arns = counts.map((c) => c.arn);
  for (let i = 0; i < arns.length; i += 10) {
    const batch = arns.slice(i, i + 10);
    await waitUntil(env, `the services reach their task counts`, async () => {
      const out = await env.ecs.send(new DescribeServicesCommand({ cluster: env.cluster, services: batch }));
      return (out.services ?? []).every((s) => s.status !== 'ACTIVE' || ((s.runningCount ?? 0) === (s.desiredCount ?? 0) && (s.pendingCount ?? 0) === 0));
    });
  }
}

/** Stops every service of the stack and waits until no task runs: from here on nothing writes to the stores. */
export async function stopServices(env: MoveEnvironment): Promise<void> {
  const services = await servicesOf(env);
  env.onStep(`Stopping ${services.length} service${services.length === 1 ? '' : 's'} so that nothing writes to the stores while they are copied.`);
  await setDesiredCounts(env, services.map((s) => ({ arn: s.arn, desired: 0 })));
}

/** Starts the stack's services again with the task counts its template gives them (after the move, or after a rollback). */
export async function startServices(env: MoveEnvironment): Promise<void> {
  const services = (await servicesOf(env)).filter((s): s is { arn: string; desired: number } => s.desired !== undefined);
  const described = new Map<string, number>();
  for (let i = 0; i < services.length; i += 10) {
    const out = await env.ecs.send(new DescribeServicesCommand({ cluster: env.cluster, services: services.slice(i, i + 10).map((s) => s.arn) }));
    for (const s of out.services ?? []) if (s.serviceArn && s.status === 'ACTIVE') described.set(s.serviceArn, s.desiredCount ?? 0);
  }
  const stopped = services.filter((s) => described.has(s.arn) && described.get(s.arn) !== s.desired);
  if (stopped.length === 0) return;
  env.onStep(`Starting ${stopped.length} service${stopped.length === 1 ? '' : 's'} again.`);
  await setDesiredCounts(env, stopped);
}

/** Snapshots each store that moves and waits until every snapshot is available. */
export async function snapshotStores(env: MoveEnvironment, moves: readonly StoreMove[]): Promise<void> {
  const tags = berthTags(env.project);
  for (const m of moves) {
    env.onStep(`Taking snapshot ${m.snapshot} of ${m.store}.`);
    try {
      if (m.kind === 'postgres') await env.rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: m.physicalId, DBSnapshotIdentifier: m.snapshot, Tags: tags }));
      else await env.elasticache.send(new CreateSnapshotCommand({ ReplicationGroupId: m.physicalId, SnapshotName: m.snapshot, Tags: tags }));
    } catch (error) {
      // A resumed deploy finds the snapshot it started.
      const name = (error as { name?: string }).name ?? '';
      if (!/AlreadyExists/.test(name)) throw error;
    }
  }
  for (const m of moves) {
    await waitUntil(env, `snapshot ${m.snapshot} of ${m.store} is available`, async () => {
      const status =
        m.kind === 'postgres'
          ? (await env.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: m.snapshot }))).DBSnapshots?.[0]?.Status
          : (await env.elasticache.send(new DescribeSnapshotsCommand({ SnapshotName: m.snapshot }))).Snapshots?.[0]?.SnapshotStatus;
      if (status === 'failed') raise('STORE_MOVE_FAILED', `The snapshot ${m.snapshot} of ${m.store} failed, so ${m.store} was not moved and nothing in the stack was changed. The services are being started again.`);
      return status === 'available';
    });
  }
}
