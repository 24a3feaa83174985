/**
 * Elastic Load Balancing as CloudFormation meets it in the sandbox: an NLB with UDP, TCP and
 * TCP_UDP listeners next to an ALB is created; what ELB and ECS refuse fails with their words.
 */
import { CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { sandboxForSuite } from '../testing/clients';

type Resources = Record<string, unknown>;

/** A VPC with two public subnets and a security group: what every load balancer below sits in. */
const network: Resources = {
  Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
  SubnetA: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/20', AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } } },
  SubnetB: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.16.0/20', AvailabilityZone: { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] } } },
  Group: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'lb', VpcId: { Ref: 'Vpc' } } },
};
const subnets = [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }];
const nlb = (securityGroups = true) => ({ Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', Scheme: 'internet-facing', Subnets: subnets, ...(securityGroups ? { SecurityGroups: [{ 'Fn::GetAtt': ['Group', 'GroupId'] }] } : {}) } });
const alb = { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Scheme: 'internet-facing', Subnets: subnets, SecurityGroups: [{ 'Fn::GetAtt': ['Group', 'GroupId'] }] } };
const group = (protocol: string, extra: Resources = {}) => ({ Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { TargetType: 'ip', Protocol: protocol, Port: 7000, VpcId: { Ref: 'Vpc' }, ...extra } });
const listener = (lb: string, port: number, protocol: string, target: string) => ({
  Type: 'AWS::ElasticLoadBalancingV2::Listener',
  Properties: { LoadBalancerArn: { Ref: lb }, Port: port, Protocol: protocol, DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: target } }] },
});

