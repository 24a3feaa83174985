/**
 * The bootstrap stack `berth-bootstrap`: one per account and region, shared by every project
 * (DESIGN.md §2). Raise BOOTSTRAP_TEMPLATE_VERSION whenever this template changes, so deployed
 * bootstraps get updated and a newer one is never silently downgraded.
 */
import type { PlannedResource, PlannedStack } from '../../shared/domain/plan';
import { buildspec } from './buildspec';
import { arn, getAtt, join, policy, ref, sub, tagList } from './cfn';
import { addNetwork } from './network';
import { finishStack, TemplateBuilder } from './stack';
import { DOCKER_HUB_CACHE_PREFIX, PULL_THROUGH_CACHE_PREFIX } from './images';

export const BOOTSTRAP_STACK_NAME = 'berth-bootstrap';
/** The version this build of Berth writes; compare with the deployed stack's `TemplateVersion` output. */
export const BOOTSTRAP_TEMPLATE_VERSION = 5;

/**
 * CodeBuild's curated images (Amazon Linux 2023, Docker with buildx): BuildKit builds a
 * Dockerfile exactly as `docker build` does — cache, secret and bind mounts, heredocs,
 * `# syntax=` frontends. (Kaniko, which Berth used before, is archived and refuses them.)
 */
export const BUILD_IMAGES = { amd64: 'aws/codebuild/amazonlinux-x86_64-standard:5.0', arm64: 'aws/codebuild/amazonlinux-aarch64-standard:3.0' } as const;
/** The CodeBuild projects, one per architecture (one bootstrap per account and Region, so fixed names). */
export const BUILD_PROJECTS = { 'linux/amd64': 'berth-images-amd64', 'linux/arm64': 'berth-images-arm64' } as const;
/** The Railpack release a context without a Dockerfile is built with (its frontend image matches it). */
export const RAILPACK_VERSION = '0.37.0';
/** Builds longer than this are stopped by CodeBuild (TIMED_OUT). */
const BUILD_TIMEOUT_MINUTES = 60;
const VPC_CIDR = '10.80.0.0/16';

/** The outputs project stacks and the deploy pipeline read (all of them are strings). */
export const BOOTSTRAP_OUTPUTS = ['TemplateVersion', 'BucketName', 'ClusterName', 'ClusterArn', 'BuildProjectAmd64', 'BuildProjectArm64', 'BuildLogGroup', 'BuildRoleArn', 'PullThroughCachePrefix'] as const;
export type BootstrapOutputName = (typeof BOOTSTRAP_OUTPUTS)[number];
/** Outputs present when the bootstrap has the Docker Hub rule. */
export const DOCKER_HUB_OUTPUTS = { prefix: 'DockerHubCachePrefix', credential: 'DockerHubCredentialArn' } as const;
/** Outputs of the shared network projects used before each got its own (kept while one still does). */
export const LEGACY_NETWORK_OUTPUTS = { vpc: 'VpcId', publicSubnets: 'PublicSubnetIds', privateSubnets: 'PrivateSubnetIds', nat: 'NatGateways' } as const;

/** The log group image builds write to. */
export const BUILD_LOG_GROUP = '/berth/builds';
/** Where project stacks' EventBridge rules write (covered by the bootstrap's log resource policy). */
export const EVENTS_LOG_GROUP_PREFIX = '/aws/events/berth/';
/** Images from ECR Public (and Docker Hub's official ones) are pulled through `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/...`. */
export { DOCKER_HUB_CACHE_PREFIX, PULL_THROUGH_CACHE_PREFIX } from './images';

