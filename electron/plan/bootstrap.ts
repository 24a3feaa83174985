/**
 * The bootstrap stack `berth-bootstrap`: one per account and region, shared by every project
 * (DESIGN.md §2). Raise BOOTSTRAP_TEMPLATE_VERSION whenever this template changes, so deployed
 * bootstraps get updated and a newer one is never silently downgraded.
 */
import type { DeploymentMode, PlannedResource, PlannedStack } from '../../shared/domain/plan';
import { arn, azs, ecsTasksTrust, getAtt, join, policy, ref, select, sub, tagList } from './cfn';
import { finishStack, TemplateBuilder } from './stack';

export const BOOTSTRAP_STACK_NAME = 'berth-bootstrap';
/** The version this build of Berth writes; compare with the deployed stack's `TemplateVersion` output. */
export const BOOTSTRAP_TEMPLATE_VERSION = 1;

/**
 * The image builder: Chainguard's maintained Kaniko fork (Google archived Kaniko in June 2025),
 * as published by the kaniko-build project for linux/amd64 and linux/arm64. The full executor
 * (not `-slim`) because it carries the ECR credential helper, so pushes use the task role.
 * Pinned to a release tag: append `@sha256:<digest>` here once the digest is verified; the
 * `BuilderImage` parameter lets an account override it.
 */
export const DEFAULT_BUILDER_IMAGE = 'ghcr.io/kaniko-build/dist/chainguard-dev-kaniko/executor:v1.25.11';

/** Build tasks get this much room: Kaniko unpacks base images on local disk. */
const BUILD_CPU = '2048';
const BUILD_MEMORY = '8192';
const BUILD_DISK_GIB = 50;
const VPC_CIDR = '10.80.0.0/16';

/** The outputs project stacks and the deploy pipeline read (all of them are strings). */
export const BOOTSTRAP_OUTPUTS = [
  'TemplateVersion',
  'BucketName',
  'ClusterName',
  'ClusterArn',
  'VpcId',
  'PublicSubnetIds',
  'PrivateSubnetIds',
  'NatGateways',
  'BuildTaskDefinitionAmd64',
  'BuildTaskDefinitionArm64',
  'BuildSecurityGroupId',
  'BuildLogGroup',
  'BuildExecutionRoleArn',
  'BuildTaskRoleArn',
  'BuilderImage',
  'PullThroughCachePrefix',
] as const;
export type BootstrapOutputName = (typeof BOOTSTRAP_OUTPUTS)[number];

/** The log group Kaniko build tasks write to. */
export const BUILD_LOG_GROUP = '/berth/builds';
/** Where project stacks' EventBridge rules write (covered by the bootstrap's log resource policy). */
export const EVENTS_LOG_GROUP_PREFIX = '/aws/events/berth/';
/** Images from ECR Public are pulled through `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/...`. */
export const PULL_THROUGH_CACHE_PREFIX = 'ecr-public';

export interface BootstrapOptions {
  /** `high_availability` adds a NAT gateway per AZ (private subnets get internet egress). */
  mode?: DeploymentMode;
  /** Overrides the builder image default (the template parameter's Default). */
  builderImage?: string;
}

/** The bootstrap stack's resources and the preview rows describing them. */
export interface BootstrapPlan {
  stack: PlannedStack;
  resources: PlannedResource[];
}

const SHARED = 'shared';

/**
 * The bootstrap options for deploying a project in `mode`, given the deployed bootstrap's
 * outputs: NAT gateways are added for a high-availability project and then kept, so deploying
 * an affordable project later never pulls the network from under a high-availability one.
 */
export function bootstrapOptionsFor(mode: DeploymentMode, deployedOutputs: Record<string, string> = {}, builderImage?: string): BootstrapOptions {
  const nat = mode === 'high_availability' || Number(deployedOutputs.NatGateways ?? '0') > 0;
  return { mode: nat ? 'high_availability' : 'balanced', ...(builderImage ? { builderImage } : {}) };
}

/** Builds the bootstrap template for one account and region. */
export function buildBootstrapTemplate(options: BootstrapOptions = {}): PlannedStack {
  return planBootstrap(options).stack;
}

