import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { GpuPlan } from '../../shared/domain/plan';
import { toAppError } from './errors';
import { assertGpuQuota, checkGpuQuota, gpuQuotaCommand } from './gpu-quota';
import { awsError } from './testing/errors';

const config = { region: 'us-west-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };
const quotasMock = mockClient(ServiceQuotasClient);
const quotas = new ServiceQuotasClient(config);
const QUOTA = { ServiceCode: 'ec2', QuotaCode: 'L-DB2E81BA' };

/** A GPU service's instances: `instances` × g4dn.xlarge (4 vCPUs each) unless told otherwise. */
function gpu(service: string, instances = 1, instanceType = 'g4dn.xlarge', vcpus = 4): GpuPlan {
  return {
    service,
    instanceType,
    gpus: 1,
    gpuModel: 'NVIDIA T4',
    vcpus,
    memoryGiB: 16,
    instances,
    hourlyUsd: 0.526,
    monthlyUsd: 384 * instances,
    priceDate: '2025-11',
    quota: { serviceCode: 'ec2', quotaCode: 'L-DB2E81BA', name: 'Running On-Demand G and VT instances', vcpus: vcpus * instances },
  };
}

beforeEach(() => quotasMock.reset());

describe('GPU quota (mocked Service Quotas)', () => {
  it('asks nothing of a project without GPU services', async () => {
    expect(await checkGpuQuota(quotas, 'us-west-2', [])).toBeUndefined();
    expect(quotasMock.calls()).toHaveLength(0);
  });

  it('fits: sums every GPU service’s instances and reads the applied quota only', async () => {
    quotasMock.on(GetServiceQuotaCommand, QUOTA).resolves({ Quota: { Value: 16 } });
    const check = await assertGpuQuota(quotas, 'us-west-2', [gpu('vllm', 2), gpu('embed')]);
    expect(check).toEqual({ region: 'us-west-2', needed: 12, limit: 16, limitSource: 'applied', ok: true });
    expect(quotasMock.commandCalls(GetAWSDefaultServiceQuotaCommand)).toHaveLength(0);
  });

  it('fits exactly at the quota', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 8 } });
    expect(await checkGpuQuota(quotas, 'us-west-2', [gpu('vllm', 2)])).toMatchObject({ needed: 8, limit: 8, ok: true });
  });

  it('explains a shortfall: each service’s instances, the console link, the command with the value that fits', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 4 } });
    const check = (await checkGpuQuota(quotas, 'us-west-2', [gpu('vllm', 1, 'g4dn.2xlarge', 8), gpu('embed')]))!;
    expect(check).toMatchObject({ needed: 12, limit: 4, limitSource: 'applied', ok: false });
    expect(check.message).toContain('need 12 vCPUs (vllm: 1 × g4dn.2xlarge (8 vCPUs each); embed: 1 × g4dn.xlarge (4 vCPUs each))');
    expect(check.message).toContain('"Running On-Demand G and VT instances" quota (L-DB2E81BA) in us-west-2 is 4 vCPUs.');
    expect(check.message).toContain('https://us-west-2.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/L-DB2E81BA');
    expect(check.message).toContain(gpuQuotaCommand('us-west-2', 12));
    expect(gpuQuotaCommand('us-west-2', 12)).toBe('aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-DB2E81BA --desired-value 12 --region us-west-2');
    expect(check.message).toContain('Nothing was created.');
  });

  it('refuses the deploy with LIMIT_EXCEEDED and the check in its details', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 0 } });
    const error = toAppError(await assertGpuQuota(quotas, 'us-west-2', [gpu('vllm')]).catch((e: unknown) => e));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('is 0 vCPUs. New accounts often start at 0.');
    expect(error.details).toMatchObject({ gpuQuota: { needed: 4, limit: 0, ok: false } });
  });

  it('falls back to AWS’s default when the account has no applied value, and says so', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException', 'The request failed because the specified resource does not exist.'));
    quotasMock.on(GetAWSDefaultServiceQuotaCommand, QUOTA).resolves({ Quota: { Value: 0 } });
    const check = (await checkGpuQuota(quotas, 'us-west-2', [gpu('vllm')]))!;
    expect(check).toMatchObject({ limit: 0, limitSource: 'aws-default', ok: false });
    expect(check.message).toContain("is 0 vCPUs (AWS's default).");
  });

  it('an applied quota with no value also falls back to the default', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: {} });
    quotasMock.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 32 } });
    expect(await checkGpuQuota(quotas, 'us-west-2', [gpu('vllm')])).toMatchObject({ limit: 32, limitSource: 'aws-default', ok: true });
  });

  it('may not read Service Quotas: lets the deploy go on, with a note naming the permission', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: servicequotas:GetServiceQuota'));
    const check = (await assertGpuQuota(quotas, 'us-west-2', [gpu('vllm', 2)]))!;
    expect(check).toMatchObject({ region: 'us-west-2', needed: 8, ok: true });
    expect(check.limit).toBeUndefined();
    expect(check.note).toContain('servicequotas:GetServiceQuota was denied');
    expect(check.note).toContain('8 vCPUs of GPU instances');
  });

  it('knows no limit when neither value is there: the deploy goes on with the note', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException'));
    quotasMock.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: {} });
    expect(await checkGpuQuota(quotas, 'us-west-2', [gpu('vllm')])).toMatchObject({ ok: true, note: expect.stringContaining('could not check') });
  });

  it('does not guess through throttling or an outage: the error reaches the deploy', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('TooManyRequestsException', 'Rate exceeded', 429));
    await expect(checkGpuQuota(quotas, 'us-west-2', [gpu('vllm')])).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    quotasMock.reset();
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('ServiceException', 'Internal error', 500));
    await expect(checkGpuQuota(quotas, 'us-west-2', [gpu('vllm')])).rejects.toMatchObject({ name: 'ServiceException' });
  });
});
