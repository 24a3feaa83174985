import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  type Stack,
  type StackEvent as CfnEvent,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PlannedStack } from '../../shared/domain/plan';
import { toAppError } from './errors';
import { assertStackIdle, executeChangeSet, prepareChangeSet, stackUpToDate, toChange, urlsFromOutputs, type PrepareInput } from './stack';
import { awsError } from './testing/errors';

const cfnMock = mockClient(CloudFormationClient);
const s3Mock = mockClient(S3Client);
const creds = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const cfn = new CloudFormationClient(creds);
const s3 = new S3Client(creds);
const body = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { LogGroup: { Type: 'AWS::Logs::LogGroup' } } });
const planned: PlannedStack = { stackName: 'berth-shop', template: JSON.parse(body), body, bytes: body.length, resourceCount: 1, needsUpload: false };
const wait = { sleep: async () => undefined, initialIntervalMs: 0, maxIntervalMs: 0 };
const input = (): PrepareInput => ({ stack: planned, parameters: [{ ParameterKey: 'ClusterName', ParameterValue: 'berth' }], project: 'shop', deploymentId: '20250101T000000Z-abc', bucket: 'bkt', region: 'us-east-1', s3, wait });
const ev = (e: Partial<CfnEvent> & { EventId: string }): CfnEvent => ({ StackId: 'id-1', StackName: 'berth-shop', Timestamp: new Date(), ...e });
const deployed: Stack = { StackName: 'berth-shop', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Parameters: [{ ParameterKey: 'ClusterName', ParameterValue: 'berth' }] };

beforeEach(() => {
  cfnMock.reset();
  s3Mock.reset();
  cfnMock.on(CreateChangeSetCommand).resolves({ Id: 'cs-1' });
  cfnMock.on(DeleteChangeSetCommand).resolves({});
});

describe('change sets', () => {
  it('creates an UPDATE change set and turns it into a diff with replacement reasons', async () => {
    cfnMock
      .on(DescribeChangeSetCommand)
      .resolvesOnce({ Status: 'CREATE_IN_PROGRESS' })
      .resolves({
        Status: 'CREATE_COMPLETE',
        Changes: [
          { ResourceChange: { Action: 'Add', LogicalResourceId: 'WorkerService', ResourceType: 'AWS::ECS::Service' } },
          {
            ResourceChange: {
              Action: 'Modify',
              LogicalResourceId: 'WebTargetGroup',
              PhysicalResourceId: 'arn:tg',
              ResourceType: 'AWS::ElasticLoadBalancingV2::TargetGroup',
              Replacement: 'True',
              Details: [{ Target: { Attribute: 'Properties', Name: 'Port', RequiresRecreation: 'Always' } }],
            },
          },
          { ResourceChange: { Action: 'Modify', LogicalResourceId: 'WebService', ResourceType: 'AWS::ECS::Service', Replacement: 'False', Details: [{ Target: { Attribute: 'Properties', Name: 'TaskDefinition', RequiresRecreation: 'Never' } }] } },
          { ResourceChange: { Action: 'Remove', LogicalResourceId: 'OldQueue', ResourceType: 'AWS::SQS::Queue' } },
        ],
      });
    const prepared = await prepareChangeSet(cfn, deployed, input());
    expect(prepared.type).toBe('UPDATE');
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input).toMatchObject({
      ChangeSetType: 'UPDATE',
      TemplateBody: body,
      ChangeSetName: 'berth-20250101T000000Z-abc',
      Tags: [{ Key: 'berth:managed-by', Value: 'berth' }, { Key: 'berth:project', Value: 'shop' }],
    });
    expect(prepared.diff.empty).toBe(false);
    expect(prepared.diff.changes.map((c) => c.description)).toEqual([
      'Create ECS service WorkerService',
      'Replace target group WebTargetGroup: changing Port requires a new target group',
      'Update ECS service WebService (TaskDefinition)',
      'Delete SQS Queue OldQueue',
    ]);
    expect(prepared.diff.changes[1]).toMatchObject({ action: 'Modify', replacement: 'True', replacementReason: 'changing Port requires a new target group', physicalId: 'arn:tg' });
  });

  it('creates a CREATE change set for a stack left in REVIEW_IN_PROGRESS', async () => {
    cfnMock.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE', Changes: [{ ResourceChange: { Action: 'Add', LogicalResourceId: 'LogGroup', ResourceType: 'AWS::Logs::LogGroup' } }] });
    const prepared = await prepareChangeSet(cfn, { ...deployed, StackStatus: 'REVIEW_IN_PROGRESS' }, input());
    expect(prepared.type).toBe('CREATE');
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe('CREATE');
  });

  it('deletes an empty change set and reports nothing to change', async () => {
    cfnMock.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." });
    const prepared = await prepareChangeSet(cfn, deployed, input());
    expect(prepared.diff.empty).toBe(true);
    expect(prepared.changeSetId).toBeUndefined();
    expect(cfnMock.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
  });

  it('reports nothing to change when CreateChangeSet itself answers "No updates are to be performed."', async () => {
    cfnMock.on(CreateChangeSetCommand).rejects(awsError('ValidationError', 'No updates are to be performed.'));
    const prepared = await prepareChangeSet(cfn, deployed, input());
    expect(prepared.diff).toEqual({ stackName: 'berth-shop', changeSetName: 'berth-20250101T000000Z-abc', changes: [], empty: true });
    expect(prepared.changeSetId).toBeUndefined();
    expect(cfnMock.commandCalls(DescribeChangeSetCommand)).toHaveLength(0);
  });

  it('reports nothing to change for a change set FAILED with "No updates are to be performed."', async () => {
    cfnMock.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: 'No updates are to be performed.' });
    const prepared = await prepareChangeSet(cfn, deployed, input());
    expect(prepared.diff.empty).toBe(true);
    expect(cfnMock.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
  });

  it('fails with the reason when the change set FAILED for another reason', async () => {
    cfnMock.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: 'Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template' });
    await expect(prepareChangeSet(cfn, deployed, input())).rejects.toMatchObject({
      appError: { code: 'STACK_FAILED', message: expect.stringContaining('Unresolved resource dependencies [Missing]') },
    });
    expect(cfnMock.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
  });

  it('uploads a template over the inline limit and sends its URL', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    cfnMock.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE', Changes: [] });
    await prepareChangeSet(cfn, undefined, { ...input(), stack: { ...planned, needsUpload: true } });
    const key = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Key!;
    expect(key).toMatch(/^templates\/shop\/[0-9a-f]{64}\.json$/);
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.TemplateURL).toBe(`https://bkt.s3.us-east-1.amazonaws.com/${key}`);
  });

  it('deletes a stack whose first creation rolled back before creating it again', async () => {
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfnMock.on(DeleteStackCommand).resolves({});
    cfnMock.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id berth-shop does not exist'));
    cfnMock.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE', Changes: [] });
    const prepared = await prepareChangeSet(cfn, { ...deployed, StackStatus: 'ROLLBACK_COMPLETE' }, input());
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(prepared.type).toBe('CREATE');
  });

  it('maps throttling that outlasted the SDK retries to THROTTLED', async () => {
    cfnMock.on(CreateChangeSetCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const error = await prepareChangeSet(cfn, deployed, input()).catch((e: unknown) => e);
    expect(toAppError(error).code).toBe('THROTTLED');
  });
});