/** Builds the bootstrap template and the preview rows that explain each resource. */
export function planBootstrap(options: BootstrapOptions = {}): BootstrapPlan {
  const withNat = options.mode === 'high_availability';
  const b = new TemplateBuilder('bootstrap');
  const tags = tagList();
  const note = (description: string, why: string) => ({ group: SHARED, description, why });

  b.parameter('BuilderImage', {
    Type: 'String',
    Default: options.builderImage ?? DEFAULT_BUILDER_IMAGE,
    Description: 'Container image of the Kaniko executor that builds project images',
  });

  // ---------------------------------------------------------------- bucket
  b.add(
    'ArtifactBucket',
    {
      Type: 'AWS::S3::Bucket',
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [
            { Id: 'expire-uploads', Status: 'Enabled', Prefix: 'uploads/', ExpirationInDays: 30 },
            { Id: 'expire-old-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
            { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
          ],
        },
        Tags: tags,
      },
    },
    note('Private, encrypted, versioned S3 bucket', 'Holds build contexts, deployment records and templates too large to send inline'),
  );
  b.add(
    'ArtifactBucketPolicy',
    {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: ref('ArtifactBucket'),
        PolicyDocument: policy([
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: ['s3:*'],
            Resource: [getAtt('ArtifactBucket', 'Arn'), sub('${ArtifactBucket.Arn}/*')],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]),
      },
    },
    note('Bucket policy refusing unencrypted connections', 'Every read and write of build contexts goes over TLS'),
  );

  // ---------------------------------------------------------------- cluster
  b.add(
    'Cluster',
    {
      Type: 'AWS::ECS::Cluster',
      Properties: {
        CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
        Tags: tags,
      },
    },
    note('ECS cluster with Fargate and Fargate Spot capacity', 'Runs every project’s containers and the image builds, with no servers to manage'),
  );

  // ---------------------------------------------------------------- network
  b.add(
    'Vpc',
    { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: VPC_CIDR, EnableDnsHostnames: true, EnableDnsSupport: true, Tags: tagList(undefined, { Name: 'berth' }) } },
    note('Private network (VPC) over two availability zones', 'Isolates Berth’s containers and databases; private DNS needs DNS support on'),
  );
  b.add('InternetGateway', { Type: 'AWS::EC2::InternetGateway', Properties: { Tags: tags } }, note('Internet gateway', 'Lets the load balancer and public subnets reach the internet'));
  b.add(
    'InternetGatewayAttachment',
    { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('InternetGateway') } },
    note('Attaches the internet gateway to the VPC', 'Required before public routes work'),
  );
  b.add(
    'PublicRouteTable',
    { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc'), Tags: tagList(undefined, { Name: 'berth-public' }) } },
    note('Route table of the public subnets', 'Sends internet-bound traffic to the internet gateway'),
  );
  b.add(
    'PublicDefaultRoute',
    {
      Type: 'AWS::EC2::Route',
      DependsOn: 'InternetGatewayAttachment',
      Properties: { RouteTableId: ref('PublicRouteTable'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref('InternetGateway') },
    },
    note('Default route to the internet gateway', 'Public subnets reach the internet'),
  );
  const routeTables: unknown[] = [ref('PublicRouteTable')];
  for (const zone of [1, 2] as const) {
    const az = select(zone - 1, azs());
    b.add(
      `PublicSubnet${zone}`,
      {
        Type: 'AWS::EC2::Subnet',
        Properties: {
          VpcId: ref('Vpc'),
          AvailabilityZone: az,
          CidrBlock: `10.80.${(zone - 1) * 16}.0/20`,
          MapPublicIpOnLaunch: true,
          Tags: tagList(undefined, { Name: `berth-public-${zone}` }),
        },
      },
      note(`Public subnet in availability zone ${zone}`, 'Hosts the load balancer (and the containers, except in high-availability mode)'),
    );
    b.add(
      `PublicSubnet${zone}RouteTableAssociation`,
      { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(`PublicSubnet${zone}`), RouteTableId: ref('PublicRouteTable') } },
      note(`Routes for public subnet ${zone}`, 'Connects the subnet to the internet route'),
    );
    b.add(
      `PrivateSubnet${zone}`,
      {
        Type: 'AWS::EC2::Subnet',
        Properties: {
          VpcId: ref('Vpc'),
          AvailabilityZone: az,
          CidrBlock: `10.80.${128 + (zone - 1) * 16}.0/20`,
          MapPublicIpOnLaunch: false,
          Tags: tagList(undefined, { Name: `berth-private-${zone}` }),
        },
      },
      note(`Private subnet in availability zone ${zone}`, 'Hosts databases and caches, and containers in high-availability mode'),
    );
    b.add(
      `PrivateRouteTable${zone}`,
      { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc'), Tags: tagList(undefined, { Name: `berth-private-${zone}` }) } },
      note(`Route table of private subnet ${zone}`, 'One per zone so each zone uses its own NAT gateway'),
    );
    b.add(
      `PrivateSubnet${zone}RouteTableAssociation`,
      { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(`PrivateSubnet${zone}`), RouteTableId: ref(`PrivateRouteTable${zone}`) } },
      note(`Routes for private subnet ${zone}`, 'Connects the subnet to its route table'),
    );
    routeTables.push(ref(`PrivateRouteTable${zone}`));
    if (withNat) {
      b.add(
        `NatAddress${zone}`,
        { Type: 'AWS::EC2::EIP', DependsOn: 'InternetGatewayAttachment', Properties: { Domain: 'vpc', Tags: tags } },
        note(`Public IPv4 address of NAT gateway ${zone}`, 'A NAT gateway needs a fixed public address'),
      );
      b.add(
        `NatGateway${zone}`,
        {
          Type: 'AWS::EC2::NatGateway',
          Properties: { AllocationId: getAtt(`NatAddress${zone}`, 'AllocationId'), SubnetId: ref(`PublicSubnet${zone}`), Tags: tags },
        },
        note(`NAT gateway in availability zone ${zone}`, 'High-availability mode keeps containers in private subnets; they reach the internet through it'),
      );
      b.add(
        `PrivateDefaultRoute${zone}`,
        { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(`PrivateRouteTable${zone}`), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ref(`NatGateway${zone}`) } },
        note(`Default route of private subnet ${zone} through its NAT gateway`, 'Containers in private subnets can pull images and call APIs'),
      );
    }
  }
  b.add(
    'S3Endpoint',
    {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcId: ref('Vpc'),
        VpcEndpointType: 'Gateway',
        ServiceName: sub('com.amazonaws.${AWS::Region}.s3'),
        RouteTableIds: routeTables,
        Tags: tags,
      },
    },
    note('S3 gateway endpoint', 'Image layers and build contexts reach S3 without the internet or NAT charges'),
  );

  // ---------------------------------------------------------------- image builds
  b.add(
    'BuildLogGroup',
    { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: BUILD_LOG_GROUP, RetentionInDays: 30, Tags: tags } },
    note('Log group /berth/builds', 'Build output is streamed to you while images build, and kept 30 days'),
  );
  b.add(
    'BuildSecurityGroup',
    {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'Berth image builds: outbound only',
        VpcId: ref('Vpc'),
        SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0', Description: 'Base images, packages and ECR' }],
        Tags: tags,
      },
    },
    note('Firewall for image builds: outbound only', 'Builds download base images and push to ECR; nothing may connect to them'),
  );
  b.add(
    'BuildExecutionRole',
    {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: ecsTasksTrust(),
        Policies: [
          {
            PolicyName: 'build-logs',
            PolicyDocument: policy([
              { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [getAtt('BuildLogGroup', 'Arn')] },
            ]),
          },
        ],
        Tags: tags,
      },
    },
    note('Role ECS uses to start build tasks', 'Writes build logs; nothing else'),
  );
  const repositories = arn('ecr', 'repository/berth/*');
  const cacheRepositories = arn('ecr', `repository/${PULL_THROUGH_CACHE_PREFIX}/*`);
  b.add(
    'BuildTaskRole',
    {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: ecsTasksTrust(),
        Policies: [
          {
            PolicyName: 'build',
            PolicyDocument: policy([
              { Sid: 'ReadContexts', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [sub('${ArtifactBucket.Arn}/uploads/*')] },
              // GetAuthorizationToken has no resource-level permissions: AWS requires "*" here.
              { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
              {
                Sid: 'PushImages',
                Effect: 'Allow',
                Action: [
                  'ecr:BatchCheckLayerAvailability',
                  'ecr:BatchGetImage',
                  'ecr:CompleteLayerUpload',
                  'ecr:GetDownloadUrlForLayer',
                  'ecr:InitiateLayerUpload',
                  'ecr:PutImage',
                  'ecr:UploadLayerPart',
                ],
                Resource: [repositories],
              },
              {
                Sid: 'PullThroughCache',
                Effect: 'Allow',
                Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository', 'ecr:GetDownloadUrlForLayer'],
                Resource: [cacheRepositories],
              },
            ]),
          },
        ],
        Tags: tags,
      },
    },
    note('Role the builder runs with', 'May read build contexts under uploads/ and push to the berth/* image repositories only'),
  );
  for (const [arch, cpuArchitecture] of [
    ['Amd64', 'X86_64'],
    ['Arm64', 'ARM64'],
  ] as const) {
    b.add(
      `BuildTaskDefinition${arch}`,
      {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: `berth-build-${arch.toLowerCase()}`,
          RequiresCompatibilities: ['FARGATE'],
          NetworkMode: 'awsvpc',
          Cpu: BUILD_CPU,
          Memory: BUILD_MEMORY,
          EphemeralStorage: { SizeInGiB: BUILD_DISK_GIB },
          RuntimePlatform: { CpuArchitecture: cpuArchitecture, OperatingSystemFamily: 'LINUX' },
          ExecutionRoleArn: getAtt('BuildExecutionRole', 'Arn'),
          TaskRoleArn: getAtt('BuildTaskRole', 'Arn'),
          ContainerDefinitions: [
            {
              Name: 'kaniko',
              Image: ref('BuilderImage'),
              Essential: true,
              LogConfiguration: {
                LogDriver: 'awslogs',
                Options: { 'awslogs-group': ref('BuildLogGroup'), 'awslogs-region': ref('AWS::Region'), 'awslogs-stream-prefix': 'build' },
              },
            },
          ],
          Tags: tags,
        },
      },
      note(`Image build task (${cpuArchitecture === 'ARM64' ? 'arm64' : 'amd64'})`, 'Builds images in your account with Kaniko: no local Docker needed'),
    );
  }
  b.add(
    'PullThroughCacheRule',
    { Type: 'AWS::ECR::PullThroughCacheRule', Properties: { EcrRepositoryPrefix: PULL_THROUGH_CACHE_PREFIX, UpstreamRegistryUrl: 'public.ecr.aws' } },
    note('ECR pull-through cache for ECR Public', 'Base images from public.ecr.aws are cached in your account: faster builds, no rate limits'),
  );
  // One policy for every project: CloudWatch Logs allows only 10 resource policies per region.
  b.add(
    'EventsLogPolicy',
    {
      Type: 'AWS::Logs::ResourcePolicy',
      Properties: {
        PolicyName: 'berth-events-to-logs',
        PolicyDocument: sub(
          JSON.stringify(
            policy([
              {
                Sid: 'EventBridgeWritesBerthEvents',
                Effect: 'Allow',
                Principal: { Service: ['delivery.logs.amazonaws.com', 'events.amazonaws.com'] },
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${EVENTS_LOG_GROUP_PREFIX}*:*`,
              },
            ]),
          ),
        ),
      },
    },
    note('Lets EventBridge write to Berth’s event log groups', 'Stopped-task reasons and deployment state changes are kept after the tasks are gone'),
  );

  // ---------------------------------------------------------------- outputs
  const outputs: Record<string, [unknown, string]> = {
    TemplateVersion: [String(BOOTSTRAP_TEMPLATE_VERSION), 'Version of the bootstrap template'],
    BucketName: [ref('ArtifactBucket'), 'Bucket for build contexts, deployment records and large templates'],
    ClusterName: [ref('Cluster'), 'ECS cluster name'],
    ClusterArn: [getAtt('Cluster', 'Arn'), 'ECS cluster ARN'],
    VpcId: [ref('Vpc'), 'VPC id'],
    PublicSubnetIds: [join(',', [ref('PublicSubnet1'), ref('PublicSubnet2')]), 'Public subnet ids, comma-separated'],
    PrivateSubnetIds: [join(',', [ref('PrivateSubnet1'), ref('PrivateSubnet2')]), 'Private subnet ids, comma-separated'],
    NatGateways: [withNat ? '2' : '0', 'NAT gateways (2 when a high-availability project needs them)'],
    BuildTaskDefinitionAmd64: [ref('BuildTaskDefinitionAmd64'), 'Kaniko build task definition for linux/amd64'],
    BuildTaskDefinitionArm64: [ref('BuildTaskDefinitionArm64'), 'Kaniko build task definition for linux/arm64'],
    BuildSecurityGroupId: [getAtt('BuildSecurityGroup', 'GroupId'), 'Security group of build tasks'],
    BuildLogGroup: [ref('BuildLogGroup'), 'Log group of build tasks'],
    BuildExecutionRoleArn: [getAtt('BuildExecutionRole', 'Arn'), 'Execution role of build tasks'],
    BuildTaskRoleArn: [getAtt('BuildTaskRole', 'Arn'), 'Task role of build tasks'],
    BuilderImage: [ref('BuilderImage'), 'Kaniko executor image'],
    PullThroughCachePrefix: [PULL_THROUGH_CACHE_PREFIX, 'ECR repository prefix of the ECR Public pull-through cache'],
  };
  for (const name of BOOTSTRAP_OUTPUTS) {
    const [value, description] = outputs[name]!;
    b.output(name, value, description);
  }

  const template = b.template(`Berth bootstrap (template version ${BOOTSTRAP_TEMPLATE_VERSION}): shared bucket, cluster, network and image builder`, {
    'berth:template-version': BOOTSTRAP_TEMPLATE_VERSION,
    'berth:network': withNat ? 'nat' : 'public',
  });
  return { stack: finishStack(BOOTSTRAP_STACK_NAME, template), resources: b.planned() };
}
