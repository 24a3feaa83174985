/**
 * Room for the VPCs a deploy creates, checked before anything is created: every project stack
 * has its own VPC, the bootstrap stack one more, and AWS allows 5 per Region unless the account
 * raised "VPCs per Region" (Service Quotas vpc/L-F678F1CE); the default VPC counts too. Without
 * the check a user's 4th or 5th project fails half-way with VpcLimitExceeded.
 */
import { paginateDescribeVpcs, type EC2Client, type Vpc } from '@aws-sdk/client-ec2';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { paginateListStackResources, type CloudFormationClient, type Stack } from '@aws-sdk/client-cloudformation';
import type { CfnTemplate, PlannedStack, VpcCapacity } from '../../shared/domain/plan';
import { raise } from '../../shared/result';
import { isAwsError } from '../aws/errors';
import { describeStack } from '../aws/stacks';
import { isManagedByBerth } from '../aws/tags';
import { BOOTSTRAP_STACK_NAME } from '../plan';

/** "VPCs per Region" in Service Quotas, and its AWS default. */
export const VPC_QUOTA = { ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE' } as const;
export const AWS_DEFAULT_VPCS_PER_REGION = 5;

export interface CapacityClients {
  ec2: EC2Client;
  quotas: ServiceQuotasClient;
}

/** The clients that also read which planned stacks exist. */
export type DeployCapacityClients = CapacityClients & { cloudformation: CloudFormationClient };

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const denied = (error: unknown) => isAwsError(error) && DENIED.has(error.name);
const noSuchQuota = (error: unknown) => isAwsError(error) && error.name === 'NoSuchResourceException';

// Stacks in these states hold no resources: deploying creates their VPCs again.
const EMPTY_STATES = new Set(['REVIEW_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'DELETE_COMPLETE']);

/** True when a stack exists and holds its resources (not a failed first creation, not an unexecuted change set). */
function holdsResources(stack: Pick<Stack, 'StackStatus'> | undefined): boolean {
  return stack !== undefined && !EMPTY_STATES.has(stack.StackStatus ?? '');
}

/** The logical ids of the VPCs a template declares. */
function vpcLogicalIds(template: Pick<CfnTemplate, 'Resources'>): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::EC2::VPC')
    .map(([id]) => id);
}

/** Of `logicalIds`, how many the stack does not have yet (an update that adds a VPC creates one). */
async function missingFromStack(cfn: CloudFormationClient, stackName: string, logicalIds: string[]): Promise<number> {
  const present = new Set<string>();
  for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackName })) {
    for (const r of page.StackResourceSummaries ?? []) if (r.ResourceStatus !== 'DELETE_COMPLETE' && r.LogicalResourceId) present.add(r.LogicalResourceId);
  }
  return logicalIds.filter((id) => !present.has(id)).length;
}

/** The account's applied limit; AWS's default when no applied value exists or Service Quotas may not be read. */
async function vpcLimit(quotas: ServiceQuotasClient): Promise<Pick<VpcCapacity, 'limit' | 'limitSource' | 'note'>> {
  try {
    const applied = (await quotas.send(new GetServiceQuotaCommand(VPC_QUOTA))).Quota?.Value;
    if (applied !== undefined) return { limit: applied, limitSource: 'applied' };
  } catch (error) {
    if (!noSuchQuota(error) && !denied(error)) throw error;
    if (denied(error)) return assumedLimit();
  }
  try {
    const aws = (await quotas.send(new GetAWSDefaultServiceQuotaCommand(VPC_QUOTA))).Quota?.Value;
    return { limit: aws ?? AWS_DEFAULT_VPCS_PER_REGION, limitSource: 'aws-default' };
  } catch (error) {
    if (!denied(error) && !noSuchQuota(error)) throw error;
    return assumedLimit();
  }
}

function assumedLimit(): Pick<VpcCapacity, 'limit' | 'limitSource' | 'note'> {
  return {
    limit: AWS_DEFAULT_VPCS_PER_REGION,
    limitSource: 'assumed',
    note: `Berth may not read Service Quotas (servicequotas:GetServiceQuota was denied), so it assumed AWS's default of ${AWS_DEFAULT_VPCS_PER_REGION} VPCs per Region; if your account's quota was raised, this check may be too strict.`,
  };
}

/** Every VPC in the Region, through the SDK's paginator. */
async function listVpcs(ec2: EC2Client): Promise<Vpc[]> {
  const vpcs: Vpc[] = [];
  for await (const page of paginateDescribeVpcs({ client: ec2, pageSize: 1000 }, {})) vpcs.push(...(page.Vpcs ?? []));
  return vpcs;
}

/** The Service Quotas console page of "VPCs per Region" in a Region. */
export function quotaConsoleUrl(region: string): string {
  return `https://${region}.console.aws.amazon.com/servicequotas/home/services/vpc/quotas/${VPC_QUOTA.QuotaCode}`;
}

/** The quota value that fits the deploy, where to ask for it, and the command that does. */
function raiseQuota(c: Pick<VpcCapacity, 'inUse' | 'needed' | 'region'>): NonNullable<VpcCapacity['raise']> {
  const desiredValue = c.inUse + c.needed;
  return {
    desiredValue,
    consoleUrl: quotaConsoleUrl(c.region),
    command: `aws service-quotas request-service-quota-increase --service-code ${VPC_QUOTA.ServiceCode} --quota-code ${VPC_QUOTA.QuotaCode} --desired-value ${desiredValue} --region ${c.region}`,
  };
}

