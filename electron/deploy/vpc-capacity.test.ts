import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PlannedStack } from '../../shared/domain/plan';
import { assertVpcRoom, checkVpcCapacity, plannedVpcNeed, quotaConsoleUrl } from './vpc-capacity';
import { awsError } from './testing/errors';

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };
const ec2Mock = mockClient(EC2Client);
const quotasMock = mockClient(ServiceQuotasClient);
const cfnMock = mockClient(CloudFormationClient);
const clients = { ec2: new EC2Client(config), quotas: new ServiceQuotasClient(config), cloudformation: new CloudFormationClient(config) };

/** A planned stack with these resource types by logical id. */
const planned = (stackName: string, resources: Record<string, string>) => ({ stackName, template: { Resources: Object.fromEntries(Object.entries(resources).map(([id, Type]) => [id, { Type }])) } }) as unknown as PlannedStack;
const BOOTSTRAP = planned('berth-bootstrap', { BuildVpc: 'AWS::EC2::VPC', Bucket: 'AWS::S3::Bucket' });
const PROJECT = planned('berth-shop', { Vpc: 'AWS::EC2::VPC', Subnet: 'AWS::EC2::Subnet' });
const missing = () => Object.assign(new Error('Stack with id x does not exist'), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } });

const berthVpc = (id: string) => ({ VpcId: id, IsDefault: false, Tags: [{ Key: 'berth:managed-by', Value: 'berth' }] });
const DEFAULT_VPC = { VpcId: 'vpc-default', IsDefault: true };

beforeEach(() => {
  ec2Mock.reset();
  quotasMock.reset();
  cfnMock.reset();
});

