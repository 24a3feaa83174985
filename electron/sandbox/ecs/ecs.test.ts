import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  ClientException,
} from '@aws-sdk/client-ecs';
import { BatchDeleteImageCommand, CreateRepositoryCommand, DeleteRepositoryCommand, DescribeImagesCommand, GetLifecyclePolicyCommand, LifecyclePolicyNotFoundException, PutLifecyclePolicyCommand, RepositoryNotEmptyException, RepositoryNotFoundException, TagResourceCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateLogGroupCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { startSandbox, type Sandbox } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';
import { buildContext } from '../testing/context';
import { createBuilder, runImageBuild } from '../testing/builds';

const network = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' as const } };

function webTaskDefinition(image: string, extra: Record<string, unknown> = {}) {
  return {
    family: 'app-web',
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc' as const,
    requiresCompatibilities: ['FARGATE' as const],
    executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
    containerDefinitions: [{ name: 'web', image, essential: true, portMappings: [{ containerPort: 80 }], ...extra, logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-group': '/berth/app', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'web' } } }],
  };
}

describe('sandbox ECS and ECR', () => {
  let sb: Sandbox;
  let c: SandboxClients;
  beforeAll(async () => {
    sb = await startSandbox();
    c = sandboxClients(sb);
    await c.ecs.send(new CreateClusterCommand({ clusterName: 'berth', tags: [{ key: 'berth:managed-by', value: 'berth' }] }));
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: '/berth/app' }));
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: '/berth/builds' }));
    await c.s3.send(new CreateBucketCommand({ Bucket: 'berth-bootstrap' }));
    await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'berth/app', tags: [{ Key: 'berth:project', Value: 'app' }] }));
    // The image the services below run, pushed as a build pushes it.
    await createBuilder({ sb, c }, 'berth-images');
    const built = await runImageBuild({ sb, c }, 'berth-images', { key: 'uploads/app/ctx1.tar.gz', context: await buildContext({ Dockerfile: 'FROM node:20-alpine\nCOPY . /app\n' }), image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/berth/app:ctx1' });
    expect(built.build.buildStatus, built.log.join('\n')).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    c.destroy();
    await sb.close();
  });

  it('runs tasks through PROVISIONING → RUNNING → STOPPED with container lines in the awslogs stream', async () => {
    const { taskDefinition } = await c.ecs.send(new RegisterTaskDefinitionCommand(webTaskDefinition('public.ecr.aws/docker/library/nginx:1.27')));
    expect(taskDefinition!.taskDefinitionArn).toBe('arn:aws:ecs:us-east-1:000000000000:task-definition/app-web:1');
    await expect(c.ecs.send(new RegisterTaskDefinitionCommand({ ...webTaskDefinition('nginx'), memory: '4096' }))).rejects.toBeInstanceOf(ClientException);
    const run = await c.ecs.send(new RunTaskCommand({ cluster: 'berth', taskDefinition: 'app-web', networkConfiguration: network, startedBy: 'test' }));
    const arn = run.tasks![0]!.taskArn!;
    await sb.settle();
    let task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'berth', tasks: [arn] }))).tasks![0]!;
    expect(task.lastStatus).toBe('RUNNING');
    expect(task.startedAt).toBeInstanceOf(Date);
    expect((await c.ecs.send(new ListTasksCommand({ cluster: 'berth', startedBy: 'test' }))).taskArns).toEqual([arn]);
    await c.ecs.send(new StopTaskCommand({ cluster: 'berth', task: arn, reason: 'Stopped by the test' }));
    await sb.settle();
    task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'berth', tasks: [arn] }))).tasks![0]!;
    expect(task).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'Stopped by the test' });
    const id = arn.split('/').pop();
    const lines = (await c.logs.send(new FilterLogEventsCommand({ logGroupName: '/berth/app', logStreamNames: [`web/web/${id}`] }))).events!.map((e) => e.message!);
    expect(lines.every((l) => l.startsWith('[sandbox] '))).toBe(true);
    expect(lines.join('\n')).toContain('Started container web');
    expect(lines.at(-1)).toContain('Container web stopped with exit code 0');
    await expect(c.ecs.send(new RunTaskCommand({ cluster: 'nope', taskDefinition: 'app-web', networkConfiguration: network }))).rejects.toBeInstanceOf(ClusterNotFoundException);
  });

  it('fails a task that cannot pull its image or read its secret, with ECS stop codes', async () => {
    await c.ecs.send(new RegisterTaskDefinitionCommand(webTaskDefinition('000000000000.dkr.ecr.us-east-1.amazonaws.com/berth/app:missing')));
    let run = await c.ecs.send(new RunTaskCommand({ cluster: 'berth', taskDefinition: 'app-web', networkConfiguration: network }));
    await sb.settle();
    let task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'berth', tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
    expect(task.stoppedReason).toMatch(/^CannotPullContainerError: /);
    await c.ecs.send(new RegisterTaskDefinitionCommand(webTaskDefinition('nginx', { secrets: [{ name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/Berth/app/API_KEY' }] })));
    run = await c.ecs.send(new RunTaskCommand({ cluster: 'berth', taskDefinition: 'app-web', networkConfiguration: network }));
    await sb.settle();
    task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'berth', tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    expect(task.stoppedReason).toContain('invalid ssm parameters: /Berth/app/API_KEY');
    // ECS reads the latest version only: a version selector is refused even when that version exists.
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/app/VERSIONED', Value: 'k', Type: 'SecureString' }));
    await c.ecs.send(new RegisterTaskDefinitionCommand(webTaskDefinition('nginx', { secrets: [{ name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/Berth/app/VERSIONED:1' }] })));
    run = await c.ecs.send(new RunTaskCommand({ cluster: 'berth', taskDefinition: 'app-web', networkConfiguration: network }));
    await sb.settle();
    task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'berth', tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    expect(task.stoppedReason).toBe('The Systems Manager parameter name specified for secret API_KEY is invalid. The parameter name can be up to 2048 characters and include the following letters and symbols: a-zA-Z0-9_.-,');
  });

  it('keeps a service at its desired count, rolls out a new task definition, and trips the circuit breaker with rollback', async () => {
    await c.ssm.send(new PutParameterCommand({ Name: '/Berth/app/API_KEY', Value: 'k', Type: 'SecureString' }));
    const good = (await c.ecs.send(new RegisterTaskDefinitionCommand(webTaskDefinition('000000000000.dkr.ecr.us-east-1.amazonaws.com/berth/app:ctx1')))).taskDefinition!.taskDefinitionArn!;
    await c.ecs.send(new CreateServiceCommand({ cluster: 'berth', serviceName: 'web', taskDefinition: good, desiredCount: 2, networkConfiguration: network, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } }));
    await sb.settle();
    let service = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'berth', services: ['web'] }))).services![0]!;
    expect(service).toMatchObject({ runningCount: 2, desiredCount: 2 });
    expect(service.deployments).toHaveLength(1);
    expect(service.deployments![0]!.rolloutState).toBe('COMPLETED');
    expect(service.events![0]!.message).toBe('(service web) has reached a steady state.');
    // A task dies: the scheduler replaces it.
    const [first] = (await c.ecs.send(new ListTasksCommand({ cluster: 'berth', serviceName: 'web' }))).taskArns!;
    await c.ecs.send(new StopTaskCommand({ cluster: 'berth', task: first }));
    await sb.settle();
    service = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'berth', services: ['web'] }))).services![0]!;
    expect(service.runningCount).toBe(2);
    // A broken image: tasks fail to start, the breaker trips and rolls back to the last good deployment.
    const bad = (await c.ecs.send(new RegisterTaskDefinitionCommand(webTaskDefinition('000000000000.dkr.ecr.us-east-1.amazonaws.com/berth/app:nope')))).taskDefinition!.taskDefinitionArn!;
    await c.ecs.send(new UpdateServiceCommand({ cluster: 'berth', service: 'web', taskDefinition: bad }));
    await sb.settle();
    service = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'berth', services: ['web'] }))).services![0]!;
    expect(service.taskDefinition).toBe(good);
    expect(service.runningCount).toBe(2);
    const messages = service.events!.map((e) => e.message);
    expect(messages.some((m) => /deployment failed: tasks failed to start\.$/.test(m!))).toBe(true);
    expect(messages.some((m) => m!.includes('CannotPullContainerError'))).toBe(true);
    await expect(c.ecs.send(new DeleteServiceCommand({ cluster: 'berth', service: 'web' }))).rejects.toThrow('The service cannot be stopped while it is scaled above 0.');
    await c.ecs.send(new DeleteServiceCommand({ cluster: 'berth', service: 'web', force: true }));
    await sb.settle();
    service = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'berth', services: ['web'] }))).services![0]!;
    expect(service.status).toBe('INACTIVE');
  });

  it('runs an ECS service created by CloudFormation and fails the stack when the circuit breaker trips', async () => {
    const template = (image: string) =>
      JSON.stringify({
        Resources: {
          Td: { Type: 'AWS::ECS::TaskDefinition', Properties: { Family: 'cfn-web', Cpu: '256', Memory: '512', NetworkMode: 'awsvpc', RequiresCompatibilities: ['FARGATE'], ExecutionRoleArn: 'arn:aws:iam::000000000000:role/exec', ContainerDefinitions: [{ Name: 'web', Image: image, Essential: true, LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': '/berth/app', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'cfn' } } }] } },
          Svc: { Type: 'AWS::ECS::Service', Properties: { Cluster: 'berth', ServiceName: 'cfn-web', TaskDefinition: { Ref: 'Td' }, DesiredCount: 1, LaunchType: 'FARGATE', NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-1'], AssignPublicIp: 'ENABLED' } }, DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } } } },
        },
        Outputs: { Name: { Value: { 'Fn::GetAtt': ['Svc', 'Name'] } } },
      });
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'cfn-ecs', TemplateBody: template('nginx:1.27') }));
    await sb.settle();
    expect((await c.cloudformation.send(new DescribeStacksCommand({ StackName: 'cfn-ecs' }))).Stacks![0]!.StackStatus).toBe('CREATE_COMPLETE');
    expect((await c.ecs.send(new DescribeServicesCommand({ cluster: 'berth', services: ['cfn-web'] }))).services![0]!.runningCount).toBe(1);
    await c.cloudformation.send(new UpdateStackCommand({ StackName: 'cfn-ecs', TemplateBody: template('000000000000.dkr.ecr.us-east-1.amazonaws.com/berth/app:broken') }));
    await sb.settle();
    expect((await c.cloudformation.send(new DescribeStacksCommand({ StackName: 'cfn-ecs' }))).Stacks![0]!.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const events = (await c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'cfn-ecs' }))).StackEvents!;
    expect(events.find((e) => e.LogicalResourceId === 'Svc' && e.ResourceStatus === 'UPDATE_FAILED')!.ResourceStatusReason).toContain('ECS Deployment Circuit Breaker was triggered');
    const service = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'berth', services: ['cfn-web'] }))).services![0]!;
    expect(service.taskDefinition).toMatch(/cfn-web:1$/);
    expect(service.runningCount).toBe(1);
  });

  it('forwards ECS task state changes to a log group through an EventBridge rule', async () => {
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: '/berth/app/events' }));
    const rule = { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { clusterArn: ['arn:aws:ecs:us-east-1:000000000000:cluster/berth'], lastStatus: ['STOPPED'] } }, Targets: [{ Id: 'logs', Arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/berth/app/events:*' }] } };
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'events', TemplateBody: JSON.stringify({ Resources: { Rule: rule } }) }));
    await sb.settle();
    await c.ecs.send(new RegisterTaskDefinitionCommand(webTaskDefinition('nginx', { command: ['sh', '-c', 'exit 3'] })));
    const run = await c.ecs.send(new RunTaskCommand({ cluster: 'berth', taskDefinition: 'app-web', networkConfiguration: network }));
    await sb.settle();
    const task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'berth', tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' });
    expect(task.containers![0]!.exitCode).toBe(3);
    const events = (await c.logs.send(new FilterLogEventsCommand({ logGroupName: '/berth/app/events', filterPattern: `"${run.tasks![0]!.taskArn!}"` }))).events!;
    expect(events).toHaveLength(1);
    const event = JSON.parse(events[0]!.message!) as { 'detail-type': string; detail: { lastStatus: string; stoppedReason: string; containers: { exitCode: number }[] } };
    expect(event['detail-type']).toBe('ECS Task State Change');
    expect(event.detail).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', containers: [{ exitCode: 3 }] });
  });

  it('manages ECR repositories: lifecycle policies, tags, deleting images and non-empty repositories', async () => {
    const repo = await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'berth/other' }));
    expect(repo.repository!.repositoryUri).toBe('000000000000.dkr.ecr.us-east-1.amazonaws.com/berth/other');
    await expect(c.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'berth/other' }))).rejects.toBeInstanceOf(LifecyclePolicyNotFoundException);
    const policy = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }, action: { type: 'expire' } }] });
    await c.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'berth/other', lifecyclePolicyText: policy }));
    expect((await c.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'berth/other' }))).lifecyclePolicyText).toBe(policy);
    await c.ecr.send(new TagResourceCommand({ resourceArn: repo.repository!.repositoryArn, tags: [{ Key: 'berth:project', Value: 'other' }] }));
    expect((await c.ecr.send(new ListTagsForResourceCommand({ resourceArn: repo.repository!.repositoryArn }))).tags).toEqual([{ Key: 'berth:project', Value: 'other' }]);
    await expect(c.ecr.send(new DescribeImagesCommand({ repositoryName: 'nope' }))).rejects.toBeInstanceOf(RepositoryNotFoundException);
    await expect(c.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'berth/app' }))).rejects.toBeInstanceOf(RepositoryNotEmptyException);
    const deleted = await c.ecr.send(new BatchDeleteImageCommand({ repositoryName: 'berth/app', imageIds: [{ imageTag: 'ctx1' }, { imageTag: 'gone' }] }));
    expect(deleted.imageIds).toHaveLength(1);
    expect(deleted.failures![0]!.failureCode).toBe('ImageNotFound');
  });

  it('finds resources by tag through the tagging API', async () => {
    const out = await c.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'berth:project', Values: ['app'] }] }));
    expect(out.ResourceTagMappingList!.map((r) => r.ResourceARN)).toEqual(['arn:aws:ecr:us-east-1:000000000000:repository/berth/app']);
    const clusters = await c.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'berth:managed-by' }], ResourceTypeFilters: ['ecs:cluster'] }));
    expect(clusters.ResourceTagMappingList!.map((r) => r.ResourceARN)).toEqual(['arn:aws:ecs:us-east-1:000000000000:cluster/berth']);
  });
  it('runs a task started on its own with no published port as a job: exit 0, or the exit code and echoed lines its script gives', async () => {
    const job = (command: string[]) => ({ ...webTaskDefinition('python:3.12-slim', { command }), family: 'app-job' });
    const stopped = async (command: string[]) => {
      const { taskDefinition } = await c.ecs.send(new RegisterTaskDefinitionCommand({ ...job(command), containerDefinitions: job(command).containerDefinitions.map((d) => ({ ...d, portMappings: [] })) }));
      const run = await c.ecs.send(new RunTaskCommand({ cluster: 'berth', taskDefinition: taskDefinition!.taskDefinitionArn, networkConfiguration: network }));
      await sb.settle();
      const task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'berth', tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
      const id = task.taskArn!.split('/').pop();
      const lines = (await c.logs.send(new FilterLogEventsCommand({ logGroupName: '/berth/app', logStreamNames: [`web/web/${id}`] }))).events!.map((e) => e.message!);
      return { task, lines };
    };
    const ok = await stopped(['python', 'manage.py', 'migrate']);
    expect(ok.task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' });
    expect(ok.task.containers![0]!.exitCode).toBe(0);
    const bad = await stopped(['sh', '-c', "echo Applying migrations; echo 'relation \"users\" does not exist' >&2; exit 1"]);
    expect(bad.task.containers![0]!.exitCode).toBe(1);
    expect(bad.lines).toEqual(expect.arrayContaining(['Applying migrations', 'relation "users" does not exist']));
  });
  it('words task definition and dependency failures as ECS does', async () => {
    const base = webTaskDefinition('nginx:1.27');
    const withMount = { ...base, containerDefinitions: base.containerDefinitions.map((d) => ({ ...d, mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] })) };
    await expect(c.ecs.send(new RegisterTaskDefinitionCommand(withMount))).rejects.toThrow("Unknown volume 'data'.");

    // A writer that must succeed before the app starts, and fails.
    const app = base.containerDefinitions[0]!;
    const { taskDefinition } = await c.ecs.send(
      new RegisterTaskDefinitionCommand({
        ...base,
        family: 'app-init',
        containerDefinitions: [
          { ...app, name: 'init', image: 'busybox:1.36', essential: false, portMappings: [], command: ['sh', '-c', 'exit 2'] },
          { ...app, dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] },
        ],
      }),
    );
    const run = await c.ecs.send(new RunTaskCommand({ cluster: 'berth', taskDefinition: taskDefinition!.taskDefinitionArn, networkConfiguration: network }));
    await sb.settle();
    const task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'berth', tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    expect(task.lastStatus).toBe('STOPPED');
    expect(task.stoppedReason).toBe(
      'CannotStartContainerError: dependency graph: failed to resolve container ordering dependency [init(busybox:1.36) (STOPPED->RUNNING) - Exit: 2] for target [web] as dependency did not exit successfully.',
    );
  });
});
