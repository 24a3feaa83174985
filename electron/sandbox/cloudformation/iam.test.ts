/** IAM roles created by CloudFormation: a malformed managed policy ARN fails the role as IAM fails it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { startSandbox, type Sandbox } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';
import { ecsTaskRoleTrust } from '../../plan/cfn';

function roleStack(arns: string[]): string {
  return JSON.stringify({ Resources: { TaskRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: ecsTaskRoleTrust(), ManagedPolicyArns: arns } } } });
}

describe('sandbox IAM roles', () => {
  let dir: string;
  let sb: Sandbox;
  let c: SandboxClients;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-iam-'));
    sb = await startSandbox({ dataDir: dir });
    c = sandboxClients(sb);
  });
  afterAll(async () => {
    c.destroy();
    await sb.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function create(name: string, arns: string[]): Promise<{ status?: string; reason?: string }> {
    await c.cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: roleStack(arns), Capabilities: ['CAPABILITY_IAM'] }));
    await sb.settle();
    const status = (await c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!.StackStatus;
    const failed = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED');
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
