/**
 * The bootstrap stack `berth-bootstrap`: one per account and region, shared by every project
 * (DESIGN.md §2). Raise BOOTSTRAP_TEMPLATE_VERSION whenever this template changes, so deployed
 * bootstraps get updated and a newer one is never silently downgraded.
 */
import type { PlannedResource, PlannedStack } from '../../shared/domain/plan';
import { arn, ecsTasksTrust, getAtt, join, policy, ref, sub, tagList } from './cfn';
import { addNetwork } from './network';
import { finishStack, TemplateBuilder } from './stack';

export const BOOTSTRAP_STACK_NAME = 'berth-bootstrap';
/** The version this build of Berth writes; compare with the deployed stack's `TemplateVersion` output. */
export const BOOTSTRAP_TEMPLATE_VERSION = 2;

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
/** Outputs of the shared network projects used before each got its own (kept while one still does). */
export const LEGACY_NETWORK_OUTPUTS = { privateSubnets: 'PrivateSubnetIds', nat: 'NatGateways' } as const;

/** The log group Kaniko build tasks write to. */
export const BUILD_LOG_GROUP = '/berth/builds';
/** Where project stacks' EventBridge rules write (covered by the bootstrap's log resource policy). */
export const EVENTS_LOG_GROUP_PREFIX = '/aws/events/berth/';
/** Images from ECR Public are pulled through `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/...`. */
export const PULL_THROUGH_CACHE_PREFIX = 'ecr-public';

export interface BootstrapOptions {
  /** Overrides the builder image default (the template parameter's Default). */
  builderImage?: string;
  /**
   * Keeps the shared private subnets (and NAT gateways) that projects deployed by Berth before
   * per-project networks still run in, so updating the bootstrap never pulls the network from
   * under them; they go once no project stack uses them.
   */
  legacyProjectNetwork?: { nat: boolean };
}

/** The bootstrap stack's resources and the preview rows describing them. */
export interface BootstrapPlan {
  stack: PlannedStack;
  resources: PlannedResource[];
}

const SHARED = 'shared';

/** Builds the bootstrap template for one account and region. */
export function buildBootstrapTemplate(options: BootstrapOptions = {}): PlannedStack {
  return planBootstrap(options).stack;
}

/** Builds the bootstrap template and the preview rows that explain each resource. */
export function planBootstrap(options: BootstrapOptions = {}): BootstrapPlan {
  const legacyNat = options.legacyProjectNetwork?.nat === true;
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
  // Image builds run here. Projects have networks of their own; the private subnets (and NAT)
  // stay only while a project deployed before that still runs in them.
  const legacy = options.legacyProjectNetwork;
  addNetwork(b, { name: 'berth', cidr: VPC_CIDR, privateSubnets: legacy !== undefined, nat: legacy?.nat ?? false, note });

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
    VpcId: [ref('Vpc'), 'VPC id of the build network'],
    PublicSubnetIds: [join(',', [ref('PublicSubnet1'), ref('PublicSubnet2')]), 'Public subnet ids of the build network, comma-separated'],
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
  if (options.legacyProjectNetwork) {
    b.output(LEGACY_NETWORK_OUTPUTS.privateSubnets, join(',', [ref('PrivateSubnet1'), ref('PrivateSubnet2')]), 'Private subnet ids that projects deployed before per-project networks still use');
    b.output(LEGACY_NETWORK_OUTPUTS.nat, legacyNat ? '2' : '0', 'NAT gateways those projects still use');
  }

  const template = b.template(`Berth bootstrap (template version ${BOOTSTRAP_TEMPLATE_VERSION}): shared bucket, cluster, image builder and its network`, {
    'berth:template-version': BOOTSTRAP_TEMPLATE_VERSION,
    'berth:network': options.legacyProjectNetwork ? (legacyNat ? 'builds+legacy-nat' : 'builds+legacy') : 'builds',
  });
  return { stack: finishStack(BOOTSTRAP_STACK_NAME, template), resources: b.planned() };
}
