/**
 * Inventory: everything Berth owns in a region — its stacks with their resources, tagged
 * resources outside stacks (ECR repositories, parameters, bucket prefixes), leftovers of
 * projects whose stack is gone, and RDS snapshots and EFS volumes kept after a teardown.
 */
import { DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, type ResourceTagMapping } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Inventory, InventoryResource, InventoryStack, TaggedResource } from '../../shared/domain/inventory';
import type { DeploymentMode } from '../../shared/domain/plan';
import { DEPLOYMENT_MODES } from '../../shared/domain/plan';
import type { ActiveConnection } from '../aws/connection';
import { deployedTemplate, listStackResources, stackConsoleUrl, stackOutputs } from '../aws/stacks';
import { isManagedByBerth, MANAGED_BY_KEY, MANAGED_BY_VALUE, projectOf } from '../aws/tags';
import { BOOTSTRAP_STACK } from '../bootstrap/ensure';
import { toAppError } from '../deploy/errors';
import { arnConsoleUrl, resourceConsoleUrl } from './console-links';

export type InventoryConnection = Pick<ActiveConnection, 'clients' | 'identity' | 'target'>;

/** Estimates a project's monthly cost from its deployed mode (null when the project is not known locally). */
export type ProjectCost = (project: string, mode: DeploymentMode, region: string) => Promise<number | undefined>;

export interface InventoryOptions {
  cost?: ProjectCost;
}

/** The project a Berth stack belongs to, from its tag or its name. */
export function stackProject(stack: Stack): string | undefined {
  if (stack.StackName === BOOTSTRAP_STACK) return undefined;
  return projectOf(stack.Tags) ?? stack.StackName?.replace(/^berth-/, '');
}

/** True for stacks Berth made (tagged, or the bootstrap by name). */
function isBerthStack(stack: Stack): boolean {
  return isManagedByBerth(stack.Tags) || stack.StackName === BOOTSTRAP_STACK;
}

/** Every live Berth stack in the region. */
export async function listBerthStacks(conn: Pick<ActiveConnection, 'clients'>): Promise<Stack[]> {
  const stacks: Stack[] = [];
  let token: string | undefined;
  do {
    const out = await conn.clients.cloudformation.send(new DescribeStacksCommand(token ? { NextToken: token } : {}));
    for (const s of out.Stacks ?? []) if (s.StackStatus !== 'DELETE_COMPLETE' && isBerthStack(s)) stacks.push(s);
    token = out.NextToken;
  } while (token);
  return stacks.sort((a, b) => (a.StackName ?? '').localeCompare(b.StackName ?? ''));
}

/** The project stacks (not the bootstrap) that exist in the region. */
export async function listProjectStacks(conn: Pick<ActiveConnection, 'clients'>): Promise<{ project: string; stackName: string; status: string }[]> {
  return (await listBerthStacks(conn))
    .filter((s) => s.StackName !== BOOTSTRAP_STACK)
    .map((s) => ({ project: stackProject(s) ?? s.StackName ?? '', stackName: s.StackName ?? '', status: s.StackStatus ?? '' }));
}

async function stackResources(conn: InventoryConnection, stackName: string, links: boolean): Promise<InventoryResource[]> {
  return (await listStackResources(conn.clients.cloudformation, stackName)).map((r) => {
    const resource: InventoryResource = {
      logicalId: r.LogicalResourceId ?? '',
      physicalId: r.PhysicalResourceId ?? '',
      type: r.ResourceType ?? '',
      status: r.ResourceStatus ?? '',
    };
    const url = links && resource.physicalId ? resourceConsoleUrl(conn.target.region, conn.identity.account, resource.type, resource.physicalId) : undefined;
    if (url) resource.consoleUrl = url;
    return resource;
  });
}

/** The deployment mode a project stack was deployed in (template metadata), if readable. */
async function deployedMode(conn: InventoryConnection, stackName: string): Promise<DeploymentMode | undefined> {
  try {
    const mode = (await deployedTemplate(conn.clients.cloudformation, stackName)).Metadata?.['berth:mode'];
    return (DEPLOYMENT_MODES as readonly unknown[]).includes(mode) ? (mode as DeploymentMode) : undefined;
  } catch {
    return undefined;
  }
}

/** Every resource tagged berth:managed-by=berth (the tagging API sees stack resources too). */
export async function listTaggedResources(conn: Pick<ActiveConnection, 'clients'>): Promise<ResourceTagMapping[]> {
  const found: ResourceTagMapping[] = [];
  let token: string | undefined;
  do {
    const out = await conn.clients.tagging.send(
      new GetResourcesCommand({ TagFilters: [{ Key: MANAGED_BY_KEY, Values: [MANAGED_BY_VALUE] }], ResourcesPerPage: 100, ...(token ? { PaginationToken: token } : {}) }),
    );
    found.push(...(out.ResourceTagMappingList ?? []));
    token = out.PaginationToken || undefined;
  } while (token);
  return found;
}