describe('sandbox Elastic Load Balancing rules', () => {
  const s = sandboxForSuite('berth-sandbox-elb-');

  async function outcome(name: string): Promise<{ status?: string; failed: { id?: string; reason?: string }[] }> {
    await s.sb.settle();
    const status = (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!.StackStatus;
    const events = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents!;
    const failed = events.filter((e) => e.ResourceStatus === 'CREATE_FAILED' || e.ResourceStatus === 'UPDATE_FAILED').filter((e) => e.ResourceType !== 'AWS::CloudFormation::Stack');
    return { status, failed: failed.map((e) => ({ id: e.LogicalResourceId, reason: e.ResourceStatusReason })) };
  }
  async function create(name: string, resources: Resources) {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify({ Resources: { ...network, ...resources } }) }));
    return outcome(name);
  }

  it('creates an NLB with security groups and UDP, TCP and TCP_UDP listeners, next to an ALB on the same port', async () => {
    const out = await create('mixed', {
      Nlb: nlb(),
      Alb: alb,
      Udp: group('UDP', { HealthCheckProtocol: 'TCP', HealthCheckPort: '8080' }),
      Tcp: group('TCP', { HealthCheckProtocol: 'TCP' }),
      Both: group('TCP_UDP', { HealthCheckProtocol: 'TCP' }),
      Http: group('HTTP', { HealthCheckPath: '/health' }),
      UdpListener: listener('Nlb', 19132, 'UDP', 'Udp'),
      TcpListener: listener('Nlb', 25575, 'TCP', 'Tcp'),
      BothListener: listener('Nlb', 53, 'TCP_UDP', 'Both'),
      HttpListener: listener('Alb', 53, 'HTTP', 'Http'),
    });
    expect(out).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
  });

  it.each([
    ['a UDP health check', { Bad: group('UDP', { HealthCheckProtocol: 'UDP' }) }, "Health check protocol 'UDP' is not supported for target groups with the UDP protocol"],
    ['a TCP_UDP health check', { Bad: group('TCP_UDP', { HealthCheckProtocol: 'TCP_UDP' }) }, "Health check protocol 'TCP_UDP' is not supported for target groups with the TCP_UDP protocol"],
    ['a TCP health check on an HTTP group', { Bad: group('HTTP', { HealthCheckProtocol: 'TCP' }) }, "Health check protocol 'TCP' is not supported for target groups with the HTTP protocol"],
    ['a path on a TCP health check', { Bad: group('UDP', { HealthCheckProtocol: 'TCP', HealthCheckPath: '/' }) }, 'Health check paths are not supported for TCP health checks'],
  ])('refuses a target group with %s', async (_what, resources, reason) => {
    const out = await create(`tg-${Math.random().toString(36).slice(2, 8)}`, resources);
    expect(out.status).toBe('ROLLBACK_COMPLETE');
    expect(out.failed[0]).toMatchObject({ id: 'Bad', reason: expect.stringContaining(reason) });
  });

  it.each([
    ['an HTTP listener on an NLB', { Lb: nlb(), Tg: group('TCP'), Bad: listener('Lb', 80, 'HTTP', 'Tg') }, "Listener protocol 'HTTP' must be one of 'TLS, TCP, TCP_UDP, UDP'"],
    ['a UDP listener on an ALB', { Lb: alb, Tg: group('HTTP'), Bad: listener('Lb', 53, 'UDP', 'Tg') }, "Listener protocol 'UDP' must be one of 'HTTP, HTTPS'"],
    ['a TCP listener forwarding to a UDP group', { Lb: nlb(), Tg: group('UDP', { HealthCheckProtocol: 'TCP' }), Bad: listener('Lb', 53, 'TCP', 'Tg') }, "Listener protocol 'TCP' is not supported with a target group with the protocol 'UDP'"],
    ['a UDP listener forwarding to a TCP group', { Lb: nlb(), Tg: group('TCP'), Bad: listener('Lb', 53, 'UDP', 'Tg') }, "Listener protocol 'UDP' is not supported with a target group with the protocol 'TCP'"],
  ])('refuses %s', async (_what, resources, reason) => {
    const out = await create(`l-${Math.random().toString(36).slice(2, 8)}`, resources);
    expect(out.status).toBe('ROLLBACK_COMPLETE');
    expect(out.failed.find((f) => f.id === 'Bad')).toMatchObject({ reason: expect.stringContaining(reason) });
  });

  it('refuses a second listener on a port (a TCP and a UDP listener on 53 need one TCP_UDP listener)', async () => {
    const out = await create('dup', {
      Lb: nlb(),
      Udp: group('UDP', { HealthCheckProtocol: 'TCP' }),
      Tcp: group('TCP'),
      First: listener('Lb', 53, 'TCP', 'Tcp'),
      Bad: { ...listener('Lb', 53, 'UDP', 'Udp'), DependsOn: 'First' },
    });
    expect(out.failed.find((f) => f.id === 'Bad')?.reason).toContain('A listener already exists on this port for this load balancer');
  });

  it('refuses a target group shared by two load balancers', async () => {
    const out = await create('shared', {
      One: nlb(),
      Two: nlb(),
      Tg: group('TCP'),
      First: listener('One', 5432, 'TCP', 'Tg'),
      Bad: { ...listener('Two', 5432, 'TCP', 'Tg'), DependsOn: 'First' },
    });
    expect(out.failed.find((f) => f.id === 'Bad')?.reason).toMatch(/Target group 'arn:aws:elasticloadbalancing:[^']+' cannot be associated with more than one load balancer/);
  });

  it('refuses security groups on an NLB that was created without any', async () => {
    await create('late-sg', { Lb: nlb(false) });
    await s.c.cloudformation.send(new UpdateStackCommand({ StackName: 'late-sg', TemplateBody: JSON.stringify({ Resources: { ...network, Lb: nlb(true) } }) }));
    const out = await outcome('late-sg');
    expect(out.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(out.failed.find((f) => f.id === 'Lb')?.reason).toContain('You cannot set security groups on a Network Load Balancer which was created without any security groups.');
  });

  it('refuses an ECS service with more than 5 load balancers', async () => {
    await s.c.ecs.send(new CreateClusterCommand({ clusterName: 'lbs' }));
    const td = await s.c.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'lbs', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx', essential: true }] }),
    );
    const loadBalancers = Array.from({ length: 6 }, (_, i) => ({ targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/t${i}/0123456789abcdef`, containerName: 'app', containerPort: 7000 + i }));
    const error = await s.c.ecs
      .send(new CreateServiceCommand({ cluster: 'lbs', serviceName: 'six', taskDefinition: td.taskDefinition!.taskDefinitionArn!, desiredCount: 0, loadBalancers, networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } }))
      .catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'InvalidParameterException', message: 'load balancers can have at most 5 items.' });
  });
});