export interface BootstrapOptions {
  /**
   * Keeps the shared private subnets (and NAT gateways) that projects deployed by Berth before
   * per-project networks still run in, so updating the bootstrap never pulls the network from
   * under them; they go once no project stack uses them.
   */
  legacyProjectNetwork?: { nat: boolean };
  /** The Secrets Manager secret with the user's Docker Hub credentials: adds a Docker Hub pull-through cache rule that signs in with it. */
  dockerHubCredentialArn?: string;
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
    note('ECS cluster with Fargate and Fargate Spot capacity', 'Runs every project’s containers, with no servers to manage'),
  );

  // ---------------------------------------------------------------- legacy network
  // Projects have networks of their own and builds run in CodeBuild's: the shared network of
  // an earlier Berth stays only while a project deployed then still runs in it.
  const legacy = options.legacyProjectNetwork;
  if (legacy) addNetwork(b, { name: 'berth', cidr: VPC_CIDR, privateSubnets: true, nat: legacy.nat, note });

  // ---------------------------------------------------------------- image builds
  b.add(
    'BuildLogGroup',
    { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: BUILD_LOG_GROUP, RetentionInDays: 30, Tags: tags } },
    note('Log group /berth/builds', 'Build output is streamed to you while images build, and kept 30 days'),
  );
  const repositories = arn('ecr', 'repository/berth/*');
  const cacheRepositories = arn('ecr', `repository/${PULL_THROUGH_CACHE_PREFIX}/*`);
  b.add(
    'BuildRole',
    {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: policy([{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: ['sts:AssumeRole'] }]),
        Policies: [
          {
            PolicyName: 'build',
            PolicyDocument: policy([
              { Sid: 'BuildLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [getAtt('BuildLogGroup', 'Arn')] },
              { Sid: 'ReadContexts', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [sub('${ArtifactBucket.Arn}/uploads/*')] },
              // Build secrets reach BuildKit from Berth's parameters, resolved by CodeBuild at build start.
              { Sid: 'BuildSecrets', Effect: 'Allow', Action: ['ssm:GetParameters'], Resource: [arn('ssm', 'parameter/Berth/*')] },
              // GetAuthorizationToken has no resource-level permissions: AWS requires "*" here.
              { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
              {
                Sid: 'PushImagesAndCache',
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
    note('Role the image builds run with', 'May read build contexts under uploads/, Berth’s parameters for build secrets, push to the berth/* image repositories and write the build log; nothing else'),
  );
  for (const [platform, type, image] of [
    ['linux/amd64', 'LINUX_CONTAINER', BUILD_IMAGES.amd64],
    ['linux/arm64', 'ARM_CONTAINER', BUILD_IMAGES.arm64],
  ] as const) {
    const arch = platform === 'linux/amd64' ? 'Amd64' : 'Arm64';
    b.add(
      `BuildProject${arch}`,
      {
        Type: 'AWS::CodeBuild::Project',
        Properties: {
          Name: BUILD_PROJECTS[platform],
          Description: `Berth image builds for ${platform}: BuildKit (docker buildx), or Railpack when there is no Dockerfile`,
          ServiceRole: getAtt('BuildRole', 'Arn'),
          Source: { Type: 'NO_SOURCE', BuildSpec: buildspec(RAILPACK_VERSION) },
          Artifacts: { Type: 'NO_ARTIFACTS' },
          // Privileged: BuildKit runs its own daemon (the docker-container driver) to export the registry cache.
          Environment: { Type: type, ComputeType: 'BUILD_GENERAL1_SMALL', Image: image, PrivilegedMode: true },
          TimeoutInMinutes: BUILD_TIMEOUT_MINUTES,
          LogsConfig: { CloudWatchLogs: { Status: 'ENABLED', GroupName: ref('BuildLogGroup'), StreamName: 'build' } },
          Tags: tags,
        },
      },
      note(`Image builder for ${platform} (CodeBuild)`, 'Builds images in your account exactly as docker build does (BuildKit), with a layer cache in ECR: no local Docker needed'),
    );
  }
  b.add(
    'PullThroughCacheRule',
    { Type: 'AWS::ECR::PullThroughCacheRule', Properties: { EcrRepositoryPrefix: PULL_THROUGH_CACHE_PREFIX, UpstreamRegistryUrl: 'public.ecr.aws' } },
    note('ECR pull-through cache for ECR Public', 'Images from public.ecr.aws and Docker Hub’s official images (postgres, redis, nginx…) are cached in your account: no Docker Hub rate limit'),
  );
  if (options.dockerHubCredentialArn) {
    // Docker Hub rules must sign in (ECR refuses one without a credential); the secret holds {username, accessToken}.
    b.add(
      'DockerHubPullThroughCacheRule',
      {
        Type: 'AWS::ECR::PullThroughCacheRule',
        Properties: { EcrRepositoryPrefix: DOCKER_HUB_CACHE_PREFIX, UpstreamRegistry: 'docker-hub', UpstreamRegistryUrl: 'registry-1.docker.io', CredentialArn: options.dockerHubCredentialArn },
      },
      note('ECR pull-through cache for Docker Hub', 'Other Docker Hub images (bitnami/redis, metabase/metabase…) are pulled once, signed in with your Docker Hub account, and cached in your account'),
    );
  }
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
    BuildProjectAmd64: [ref('BuildProjectAmd64'), 'CodeBuild project building linux/amd64 images'],
    BuildProjectArm64: [ref('BuildProjectArm64'), 'CodeBuild project building linux/arm64 images'],
    BuildLogGroup: [ref('BuildLogGroup'), 'Log group of image builds'],
    BuildRoleArn: [getAtt('BuildRole', 'Arn'), 'Role image builds run with'],
    PullThroughCachePrefix: [PULL_THROUGH_CACHE_PREFIX, 'ECR repository prefix of the ECR Public pull-through cache'],
  };
  for (const name of BOOTSTRAP_OUTPUTS) {
    const [value, description] = outputs[name]!;
    b.output(name, value, description);
  }
  if (options.dockerHubCredentialArn) {
    b.output(DOCKER_HUB_OUTPUTS.prefix, DOCKER_HUB_CACHE_PREFIX, 'ECR repository prefix of the Docker Hub pull-through cache');
    b.output(DOCKER_HUB_OUTPUTS.credential, options.dockerHubCredentialArn, 'Secret the Docker Hub pull-through cache signs in with');
  }
  if (options.legacyProjectNetwork) {
    b.output(LEGACY_NETWORK_OUTPUTS.vpc, ref('Vpc'), 'VPC that projects deployed before per-project networks still use');
    b.output(LEGACY_NETWORK_OUTPUTS.publicSubnets, join(',', [ref('PublicSubnet1'), ref('PublicSubnet2')]), 'Its public subnet ids');
    b.output(LEGACY_NETWORK_OUTPUTS.privateSubnets, join(',', [ref('PrivateSubnet1'), ref('PrivateSubnet2')]), 'Private subnet ids that projects deployed before per-project networks still use');
    b.output(LEGACY_NETWORK_OUTPUTS.nat, legacyNat ? '2' : '0', 'NAT gateways those projects still use');
  }

  const template = b.template(`Berth bootstrap (template version ${BOOTSTRAP_TEMPLATE_VERSION}): shared bucket, cluster and image builders`, {
    'berth:template-version': BOOTSTRAP_TEMPLATE_VERSION,
    'berth:network': options.legacyProjectNetwork ? (legacyNat ? 'legacy-nat' : 'legacy') : 'none',
  });
  return { stack: finishStack(BOOTSTRAP_STACK_NAME, template), resources: b.planned() };
}
