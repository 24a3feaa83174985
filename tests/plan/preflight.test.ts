/** Preflight catches what CloudFormation would refuse, and passes what Berth generates. */
import { describe, expect, it } from 'vitest';
import { buildBootstrapTemplate } from '../../electron/plan/bootstrap';
import { preflight } from '../../electron/plan/preflight';
import { buildProjectTemplate } from '../../electron/plan/project-template';
import { finishStack } from '../../electron/plan/stack';
import type { CfnResource, CfnTemplate } from '../../shared/domain/plan';
import { webWithStores } from './fixtures';

const tags = [
  { Key: 'berth:managed-by', Value: 'berth' },
  { Key: 'berth:project', Value: 'demo' },
];

function check(resources: Record<string, CfnResource>, extra: Partial<CfnTemplate> = {}) {
  const template: CfnTemplate = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'test',
    Metadata: { 'berth:project': 'demo' },
    Parameters: { VpcId: { Type: 'String' } },
    Resources: resources,
    ...extra,
  };
  return preflight(finishStack('berth-demo', template));
}

const logGroup = (props: Record<string, unknown> = {}): CfnResource => ({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/berth/demo', Tags: tags, ...props } });

describe('preflight', () => {
  it('passes a valid template', () => {
    expect(check({ Logs: logGroup() })).toEqual([]);
  });

  it('passes every template Berth generates', () => {
    expect(preflight(buildBootstrapTemplate({}))).toEqual([]);
    expect(preflight(buildBootstrapTemplate({ legacyProjectNetwork: { nat: true } }))).toEqual([]);
    for (const mode of ['affordable', 'balanced', 'high_availability'] as const) expect(preflight(buildProjectTemplate(webWithStores(), mode).stack)).toEqual([]);
  });

  it('names a resource type CloudFormation does not have', () => {
    const problems = check({ Thing: { Type: 'AWS::Nope::Thing', Properties: {} } });
    expect(problems).toEqual([expect.objectContaining({ logicalId: 'Thing', path: 'Type', message: expect.stringContaining('AWS::Nope::Thing') })]);
  });

  it('names unknown properties, also nested ones, and missing required ones', () => {
    const problems = check({
      Logs: logGroup({ RetentionDays: 7 }),
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { Ref: 'VpcId' }, SecurityGroupIngress: [{ IpProtocol: 'tcp', Port: 80 }], Tags: tags } },
    });
    expect(problems.map((p) => `${p.logicalId} ${p.path}: ${p.message}`)).toEqual([
      'Logs Properties.RetentionDays: Unknown property RetentionDays',
      'Sg Properties.SecurityGroupIngress[0].Port: Unknown property Port',
      'Sg Properties.GroupDescription: Required property GroupDescription is missing',
    ]);
  });

  it('checks primitive types: integer, boolean, string, list', () => {
    const problems = check({
      Logs: logGroup({ RetentionInDays: '30' }),
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: 10, EnableDnsSupport: 'yes', Tags: tags } },
      Group: { Type: 'AWS::RDS::DBSubnetGroup', Properties: { DBSubnetGroupDescription: 'x', SubnetIds: 'subnet-1', Tags: tags } },
    });
    expect(problems.map((p) => p.path)).toEqual(['Properties.RetentionInDays', 'Properties.CidrBlock', 'Properties.EnableDnsSupport', 'Properties.SubnetIds']);
  });

  it('accepts intrinsic functions wherever a value goes', () => {
    expect(check({ Logs: logGroup({ LogGroupName: { 'Fn::Sub': '/berth/${AWS::StackName}' }, RetentionInDays: { Ref: 'Days' } }) }, { Parameters: { Days: { Type: 'Number' } } })).toEqual([]);
  });

  it('checks every Ref, GetAtt and Sub target and attribute', () => {
    const problems = check({
      Logs: logGroup(),
      Sg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: { 'Fn::Sub': '${Missing} ${Logs.Arn} ${Logs.Nope} ${!Literal} ${AWS::Region}' },
          VpcId: { Ref: 'NoSuchVpc' },
          SecurityGroupIngress: [{ IpProtocol: 'tcp', SourceSecurityGroupId: { 'Fn::GetAtt': ['Ghost', 'GroupId'] } }],
          Tags: tags,
        },
      },
    }, { Outputs: { Bad: { Value: { 'Fn::GetAtt': ['Logs', 'Name'] } } } });
    expect(problems.map((p) => p.message)).toEqual([
      'Ref to Missing, which is neither a parameter nor a resource',
      'Ref to NoSuchVpc, which is neither a parameter nor a resource',
      'AWS::Logs::LogGroup has no attribute Nope',
      'GetAtt of Ghost.GroupId, but there is no resource Ghost',
      'AWS::Logs::LogGroup has no attribute Name',
    ]);
  });

  it('finds DependsOn targets that do not exist and dependency cycles', () => {
    const problems = check({
      A: { ...logGroup({ LogGroupName: { Ref: 'B' } }), DependsOn: 'Missing' },
      B: { ...logGroup(), DependsOn: ['A'] },
    });
    expect(problems.map((p) => p.message)).toEqual(['DependsOn Missing, which is not a resource of this template', 'Circular dependency: A → B → A']);
  });

  it('requires Berth’s tags on every taggable resource', () => {
    const problems = check({ Logs: logGroup({ Tags: [{ Key: 'berth:managed-by', Value: 'berth' }] }), Untagged: { Type: 'AWS::ECS::Cluster', Properties: {} } });
    expect(problems.map((p) => `${p.logicalId}: ${p.message}`)).toEqual([
      'Logs: Missing tag berth:project=demo',
      'Untagged: Missing tag berth:managed-by=berth',
      'Untagged: Missing tag berth:project=demo',
    ]);
  });

  it('refuses wildcard actions and "*" resources for actions that have resource-level permissions', () => {
    const role = (statement: Record<string, unknown>): CfnResource => ({
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: [statement] } }],
        Tags: tags,
      },
    });
    const problems = check({
      Star: role({ Effect: 'Allow', Action: ['ssm:*'], Resource: ['arn:aws:ssm:us-east-1:1:parameter/x'] }),
      Everything: role({ Effect: 'Allow', Action: ['ssm:GetParameters'], Resource: '*' }),
      Fine: role({ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' }),
    });
    expect(problems.map((p) => `${p.logicalId}: ${p.message}`)).toEqual([
      'Star: Allowed actions must be named, not "ssm:*"',
      'Everything: Resource "*" is allowed only for actions without resource-level permissions',
    ]);
  });

  it('refuses security group descriptions EC2 would reject', () => {
    const problems = check({ Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'the app’s group', VpcId: { Ref: 'VpcId' }, Tags: tags } } });
    expect(problems).toEqual([expect.objectContaining({ path: 'Properties.GroupDescription' })]);
  });
});

describe('preflight of dynamic references', () => {
  it('allows ssm-secure only where CloudFormation resolves it', () => {
    const problems = check({
      Logs: logGroup({ LogGroupName: '{{resolve:ssm-secure:/Berth/demo/X}}' }),
    }, { Outputs: { Leak: { Value: '{{resolve:ssm-secure:/Berth/demo/X}}' } } });
    expect(problems.map((p) => p.message)).toEqual([
      'CloudFormation does not resolve ssm-secure references in AWS::Logs::LogGroup.LogGroupName',
      'Outputs cannot hold ssm-secure references',
    ]);
  });
});
