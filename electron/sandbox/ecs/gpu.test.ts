/**
 * GPU services on ECS with an EC2 capacity provider, through real SDK clients and a Berth-shaped
 * CloudFormation stack: managed scaling launches g4dn instances that register with the cluster,
 * a GPU goes to one task, EC2's vCPU quotas block launches until an increase, ECS refuses what
 * it refuses, pulls go through the instance's network, and the stack deletes cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import { CreateStackCommand, DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ClientException,
  CreateCapacityProviderCommand,
  CreateServiceCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { DescribeInstancesCommand, paginateDescribeInstances, type DescribeInstancesCommandInput, type Instance } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetServiceQuotaCommand, RequestServiceQuotaIncreaseCommand } from '@aws-sdk/client-service-quotas';
import { sandboxClientConfig, startSandbox, type Sandbox, type SandboxOptions } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';
import { GPU_AMI_PARAMETER, gpuStack, type GpuStackOptions } from './fixtures/gpu-template';

const VCPU_MESSAGE = (limit: number) =>
  `You have requested more vCPU capacity than your current vCPU limit of ${limit} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`;

interface Suite {
  sb: Sandbox;
  c: SandboxClients;
  asg: AutoScalingClient;
}

function suite(options: SandboxOptions = {}): Suite {
  const s = {} as Suite;
  beforeAll(async () => {
    s.sb = await startSandbox({ ...options, quotas: { vpc: { 'L-F678F1CE': 20 }, ...(options.quotas ?? {}) } });
    s.c = sandboxClients(s.sb);
    s.asg = new AutoScalingClient(sandboxClientConfig(s.sb));
  });
  afterAll(async () => {
    s.asg.destroy();
    s.c.destroy();
    await s.sb.close();
  });
  return s;
}

// Stack ids by name: a deleted stack is found by its id only.
const stackIds = new Map<string, string>();

async function createStack(s: Suite, name: string, o: GpuStackOptions, body = gpuStack(o)): Promise<{ status?: string; outputs: Record<string, string>; failed: { id?: string; reason?: string }[] }> {
  const created = await s.c.cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: body, Capabilities: ['CAPABILITY_IAM'] }));
  stackIds.set(name, created.StackId!);
  await s.sb.settle();
  return outcome(s, name);
}

async function outcome(s: Suite, name: string) {
  const id = stackIds.get(name) ?? name;
  const stack = (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: id }))).Stacks![0]!;
  const events = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: id }))).StackEvents ?? [];
  return {
    status: stack.StackStatus,
    outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!])),
    failed: events.filter((e) => e.ResourceStatus?.endsWith('_FAILED') && e.LogicalResourceId !== name).map((e) => ({ id: e.LogicalResourceId, reason: e.ResourceStatusReason })),
  };
}

async function serviceTasks(s: Suite, cluster: string, service: string, desired: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<Task[]> {
  const arns = (await s.c.ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: desired }))).taskArns ?? [];
  if (arns.length === 0) return [];
  return (await s.c.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
}

async function group(s: Suite, name: string) {
  return (await s.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0]!;
}

async function activities(s: Suite, name: string) {
  return (await s.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: name, IncludeDeletedGroups: true }))).Activities ?? [];
}

describe('GPU services on an EC2 capacity provider', () => {
  const s = suite({ quotas: { ec2: { 'L-DB2E81BA': 8 } } });
  let outputs: Record<string, string>;

  it('resolves the public ECS GPU AMI parameter with sandbox credentials', async () => {
    const p = (await s.c.ssm.send(new GetParameterCommand({ Name: GPU_AMI_PARAMETER }))).Parameter!;
    expect(p.Value).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(p.ARN).toBe(`arn:aws:ssm:us-east-1::parameter${GPU_AMI_PARAMETER}`);
    const json = (await s.c.ssm.send(new GetParameterCommand({ Name: '/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended' }))).Parameter!;
    expect(JSON.parse(json.Value!)).toMatchObject({ image_id: p.Value, os: 'Amazon Linux 2023' });
    const standard = (await s.c.ssm.send(new GetParameterCommand({ Name: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id' }))).Parameter!;
    expect(standard.Value).not.toBe(p.Value);
  });

  it('brings a Berth-shaped stack up with its GPU task RUNNING on a g4dn instance that holds the GPU', async () => {
    const result = await createStack(s, 'gpu-app', { project: 'gpuapp', net: 31 });
    expect(result.failed).toEqual([]);
    expect(result.status).toBe('CREATE_COMPLETE');
    outputs = result.outputs;
    const cluster = outputs.Cluster!;
    expect(cluster).toBe('berth-gpuapp-gpu');
    const [task] = await serviceTasks(s, cluster, 'gpuapp-web');
    expect(task).toMatchObject({ lastStatus: 'RUNNING', launchType: 'EC2', capacityProviderName: outputs.Provider });
    const instances = (await s.c.ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns!;
    expect(instances).toHaveLength(1);
    const ci = (await s.c.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: instances }))).containerInstances![0]!;
    expect(task!.containerInstanceArn).toBe(ci.containerInstanceArn);
    expect(ci).toMatchObject({ status: 'ACTIVE', agentConnected: true, capacityProviderName: outputs.Provider, runningTasksCount: 1 });
    expect(ci.attributes!.find((a) => a.name === 'ecs.instance-type')?.value).toBe('g4dn.xlarge');
    const registered = Object.fromEntries(ci.registeredResources!.map((r) => [r.name, r]));
    const left = Object.fromEntries(ci.remainingResources!.map((r) => [r.name, r]));
    expect(registered.CPU!.integerValue).toBe(4096);
    expect(registered.MEMORY!.integerValue).toBeGreaterThan(15_000);
    expect(registered.MEMORY!.integerValue).toBeLessThan(16_384);
    expect(registered.GPU!.stringSetValue).toHaveLength(1);
    expect(left.CPU!.integerValue).toBe(4096 - 2048);
    expect(left.MEMORY!.integerValue).toBe(registered.MEMORY!.integerValue! - 4096);
    expect(left.GPU!.stringSetValue).toEqual([]);
    expect(task!.containers![0]!.gpuIds).toEqual(registered.GPU!.stringSetValue);
    // The ENI sits in the instance's zone, in one of the service's private subnets.
    expect(task!.availabilityZone).toBe(ci.attributes!.find((a) => a.name === 'ecs.availability-zone')?.value);
    const g = await group(s, outputs.Group!);
    expect(g).toMatchObject({ MinSize: 0, MaxSize: 2, DesiredCapacity: 1 });
    expect(g.Instances!.map((i) => [i.InstanceType, i.LifecycleState, i.InstanceId])).toEqual([['g4dn.xlarge', 'InService', ci.ec2InstanceId]]);
    expect(g.Tags!.some((t) => t.Key === 'AmazonECSManaged')).toBe(true);
    const [launch] = await activities(s, outputs.Group!);
    expect(launch).toMatchObject({ StatusCode: 'Successful', Description: `Launching a new EC2 instance: ${ci.ec2InstanceId}`, Progress: 100 });
    expect(launch!.Cause).toMatch(/^At \S+Z a monitor alarm TargetTracking-.+-AlarmHigh-.+ in state ALARM triggered policy ECSManagedAutoScalingPolicy-.+ changing the desired capacity from 0 to 1\. {2}At \S+Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1\.$/);
  });

  it('describes the capacity provider with its Auto Scaling group and managed scaling', async () => {
    const cp = (await s.c.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [outputs.Provider!, 'FARGATE', 'nope'] })));
    expect(cp.capacityProviders![0]).toMatchObject({
      name: outputs.Provider,
      status: 'ACTIVE',
      autoScalingGroupProvider: { autoScalingGroupArn: outputs.Group, managedScaling: { status: 'ENABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 2 }, managedTerminationProtection: 'DISABLED' },
    });
    expect(cp.capacityProviders![1]!.name).toBe('FARGATE');
    expect(cp.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:000000000000:capacity-provider/nope', reason: 'MISSING' }]);
    const cluster = (await s.c.ecs.send(new DescribeClustersCommand({ clusters: [outputs.Cluster!] }))).clusters![0]!;
    expect(cluster).toMatchObject({ capacityProviders: [outputs.Provider], registeredContainerInstancesCount: 1 });
    const tagged = await s.c.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'berth:project', Values: ['gpuapp'] }], ResourceTypeFilters: ['autoscaling', 'ecs:capacity-provider'] }));
    expect(tagged.ResourceTagMappingList!.map((r) => r.ResourceARN!.split(':')[2]).sort()).toEqual(['autoscaling', 'ecs']);
  });

  it('scales the group to 2 for a second replica: a GPU goes to one task only', async () => {
    await s.c.ecs.send(new UpdateServiceCommand({ cluster: outputs.Cluster, service: 'gpuapp-web', desiredCount: 2 }));
    await s.sb.settle();
    const tasks = await serviceTasks(s, outputs.Cluster!, 'gpuapp-web');
    expect(tasks.map((t) => t.lastStatus)).toEqual(['RUNNING', 'RUNNING']);
    expect(new Set(tasks.map((t) => t.containerInstanceArn)).size).toBe(2);
    expect(new Set(tasks.map((t) => t.containers![0]!.gpuIds![0])).size).toBe(2);
    const g = await group(s, outputs.Group!);
    expect(g.DesiredCapacity).toBe(2);
    expect(g.Instances!.map((i) => i.LifecycleState)).toEqual(['InService', 'InService']);
    // The two instances are spread over the group's zones.
    expect(new Set(g.Instances!.map((i) => i.AvailabilityZone)).size).toBe(2);
  });

  it('lists the instances with DescribeInstances as EC2 does: state, type, CPU options, tags, filters, pages and errors', async () => {
    const g = await group(s, outputs.Group!);
    const ids = g.Instances!.map((i) => i.InstanceId!).sort();
    const all = async (input: DescribeInstancesCommandInput) => {
      const found: Instance[] = [];
      for await (const page of paginateDescribeInstances({ client: s.c.ec2 }, input)) for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
      return found;
    };
    const gpuOnes = await all({ Filters: [{ Name: 'instance-type', Values: ['g*', 'vt*'] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] });
    expect(gpuOnes.map((i) => i.InstanceId).sort()).toEqual(ids);
    const [first] = gpuOnes;
    expect(first).toMatchObject({ InstanceType: 'g4dn.xlarge', State: { Code: 16, Name: 'running' }, CpuOptions: { CoreCount: 2, ThreadsPerCore: 2 }, Placement: { AvailabilityZone: expect.stringMatching(/^us-east-1[ab]$/) } });
    expect(first!.InstanceLifecycle).toBeUndefined();
    expect(first!.Tags).toEqual(expect.arrayContaining([{ Key: 'berth:project', Value: 'gpuapp' }, { Key: 'aws:autoscaling:groupName', Value: outputs.Group! }]));
    expect(first!.VpcId).toMatch(/^vpc-/);
    // Filters narrow as EC2's do: by tag, by a type that does not match, on-demand has no lifecycle value.
    expect(await all({ Filters: [{ Name: 'tag:berth:project', Values: ['gpuapp'] }] })).toHaveLength(2);
    expect(await all({ Filters: [{ Name: 'instance-type', Values: ['p*'] }] })).toHaveLength(0);
    expect(await all({ Filters: [{ Name: 'instance-lifecycle', Values: ['spot'] }] })).toHaveLength(0);
    // MaxResults (at least 5) holds both: no NextToken.
    const paged = await s.c.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(paged.NextToken).toBeUndefined();
    expect((await s.c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ids[0]!] }))).Reservations!.flatMap((r) => r.Instances!).map((i) => i.InstanceId)).toEqual([ids[0]]);
    await expect(s.c.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-0123456789abcdef0' does not exist" });
    await expect(s.c.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['web-1'] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.Malformed', message: 'Invalid id: "web-1"' });
    await expect(s.c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ids[0]!], MaxResults: 5 }))).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    await expect(s.c.ec2.send(new DescribeInstancesCommand({ MaxResults: 4 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(s.c.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'gpu-count', Values: ['1'] }] }))).rejects.toMatchObject({ name: 'InvalidParameterValue', message: "The filter 'gpu-count' is invalid" });
  });

  it('holds a third replica in PROVISIONING at the group maximum, with ECS’s service event', async () => {
    await s.c.ecs.send(new UpdateServiceCommand({ cluster: outputs.Cluster, service: 'gpuapp-web', desiredCount: 3 }));
    await s.sb.settle();
    const tasks = await serviceTasks(s, outputs.Cluster!, 'gpuapp-web');
    expect(tasks.map((t) => t.lastStatus).sort()).toEqual(['PROVISIONING', 'RUNNING', 'RUNNING']);
    expect((await group(s, outputs.Group!)).DesiredCapacity).toBe(2);
    const events = (await s.c.ecs.send(new DescribeServicesCommand({ cluster: outputs.Cluster, services: ['gpuapp-web'] }))).services![0]!.events!.map((e) => e.message);
    expect(events[0]).toMatch(/^\(service gpuapp-web\) was unable to place a task because no container instance met all of its requirements\. The closest matching container-instance [0-9a-f]{32} has insufficient GPU available\. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide\.$/);
    await s.c.ecs.send(new UpdateServiceCommand({ cluster: outputs.Cluster, service: 'gpuapp-web', desiredCount: 1 }));
    await s.sb.settle();
    expect((await serviceTasks(s, outputs.Cluster!, 'gpuapp-web')).map((t) => t.lastStatus)).toEqual(['RUNNING']);
    // Managed scale-in waits for its low alarm (15 minutes, kept whole in instant mode): the idle instance stays for now.
    expect((await group(s, outputs.Group!)).Instances).toHaveLength(2);
  });

  it('refuses GPUs on Fargate, a public IP for EC2 tasks, and a provider the cluster does not have, in ECS’s words', async () => {
    const gpuFargate = s.c.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'gpu-fargate',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '4096',
        memory: '16384',
        containerDefinitions: [{ name: 'web', image: 'nginx', resourceRequirements: [{ type: 'GPU', value: '1' }] }],
      }),
    );
    await expect(gpuFargate).rejects.toThrow(ClientException);
    await expect(gpuFargate).rejects.toThrow('Tasks using the Fargate launch type do not support GPU resource requirements.');
    const network = (assignPublicIp: 'ENABLED' | 'DISABLED') => ({ awsvpcConfiguration: { subnets: ['subnet-made-up'], assignPublicIp } });
    const publicIp = s.c.ecs.send(new CreateServiceCommand({ cluster: outputs.Cluster, serviceName: 'public', taskDefinition: 'gpuapp-web', desiredCount: 1, capacityProviderStrategy: [{ capacityProvider: outputs.Provider, weight: 1 }], networkConfiguration: network('ENABLED') }));
    await expect(publicIp).rejects.toThrow(InvalidParameterException);
    await expect(publicIp).rejects.toThrow('Assign public IP is not supported for this launch type.');
    const notAssociated = s.c.ecs.send(new RunTaskCommand({ cluster: outputs.Cluster, taskDefinition: 'gpuapp-web', capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }], networkConfiguration: network('DISABLED') }));
    await expect(notAssociated).rejects.toThrow(
      'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
    );
    // An EC2-only task definition does not run on Fargate; a Fargate one runs on EC2 (ECS lists EC2 among its compatibilities).
    const ec2Only = (await s.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'gpuapp-web' }))).taskDefinition!;
    expect(ec2Only.compatibilities).toEqual(['EC2']);
    await expect(s.c.ecs.send(new RunTaskCommand({ cluster: outputs.Cluster, taskDefinition: 'gpuapp-web', launchType: 'FARGATE', networkConfiguration: network('DISABLED') }))).rejects.toThrow('Task definition does not support launch_type FARGATE.');
    const fargate = (
      await s.c.ecs.send(
        new RegisterTaskDefinitionCommand({ family: 'plain-fargate', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'web', image: 'nginx' }] }),
      )
    ).taskDefinition!;
    expect(fargate.compatibilities).toEqual(['EC2', 'FARGATE']);
    const run = await s.c.ecs.send(new RunTaskCommand({ cluster: outputs.Cluster, taskDefinition: 'plain-fargate', capacityProviderStrategy: [{ capacityProvider: outputs.Provider, weight: 1 }], networkConfiguration: network('DISABLED') }));
    expect(run.tasks![0]).toMatchObject({ launchType: 'EC2', capacityProviderName: outputs.Provider });
    await s.sb.settle();
  });

  it('refuses a capacity provider on a missing, taken or unprotected Auto Scaling group', async () => {
    const create = (name: string, groupArn: string, protection: 'ENABLED' | 'DISABLED' = 'DISABLED') =>
      s.c.ecs.send(new CreateCapacityProviderCommand({ name, autoScalingGroupProvider: { autoScalingGroupArn: groupArn, managedScaling: { status: 'ENABLED', targetCapacity: 100 }, managedTerminationProtection: protection } }));
    await expect(create('missing-group', 'no-such-group')).rejects.toThrow('The specified Auto Scaling group ARN is not valid. Specify a valid Auto Scaling group ARN and try again.');
    await expect(create('second', outputs.Group!)).rejects.toThrow('The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.');
    await expect(create(outputs.Provider!, outputs.Group!)).rejects.toThrow('The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.');
  });

  it('deletes the stack: the service, association, provider, group (its instances terminate and deregister), template, cluster', async () => {
    const instanceIds = (await group(s, outputs.Group!)).Instances!.map((i) => i.InstanceId);
    await s.c.cloudformation.send(new DeleteStackCommand({ StackName: 'gpu-app' }));
    await s.sb.settle();
    const result = await outcome(s, 'gpu-app');
    expect(result.failed).toEqual([]);
    expect(result.status).toBe('DELETE_COMPLETE');
    expect((await s.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [outputs.Group!] }))).AutoScalingGroups).toEqual([]);
    const cluster = (await s.c.ecs.send(new DescribeClustersCommand({ clusters: [outputs.Cluster!] }))).clusters![0]!;
    expect(cluster.status).toBe('INACTIVE');
    expect((await s.c.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [outputs.Provider!] }))).failures).toHaveLength(1);
    const ended = (await activities(s, outputs.Group!)).filter((a) => a.Description?.startsWith('Terminating'));
    expect(ended.map((a) => a.StatusCode)).toEqual(instanceIds.map(() => 'Successful'));
    expect(ended[0]!.Cause).toContain('changing the desired capacity from');
    // EC2 still lists a terminated instance for a while, as terminated (48).
    const gone = (await s.c.ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds.map(String) }))).Reservations!.flatMap((r) => r.Instances!);
    expect(gone.map((i) => i.State)).toEqual(instanceIds.map(() => ({ Code: 48, Name: 'terminated' })));
    expect(gone[0]!.PrivateIpAddress).toBeUndefined();
  });
});

describe('EC2 vCPU quotas for GPU instances', () => {
  const s = suite();

  it('lists the GPU quotas at AWS’s defaults (0 for G and VT: an increase comes first)', async () => {
    const quota = (await s.c.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-DB2E81BA' }))).Quota!;
    expect(quota).toMatchObject({ QuotaName: 'Running On-Demand G and VT instances', Value: 0, Adjustable: true });
    const standard = (await s.c.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }))).Quota!;
    expect(standard).toMatchObject({ QuotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', Value: 5 });
  });

  it('blocks the launch at quota 0 with EC2’s message, keeps the task PROVISIONING, and runs it after an approved increase', async () => {
    const result = await createStack(s, 'gpu-quota', { project: 'quota0', net: 41, replicas: 0 });
    expect(result.status).toBe('CREATE_COMPLETE');
    const { Cluster: cluster, Group: groupName } = result.outputs as Record<string, string>;
    await s.c.ecs.send(new UpdateServiceCommand({ cluster, service: 'quota0-web', desiredCount: 1 }));
    await s.sb.settle();
    expect((await serviceTasks(s, cluster!, 'quota0-web')).map((t) => t.lastStatus)).toEqual(['PROVISIONING']);
    const g = await group(s, groupName!);
    expect(g).toMatchObject({ DesiredCapacity: 1, Instances: [] });
    const [failed] = await activities(s, groupName!);
    const message = `Could not launch On-Demand Instances. VcpuLimitExceeded - ${VCPU_MESSAGE(0)} Launching EC2 instance failed.`;
    expect(failed).toMatchObject({ StatusCode: 'Failed', StatusMessage: message, Description: `Launching a new EC2 instance.  Status Reason: ${message}`, Progress: 100 });
    expect(failed!.Cause).toContain('an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1.');
    const events = (await s.c.ecs.send(new DescribeServicesCommand({ cluster, services: ['quota0-web'] }))).services![0]!.events!.map((e) => e.message);
    expect(events).toContain('(service quota0-web) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your capacity provider. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.');
    // No retries pile up while nothing changes.
    expect((await activities(s, groupName!)).filter((a) => a.StatusCode === 'Failed')).toHaveLength(1);

    const approved = await s.c.quotas.send(new RequestServiceQuotaIncreaseCommand({ ServiceCode: 'ec2', QuotaCode: 'L-DB2E81BA', DesiredValue: 4 }));
    expect(approved.RequestedQuota?.Status).toBe('APPROVED');
    await s.sb.settle();
    expect((await serviceTasks(s, cluster!, 'quota0-web')).map((t) => t.lastStatus)).toEqual(['RUNNING']);
    expect((await activities(s, groupName!))[0]).toMatchObject({ StatusCode: 'Successful' });
  });

  it('counts vCPUs, not instances: a g4dn.2xlarge (8 vCPUs) does not fit a quota of 4', async () => {
    const result = await createStack(s, 'gpu-big', { project: 'big', net: 42, replicas: 0, instanceType: 'g4dn.2xlarge', maxSize: 1 });
    const { Cluster: cluster, Group: groupName } = result.outputs as Record<string, string>;
    await s.c.ecs.send(new UpdateServiceCommand({ cluster, service: 'big-web', desiredCount: 1 }));
    await s.sb.settle();
    expect((await serviceTasks(s, cluster!, 'big-web')).map((t) => t.lastStatus)).toEqual(['PROVISIONING']);
    // The quota0 stack's g4dn.xlarge holds 4 of the bucket's vCPUs already: 4 + 8 is too many at 4, and still at 8.
    expect((await activities(s, groupName!))[0]!.StatusMessage).toContain(VCPU_MESSAGE(4));
    s.sb.setQuotas({ ec2: { 'L-DB2E81BA': 8 } });
    await s.sb.settle();
    expect((await activities(s, groupName!))[0]!.StatusMessage).toContain(VCPU_MESSAGE(8));
    s.sb.setQuotas({ ec2: { 'L-DB2E81BA': 12 } });
    await s.sb.settle();
    const [task] = await serviceTasks(s, cluster!, 'big-web');
    expect(task!.lastStatus).toBe('RUNNING');
    expect((await group(s, groupName!)).Instances!.map((i) => i.InstanceType)).toEqual(['g4dn.2xlarge']);
  });

  it('fails a launch for want of capacity when the fault knob says so', async () => {
    s.sb.setFaults({ ec2: { insufficientCapacity: ['g4dn.xlarge'] } });
    const result = await createStack(s, 'gpu-ice', { project: 'ice', net: 43, replicas: 0 });
    const { Cluster: cluster, Group: groupName } = result.outputs as Record<string, string>;
    s.sb.setQuotas({ ec2: { 'L-DB2E81BA': 64 } });
    await s.c.ecs.send(new UpdateServiceCommand({ cluster, service: 'ice-web', desiredCount: 1 }));
    await s.sb.settle();
    expect((await activities(s, groupName!))[0]!.StatusMessage).toMatch(/^Could not launch On-Demand Instances\. InsufficientInstanceCapacity - We currently do not have sufficient g4dn\.xlarge capacity in the Availability Zone you requested \(us-east-1[ab]\)\./);
    s.sb.setFaults({});
    await s.sb.settle();
    expect((await serviceTasks(s, cluster!, 'ice-web')).map((t) => t.lastStatus)).toEqual(['RUNNING']);
  });
});

describe('tasks that wait too long, and instances that join no cluster', () => {
  const s = suite({ deadlines: { capacityProvisioning: 150, capacityScaleIn: 100 }, quotas: { ec2: { 'L-DB2E81BA': 64 } } });

  it('stops a task that found no capacity in time as ECS does (TaskFailedToStart)', async () => {
    const result = await createStack(s, 'gpu-wait', { project: 'wait', net: 51, replicas: 0, gpus: 2 });
    const { Cluster: cluster } = result.outputs as Record<string, string>;
    // Two GPUs never fit a g4dn.xlarge: managed scaling adds nothing for it.
    const run = await s.c.ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'wait-web', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-made-up'], assignPublicIp: 'DISABLED' } } }));
    expect(run.tasks![0]!.lastStatus).toBe('PROVISIONING');
    await s.sb.settle();
    const task = (await s.c.ecs.send(new DescribeTasksCommand({ cluster, tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'TaskFailedToStart: RESOURCE:GPU' });
    expect((await group(s, result.outputs.Group!)).DesiredCapacity).toBe(0);
  });

  it('an instance whose user data names a cluster that does not exist registers nowhere: the task never places', async () => {
    const result = await createStack(s, 'gpu-lost', { project: 'lost', net: 52, replicas: 0, userData: 'missing' });
    const { Cluster: cluster, Group: groupName } = result.outputs as Record<string, string>;
    const run = await s.c.ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'lost-web', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-made-up'], assignPublicIp: 'DISABLED' } } }));
    await s.sb.settle();
    expect((await s.c.ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns).toEqual([]);
    expect((await activities(s, groupName!)).some((a) => a.StatusCode === 'Successful' && a.Description?.startsWith('Launching a new EC2 instance: '))).toBe(true);
    const task = (await s.c.ecs.send(new DescribeTasksCommand({ cluster, tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'TaskFailedToStart: EMPTY CAPACITY PROVIDER' });
    // Nothing left to run: once scale-in's wait is over the group gives the instance back.
    expect((await group(s, groupName!)).Instances).toEqual([]);
    expect((await activities(s, groupName!))[0]).toMatchObject({ StatusCode: 'Successful', Description: expect.stringMatching(/^Terminating EC2 instance: i-[0-9a-f]{17}$/) });
  });
});

describe('GPU task networking and teardown order', () => {
  const s = suite({ quotas: { ec2: { 'L-DB2E81BA': 64 } } });

  it('an instance without ECS_CLUSTER joins the default cluster, which it creates', async () => {
    const result = await createStack(s, 'gpu-default', { project: 'dflt', net: 53, replicas: 0, userData: 'none' });
    await s.c.ecs.send(new RunTaskCommand({ cluster: result.outputs.Cluster, taskDefinition: 'dflt-web', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-made-up'], assignPublicIp: 'DISABLED' } } }));
    await s.sb.settle();
    const joined = (await s.c.ecs.send(new ListContainerInstancesCommand({ cluster: 'default' }))).containerInstanceArns!;
    expect(joined).toHaveLength(1);
    expect((await s.c.ecs.send(new ListContainerInstancesCommand({ cluster: result.outputs.Cluster }))).containerInstanceArns).toEqual([]);
  });
  it('pulls through the instance’s network: a private subnet without NAT times out as pulls.ts words it', async () => {
    const result = await createStack(s, 'gpu-nonat', { project: 'nonat', net: 61, replicas: 0, nat: false, image: 'resolve' });
    expect(result.status).toBe('CREATE_COMPLETE');
    const { Cluster: cluster, Group: groupName } = result.outputs as Record<string, string>;
    const run = await s.c.ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'nonat-web', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-made-up'], assignPublicIp: 'DISABLED' } } }));
    await s.sb.settle();
    const task = (await s.c.ecs.send(new DescribeTasksCommand({ cluster, tasks: [run.tasks![0]!.taskArn!] }))).tasks![0]!;
    const instance = (await group(s, groupName!)).Instances![0]!;
    const ci = (await s.c.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [task.containerInstanceArn!] }))).containerInstances![0]!;
    expect(ci.ec2InstanceId).toBe(instance.InstanceId);
    // The instance sits in a private subnet (no public address) whose route table has no default route.
    expect(ci.attributes!.find((a) => a.name === 'ecs.subnet-id')?.value).toMatch(/^subnet-/);
    expect(task.lastStatus).toBe('STOPPED');
    expect(task.stopCode).toBe('TaskFailedToStart');
    expect(task.stoppedReason).toMatch(/^CannotPullContainerError: pull image manifest has been retried 5 time\(s\): failed to resolve ref docker\.io\/vllm\/vllm-openai:v0\.6\.3: .*dial tcp [\d.]+:443: i\/o timeout$/);
  });

  it('refuses to delete a cluster whose instances are still registered when nothing orders the group before it', async () => {
    const result = await createStack(s, 'gpu-literal', { project: 'literal', net: 62, userData: 'literal' });
    expect(result.status).toBe('CREATE_COMPLETE');
    await s.c.cloudformation.send(new DeleteStackCommand({ StackName: 'gpu-literal' }));
    await s.sb.settle();
    const deleted = await outcome(s, 'gpu-literal');
    expect(deleted.status).toBe('DELETE_FAILED');
    expect(deleted.failed.find((f) => f.id === 'GpuCluster')?.reason).toMatch(
      /^Resource handler returned message: "The Cluster cannot be deleted while Container Instances are active or draining\. \(Service: Ecs, Status Code: 400, Request ID: .+\)" \(RequestToken: .+, HandlerErrorCode: GeneralServiceException\)$/,
    );
    // Retries delete the group (its instances terminate and deregister), then the cluster.
    for (let attempt = 0; attempt < 3 && (await outcome(s, 'gpu-literal')).status !== 'DELETE_COMPLETE'; attempt++) {
      await s.c.cloudformation.send(new DeleteStackCommand({ StackName: 'gpu-literal' }));
      await s.sb.settle();
    }
    expect((await outcome(s, 'gpu-literal')).status).toBe('DELETE_COMPLETE');
  });

  it('fails an association naming a capacity provider that does not exist', async () => {
    const template = JSON.parse(gpuStack({ project: 'assoc', net: 63 })) as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    template.Resources.GpuClusterCapacityProviders!.Properties.CapacityProviders = ['no-such-provider'];
    template.Resources.GpuClusterCapacityProviders!.Properties.DefaultCapacityProviderStrategy = [{ CapacityProvider: 'no-such-provider', Weight: 1 }];
    const result = await createStack(s, 'gpu-assoc', { project: 'assoc', net: 63 }, JSON.stringify(template));
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.failed.find((f) => f.id === 'GpuClusterCapacityProviders')?.reason).toContain('The specified capacity provider was not found. Specify a valid capacity provider and try again.');
  });
});

describe('GPU capacity at realistic speed', () => {
  // A thousandth of AWS's durations: the instance boots, the agent registers, the task starts, idle capacity is given back.
  const s = suite({ speed: 'realistic', speedFactor: 0.001, quotas: { ec2: { 'L-DB2E81BA': 8 } } });

  it('launches, registers and places over time, then scales in after the low alarm’s wait', async () => {
    const started = Date.now();
    const result = await createStack(s, 'gpu-slow', { project: 'slow', net: 71 });
    expect(result.status).toBe('CREATE_COMPLETE');
    // Launch (45 s) and registration (60 s) at a thousandth, besides the stack's own steps.
    expect(Date.now() - started).toBeGreaterThanOrEqual(105);
    const { Cluster: cluster, Group: groupName } = result.outputs as Record<string, string>;
    expect((await serviceTasks(s, cluster!, 'slow-web')).map((t) => t.lastStatus)).toEqual(['RUNNING']);
    await s.c.ecs.send(new UpdateServiceCommand({ cluster, service: 'slow-web', desiredCount: 0 }));
    await s.sb.settle();
    expect((await group(s, groupName!)).Instances).toEqual([]);
    expect((await activities(s, groupName!))[0]!.Cause).toContain('-AlarmLow-');
  });
});
