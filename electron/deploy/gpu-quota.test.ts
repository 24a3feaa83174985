import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
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
const ec2Mock = mockClient(EC2Client);
const clients = { quotas, ec2: new EC2Client(config) };
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

beforeEach(() => {
  quotasMock.reset();
  ec2Mock.reset();
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
});

/** A running instance as DescribeInstances lists it. */
function running(id: string, type: string, vcpus: number, extra: Partial<Instance> = {}): Instance {
  return { InstanceId: id, InstanceType: type as Instance['InstanceType'], State: { Code: 16, Name: 'running' }, CpuOptions: { CoreCount: vcpus / 2, ThreadsPerCore: 2 }, ...extra };
}

describe('GPU quota (mocked Service Quotas)', () => {
  it('asks nothing of a project without GPU services', async () => {
    expect(await checkGpuQuota(clients, 'us-west-2', 'shop', [])).toBeUndefined();
    expect(quotasMock.calls()).toHaveLength(0);
  });

  it('fits: sums every GPU service’s instances and reads the applied quota only', async () => {
    quotasMock.on(GetServiceQuotaCommand, QUOTA).resolves({ Quota: { Value: 16 } });
    const check = await assertGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm', 2), gpu('embed')]);
    expect(check).toEqual({ region: 'us-west-2', needed: 12, inUse: 0, limit: 16, limitSource: 'applied', ok: true });
    expect(quotasMock.commandCalls(GetAWSDefaultServiceQuotaCommand)).toHaveLength(0);
  });

  it('fits exactly at the quota', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 8 } });
    expect(await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm', 2)])).toMatchObject({ needed: 8, limit: 8, ok: true });
  });

  it('explains a shortfall: each service’s instances, the console link, the command with the value that fits', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 4 } });
    const check = (await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm', 1, 'g4dn.2xlarge', 8), gpu('embed')]))!;
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
    const error = toAppError(await assertGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')]).catch((e: unknown) => e));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('is 0 vCPUs. New accounts often start at 0.');
    expect(error.details).toMatchObject({ gpuQuota: { needed: 4, limit: 0, ok: false } });
  });

  it('falls back to AWS’s default when the account has no applied value, and says so', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException', 'The request failed because the specified resource does not exist.'));
    quotasMock.on(GetAWSDefaultServiceQuotaCommand, QUOTA).resolves({ Quota: { Value: 0 } });
    const check = (await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')]))!;
    expect(check).toMatchObject({ limit: 0, limitSource: 'aws-default', ok: false });
    expect(check.message).toContain("is 0 vCPUs (AWS's default).");
  });

  it('an applied quota with no value also falls back to the default', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: {} });
    quotasMock.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 32 } });
    expect(await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')])).toMatchObject({ limit: 32, limitSource: 'aws-default', ok: true });
  });

  it('may not read Service Quotas: lets the deploy go on, with a note naming the permission', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: servicequotas:GetServiceQuota'));
    const check = (await assertGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm', 2)]))!;
    expect(check).toMatchObject({ region: 'us-west-2', needed: 8, ok: true });
    expect(check.limit).toBeUndefined();
    expect(check.note).toContain('servicequotas:GetServiceQuota was denied');
    expect(check.note).toContain('8 vCPUs of GPU instances');
  });

  it('knows no limit when neither value is there: the deploy goes on with the note', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException'));
    quotasMock.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: {} });
    expect(await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')])).toMatchObject({ ok: true, note: expect.stringContaining('could not check') });
  });

  it('does not guess through throttling or an outage: the error reaches the deploy', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('TooManyRequestsException', 'Rate exceeded', 429));
    await expect(checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')])).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    quotasMock.reset();
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('ServiceException', 'Internal error', 500));
    await expect(checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')])).rejects.toMatchObject({ name: 'ServiceException' });
  });

  it('counts G and VT instances already running outside the project, but not its own or Spot ones', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 16 } });
    const theirs = running('i-0aaaaaaaaaaaaaaa1', 'g5.2xlarge', 8, { Tags: [{ Key: 'berth:project', Value: 'other' }] });
    const mine = running('i-0aaaaaaaaaaaaaaa2', 'g4dn.xlarge', 4, { Tags: [{ Key: 'berth:project', Value: 'shop' }] });
    const spot = running('i-0aaaaaaaaaaaaaaa3', 'g4dn.xlarge', 4, { InstanceLifecycle: 'spot' });
    const loose = running('i-0aaaaaaaaaaaaaaa4', 'vt1.3xlarge', 12);
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [theirs, mine] }, { Instances: [spot, loose] }] });
    const check = (await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')]))!;
    expect(check).toMatchObject({ needed: 4, inUse: 20, limit: 16, ok: false });
    expect(check.message).toContain('need 4 vCPUs (vllm: 1 × g4dn.xlarge (4 vCPUs each)), and G and VT instances already running outside this project use 20 (i-0aaaaaaaaaaaaaaa1 (g5.2xlarge), i-0aaaaaaaaaaaaaaa4 (vt1.3xlarge))');
    expect(check.message).toContain('Ask for at least 24');
    expect(check.message).toContain(gpuQuotaCommand('us-west-2', 24));
    expect(check.message).toContain('Stopping the other instances frees their vCPUs at once.');
    expect(check.message).not.toContain('New accounts often start at 0');
    // Asked of EC2 with the bucket's families and live states only.
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'instance-type', Values: ['g*', 'vt*'] },
      { Name: 'instance-state-name', Values: ['pending', 'running'] },
    ]);
  });

  it('reads every page of instances', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 64 } });
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [running('i-0bbbbbbbbbbbbbbb1', 'g4dn.12xlarge', 48)] }], NextToken: 'more' })
      .resolves({ Reservations: [{ Instances: [running('i-0bbbbbbbbbbbbbbb2', 'g4dn.4xlarge', 16)] }] });
    expect(await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')])).toMatchObject({ needed: 4, inUse: 64, ok: false });
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[1]!.args[0].input.NextToken).toBe('more');
  });

  it('fits beside instances already running, and says how many', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 16 } });
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [running('i-0ccccccccccccccc1', 'g4dn.2xlarge', 8)] }] });
    expect(await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm', 2)])).toEqual({ region: 'us-west-2', needed: 8, inUse: 8, limit: 16, limitSource: 'applied', ok: true });
  });

  it('may not list instances: compares without them and says they were not counted', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 4 } });
    ec2Mock.on(DescribeInstancesCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ec2:DescribeInstances'));
    const ok = (await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')]))!;
    expect(ok).toMatchObject({ needed: 4, limit: 4, ok: true, note: expect.stringContaining('ec2:DescribeInstances was denied') });
    expect(ok.inUse).toBeUndefined();
    const short = (await checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm', 2)]))!;
    expect(short.ok).toBe(false);
    expect(short.message).toContain('were not counted against the quota. Nothing was created.');
  });

  it('an EC2 outage while listing instances reaches the deploy', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 4 } });
    ec2Mock.on(DescribeInstancesCommand).rejects(awsError('InternalError', 'An internal error has occurred', 500));
    await expect(checkGpuQuota(clients, 'us-west-2', 'shop', [gpu('vllm')])).rejects.toMatchObject({ name: 'InternalError' });
  });
});
