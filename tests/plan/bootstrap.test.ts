/** The bootstrap stack: what DESIGN.md §2 lists, a build network (the old shared project network only while projects use it), outputs the project stack needs. */
/* eslint-disable @typescript-eslint/no-explicit-any -- templates are free-form JSON; the tests walk them by path */
import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_OUTPUTS,
  BOOTSTRAP_STACK_NAME,
  BOOTSTRAP_TEMPLATE_VERSION,
  buildBootstrapTemplate,
  DEFAULT_BUILDER_IMAGE,
} from '../../electron/plan/bootstrap';

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

  it('has a cluster with Fargate and Fargate Spot, and a two-AZ public network for builds only: no private subnets, no NAT', () => {
    expect(props('Cluster').CapacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    const t = buildBootstrapTemplate({}).template;
    const subnets = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::EC2::Subnet');
    expect(subnets.map(([id]) => id).sort()).toEqual(['PublicSubnet1', 'PublicSubnet2']);
    expect(Object.values(t.Resources).map((r) => r.Type)).not.toContain('AWS::EC2::NatGateway');
    expect(props('PublicSubnet1').AvailabilityZone).not.toEqual(props('PublicSubnet2').AvailabilityZone);
    expect(props('S3Endpoint')).toEqual(expect.objectContaining({ VpcEndpointType: 'Gateway', ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' } }));
    expect(props('Vpc')).toEqual(expect.objectContaining({ EnableDnsHostnames: true, EnableDnsSupport: true }));
  });

  it('keeps the shared private subnets (and NAT gateways) under their old ids while projects deployed before still use them', () => {
    const types = (legacy?: Legacy) => Object.values(buildBootstrapTemplate(legacy ? { legacyProjectNetwork: legacy } : {}).template.Resources).map((r) => r.Type);
    expect(types({ nat: false }).filter((t) => t === 'AWS::EC2::Subnet')).toHaveLength(4);
    expect(types({ nat: false })).not.toContain('AWS::EC2::NatGateway');
    expect(types({ nat: true }).filter((t) => t === 'AWS::EC2::NatGateway')).toHaveLength(2);
    expect(props('PrivateSubnet1', { nat: true }).CidrBlock).toBe('10.80.128.0/20');
    expect(props('PrivateDefaultRoute1', { nat: true }).NatGatewayId).toEqual({ Ref: 'NatGateway1' });
    const outputs = buildBootstrapTemplate({ legacyProjectNetwork: { nat: true } }).template.Outputs!;
    expect(outputs.NatGateways!.Value).toBe('2');
    expect(outputs.PrivateSubnetIds!.Value).toEqual({ 'Fn::Join': [',', [{ Ref: 'PrivateSubnet1' }, { Ref: 'PrivateSubnet2' }]] });
  });

  it('builds images with Kaniko task definitions for amd64 and arm64, the builder image a parameter', () => {
    const t = buildBootstrapTemplate({}).template;
    expect(t.Parameters!.BuilderImage!.Default).toBe(DEFAULT_BUILDER_IMAGE);
    expect(buildBootstrapTemplate({ builderImage: 'example.com/kaniko@sha256:abc' }).template.Parameters!.BuilderImage!.Default).toBe('example.com/kaniko@sha256:abc');
    expect(props('BuildTaskDefinitionAmd64').RuntimePlatform.CpuArchitecture).toBe('X86_64');
    expect(props('BuildTaskDefinitionArm64').RuntimePlatform.CpuArchitecture).toBe('ARM64');
    expect(props('BuildTaskDefinitionArm64').ContainerDefinitions[0].Image).toEqual({ Ref: 'BuilderImage' });
    expect(props('BuildLogGroup').LogGroupName).toBe('/berth/builds');
    expect(props('BuildSecurityGroup').SecurityGroupIngress).toBeUndefined();
    expect(props('PullThroughCacheRule')).toEqual({ EcrRepositoryPrefix: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' });
  });

  it('scopes the build task role to uploads/ and the berth/* repositories', () => {
    const statements = props('BuildTaskRole').Policies[0].PolicyDocument.Statement;
    const read = statements.find((s: any) => s.Sid === 'ReadContexts');
    expect(read).toEqual(expect.objectContaining({ Action: ['s3:GetObject'], Resource: [{ 'Fn::Sub': '${ArtifactBucket.Arn}/uploads/*' }] }));
    const push = statements.find((s: any) => s.Sid === 'PushImages');
    expect(push.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/berth/*' }]);
    for (const s of statements) for (const a of s.Action) expect(a).not.toContain('*');
  });
});
