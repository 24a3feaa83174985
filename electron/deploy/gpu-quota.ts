/**
 * GPU capacity, checked before anything is created: the instances of a project's GPU services
 * count, in vCPUs, against the account's "Running On-Demand G and VT instances" quota (Service
 * Quotas ec2/L-DB2E81BA) in the Region, which new accounts often have at 0. Without the check the
 * stack waits on an Auto Scaling group that may not launch, until ECS gives up on the tasks.
 */
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { GpuPlan, GpuQuotaCheck } from '../../shared/domain/plan';
import { raise } from '../../shared/result';
import { isAccessDenied, isAwsError } from '../aws/errors';
import { GPU_QUOTA } from '../plan/gpu';

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

/** The command that asks for enough quota. */
export function gpuQuotaCommand(region: string, desired: number): string {
  return `aws service-quotas request-service-quota-increase --service-code ${QUOTA.ServiceCode} --quota-code ${QUOTA.QuotaCode} --desired-value ${desired} --region ${region}`;
}

/** Compares the vCPUs the GPU services' instances need with the quota. */
export async function checkGpuQuota(quotas: ServiceQuotasClient, region: string, gpus: readonly GpuPlan[]): Promise<GpuQuotaCheck | undefined> {
  const needed = gpus.reduce((n, g) => n + g.quota.vcpus, 0);
  if (needed === 0) return undefined;
  const limit = await gpuLimit(quotas);
  if (!limit) {
    return { region, needed, ok: true, note: `Berth may not read Service Quotas (servicequotas:GetServiceQuota was denied), so it could not check the ${needed} vCPUs of GPU instances against your "${GPU_QUOTA.name}" quota.` };
  }
  if (needed <= limit.limit) return { region, needed, ...limit, ok: true };
  const instances = gpus.map((g) => `${g.service}: ${g.instances} × ${g.instanceType} (${g.vcpus} vCPUs each)`).join('; ');
  const message = [
    `The GPU instances of this project need ${needed} vCPUs (${instances}), but your account's "${GPU_QUOTA.name}" quota (${GPU_QUOTA.quotaCode}) in ${region} is ${limit.limit} vCPUs${limit.limitSource === 'aws-default' ? " (AWS's default)" : ''}. New accounts often start at 0.`,
    `Ask for at least ${needed} in the Service Quotas console (https://${region}.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/${QUOTA.QuotaCode}) or with:`,
    `  ${gpuQuotaCommand(region, needed)}`,
    'AWS reviews GPU requests by hand, which can take a day or more; running G instances of other projects count too. Nothing was created.',
  ].join('\n');
  return { region, needed, ...limit, ok: false, message };
}

/** Refuses the deploy when the GPU instances cannot fit the quota. */
export async function assertGpuQuota(quotas: ServiceQuotasClient, region: string, gpus: readonly GpuPlan[]): Promise<GpuQuotaCheck | undefined> {
  const check = await checkGpuQuota(quotas, region, gpus);
  if (check && !check.ok) raise('LIMIT_EXCEEDED', check.message!, { gpuQuota: check });
  return check;
}