/** What to do when the Region has no room: what is in use, how to raise the quota, what to delete. */
function shortfallMessage(c: Omit<VpcCapacity, 'ok' | 'message'>, raise: NonNullable<VpcCapacity['raise']>): string {
  const others = c.inUse - c.berth - (c.defaultVpc ? 1 : 0);
  const parts = [`${c.berth} Berth's`, ...(c.defaultVpc ? ['1 the default VPC'] : []), ...(others > 0 ? [`${others} other`] : [])];
  const limitWords = c.limitSource === 'applied' ? 'your quota' : "AWS's default quota";
  return [
    `This deploy creates ${c.needed} VPC${c.needed === 1 ? '' : 's'} in ${c.region}, but ${c.inUse} of the ${c.limit} VPCs ${limitWords} allows there are in use (${parts.join(', ')}).`,
    `Raise "VPCs per Region" to at least ${raise.desiredValue} in the Service Quotas console (${raise.consoleUrl}) or with:`,
    `  ${raise.command}`,
    `or delete VPCs you no longer use in ${c.region}${c.defaultVpc ? ' (the default VPC counts too, if nothing uses it)' : ''}. Nothing was created.`,
    ...(c.note ? [c.note] : []),
  ].join('\n');
}

/**
 * Counts the Region's VPCs against its VPCs-per-Region quota for a deploy that creates `needed`
 * more. When EC2 may not be read, the check is skipped (`counted: false`), never guessed.
 */
export async function checkVpcCapacity(clients: CapacityClients, input: { region: string; needed: number }): Promise<VpcCapacity> {
  const limit = await vpcLimit(clients.quotas);
  let vpcs: Vpc[];
  try {
    vpcs = await listVpcs(clients.ec2);
  } catch (error) {
    if (!denied(error)) throw error;
    return { region: input.region, ...limit, inUse: 0, berth: 0, defaultVpc: false, needed: input.needed, counted: false, ok: true, note: 'Berth may not list VPCs (ec2:DescribeVpcs was denied), so it could not check that the Region has room for this deploy.' };
  }
  const berth = vpcs.filter((v) => isManagedByBerth(v.Tags)).length;
  const base = { region: input.region, ...limit, inUse: vpcs.length, berth, defaultVpc: vpcs.some((v) => v.IsDefault === true), needed: input.needed, counted: true };
  const ok = base.inUse + base.needed <= base.limit;
  if (ok) return { ...base, ok };
  const raise = raiseQuota(base);
  return { ...base, ok, message: shortfallMessage(base, raise), raise };
}

/**
 * New VPCs a deploy of the planned stacks (bootstrap and project) creates: all of a new (or
 * empty) stack's, and those an update adds. Stacks given in `known` are not read again.
 */
export async function plannedVpcNeed(cfn: CloudFormationClient, stacks: readonly PlannedStack[], known: Record<string, Stack | undefined> = {}): Promise<number> {
  const read = async (name: string) => (name in known ? known[name] : await describeStack(cfn, name));
  const project = stacks.find((s) => s.stackName !== BOOTSTRAP_STACK_NAME);
  let needed = 0;
  for (const planned of stacks) {
    const ids = vpcLogicalIds(planned.template);
    if (ids.length === 0) continue;
    // Berth removes the bootstrap stack only when no project stack is left: a deployed project means it is there.
    if (planned.stackName === BOOTSTRAP_STACK_NAME && project && holdsResources(await read(project.stackName))) continue;
    const stack = await read(planned.stackName);
    needed += holdsResources(stack) ? await missingFromStack(cfn, planned.stackName, ids) : ids.length;
  }
  return needed;
}

/**
 * The check the deploy runs before anything is created: fails with LIMIT_EXCEEDED and the
 * shortfall message when the Region has no room for the VPCs the planned stacks create.
 */
export async function assertVpcRoom(clients: DeployCapacityClients, region: string, stacks: readonly PlannedStack[], known: Record<string, Stack | undefined> = {}): Promise<VpcCapacity | undefined> {
  const needed = await plannedVpcNeed(clients.cloudformation, stacks, known);
  if (needed === 0) return undefined;
  const capacity = await checkVpcCapacity(clients, { region, needed });
  if (!capacity.ok) raise('LIMIT_EXCEEDED', capacity.message ?? `${region} has no room for ${needed} more VPCs.`, { vpcCapacity: capacity });
  return capacity;
}

/**
 * The capacity a preview shows: undefined when the deploy creates no VPC, or when the check
 * cannot run (the preview is still worth showing; the deploy checks again and reports why).
 */
export async function previewVpcCapacity(clients: DeployCapacityClients, region: string, stacks: readonly PlannedStack[]): Promise<VpcCapacity | undefined> {
  try {
    const needed = await plannedVpcNeed(clients.cloudformation, stacks);
    return needed === 0 ? undefined : await checkVpcCapacity(clients, { region, needed });
  } catch {
    return undefined;
  }
}
