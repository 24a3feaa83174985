/**
 * GPU instances for services that reserve GPUs: the cheapest type of the NVIDIA T4 family (g4dn,
 * the least expensive ECS GPU instances) that holds one task — compose says how many GPUs a
 * task needs, not which model. One task per instance, so the instance count is the replica
 * count. Prices are on-demand Linux in us-east-1 (USD an hour) on GPU_PRICE_DATE.
 */
import type { GpuReservation } from '../../shared/domain/project';

export const GPU_PRICE_DATE = '2026-11-01';

export interface GpuInstanceType {
  type: string;
  vcpus: number;
  memoryGiB: number;
  gpus: number;
  gpuModel: string;
  gpuMemoryGiB: number;
  hourlyUsd: number;
}

/** The g4dn family (NVIDIA T4, 16 GiB per GPU), smallest first. */
export const GPU_INSTANCE_TYPES: readonly GpuInstanceType[] = [
  { type: 'g4dn.xlarge', vcpus: 4, memoryGiB: 16, gpus: 1, gpuModel: 'NVIDIA T4', gpuMemoryGiB: 16, hourlyUsd: 0.526 },
  { type: 'g4dn.2xlarge', vcpus: 8, memoryGiB: 32, gpus: 1, gpuModel: 'NVIDIA T4', gpuMemoryGiB: 16, hourlyUsd: 0.752 },
  { type: 'g4dn.4xlarge', vcpus: 16, memoryGiB: 64, gpus: 1, gpuModel: 'NVIDIA T4', gpuMemoryGiB: 16, hourlyUsd: 1.204 },
  { type: 'g4dn.8xlarge', vcpus: 32, memoryGiB: 128, gpus: 1, gpuModel: 'NVIDIA T4', gpuMemoryGiB: 16, hourlyUsd: 2.176 },
  { type: 'g4dn.12xlarge', vcpus: 48, memoryGiB: 192, gpus: 4, gpuModel: 'NVIDIA T4', gpuMemoryGiB: 16, hourlyUsd: 3.912 },
  { type: 'g4dn.16xlarge', vcpus: 64, memoryGiB: 256, gpus: 1, gpuModel: 'NVIDIA T4', gpuMemoryGiB: 16, hourlyUsd: 4.352 },
  { type: 'g4dn.metal', vcpus: 96, memoryGiB: 384, gpus: 8, gpuModel: 'NVIDIA T4', gpuMemoryGiB: 16, hourlyUsd: 7.824 },
];

/**
 * The memory ECS can place tasks in: the agent registers what the OS reports, less than installed
 * (AWS's example: an m4.large with 8192 MiB registers 7985 MiB), so a task sized to the type's
 * nominal memory would never be placed.
 */
export function registeredMemoryMiB(type: Pick<GpuInstanceType, 'memoryGiB'>): number {
  return Math.floor((type.memoryGiB * 1024 * 7985) / 8192);
}

/** The Service Quotas code that counts the vCPUs of running on-demand G (and VT) instances. */
export const GPU_QUOTA = { serviceCode: 'ec2', quotaCode: 'L-DB2E81BA', name: 'Running On-Demand G and VT instances' } as const;

/** Root volume of a GPU instance: GPU images (CUDA, model servers) are large. */
export const GPU_ROOT_VOLUME_GB = 100;

/** The cheapest instance type that holds one task of `gpu`; undefined when none does. */
export function gpuInstanceFor(gpu: Pick<GpuReservation, 'count' | 'cpu' | 'memory'>): GpuInstanceType | undefined {
  return [...GPU_INSTANCE_TYPES]
    .sort((a, b) => a.hourlyUsd - b.hourlyUsd)
    .find((t) => t.gpus >= gpu.count && t.vcpus * 1024 >= gpu.cpu && registeredMemoryMiB(t) >= gpu.memory);
}

/** The SSM public parameter with the current ECS GPU-optimised Amazon Linux 2023 AMI (x86_64). */
export const GPU_AMI_PARAMETER = '/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id';

/**
 * A GPU service's own ECS cluster, `berth-<project id>-gpu-<service>`. One per service: ECS refuses
 * to take a capacity provider off a cluster while a service still uses it, and CloudFormation
 * updates a shared cluster's providers before it deletes a removed service, so removing one of
 * several GPU services from a shared cluster would always fail.
 */
