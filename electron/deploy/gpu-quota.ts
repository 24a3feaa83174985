/**
 * GPU capacity, checked before anything is created: the instances of a project's GPU services
 * count, in vCPUs, against the account's "Running On-Demand G and VT instances" quota (Service
 * Quotas ec2/L-DB2E81BA) in the Region, which new accounts often have at 0, together with the G
 * and VT instances already running there outside the project (EC2 counts them all). Without the
 * check the stack waits on an Auto Scaling group that may not launch, until ECS gives up on the tasks.
 */
import { paginateDescribeInstances, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { GpuPlan, GpuQuotaCheck } from '../../shared/domain/plan';
import { raise } from '../../shared/result';
import type { AwsClients } from '../aws/clients';
import { isAccessDenied, isAwsError } from '../aws/errors';
import { PROJECT_TAG } from '../plan/cfn';
import { GPU_QUOTA } from '../plan/gpu';

/** The clients the check reads through. */
type QuotaClients = Pick<AwsClients, 'quotas' | 'ec2'>;

const QUOTA = { ServiceCode: GPU_QUOTA.serviceCode, QuotaCode: GPU_QUOTA.quotaCode };
const noSuchQuota = (error: unknown) => isAwsError(error) && error.name === 'NoSuchResourceException';

async function gpuLimit(quotas: ServiceQuotasClient): Promise<{ limit: number; limitSource: 'applied' | 'aws-default' } | undefined> {
  try {
    const applied = (await quotas.send(new GetServiceQuotaCommand(QUOTA))).Quota?.Value;
    if (applied !== undefined) return { limit: applied, limitSource: 'applied' };
  } catch (error) {
    if (isAccessDenied(error)) return undefined;
    if (!noSuchQuota(error)) throw error;
  }
  const aws = (await quotas.send(new GetAWSDefaultServiceQuotaCommand(QUOTA))).Quota?.Value;
  return aws === undefined ? undefined : { limit: aws, limitSource: 'aws-default' };
}

/** The families EC2 counts in the G and VT bucket (g3, g4dn, g5, g6, gr6... and vt1). */
const G_AND_VT = ['g*', 'vt*'];

/** vCPUs of a running instance: its cores × threads (what the type gives when launched as is). */
const vcpusOf = (i: Instance) => (i.CpuOptions?.CoreCount ?? 0) * (i.CpuOptions?.ThreadsPerCore ?? 1);

/** On-Demand G and VT instances running (or starting) in the Region outside `project`; undefined when Berth may not list instances. */
async function runningElsewhere(ec2: EC2Client, project: string): Promise<{ vcpus: number; instances: string[] } | undefined> {
  const filters = [
    { Name: 'instance-type', Values: G_AND_VT },
    { Name: 'instance-state-name', Values: ['pending', 'running'] },
  ];
  const found: Instance[] = [];
  try {
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 1000 }, { Filters: filters })) {
      for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
    }
  } catch (error) {
    if (isAccessDenied(error)) return undefined;
    throw error;
  }
  // Spot instances count against another quota; the project's own instances are what it needs already.
  const others = found.filter((i) => i.InstanceLifecycle !== 'spot' && !(i.Tags ?? []).some((t) => t.Key === PROJECT_TAG && t.Value === project));
  return { vcpus: others.reduce((n, i) => n + vcpusOf(i), 0), instances: others.map((i) => `${i.InstanceId} (${i.InstanceType})`) };
}

/** The command that asks for enough quota. */
export function gpuQuotaCommand(region: string, desired: number): string {
  return `aws service-quotas request-service-quota-increase --service-code ${QUOTA.ServiceCode} --quota-code ${QUOTA.QuotaCode} --desired-value ${desired} --region ${region}`;
}

/** Compares the vCPUs the GPU services' instances need, plus those already running outside the project, with the quota. */
export async function checkGpuQuota(clients: QuotaClients, region: string, project: string, gpus: readonly GpuPlan[]): Promise<GpuQuotaCheck | undefined> {
  const needed = gpus.reduce((n, g) => n + g.quota.vcpus, 0);
  if (needed === 0) return undefined;
  const limit = await gpuLimit(clients.quotas);
  if (!limit) {
    return { region, needed, ok: true, note: `Berth may not read Service Quotas (servicequotas:GetServiceQuota was denied), so it could not check the ${needed} vCPUs of GPU instances against your "${GPU_QUOTA.name}" quota.` };
  }
  const elsewhere = await runningElsewhere(clients.ec2, project);
  const inUse = elsewhere?.vcpus ?? 0;
  const unlisted = elsewhere ? undefined : `Berth may not list EC2 instances (ec2:DescribeInstances was denied), so G and VT instances already running in ${region} were not counted against the quota.`;
  const base = { region, needed, ...limit, ...(elsewhere ? { inUse } : {}) };
  if (needed + inUse <= limit.limit) return { ...base, ok: true, ...(unlisted ? { note: unlisted } : {}) };
  const instances = gpus.map((g) => `${g.service}: ${g.instances} × ${g.instanceType} (${g.vcpus} vCPUs each)`).join('; ');
  const running = inUse > 0 ? `, and G and VT instances already running outside this project use ${inUse} (${elsewhere!.instances.slice(0, 5).join(', ')}${elsewhere!.instances.length > 5 ? `, and ${elsewhere!.instances.length - 5} more` : ''})` : '';
  const message = [
    `The GPU instances of this project need ${needed} vCPUs (${instances})${running}, but your account's "${GPU_QUOTA.name}" quota (${GPU_QUOTA.quotaCode}) in ${region} is ${limit.limit} vCPUs${limit.limitSource === 'aws-default' ? " (AWS's default)" : ''}.${limit.limit === 0 ? ' New accounts often start at 0.' : ''}`,
    `Ask for at least ${needed + inUse} in the Service Quotas console (https://${region}.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/${QUOTA.QuotaCode}) or with:`,
    `  ${gpuQuotaCommand(region, needed + inUse)}`,
    `AWS reviews GPU requests by hand, which can take a day or more.${inUse > 0 ? ' Stopping the other instances frees their vCPUs at once.' : ''}${unlisted ? ` ${unlisted}` : ''} Nothing was created.`,
  ].join('\n');
  return { ...base, ok: false, message, ...(unlisted ? { note: unlisted } : {}) };
}

/** Refuses the deploy when the GPU instances cannot fit the quota. */
export async function assertGpuQuota(clients: QuotaClients, region: string, project: string, gpus: readonly GpuPlan[]): Promise<GpuQuotaCheck | undefined> {
  const check = await checkGpuQuota(clients, region, project, gpus);
  if (check && !check.ok) raise('LIMIT_EXCEEDED', check.message!, { gpuQuota: check });
  return check;
}