describe('VPC capacity', () => {
  it('fits: counts every VPC, Berth’s and the default one, against the applied quota', async () => {
    quotasMock.on(GetServiceQuotaCommand, { ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE' }).resolves({ Quota: { Value: 5 } });
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [DEFAULT_VPC, berthVpc('vpc-1'), { VpcId: 'vpc-other', IsDefault: false }] });
    const c = await checkVpcCapacity(clients, { region: 'eu-west-1', needed: 2 });
    expect(c).toEqual({ region: 'eu-west-1', limit: 5, limitSource: 'applied', inUse: 3, berth: 1, defaultVpc: true, needed: 2, counted: true, ok: true });
    expect(quotasMock.commandCalls(GetAWSDefaultServiceQuotaCommand)).toHaveLength(0);
  });

  it('reads every page of VPCs', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    ec2Mock.on(DescribeVpcsCommand).resolvesOnce({ Vpcs: [DEFAULT_VPC, berthVpc('vpc-1')], NextToken: 't1' }).resolvesOnce({ Vpcs: [berthVpc('vpc-2'), berthVpc('vpc-3')] });
    const c = await checkVpcCapacity(clients, { region: 'eu-west-1', needed: 1 });
    expect(c).toMatchObject({ inUse: 4, berth: 3, ok: true });
    // The paginator reuses one input object, so only the last call's token can be read back.
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)).toHaveLength(2);
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)[1]!.args[0].input).toMatchObject({ NextToken: 't1', MaxResults: 1000 });
  });

  it('explains a shortfall: what is in use, the console link, the CLI command with the value that fits, and deleting', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [DEFAULT_VPC, berthVpc('vpc-1'), berthVpc('vpc-2'), berthVpc('vpc-3'), { VpcId: 'vpc-x' }] });
    const c = await checkVpcCapacity(clients, { region: 'eu-west-1', needed: 1 });
    expect(c).toMatchObject({ ok: false, inUse: 5, berth: 3, defaultVpc: true, limit: 5 });
    expect(c.message).toContain('This deploy creates 1 VPC in eu-west-1, but 5 of the 5 VPCs your quota allows there are in use (3 Berth\'s, 1 the default VPC, 1 other).');
    expect(c.message).toContain(quotaConsoleUrl('eu-west-1'));
    expect(quotaConsoleUrl('eu-west-1')).toBe('https://eu-west-1.console.aws.amazon.com/servicequotas/home/services/vpc/quotas/L-F678F1CE');
    expect(c.message).toContain('aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-F678F1CE --desired-value 6 --region eu-west-1');
    expect(c.message).toContain('delete VPCs you no longer use in eu-west-1 (the default VPC counts too');
    expect(c.message).toContain('Nothing was created.');
    expect(c.raise).toEqual({ desiredValue: 6, consoleUrl: quotaConsoleUrl('eu-west-1'), command: 'aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-F678F1CE --desired-value 6 --region eu-west-1' });
  });

  it('uses AWS’s default when the account has no applied value', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException', ''));
    quotasMock.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [DEFAULT_VPC, berthVpc('vpc-1'), berthVpc('vpc-2'), berthVpc('vpc-3')] });
    const c = await checkVpcCapacity(clients, { region: 'eu-west-1', needed: 2 });
    expect(c).toMatchObject({ limit: 5, limitSource: 'aws-default', ok: false });
    expect(c.message).toContain("of the 5 VPCs AWS's default quota allows");
    expect(c.message).toContain('--desired-value 6');
  });

  it('falls back to 5 and says so when Service Quotas may not be read', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: servicequotas:GetServiceQuota'));
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [DEFAULT_VPC, berthVpc('vpc-1'), berthVpc('vpc-2'), berthVpc('vpc-3'), berthVpc('vpc-4')] });
    const c = await checkVpcCapacity(clients, { region: 'eu-west-1', needed: 1 });
    expect(c).toMatchObject({ limit: 5, limitSource: 'assumed', ok: false });
    expect(c.note).toContain("assumed AWS's default of 5 VPCs per Region");
    expect(c.message).toContain(c.note);
    expect(quotasMock.commandCalls(GetAWSDefaultServiceQuotaCommand)).toHaveLength(0);

    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [DEFAULT_VPC] });
    const roomy = await checkVpcCapacity(clients, { region: 'eu-west-1', needed: 1 });
    expect(roomy).toMatchObject({ ok: true, limitSource: 'assumed', note: expect.stringContaining('servicequotas:GetServiceQuota was denied') });
  });

  it('skips the count, without blocking, when EC2 may not be read; other failures surface', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    ec2Mock.on(DescribeVpcsCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    expect(await checkVpcCapacity(clients, { region: 'eu-west-1', needed: 1 })).toMatchObject({ ok: true, counted: false, note: expect.stringContaining('ec2:DescribeVpcs was denied') });
    ec2Mock.on(DescribeVpcsCommand).rejects(awsError('InternalError', 'An internal error has occurred', 500));
    await expect(checkVpcCapacity(clients, { region: 'eu-west-1', needed: 1 })).rejects.toMatchObject({ name: 'InternalError' });
  });

  it('needs every VPC of stacks that do not exist, or whose first creation failed', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(missing());
    expect(await plannedVpcNeed(clients.cloudformation, [BOOTSTRAP, PROJECT])).toBe(2);
    cfnMock.on(DescribeStacksCommand, { StackName: 'berth-bootstrap' }).resolves({ Stacks: [{ StackName: 'berth-bootstrap', StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date() }] });
    expect(await plannedVpcNeed(clients.cloudformation, [BOOTSTRAP, PROJECT])).toBe(2);
    expect(await plannedVpcNeed(clients.cloudformation, [BOOTSTRAP, PROJECT], { 'berth-shop': { StackName: 'berth-shop', StackStatus: 'REVIEW_IN_PROGRESS', CreationTime: new Date() } })).toBe(2);
  });

  it('needs none for a redeploy, and one for an update that adds a VPC to a stack that had none', async () => {
    const deployed = { 'berth-shop': { StackName: 'berth-shop', StackStatus: 'UPDATE_COMPLETE' as const, CreationTime: new Date() } };
    cfnMock.on(ListStackResourcesCommand, { StackName: 'berth-shop' }).resolves({ StackResourceSummaries: [{ LogicalResourceId: 'Vpc', ResourceType: 'AWS::EC2::VPC', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() }] });
    expect(await plannedVpcNeed(clients.cloudformation, [BOOTSTRAP, PROJECT], deployed)).toBe(0);
    // A deployed project means the bootstrap stack is there: it is not read.
    expect(cfnMock.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    cfnMock.on(ListStackResourcesCommand, { StackName: 'berth-shop' }).resolves({ StackResourceSummaries: [{ LogicalResourceId: 'Cluster', ResourceType: 'AWS::ECS::Cluster', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() }] });
    expect(await plannedVpcNeed(clients.cloudformation, [BOOTSTRAP, PROJECT], deployed)).toBe(1);
    expect(await plannedVpcNeed(clients.cloudformation, [BOOTSTRAP, planned('berth-shop', { Bucket: 'AWS::S3::Bucket' })], deployed)).toBe(0);
  });

  it('refuses before anything is created when there is no room, and asks nothing when nothing is needed', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(missing());
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [DEFAULT_VPC, berthVpc('vpc-1'), berthVpc('vpc-2'), berthVpc('vpc-3')] });
    await expect(assertVpcRoom(clients, 'eu-west-1', [BOOTSTRAP, PROJECT])).rejects.toMatchObject({ appError: { code: 'LIMIT_EXCEEDED', message: expect.stringContaining('--desired-value 6'), details: { vpcCapacity: { needed: 2, inUse: 4, ok: false } } } });

    ec2Mock.reset();
    quotasMock.reset();
    cfnMock.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [{ LogicalResourceId: 'Vpc', ResourceType: 'AWS::EC2::VPC', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() }] });
    expect(await assertVpcRoom(clients, 'eu-west-1', [BOOTSTRAP, PROJECT], { 'berth-shop': { StackName: 'berth-shop', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() } })).toBeUndefined();
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(quotasMock.calls()).toHaveLength(0);
  });
});