export function gpuClusterName(projectId: string, service: string): string {
  return `${gpuClusterPrefix(projectId)}${service.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** What every GPU cluster name of the project starts with. */
export function gpuClusterPrefix(projectId: string): string {
  return `berth-${projectId}-gpu-`;
}

type Add = (logicalId: string, resource: { Type: string; DependsOn?: string[]; Properties: Record<string, unknown> }, note: { group: string; description: string; why: string }) => string;

/** What the GPU instances of every GPU service share: their role and instance profile. */
export function addGpuInstanceRole(add: Add, options: { tags: unknown; shared: (d: string, w: string) => { group: string; description: string; why: string } }): void {
  add(
    'GpuInstanceRole',
    {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['sts:AssumeRole'] }] },
        ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' }],
        Tags: options.tags,
      },
    },
    options.shared('Role of the GPU instances', 'Lets the ECS agent on each instance join the cluster and report its tasks (AWS’s managed policy for ECS container instances)'),
  );
  add(
    'GpuInstanceProfile',
    { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'GpuInstanceRole' }] } },
    options.shared('Instance profile of the GPU instances', 'How EC2 hands the role to the instances'),
  );
}

/** One GPU service's capacity: its cluster, a launch template, an Auto Scaling group, its ECS capacity provider and the association. */
export function addGpuCapacity(
  add: Add,
  options: {
    part: string;
    service: string;
    clusterName: string;
    instance: GpuInstanceType;
    maxInstances: number;
    subnets: unknown[];
    securityGroup: unknown;
    ready: string[];
    tags: { Key: string; Value: string }[];
    own: (d: string, w: string) => { group: string; description: string; why: string };
  },
): { capacityProvider: string; cluster: string; association: string } {
  const { part, instance } = options;
  const cluster = `${part}GpuCluster`;
  add(
    cluster,
    { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: options.clusterName, ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }], Tags: options.tags } },
    options.own(`ECS cluster ${options.clusterName}`, 'Holds this service’s GPU instances and tasks (the shared cluster’s capacity stays Fargate); its own, so removing the service removes its capacity cleanly'),
  );
  add(
    `${part}LaunchTemplate`,
    {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateData: {
          ImageId: { Ref: 'GpuAmiId' },
          InstanceType: instance.type,
          IamInstanceProfile: { Arn: { 'Fn::GetAtt': ['GpuInstanceProfile', 'Arn'] } },
          SecurityGroupIds: [options.securityGroup],
          // IMDSv2 only, one hop; with awsvpc tasks the hop limit is not enough, so the agent also blocks the metadata service
          // (ECS_AWSVPC_BLOCK_IMDS): containers cannot take the instance's credentials, tasks use their own role.
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: GPU_ROOT_VOLUME_GB, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }],
          // Ref, not the literal name: it makes the group depend on the cluster, so a delete removes the instances first.
          UserData: { 'Fn::Base64': { 'Fn::Sub': `#!/bin/bash\necho ECS_CLUSTER=\${${cluster}} >> /etc/ecs/ecs.config\necho ECS_ENABLE_GPU_SUPPORT=true >> /etc/ecs/ecs.config\necho ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config\n` } },
          TagSpecifications: [{ ResourceType: 'instance', Tags: [...options.tags, { Key: 'Name', Value: `${options.clusterName}-${options.service}` }] }],
        },
      },
    },
    options.own(`Launch template: ${instance.type} (${instance.gpus} × ${instance.gpuModel}) from the ECS GPU-optimised AMI`, 'How each GPU instance starts: the NVIDIA driver and ECS agent of AWS’s AMI, a 100 GB encrypted disk for large images, joining the GPU cluster'),
  );
  add(
    `${part}InstanceGroup`,
    {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      DependsOn: options.ready,
      Properties: {
        MinSize: '0',
        MaxSize: String(options.maxInstances),
        LaunchTemplate: { LaunchTemplateId: { Ref: `${part}LaunchTemplate` }, Version: { 'Fn::GetAtt': [`${part}LaunchTemplate`, 'LatestVersionNumber'] } },
        VPCZoneIdentifier: options.subnets,
        Tags: options.tags.map((t) => ({ ...t, PropagateAtLaunch: true })),
      },
    },
    options.own(`Auto Scaling group of ${instance.type} instances (0 to ${options.maxInstances})`, 'ECS starts an instance for each task and stops it when the task is gone, in the private subnets (behind NAT)'),
  );
  const capacityProvider = `${part}CapacityProvider`;
  add(
    capacityProvider,
    {
      Type: 'AWS::ECS::CapacityProvider',
      Properties: {
        AutoScalingGroupProvider: {
          AutoScalingGroupArn: { Ref: `${part}InstanceGroup` },
          ManagedScaling: { Status: 'ENABLED', TargetCapacity: 100, MinimumScalingStepSize: 1, MaximumScalingStepSize: options.maxInstances },
          // Protection would keep CloudFormation from deleting the group at teardown; one task per instance means scale-in only takes idle ones.
          ManagedTerminationProtection: 'DISABLED',
        },
        Tags: options.tags,
      },
    },
    options.own('ECS capacity provider', 'Scales the instance group to the tasks the service needs (managed scaling)'),
  );
  const association = `${part}CapacityProviders`;
  add(
    association,
    {
      Type: 'AWS::ECS::ClusterCapacityProviderAssociations',
      Properties: { Cluster: { Ref: cluster }, CapacityProviders: [{ Ref: capacityProvider }], DefaultCapacityProviderStrategy: [{ CapacityProvider: { Ref: capacityProvider }, Weight: 1 }] },
    },
    options.own('The GPU cluster’s capacity provider', 'ECS may place the service only on a capacity provider of its cluster'),
  );
  return { capacityProvider, cluster, association };
}