describe('executing', () => {
  it('streams events and returns outputs', async () => {
    cfnMock.on(ExecuteChangeSetCommand).resolves({});
    cfnMock
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [{ ...deployed, StackId: 'id-1', StackStatus: 'UPDATE_IN_PROGRESS' }] })
      .resolves({ Stacks: [{ ...deployed, StackId: 'id-1', StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'WebUrl80', OutputValue: 'http://lb.example' }, { OutputKey: 'ClusterName', OutputValue: 'x' }] }] });
    cfnMock
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: [ev({ EventId: 'e0' })] })
      .resolves({ StackEvents: [ev({ EventId: 'e1', LogicalResourceId: 'WebService', ResourceType: 'AWS::ECS::Service', ResourceStatus: 'UPDATE_COMPLETE', Timestamp: new Date() }), ev({ EventId: 'e0' })] });
    const events: string[] = [];
    const outcome = await executeChangeSet(cfn, 'berth-shop', 'cs-1', { wait, onEvent: (e) => events.push(`${e.logicalId} ${e.status}`) });
    expect(events).toEqual(['WebService UPDATE_COMPLETE']);
    expect(urlsFromOutputs(outcome.outputs)).toEqual(['http://lb.example']);
  });

  it('names the first failed resource, its reason and the rollback outcome', async () => {
    cfnMock.on(ExecuteChangeSetCommand).resolves({});
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [{ ...deployed, StackId: 'id-1', StackStatus: 'UPDATE_ROLLBACK_COMPLETE' }] });
    cfnMock
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: [ev({ EventId: 'e0' })] })
      .resolves({
        StackEvents: [
          ev({ EventId: 'e3', LogicalResourceId: 'berth-shop', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'UPDATE_ROLLBACK_COMPLETE' }),
          ev({ EventId: 'e2', LogicalResourceId: 'ApiService', ResourceType: 'AWS::ECS::Service', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'Resource update cancelled' }),
          ev({ EventId: 'e1', LogicalResourceId: 'WebService', ResourceType: 'AWS::ECS::Service', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'ECS Deployment Circuit Breaker was triggered' }),
          ev({ EventId: 'e0' }),
        ],
      });
    const error = await executeChangeSet(cfn, 'berth-shop', 'cs-1', { wait }).catch((e: unknown) => e);
    expect(toAppError(error)).toMatchObject({
      code: 'STACK_FAILED',
      details: { resource: 'WebService', reason: 'ECS Deployment Circuit Breaker was triggered', status: 'UPDATE_ROLLBACK_COMPLETE' },
    });
    expect(toAppError(error).message).toContain('the previous version is running again');
  });
});

describe('state checks', () => {
  it('reports a busy stack with its status and age', () => {
    const since = new Date(Date.now() - 7 * 60_000);
    expect(() => assertStackIdle({ StackName: 'berth-shop', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: since })).toThrow(/busy \(UPDATE_IN_PROGRESS for 7 min\)/);
    expect(() => assertStackIdle({ StackName: 'berth-shop', StackStatus: 'REVIEW_IN_PROGRESS', CreationTime: since })).not.toThrow();
  });

  it('knows a stack already running this template and these parameters', async () => {
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(JSON.parse(body), null, 2) });
    expect(await stackUpToDate(cfn, deployed, planned, input().parameters)).toBe(true);
    expect(await stackUpToDate(cfn, deployed, planned, [{ ParameterKey: 'ClusterName', ParameterValue: 'other' }])).toBe(false);
    expect(await stackUpToDate(cfn, { ...deployed, StackStatus: 'UPDATE_ROLLBACK_COMPLETE' }, planned, input().parameters)).toBe(false);
  });

  it('labels conditional replacement', () => {
    expect(toChange({ ResourceChange: { Action: 'Modify', LogicalResourceId: 'Db', ResourceType: 'AWS::RDS::DBInstance', Replacement: 'Conditional', Details: [{ Target: { Name: 'EngineVersion', RequiresRecreation: 'Conditionally' } }] } })?.description).toBe(
      'May replace Postgres database Db: changing EngineVersion requires a new Postgres database',
    );
  });
});
