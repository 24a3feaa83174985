/** IAM roles created by CloudFormation: a malformed managed policy ARN fails the role as IAM fails it. */
import { describe, expect, it } from 'vitest';
import { CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { sandboxForSuite } from '../testing/clients';
import { ecsTaskRoleTrust } from '../../plan/cfn';

function roleStack(arns: string[]): string {
  return JSON.stringify({ Resources: { TaskRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: ecsTaskRoleTrust(), ManagedPolicyArns: arns } } } });
}

describe('sandbox IAM roles', () => {
  const s = sandboxForSuite('berth-sandbox-iam-');

  async function create(name: string, arns: string[]): Promise<{ status?: string; reason?: string }> {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: roleStack(arns), Capabilities: ['CAPABILITY_IAM'] }));
    await s.sb.settle();
    const status = (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!.StackStatus;
    const failed = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED');
    return { status, reason: failed?.ResourceStatusReason };
  }

  it('creates a task role with AWS and account managed policies', async () => {
    expect(await create('good', ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::123456789012:policy/team/app-queue'])).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
  });

  it('fails a role whose policy ARN is malformed: "ARN … is not valid."', async () => {
    const out = await create('bad', ['arn:aws:iam:aws:policy/AdministratorAccess']);
    expect(out.status).toBe('ROLLBACK_COMPLETE');
    expect(out.reason).toContain('ARN arn:aws:iam:aws:policy/AdministratorAccess is not valid.');
  });
});
