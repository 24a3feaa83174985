/**
 * The sandbox's EC2 and Service Quotas through the real SDK clients: DescribeVpcs lists the
 * Region's default VPC and the VPCs stacks created (with tags, filters and pagination), the
 * VPCs-per-Region quota reads like AWS's, and CloudFormation cannot create a VPC beyond it.
 */
import { CreateStackCommand, DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeVpcsCommand, paginateDescribeVpcs, type Vpc } from '@aws-sdk/client-ec2';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, RequestServiceQuotaIncreaseCommand } from '@aws-sdk/client-service-quotas';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../index';
import { sandboxClients, sandboxForSuite } from '../testing/clients';

const QUOTA = { ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE' };

function vpcStack(name: string, cidr = '10.0.0.0/16'): string {
  return JSON.stringify({ Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr, Tags: [{ Key: 'Name', Value: name }] } } } });
}

describe('sandbox DescribeVpcs', () => {
  const s = sandboxForSuite('berth-sandbox-ec2-');

  async function createVpcStack(name: string, tags: Record<string, string> = {}): Promise<string | undefined> {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: vpcStack(name), Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    await s.sb.settle();
    return (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!.StackStatus;
  }

  it('lists the default VPC every Region has, before anything was created', async () => {
    const out = await s.c.ec2.send(new DescribeVpcsCommand({}));
    expect(out.Vpcs).toHaveLength(1);
    expect(out.Vpcs![0]).toMatchObject({ IsDefault: true, CidrBlock: '172.31.0.0/16', State: 'available', OwnerId: '000000000000', InstanceTenancy: 'default' });
    expect(out.Vpcs![0]!.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(out.Vpcs![0]!.Tags).toBeUndefined();
    expect(out.NextToken).toBeUndefined();
    // The same default VPC each time: it is seeded once and kept.
    expect((await s.c.ec2.send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId).toBe(out.Vpcs![0]!.VpcId);
  });

  it('lists the VPCs stacks created, with their tags, and filters by tag, is-default and vpc-id', async () => {
    expect(await createVpcStack('net-a', { 'berth:managed-by': 'berth' })).toBe('CREATE_COMPLETE');
    expect(await createVpcStack('net-b')).toBe('CREATE_COMPLETE');
    const all = (await s.c.ec2.send(new DescribeVpcsCommand({}))).Vpcs!;
    expect(all).toHaveLength(3);
    const a = all.find((v) => v.Tags?.some((t) => t.Key === 'Name' && t.Value === 'net-a'))!;
    expect(a).toMatchObject({ IsDefault: false, CidrBlock: '10.0.0.0/16', CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }] });
    expect(a.Tags).toEqual(expect.arrayContaining([{ Key: 'berth:managed-by', Value: 'berth' }, { Key: 'aws:cloudformation:stack-name', Value: 'net-a' }]));

    const berth = await s.c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:berth:managed-by', Values: ['berth'] }] }));
    expect(berth.Vpcs!.map((v) => v.VpcId)).toEqual([a.VpcId]);
    const defaults = await s.c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    expect(defaults.Vpcs!.map((v) => v.IsDefault)).toEqual([true]);
    const wildcard = await s.c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['net-*'] }, { Name: 'is-default', Values: ['false'] }] }));
    expect(wildcard.Vpcs).toHaveLength(2);
    const byId = await s.c.ec2.send(new DescribeVpcsCommand({ VpcIds: [a.VpcId!] }));
    expect(byId.Vpcs!.map((v) => v.VpcId)).toEqual([a.VpcId]);
    const filteredById = await s.c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [a.VpcId!, 'vpc-00000000000000000'] }] }));
    expect(filteredById.Vpcs!.map((v) => v.VpcId)).toEqual([a.VpcId]);
  });

  it('fails as EC2 does for an unknown VPC id, an unknown filter and a page size under 5', async () => {
    await expect(s.c.ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] }))).rejects.toMatchObject({ name: 'InvalidVpcID.NotFound', message: "The vpc ID 'vpc-0123456789abcdef0' does not exist" });
    await expect(s.c.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'colour', Values: ['blue'] }] }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: "The filter 'colour' is invalid" });
    await expect(s.c.ec2.send(new DescribeVpcsCommand({ MaxResults: 2 }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: 'Value ( 2 ) for parameter maxResults is invalid. Expecting a value greater than 5.' });
    await expect(s.c.ec2.send(new DescribeVpcsCommand({ NextToken: 'not-a-token' }))).rejects.toMatchObject({ name: 'InvalidPaginationToken' });
  });

  it('pages with MaxResults and NextToken, as the SDK paginator reads them', async () => {
    s.sb.setQuotas({ vpc: { 'L-F678F1CE': 20 } });
    for (const name of ['page-1', 'page-2', 'page-3', 'page-4', 'page-5']) expect(await createVpcStack(name)).toBe('CREATE_COMPLETE');
    const first = await s.c.ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }));
    expect(first.Vpcs).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();
    const seen: Vpc[] = [];
    for await (const page of paginateDescribeVpcs({ client: s.c.ec2, pageSize: 5 }, {})) seen.push(...(page.Vpcs ?? []));
    expect(seen).toHaveLength(8);
    expect(new Set(seen.map((v) => v.VpcId)).size).toBe(8);
  });

  it('denies DescribeVpcs with EC2 UnauthorizedOperation when the fault knob says so', async () => {
    s.sb.setFaults({ ec2: { accessDenied: ['DescribeVpcs'] } });
    try {
      await expect(s.c.ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
    } finally {
      s.sb.setFaults({});
    }
  });
});