/** `ecr:repository`, `ssm:parameter`, `rds:snapshot`... from an ARN. */
export function arnType(arn: string): string {
  const [, , service = '', , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  const kind = /^([A-Za-z-]+)[/:]/.exec(resource)?.[1] ?? (service === 's3' ? 'bucket' : resource);
  return `${service}:${kind}`;
}

/** Bucket prefixes per project (`uploads/<p>/`, `deployments/<p>/`) in the bootstrap bucket. */
async function bucketPrefixes(conn: InventoryConnection, bucket: string): Promise<{ arn: string; project: string }[]> {
  const found: { arn: string; project: string }[] = [];
  for (const top of ['uploads/', 'deployments/']) {
    let token: string | undefined;
    do {
      const out = await conn.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: top, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) }));
      for (const p of out.CommonPrefixes ?? []) {
        const project = p.Prefix?.slice(top.length).replace(/\/$/, '');
        if (project) found.push({ arn: `arn:aws:s3:::${bucket}/${p.Prefix}`, project });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }
  return found;
}

/** Everything Berth owns in the connection's region. */
export async function regionInventory(conn: InventoryConnection, options: InventoryOptions = {}): Promise<Inventory> {
  const region = conn.target.region;
  // The AWS console only knows AWS: a custom endpoint (LocalStack, the sandbox) gets no links.
  const links = conn.target.endpoint === undefined;
  const stacks = await listBerthStacks(conn);
  const liveProjects = new Set(stacks.map(stackProject).filter((p): p is string => p !== undefined));
  const physicalIds = new Set<string>();

  const inventoryStacks: InventoryStack[] = [];
  for (const s of stacks) {
    const stackName = s.StackName ?? '';
    // One stack that cannot be read (denied, throttled, a bad answer) shows its error; the rest are still listed.
    let resources: InventoryResource[] = [];
    let error: string | undefined;
    try {
      resources = await stackResources(conn, stackName, links);
    } catch (e) {
      error = `Its resources could not be listed: ${toAppError(e).message}`;
    }
    for (const r of resources) if (r.physicalId) physicalIds.add(r.physicalId);
    const project = stackProject(s);
    const entry: InventoryStack = {
      stackName,
      kind: project === undefined ? 'bootstrap' : 'project',
      status: s.StackStatus ?? '',
      lastUpdated: (s.LastUpdatedTime ?? s.CreationTime ?? new Date(0)).toISOString(),
      resources,
    };
    if (project !== undefined) entry.project = project;
    if (error) entry.error = error;
    if (links && s.StackId) entry.consoleUrl = stackConsoleUrl(region, s.StackId);
    if (project !== undefined && options.cost) {
      const mode = await deployedMode(conn, stackName);
      const usd = mode ? await options.cost(project, mode, region).catch(() => undefined) : undefined;
      if (usd !== undefined) entry.monthlyUsd = usd;
    }
    inventoryStacks.push(entry);
  }

  const outside: TaggedResource[] = [];
  const leftovers: TaggedResource[] = [];
  const snapshots: Inventory['snapshots'] = [];
  const volumes: NonNullable<Inventory['volumes']> = [];
  const place = (arn: string, type: string, project: string | undefined) => {
    const leftover = project !== undefined && !liveProjects.has(project);
    const item: TaggedResource = { arn, type, leftover, ...(project !== undefined ? { project } : {}) };
    const url = links ? arnConsoleUrl(region, conn.identity.account, arn) : undefined;
    if (url) item.consoleUrl = url;
    (leftover ? leftovers : outside).push(item);
  };
  for (const mapping of await listTaggedResources(conn)) {
    const arn = mapping.ResourceARN ?? '';
    if (!arn) continue;
    const type = arnType(arn);
    const project = projectOf(mapping.Tags);
    // Snapshots outlive what they copy (and may carry its stack's tags): always listed as kept.
    if (type === 'rds:snapshot' || type === 'rds:cluster-snapshot' || type === 'elasticache:snapshot') {
      snapshots.push({ id: arn.split(':').pop() ?? arn, kind: type === 'elasticache:snapshot' ? 'cache' : 'database', ...(project ? { project } : {}) });
      continue;
    }
    // Resources a stack made are listed under their stack; one its stack kept when it went (a volume) is a leftover.
    const madeBy = mapping.Tags?.find((t) => t.Key === 'aws:cloudformation:stack-name')?.Value;
    if (madeBy !== undefined && stacks.some((s) => s.StackName === madeBy)) continue;
    if (physicalIds.has(arn) || [...physicalIds].some((id) => arn.endsWith(`:${id}`) || arn.endsWith(`/${id}`))) continue;
    // Stacks themselves are tagged too; they are listed above.
    if (type === 'cloudformation:stack') continue;
    if (type === 'elasticfilesystem:file-system' && madeBy !== undefined) {
      volumes.push({ id: arn.split('/').pop() ?? arn, ...(project ? { project } : {}) });
      continue;
    }
    place(arn, type, project);
  }

  const bootstrap = stacks.find((s) => s.StackName === BOOTSTRAP_STACK);
  const bucket = stackOutputs(bootstrap).BucketName;
  if (bucket) for (const p of await bucketPrefixes(conn, bucket)) place(p.arn, 's3:prefix', p.project);

  return { account: conn.identity.account, region, stacks: inventoryStacks, outside, leftovers, snapshots, ...(volumes.length > 0 ? { volumes } : {}) };
}
