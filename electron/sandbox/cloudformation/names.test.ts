/**
 * Names are unique per account and region, as AWS keeps them: a second stack, ECS service or
 * target group with a name in use is refused the way AWS refuses it, and each project's
 * EventBridge rule (as Berth generates it) receives its own project's ECS events only.
 */
import { describe, expect, it } from 'vitest';
import { AlreadyExistsException, CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CreateClusterCommand, CreateServiceCommand, InvalidParameterException, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { sandboxForSuite, type SandboxClients } from '../testing/clients';
import { matchesPattern } from '../events/bus';
import { buildProjectTemplate } from '../../plan/project-template';
import { ecsServiceName } from '../../plan/names';
import type { ProjectModel } from '../../../shared/domain/project';

const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/berth';

async function statusOf(c: SandboxClients, name: string): Promise<string | undefined> {
  return (await c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!.StackStatus;
}

function targetGroupStack(name: string, port: number): string {
  return JSON.stringify({ Resources: { Group: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Name: name, Protocol: 'HTTP', Port: port, TargetType: 'ip', VpcId: 'vpc-1' } } } });
}

/** The EventBridge pattern of a generated project template, with the cluster parameters filled in as CloudFormation would. */
function rulePattern(project: string, service: string): unknown {
  const model = { name: project, services: [{ name: service, image: 'nginx', ports: [], environment: {}, dependsOn: [], size: { cpu: 256, memory: 512 }, replicas: 1, platform: 'linux/amd64' }] } as unknown as ProjectModel;
  const template = buildProjectTemplate(model, 'balanced').stack.template;
  const text = JSON.stringify((template.Resources.StateChangeRule!.Properties as { EventPattern: unknown }).EventPattern)
    .replace(/\{"Ref":"ClusterArn"\}/g, JSON.stringify(CLUSTER))
    .replace(/\{"Fn::Sub":"([^"]*)"\}/g, (_m, s: string) => JSON.stringify(s.replace('${AWS::Partition}', 'aws').replace('${AWS::Region}', 'us-east-1').replace('${AWS::AccountId}', '000000000000').replace('${ClusterName}', 'berth')));
  return JSON.parse(text);
}

function taskEvent(project: string, service: string): Record<string, unknown> {
  return { source: 'aws.ecs', 'detail-type': 'ECS Task State Change', resources: ['arn:aws:ecs:us-east-1:000000000000:task/berth/0123'], detail: { clusterArn: CLUSTER, group: `service:${ecsServiceName(project, service)}`, lastStatus: 'STOPPED' } };
}
function serviceEvent(project: string, service: string): Record<string, unknown> {
  return { source: 'aws.ecs', 'detail-type': 'ECS Deployment State Change', resources: [`arn:aws:ecs:us-east-1:000000000000:service/berth/${ecsServiceName(project, service)}`], detail: { eventName: 'SERVICE_DEPLOYMENT_COMPLETED' } };
}

describe('EventBridge patterns', () => {
  it('matches $or alternatives, wildcards and any element of an array field, as EventBridge does', () => {
    const pattern = { source: ['aws.ecs'], $or: [{ detail: { group: [{ wildcard: 'service:*-x1' }] } }, { resources: [{ wildcard: 'arn:*:service/c/*-x1' }] }] };
    expect(matchesPattern(pattern, { source: 'aws.ecs', resources: [], detail: { group: 'service:web-x1' } })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.ecs', resources: ['arn:aws:ecs:r:1:task/c/1', 'arn:aws:ecs:r:1:service/c/web-x1'], detail: {} })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.ecs', resources: ['arn:aws:ecs:r:1:service/c/web-x1-x2'], detail: { group: 'service:web-x1.' } })).toBe(false);
    expect(matchesPattern({ a: [{ wildcard: 'a.b*' }] }, { a: 'axb' })).toBe(false);
  });

  it('sends a project’s task and deployment events to its own rule only: a + b-c against a-b + c', () => {
    const ruleA = rulePattern('a', 'b-c');
    const ruleAB = rulePattern('a-b', 'c');
    for (const [event, a, ab] of [
      [taskEvent('a', 'b-c'), true, false],
      [taskEvent('a-b', 'c'), false, true],
      [serviceEvent('a', 'b-c'), true, false],
      [serviceEvent('a-b', 'c'), false, true],
    ] as const) {
      expect(matchesPattern(ruleA, event)).toBe(a);
      expect(matchesPattern(ruleAB, event)).toBe(ab);
    }
  });
});

describe('names already in use', () => {
  const s = sandboxForSuite('berth-sandbox-names-');

  it('refuses a second stack with the same name (AlreadyExistsException)', async () => {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'berth-a', TemplateBody: targetGroupStack('a-web', 80) }));
    await s.sb.settle();
    const error = await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'berth-a', TemplateBody: targetGroupStack('a-web', 80) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlreadyExistsException);
    expect((error as Error).message).toBe('Stack [berth-a] already exists');
  });

  it('refuses a target group whose name is taken with other settings (DuplicateTargetGroupName), and returns the same one for the same settings', async () => {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'other', TemplateBody: targetGroupStack('a-web', 8080) }));
    await s.sb.settle();
    expect(await statusOf(s.c, 'other')).toBe('ROLLBACK_COMPLETE');
    const failed = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'other' }))).StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED')!;
    expect(failed.ResourceStatusReason).toContain("A target group with the same name 'a-web' exists, but with different settings");
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'same', TemplateBody: targetGroupStack('a-web', 80) }));
    await s.sb.settle();
    expect(await statusOf(s.c, 'same')).toBe('CREATE_COMPLETE');
    const arnOf = async (stack: string) => (await s.c.cloudformation.send(new ListStackResourcesCommand({ StackName: stack }))).StackResourceSummaries![0]!.PhysicalResourceId;
    expect(await arnOf('same')).toBe(await arnOf('berth-a'));
  });

  it('refuses a second ECS service with the same name in a cluster (Creation of service was not idempotent)', async () => {
    await s.c.ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'web', image: 'nginx' }] }));
    const input = { cluster: 'berth', serviceName: ecsServiceName('a', 'b-c'), taskDefinition: 'web', desiredCount: 0, networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } };
    await s.c.ecs.send(new CreateClusterCommand({ clusterName: 'berth' }));
    await s.c.ecs.send(new CreateServiceCommand(input));
    const error = await s.c.ecs.send(new CreateServiceCommand(input)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as Error).message).toBe('Creation of service was not idempotent.');
    // The other project's service of the same text is another name, so it is created.
    await s.c.ecs.send(new CreateServiceCommand({ ...input, serviceName: ecsServiceName('a-b', 'c') }));
  });
});