describe('sandbox VPCs-per-Region quota', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('reads 5 applied and 5 by default, follows the knob and an increase, and survives a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-quota-'));
    dirs.push(dir);
    let sb = await startSandbox({ dataDir: dir });
    let c = sandboxClients(sb);
    try {
      const applied = (await c.quotas.send(new GetServiceQuotaCommand(QUOTA))).Quota!;
      expect(applied).toMatchObject({ ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE', QuotaName: 'VPCs per Region', Value: 5, Adjustable: true, GlobalQuota: false, QuotaArn: 'arn:aws:servicequotas:us-east-1:000000000000:vpc/L-F678F1CE' });
      const aws = (await c.quotas.send(new GetAWSDefaultServiceQuotaCommand(QUOTA))).Quota!;
      expect(aws).toMatchObject({ Value: 5, QuotaArn: 'arn:aws:servicequotas:us-east-1::vpc/L-F678F1CE' });

      sb.setQuotas({ vpc: { 'L-F678F1CE': 8 } });
      expect((await c.quotas.send(new GetServiceQuotaCommand(QUOTA))).Quota!.Value).toBe(8);
      expect((await c.quotas.send(new GetAWSDefaultServiceQuotaCommand(QUOTA))).Quota!.Value).toBe(5);

      await expect(c.quotas.send(new RequestServiceQuotaIncreaseCommand({ ...QUOTA, DesiredValue: 8 }))).rejects.toMatchObject({ name: 'IllegalArgumentException', message: 'You must provide a quota value greater than the current quota value' });
      const increase = await c.quotas.send(new RequestServiceQuotaIncreaseCommand({ ...QUOTA, DesiredValue: 12 }));
      expect(increase.RequestedQuota).toMatchObject({ DesiredValue: 12, Status: 'APPROVED', QuotaCode: 'L-F678F1CE' });
      expect((await c.quotas.send(new GetServiceQuotaCommand(QUOTA))).Quota!.Value).toBe(12);
    } finally {
      c.destroy();
      await sb.close();
    }
    sb = await startSandbox({ dataDir: dir });
    c = sandboxClients(sb);
    try {
      expect((await c.quotas.send(new GetServiceQuotaCommand(QUOTA))).Quota!.Value).toBe(12);
      expect(sb.quotas()).toEqual({ vpc: { 'L-F678F1CE': 12 } });
    } finally {
      c.destroy();
      await sb.close();
    }
  });

  it('answers NoSuchResourceException for a quota without an applied value and for unknown codes', async () => {
    const sb = await startSandbox({ quotas: { vpc: { 'L-F678F1CE': null } } });
    const c = sandboxClients(sb);
    try {
      await expect(c.quotas.send(new GetServiceQuotaCommand(QUOTA))).rejects.toMatchObject({ name: 'NoSuchResourceException' });
      expect((await c.quotas.send(new GetAWSDefaultServiceQuotaCommand(QUOTA))).Quota!.Value).toBe(5);
      await expect(c.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'vpc', QuotaCode: 'L-00000000' }))).rejects.toMatchObject({ name: 'NoSuchResourceException' });
      await expect(c.quotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'VPC', QuotaCode: 'L-F678F1CE' }))).rejects.toMatchObject({ name: 'NoSuchResourceException', message: 'The request failed because the specified service does not exist.' });
      sb.setFaults({ servicequotas: { accessDenied: true } });
      await expect(c.quotas.send(new GetServiceQuotaCommand(QUOTA))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      c.destroy();
      await sb.close();
    }
  });

  it('refuses a VPC beyond the quota with VpcLimitExceeded and rolls the stack back; an update of a VPC at the limit still works', async () => {
    const sb = await startSandbox({ quotas: { vpc: { 'L-F678F1CE': 3 } } });
    const c = sandboxClients(sb);
    const create = async (name: string) => {
      await c.cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: vpcStack(name) }));
      await sb.settle();
      return (await c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!.StackStatus;
    };
    try {
      // The default VPC counts: two more fill a quota of three.
      expect(await create('one')).toBe('CREATE_COMPLETE');
      expect(await create('two')).toBe('CREATE_COMPLETE');
      expect(await create('three')).toBe('ROLLBACK_COMPLETE');
      const failed = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'three' }))).StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED')!;
      expect(failed.LogicalResourceId).toBe('Vpc');
      expect(failed.ResourceStatusReason).toMatch(/^Resource handler returned message: "The maximum number of VPCs has been reached\. \(Service: Ec2, Status Code: 400, Request ID: [0-9a-f-]+\)" \(RequestToken: [0-9a-f-]+, HandlerErrorCode: GeneralServiceException\)$/);
      expect((await c.ec2.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(3);

      // Retagging a VPC in place creates none, so it is allowed at the limit.
      await c.cloudformation.send(new UpdateStackCommand({ StackName: 'one', TemplateBody: vpcStack('one-renamed') }));
      await sb.settle();
      expect((await c.cloudformation.send(new DescribeStacksCommand({ StackName: 'one' }))).Stacks![0]!.StackStatus).toBe('UPDATE_COMPLETE');
      // Replacing one (a new CIDR block) needs room for the new VPC before the old one goes.
      await c.cloudformation.send(new UpdateStackCommand({ StackName: 'two', TemplateBody: vpcStack('two', '10.1.0.0/16') }));
      await sb.settle();
      expect((await c.cloudformation.send(new DescribeStacksCommand({ StackName: 'two' }))).Stacks![0]!.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');

      // Deleting a stack frees its VPC; raising the quota makes room too.
      await c.cloudformation.send(new DeleteStackCommand({ StackName: 'three' }));
      await c.cloudformation.send(new DeleteStackCommand({ StackName: 'one' }));
      await sb.settle();
      expect(await create('four')).toBe('CREATE_COMPLETE');
      sb.setQuotas({ vpc: { 'L-F678F1CE': 4 } });
      expect(await create('five')).toBe('CREATE_COMPLETE');
      expect((await c.ec2.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(4);
    } finally {
      c.destroy();
      await sb.close();
    }
  });
});
