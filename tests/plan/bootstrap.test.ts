/** The bootstrap stack: what DESIGN.md §2 lists, CodeBuild image builders, no network (the old shared project network only while projects use it), outputs the project stack needs. */
/* eslint-disable @typescript-eslint/no-explicit-any -- templates are free-form JSON; the tests walk them by path */
import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_OUTPUTS,
  BOOTSTRAP_STACK_NAME,
  BOOTSTRAP_TEMPLATE_VERSION,
  BUILD_PROJECTS,
  buildBootstrapTemplate,
} from '../../electron/plan/bootstrap';
import { parse } from 'yaml';

type Legacy = { nat: boolean } | undefined;
const props = (id: string, legacy?: Legacy) => (buildBootstrapTemplate(legacy ? { legacyProjectNetwork: legacy } : {}).template.Resources[id]?.Properties ?? {}) as Record<string, any>;

describe('bootstrap template', () => {
  it('is the berth-bootstrap stack with its version in the outputs', () => {
    const stack = buildBootstrapTemplate({});
    expect(stack.stackName).toBe(BOOTSTRAP_STACK_NAME);
    expect(stack.template.Outputs!.TemplateVersion!.Value).toBe(String(BOOTSTRAP_TEMPLATE_VERSION));
    expect(Object.keys(stack.template.Outputs!).sort()).toEqual([...BOOTSTRAP_OUTPUTS].sort());
    expect(stack.needsUpload).toBe(false);
  });

  it('hardens the bucket: versioned, encrypted, private, owner-enforced, TLS only, with lifecycle rules', () => {
    const bucket = props('ArtifactBucket');
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    const rules = bucket.LifecycleConfiguration.Rules;
    expect(rules.find((r: any) => r.Prefix === 'uploads/').ExpirationInDays).toBeGreaterThan(0);
    expect(rules.some((r: any) => r.NoncurrentVersionExpiration)).toBe(true);
    expect(rules.some((r: any) => r.AbortIncompleteMultipartUpload)).toBe(true);
    const tls = props('ArtifactBucketPolicy').PolicyDocument.Statement[0];
    expect(tls).toEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('has a cluster with Fargate and Fargate Spot, and no network: builds run in CodeBuild’s, projects in their own', () => {
    expect(props('Cluster').CapacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    const types = Object.values(buildBootstrapTemplate({}).template.Resources).map((r) => r.Type);
    expect(types.filter((t) => t.startsWith('AWS::EC2::'))).toEqual([]);
  });

  it('keeps the shared private subnets (and NAT gateways) under their old ids while projects deployed before still use them', () => {
    const types = (legacy?: Legacy) => Object.values(buildBootstrapTemplate(legacy ? { legacyProjectNetwork: legacy } : {}).template.Resources).map((r) => r.Type);
    expect(types({ nat: false }).filter((t) => t === 'AWS::EC2::Subnet')).toHaveLength(4);
    expect(types({ nat: false })).not.toContain('AWS::EC2::NatGateway');
    expect(types({ nat: true }).filter((t) => t === 'AWS::EC2::NatGateway')).toHaveLength(2);
    expect(props('PrivateSubnet1', { nat: true }).CidrBlock).toBe('10.80.128.0/20');
    expect(props('PrivateDefaultRoute1', { nat: true }).NatGatewayId).toEqual({ Ref: 'NatGateway1' });
    expect(props('PublicSubnet1', { nat: false }).AvailabilityZone).not.toEqual(props('PublicSubnet2', { nat: false }).AvailabilityZone);
    const outputs = buildBootstrapTemplate({ legacyProjectNetwork: { nat: true } }).template.Outputs!;
    // The old project stacks take the shared VPC and its subnets as parameters.
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['VpcId', 'PublicSubnetIds', 'PrivateSubnetIds']));
    expect(outputs.NatGateways!.Value).toBe('2');
    expect(outputs.PrivateSubnetIds!.Value).toEqual({ 'Fn::Join': [',', [{ Ref: 'PrivateSubnet1' }, { Ref: 'PrivateSubnet2' }]] });
  });

  it('builds images in CodeBuild for amd64 and arm64: privileged BuildKit, small compute, logs in /berth/builds, no Kaniko', () => {
    const t = buildBootstrapTemplate({}).template;
    expect(t.Parameters?.BuilderImage).toBeUndefined();
    expect(Object.values(t.Resources).map((r) => r.Type)).not.toContain('AWS::ECS::TaskDefinition');
    const amd = props('BuildProjectAmd64');
    const arm = props('BuildProjectArm64');
    expect(amd).toEqual(expect.objectContaining({ Name: BUILD_PROJECTS['linux/amd64'], ServiceRole: { 'Fn::GetAtt': ['BuildRole', 'Arn'] }, Artifacts: { Type: 'NO_ARTIFACTS' }, TimeoutInMinutes: 60 }));
    expect(amd.Environment).toEqual({ Type: 'LINUX_CONTAINER', ComputeType: 'BUILD_GENERAL1_SMALL', Image: 'aws/codebuild/amazonlinux-x86_64-standard:5.0', PrivilegedMode: true });
    expect(arm.Environment).toEqual(expect.objectContaining({ Type: 'ARM_CONTAINER', Image: 'aws/codebuild/amazonlinux-aarch64-standard:3.0' }));
    expect(amd.LogsConfig).toEqual({ CloudWatchLogs: { Status: 'ENABLED', GroupName: { Ref: 'BuildLogGroup' }, StreamName: 'build' } });
    expect(props('BuildLogGroup').LogGroupName).toBe('/berth/builds');
    expect(props('PullThroughCacheRule')).toEqual({ EcrRepositoryPrefix: 'berth-ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' });
  });

  it('adds a signed-in Docker Hub pull-through cache only with the user’s credentials, and says so in its outputs', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/berth-docker-hub-AbC123';
    const plain = buildBootstrapTemplate({}).template;
    expect(plain.Resources.DockerHubPullThroughCacheRule).toBeUndefined();
    expect(plain.Outputs?.DockerHubCachePrefix).toBeUndefined();
    const t = buildBootstrapTemplate({ dockerHubCredentialArn: arn }).template;
    expect(t.Resources.DockerHubPullThroughCacheRule).toEqual({
      Type: 'AWS::ECR::PullThroughCacheRule',
      Properties: { EcrRepositoryPrefix: 'berth-docker-hub', UpstreamRegistry: 'docker-hub', UpstreamRegistryUrl: 'registry-1.docker.io', CredentialArn: arn },
    });
    expect(t.Outputs?.DockerHubCachePrefix?.Value).toBe('berth-docker-hub');
    expect(t.Outputs?.DockerHubCredentialArn?.Value).toBe(arn);
    // The ECR Public rule stays as it was.
    expect(t.Resources.PullThroughCacheRule).toEqual(plain.Resources.PullThroughCacheRule);
  });

  it('runs docker buildx on the Dockerfile, or on Railpack’s plan, with a registry cache ECR accepts', () => {
    const spec = parse(props('BuildProjectAmd64').Source.BuildSpec as string) as { version: number; phases: Record<string, { commands: string[] }> };
    expect(props('BuildProjectAmd64').Source.Type).toBe('NO_SOURCE');
    expect(spec.version).toBe(0.2);
    const build = spec.phases.build!.commands.join('\n');
    expect(build).toContain('docker buildx build --progress=plain --provenance=false --platform "$BERTH_PLATFORM" --push -t "$BERTH_IMAGE"');
    expect(build).toContain('mode=max,image-manifest=true,oci-mediatypes=true');
    expect(build).toContain('railpack prepare /tmp/berth/context');
    // Flags arrive as base64 JSON: no build-arg value is ever read by the shell as code.
    expect(build).toContain("base64 -d | jq -r '.[]'");
    expect(spec.phases.pre_build!.commands.join('\n')).toContain('--driver docker-container');
  });

  it('scopes the build role to uploads/, Berth’s parameters, the berth/* repositories and the build log', () => {
    const role = props('BuildRole');
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'codebuild.amazonaws.com' });
    const statements = role.Policies[0].PolicyDocument.Statement;
    const read = statements.find((s: any) => s.Sid === 'ReadContexts');
    expect(read).toEqual(expect.objectContaining({ Action: ['s3:GetObject'], Resource: [{ 'Fn::Sub': '${ArtifactBucket.Arn}/uploads/*' }] }));
    const push = statements.find((s: any) => s.Sid === 'PushImagesAndCache');
    expect(push.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/berth/*' }]);
    expect(statements.find((s: any) => s.Sid === 'BuildSecrets').Action).toEqual(['ssm:GetParameters']);
    for (const s of statements) for (const a of s.Action) expect(a).not.toContain('*');
  });
});
