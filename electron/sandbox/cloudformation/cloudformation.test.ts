import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlreadyExistsException,
  ChangeSetNotFoundException,
  CloudFormationServiceException,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  InsufficientCapabilitiesException,
  InvalidChangeSetStatusException,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  UpdateTerminationProtectionCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, GetBucketVersioningCommand, GetBucketPolicyCommand, PutObjectCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { startSandbox, type Sandbox } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';
import { appTemplate } from './fixtures/app-template';

const CAPS = ['CAPABILITY_IAM' as const];

async function stackOf(c: SandboxClients, name: string): Promise<Stack> {
  const out = await c.cloudformation.send(new DescribeStacksCommand({ StackName: name }));
  return out.Stacks![0]!;
}

async function outputs(c: SandboxClients, name: string): Promise<Record<string, string>> {
  return Object.fromEntries(((await stackOf(c, name)).Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
}

describe('sandbox CloudFormation', () => {
  let dir: string;
  let sb: Sandbox;
  let c: SandboxClients;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-cfn-'));
    sb = await startSandbox({ dataDir: dir });
    c = sandboxClients(sb);
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/app/POSTGRES_PASSWORD', Value: 'correct-horse-battery', Type: 'SecureString' }));
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/app/SETTING', Value: 'copied-value', Type: 'String' }));
  });
  afterAll(async () => {
    c.destroy();
    await sb.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a 30+ resource stack in dependency order, with conditions, intrinsics, dynamic references and events', async () => {
    const body = JSON.stringify(appTemplate('v1'));
    await expect(c.cloudformation.send(new CreateStackCommand({ StackName: 'berth-app', TemplateBody: body, Parameters: [{ ParameterKey: 'ProjectName', ParameterValue: 'app' }] }))).rejects.toBeInstanceOf(InsufficientCapabilitiesException);
    const created = await c.cloudformation.send(new CreateStackCommand({ StackName: 'berth-app', TemplateBody: body, Capabilities: CAPS, Parameters: [{ ParameterKey: 'ProjectName', ParameterValue: 'app' }], Tags: [{ Key: 'berth:project', Value: 'app' }] }));
    expect(created.StackId).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/berth-app\//);
    await expect(c.cloudformation.send(new CreateStackCommand({ StackName: 'berth-app', TemplateBody: body, Capabilities: CAPS, Parameters: [{ ParameterKey: 'ProjectName', ParameterValue: 'app' }] }))).rejects.toBeInstanceOf(AlreadyExistsException);
    await sb.settle();
    const stack = await stackOf(c, 'berth-app');
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const resources = (await c.cloudformation.send(new ListStackResourcesCommand({ StackName: 'berth-app' }))).StackResourceSummaries!;
    expect(resources.length).toBeGreaterThanOrEqual(30);
    expect(resources.every((r) => r.ResourceStatus === 'CREATE_COMPLETE')).toBe(true);
    // Conditions: no NAT, no certificate in balanced mode without a domain.
    expect(resources.map((r) => r.LogicalResourceId)).not.toContain('NatGateway');
    const out = await outputs(c, 'berth-app');
    expect(out.Url).toMatch(/^http:\/\/.+\.sandbox\.berth\.local$/);
    expect(out.DbEndpoint).toMatch(/\.rds\.sandbox\.berth\.local:5432$/);
    expect(out.CapacityMode).toBe('FARGATE');
    expect(out.FirstAz).toBe('us-east-1a');
    expect(out.Subnets).toMatch(/^subnet-[0-9a-f]{17},subnet-[0-9a-f]{17}$/);
    expect(out.NatGateway).toBeUndefined();
    // The bucket is a real sandbox bucket, versioned, with the policy from the template.
    await c.s3.send(new HeadBucketCommand({ Bucket: out.BucketName }));
    expect((await c.s3.send(new GetBucketVersioningCommand({ Bucket: out.BucketName }))).Status).toBe('Enabled');
    expect((await c.s3.send(new GetBucketPolicyCommand({ Bucket: out.BucketName }))).Policy).toContain(`arn:aws:s3:::${out.BucketName}/*`);
    // Parameters and log groups are real too; the ssm dynamic reference was resolved into the copy.
    const lbUrl = await c.ssm.send(new GetParameterCommand({ Name: '/Berth/app/LB_URL' }));
    expect(lbUrl.Parameter?.Value).toBe(out.Url);
    const copied = resources.find((r) => r.LogicalResourceId === 'CopiedSetting')!;
    expect((await c.ssm.send(new GetParameterCommand({ Name: copied.PhysicalResourceId }))).Parameter?.Value).toBe('copied-value');
    const groups = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/berth/' }));
    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual(expect.arrayContaining(['/berth/app', '/berth/berth-app/builds']));
    // Events: in progress before complete, the secret never shows.
    const events = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'berth-app' }))).StackEvents!;
    const db = events.filter((e) => e.LogicalResourceId === 'Database').map((e) => e.ResourceStatus);
    expect(db.reverse()).toEqual(['CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    expect(JSON.stringify(events)).not.toContain('correct-horse-battery');
    expect((await c.cloudformation.send(new GetTemplateCommand({ StackName: 'berth-app' }))).TemplateBody).toBe(body);
    // Creation order follows references: the VPC before its subnets, the database before its DNS record.
    const order = events.filter((e) => e.ResourceStatus === 'CREATE_COMPLETE').map((e) => e.LogicalResourceId).reverse();
    expect(order.indexOf('Vpc')).toBeLessThan(order.indexOf('PublicSubnet1'));
    expect(order.indexOf('Database')).toBeLessThan(order.indexOf('DbRecord'));
  });

  it('updates through a change set: Modify, Replace (from the spec), Add and Remove', async () => {
    const body = JSON.stringify(appTemplate('v2'));
    const { Id } = await c.cloudformation.send(new CreateChangeSetCommand({ StackName: 'berth-app', ChangeSetName: 'v2', TemplateBody: body, Capabilities: CAPS, Parameters: [{ ParameterKey: 'ProjectName', UsePreviousValue: true }] }));
    await sb.settle();
    const cs = await c.cloudformation.send(new DescribeChangeSetCommand({ ChangeSetName: Id }));
    expect(cs.Status).toBe('CREATE_COMPLETE');
    expect(cs.ExecutionStatus).toBe('AVAILABLE');
    const byId = Object.fromEntries(cs.Changes!.map((ch) => [ch.ResourceChange!.LogicalResourceId!, ch.ResourceChange!]));
    expect(byId.BuildLogs).toMatchObject({ Action: 'Modify', Replacement: 'False' });
    expect(byId.ServiceSecurityGroup).toMatchObject({ Action: 'Modify', Replacement: 'True' });
    expect(byId.ServiceSecurityGroup!.Details![0]!.Target).toMatchObject({ Name: 'GroupDescription', RequiresRecreation: 'Always' });
    // The ingress rule refers to the replaced group: its new value is only known at deploy time.
    expect(byId.ServiceIngress).toMatchObject({ Action: 'Modify', Replacement: 'True' });
    expect(byId.ServiceIngress!.Details![0]).toMatchObject({ Evaluation: 'Dynamic', ChangeSource: 'ResourceReference' });
    expect(byId.TaskDefinition).toMatchObject({ Action: 'Modify', Replacement: 'True' });
    expect(byId.ExtraLogs).toMatchObject({ Action: 'Add' });
    expect(byId.CopiedSetting).toMatchObject({ Action: 'Remove', PolicyAction: 'Delete' });
    expect(byId.Vpc).toBeUndefined();
    const oldGroup = byId.ServiceSecurityGroup!.PhysicalResourceId;
    await c.cloudformation.send(new ExecuteChangeSetCommand({ ChangeSetName: 'v2', StackName: 'berth-app' }));
    await sb.settle();
    expect((await stackOf(c, 'berth-app')).StackStatus).toBe('UPDATE_COMPLETE');
    const resources = (await c.cloudformation.send(new ListStackResourcesCommand({ StackName: 'berth-app' }))).StackResourceSummaries!;
    const group = resources.find((r) => r.LogicalResourceId === 'ServiceSecurityGroup')!;
    expect(group.PhysicalResourceId).not.toBe(oldGroup);
    expect(resources.map((r) => r.LogicalResourceId)).toContain('ExtraLogs');
    expect(resources.map((r) => r.LogicalResourceId)).not.toContain('CopiedSetting');
    const statuses = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'berth-app' }))).StackEvents!.map((e) => e.ResourceStatus);
    expect(statuses).toContain('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  });

  it('says "No updates are to be performed" and fails an empty change set with AWS reason', async () => {
    const body = JSON.stringify(appTemplate('v2'));
    await expect(c.cloudformation.send(new UpdateStackCommand({ StackName: 'berth-app', TemplateBody: body, Capabilities: CAPS, Parameters: [{ ParameterKey: 'ProjectName', UsePreviousValue: true }] }))).rejects.toThrow('No updates are to be performed.');
    await c.cloudformation.send(new CreateChangeSetCommand({ StackName: 'berth-app', ChangeSetName: 'same', UsePreviousTemplate: true, Capabilities: CAPS, Parameters: [{ ParameterKey: 'ProjectName', UsePreviousValue: true }] }));
    await sb.settle();
    const cs = await c.cloudformation.send(new DescribeChangeSetCommand({ ChangeSetName: 'same', StackName: 'berth-app' }));
    expect(cs.Status).toBe('FAILED');
    expect(cs.StatusReason).toBe("The submitted information didn't contain changes. Submit different information to create a change set.");
    await expect(c.cloudformation.send(new ExecuteChangeSetCommand({ ChangeSetName: 'same', StackName: 'berth-app' }))).rejects.toBeInstanceOf(InvalidChangeSetStatusException);
    await expect(c.cloudformation.send(new DescribeChangeSetCommand({ ChangeSetName: 'nope', StackName: 'berth-app' }))).rejects.toBeInstanceOf(ChangeSetNotFoundException);
  });

  it('reads YAML templates with the short forms', async () => {
    const yaml = [
      'Parameters:',
      '  Env: { Type: String, Default: prod }',
      'Conditions:',
      '  IsProd: !Equals [!Ref Env, prod]',
      'Resources:',
      '  Logs:',
      '    Type: AWS::Logs::LogGroup',
      '    Properties:',
      '      LogGroupName: !Sub "/yaml/${Env}/${AWS::Region}"',
      '  Setting:',
      '    Type: AWS::SSM::Parameter',
      '    Properties:',
      '      Type: String',
      '      Value: !Join [",", [!If [IsProd, big, small], !Select [1, !GetAZs ""], !GetAtt Logs.Arn]]',
      'Outputs:',
      '  Setting: { Value: !Ref Setting }',
    ].join('\n');
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'yaml', TemplateBody: yaml }));
    await sb.settle();
    const name = (await outputs(c, 'yaml')).Setting!;
    expect((await c.ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value).toBe('big,us-east-1b,arn:aws:logs:us-east-1:000000000000:log-group:/yaml/prod/us-east-1:*');
  });

  it('raises ValidationError "does not exist" for a missing stack', async () => {
    const error = await c.cloudformation.send(new DescribeStacksCommand({ StackName: 'missing-stack' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudFormationServiceException);
    expect(error).toMatchObject({ name: 'ValidationError', message: 'Stack with id missing-stack does not exist' });
  });

  it('rejects unknown resource types and fails unknown properties like CloudFormation, then rolls back', async () => {
    const bad = { Resources: { Thing: { Type: 'AWS::Nope::Thing' } } };
    await expect(c.cloudformation.send(new CreateStackCommand({ StackName: 'bad-type', TemplateBody: JSON.stringify(bad) }))).rejects.toThrow('Template format error: Unrecognized resource types: [AWS::Nope::Thing]');
    const template = {
      Resources: {
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } },
        Broken: { Type: 'AWS::S3::Bucket', DependsOn: 'Logs', Properties: { BucketName: 'fine-name', NotAProperty: true } },
      },
    };
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'rollback-me', TemplateBody: JSON.stringify(template) }));
    await sb.settle();
    const stack = await stackOf(c, 'rollback-me');
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'rollback-me' }))).StackEvents!;
    expect(events.find((e) => e.ResourceStatus === 'ROLLBACK_IN_PROGRESS')!.ResourceStatusReason).toBe('The following resource(s) failed to create: [Broken]. Rollback requested by user.');
    const failed = events.find((e) => e.ResourceStatus === 'CREATE_FAILED')!;
    expect(failed.ResourceStatusReason).toBe('Properties validation failed for resource Broken with message: [#: extraneous key [NotAProperty] is not permitted]');
    expect(events.find((e) => e.LogicalResourceId === 'Logs' && e.ResourceStatus === 'DELETE_COMPLETE')).toBeDefined();
    await expect(c.cloudformation.send(new UpdateStackCommand({ StackName: 'rollback-me', UsePreviousTemplate: true }))).rejects.toThrow('is in ROLLBACK_COMPLETE state and can not be updated.');
    await c.cloudformation.send(new DeleteStackCommand({ StackName: 'rollback-me' }));
    await sb.settle();
    const deleted = await c.cloudformation.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    expect(deleted.StackSummaries?.map((s) => s.StackName)).toContain('rollback-me');
  });

  it('rolls an update back when a resource fails, and continues a failed rollback by skipping', async () => {
    await c.ssm.send(new PutParameterCommand({ Name: '/src/value', Value: 'one', Type: 'String' }));
    const v1 = { Resources: { Copy: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/copy/value', Type: 'String', Value: '{{resolve:ssm:/src/value}}' } } } };
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'updates', TemplateBody: JSON.stringify(v1) }));
    await sb.settle();
    // A plain failed update rolls back to the previous values.
    const failing = { Resources: { ...v1.Resources, Net: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: 'vpc-00000000000000000', CidrBlock: '10.0.0.0/24' } } } };
    await c.cloudformation.send(new UpdateStackCommand({ StackName: 'updates', TemplateBody: JSON.stringify(failing) }));
    await sb.settle();
    let stack = await stackOf(c, 'updates');
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stack.StackStatusReason).toBeUndefined();
    const reasons = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'updates' }))).StackEvents!.map((e) => e.ResourceStatusReason ?? '');
    expect(reasons.some((r) => r.includes("The vpc ID 'vpc-00000000000000000' does not exist"))).toBe(true);
    // Now make the rollback itself fail: the old value's source parameter is gone.
    const v2 = { Resources: { Copy: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/copy/value', Type: 'String', Value: 'two' } }, Net: failing.Resources.Net } };
    await c.ssm.send(new DeleteParameterCommand({ Name: '/src/value' }));
    await c.cloudformation.send(new UpdateStackCommand({ StackName: 'updates', TemplateBody: JSON.stringify(v2) }));
    await sb.settle();
    stack = await stackOf(c, 'updates');
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_FAILED');
    expect(stack.StackStatusReason).toContain('[Copy]');
    await c.cloudformation.send(new ContinueUpdateRollbackCommand({ StackName: 'updates', ResourcesToSkip: ['Copy'] }));
    await sb.settle();
    expect((await stackOf(c, 'updates')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  it('resolves a dynamic reference pinned to an earlier version, and fails the stack for a version that does not exist', async () => {
    // Version 2 of the password is too short for RDS, so a stack that got it instead of version 1 would fail.
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/p/DB_PASSWORD', Value: 'first-password', Type: 'SecureString' }));
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/p/DB_PASSWORD', Value: 'short', Overwrite: true }));
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/p/SETTING', Value: 'setting-one', Type: 'String' }));
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/p/SETTING', Value: 'setting-two', Overwrite: true }));
    const pinned = (password: string) => ({
      Resources: {
        Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', EngineVersion: '16', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20', MasterUsername: 'app', MasterUserPassword: password } },
        Copy: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: '{{resolve:ssm:/Berth/p/SETTING:1}}' } },
      },
    });
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'pinned-version', TemplateBody: JSON.stringify(pinned('{{resolve:ssm-secure:/Berth/p/DB_PASSWORD:1}}')) }));
    await sb.settle();
    expect((await stackOf(c, 'pinned-version')).StackStatus).toBe('CREATE_COMPLETE');
    const copy = (await c.cloudformation.send(new ListStackResourcesCommand({ StackName: 'pinned-version' }))).StackResourceSummaries!.find((r) => r.LogicalResourceId === 'Copy')!;
    expect((await c.ssm.send(new GetParameterCommand({ Name: copy.PhysicalResourceId }))).Parameter?.Value).toBe('setting-one');
    // The latest version is the short one: the pin is what made the first stack work.
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'latest-version', TemplateBody: JSON.stringify(pinned('{{resolve:ssm-secure:/Berth/p/DB_PASSWORD:2}}')) }));
    await sb.settle();
    const latestEvents = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'latest-version' }))).StackEvents!;
    expect(latestEvents.find((e) => e.LogicalResourceId === 'Db' && e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason).toContain('shorter than 8 characters');
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'gone-version', TemplateBody: JSON.stringify(pinned('{{resolve:ssm-secure:/Berth/p/DB_PASSWORD:7}}')) }));
    await sb.settle();
    expect((await stackOf(c, 'gone-version')).StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'gone-version' }))).StackEvents!;
    expect(events.find((e) => e.LogicalResourceId === 'Db' && e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason).toBe('Parameters: [ssm-secure:/Berth/p/DB_PASSWORD:7] cannot be found.');
    expect(JSON.stringify([...events, ...latestEvents])).not.toContain('first-password');
  });

  it('fails to delete a non-empty bucket with AWS message, retains on retry, and honours termination protection', async () => {
    const template = { Resources: { Data: { Type: 'AWS::S3::Bucket' }, Kept: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain', Properties: { LogGroupName: '/kept/after/delete' } } } };
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'with-data', TemplateBody: JSON.stringify(template), EnableTerminationProtection: true }));
    await sb.settle();
    const bucket = (await c.cloudformation.send(new ListStackResourcesCommand({ StackName: 'with-data' }))).StackResourceSummaries!.find((r) => r.LogicalResourceId === 'Data')!.PhysicalResourceId!;
    expect(bucket).toMatch(/^with-data-data-[a-z0-9]{12}$/);
    await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'file', Body: 'x' }));
    await expect(c.cloudformation.send(new DeleteStackCommand({ StackName: 'with-data' }))).rejects.toThrow('Stack [with-data] cannot be deleted while TerminationProtection is enabled');
    await c.cloudformation.send(new UpdateTerminationProtectionCommand({ StackName: 'with-data', EnableTerminationProtection: false }));
    await c.cloudformation.send(new DeleteStackCommand({ StackName: 'with-data' }));
    await sb.settle();
    const stack = await stackOf(c, 'with-data');
    expect(stack.StackStatus).toBe('DELETE_FAILED');
    expect(stack.StackStatusReason).toBe('The following resource(s) failed to delete: [Data]. ');
    const events = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'with-data' }))).StackEvents!;
    expect(events.find((e) => e.LogicalResourceId === 'Data' && e.ResourceStatus === 'DELETE_FAILED')!.ResourceStatusReason).toMatch(/^Resource handler returned message: "The bucket you tried to delete is not empty \(Service: S3, Status Code: 409, Request ID: /);
    expect(events.find((e) => e.LogicalResourceId === 'Kept' && e.ResourceStatus === 'DELETE_SKIPPED')).toBeDefined();
    await c.cloudformation.send(new DeleteStackCommand({ StackName: 'with-data', RetainResources: ['Data'] }));
    await sb.settle();
    await expect(stackOf(c, 'with-data')).rejects.toThrow('does not exist');
    await c.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    expect((await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/kept/' }))).logGroups).toHaveLength(1);
  });

  it('reads TemplateURL from its own S3', async () => {
    const template = JSON.stringify({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/from/url', Type: 'String', Value: 'ok' } } } });
    await c.s3.send(new CreateBucketCommand({ Bucket: 'berth-templates' }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'berth-templates', Key: 'templates/t.json', Body: template }));
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'from-url', TemplateURL: 'https://berth-templates.s3.us-east-1.amazonaws.com/templates/t.json' }));
    await sb.settle();
    expect((await stackOf(c, 'from-url')).StackStatus).toBe('CREATE_COMPLETE');
    await expect(c.cloudformation.send(new CreateStackCommand({ StackName: 'from-missing', TemplateURL: `${sb.endpoint}/berth-templates/templates/none.json` }))).rejects.toThrow('S3 error: The specified key does not exist.');
  });

  it('keeps stacks, objects, parameters and logs across a restart', async () => {
    const before = await outputs(c, 'berth-app');
    c.destroy();
    await sb.close();
    sb = await startSandbox({ dataDir: dir });
    c = sandboxClients(sb);
    const stack = await stackOf(c, 'berth-app');
    expect(stack.StackStatus).toBe('UPDATE_COMPLETE');
    expect(await outputs(c, 'berth-app')).toEqual(before);
    expect((await c.ssm.send(new GetParameterCommand({ Name: '/Berth/app/POSTGRES_PASSWORD', WithDecryption: true }))).Parameter?.Value).toBe('correct-horse-battery');
    expect((await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/berth/app' }))).logGroups).toHaveLength(1);
    await c.cloudformation.send(new DeleteStackCommand({ StackName: 'berth-app' }));
    await sb.settle();
    // The database is snapshotted, the versioned bucket (empty) deleted.
    await expect(stackOf(c, 'berth-app')).rejects.toThrow('does not exist');
    await expect(c.s3.send(new HeadBucketCommand({ Bucket: before.BucketName! }))).rejects.toThrow();
    const snapshots = await c.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'berth:project', Values: ['app'] }], ResourceTypeFilters: ['rds:snapshot'] }));
    expect(snapshots.ResourceTagMappingList).toHaveLength(1);
    expect(snapshots.ResourceTagMappingList![0]!.ResourceARN).toMatch(/^arn:aws:rds:us-east-1:000000000000:snapshot:berth-app-database-/);
  });
});
