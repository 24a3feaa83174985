/** RDS parameter groups created by CloudFormation: the family must be one RDS has and must match the instance's engine major. */
import { describe, expect, it } from 'vitest';
import { CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { sandboxForSuite } from '../testing/clients';

function databaseStack(family: string, engineVersion: string): string {
  return JSON.stringify({
    Resources: {
      Parameters: { Type: 'AWS::RDS::DBParameterGroup', Properties: { Family: family, Description: 'TLS optional', Parameters: { 'rds.force_ssl': '0' } } },
      Database: {
        Type: 'AWS::RDS::DBInstance',
        Properties: { Engine: 'postgres', EngineVersion: engineVersion, DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20', MasterUsername: 'app', MasterUserPassword: 'correct-horse-battery', DBParameterGroupName: { Ref: 'Parameters' } },
      },
    },
  });
}

describe('sandbox RDS parameter groups', () => {
  const s = sandboxForSuite('berth-sandbox-rds-');

  async function create(name: string, family: string, version: string): Promise<{ status?: string; failed: { id?: string; reason?: string }[] }> {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: databaseStack(family, version) }));
    await s.sb.settle();
    const status = (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!.StackStatus;
    const failed = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents!.filter((e) => e.ResourceStatus === 'CREATE_FAILED').map((e) => ({ id: e.LogicalResourceId, reason: e.ResourceStatusReason }));
    return { status, failed };
  }

  it('creates a postgres16 group and a PostgreSQL 16 instance that uses it', async () => {
    expect(await create('match', 'postgres16', '16')).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
  });

  it('refuses a group of another major: InvalidParameterCombination, as RDS words it', async () => {
    const out = await create('mismatch', 'postgres15', '16.4');
    expect(out.status).toBe('ROLLBACK_COMPLETE');
    expect(out.failed[0]!.id).toBe('Database');
    expect(out.failed[0]!.reason).toMatch(/The Parameter Group mismatch-parameters-\w+ with DBParameterGroupFamily postgres15 cannot be used for this instance\. Please use a Parameter Group with DBParameterGroupFamily postgres16/);
  });

  it('refuses a family RDS does not have', async () => {
    const out = await create('nofamily', 'postgres19', '19');
    expect(out.failed[0]).toMatchObject({ id: 'Parameters', reason: expect.stringContaining('ParameterGroupFamily postgres19 is not a valid parameter group family') });
  });
});

describe('sandbox RDS subnet groups', () => {
  const s = sandboxForSuite('berth-sandbox-rds-subnets-');

  /** Two VPCs with two subnets each; the subnet group uses those of `use`. */
  function networks(use: 'A' | 'B'): string {
    const resources: Record<string, unknown> = {};
    for (const v of ['A', 'B']) {
      resources[`Vpc${v}`] = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } };
      for (const [i, az] of [['1', 'us-east-1a'], ['2', 'us-east-1b']] as const) {
        resources[`Subnet${v}${i}`] = { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: `Vpc${v}` }, CidrBlock: `10.0.${i === '1' ? 0 : 16}.0/20`, AvailabilityZone: az } };
      }
    }
    resources.Group = { Type: 'AWS::RDS::DBSubnetGroup', Properties: { DBSubnetGroupDescription: 'db', SubnetIds: [{ Ref: `Subnet${use}1` }, { Ref: `Subnet${use}2` }] } };
    return JSON.stringify({ Resources: resources });
  }

  it('refuses to move a subnet group into another VPC, as RDS does, and rolls the update back', async () => {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'move', TemplateBody: networks('A') }));
    await s.sb.settle();
    await s.c.cloudformation.send(new UpdateStackCommand({ StackName: 'move', TemplateBody: networks('B') }));
    await s.sb.settle();
    expect((await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: 'move' }))).Stacks![0]!.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const failed = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'move' }))).StackEvents!.find((e) => e.ResourceStatus === 'UPDATE_FAILED');
    expect(failed).toMatchObject({ LogicalResourceId: 'Group' });
    expect(failed!.ResourceStatusReason).toContain('The new Subnets are not in the same Vpc as the existing subnet group');
  });
});
