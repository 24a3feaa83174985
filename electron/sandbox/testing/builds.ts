/** Image builds for sandbox tests: Berth's builder project (its real buildspec) made by CloudFormation, and a build run to the end. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchGetBuildsCommand, StartBuildCommand, type Build } from '@aws-sdk/client-codebuild';
import { buildVariables, type BuildEnvironment, type BuildRequest } from '../../deploy/build';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { buildspec } from '../../plan/buildspec';
import type { Sandbox } from '../index';
import type { SandboxClients } from './clients';

export const TEST_BUILD_PROJECT = 'test-images';

/** A stack with a bucket, a log group and a privileged BuildKit project running Berth's buildspec. */
export function builderTemplate(bucket: string, extra: { privileged?: boolean; name?: string } = {}): string {
  const name = extra.name ?? TEST_BUILD_PROJECT;
  return JSON.stringify({
    Resources: {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: `/test/${name}` } },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: bucket } },
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } },
      Project: {
        Type: 'AWS::CodeBuild::Project',
        Properties: {
          Name: name,
          ServiceRole: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Source: { Type: 'NO_SOURCE', BuildSpec: buildspec('0.37.0') },
          Artifacts: { Type: 'NO_ARTIFACTS' },
          Environment: { Type: 'LINUX_CONTAINER', ComputeType: 'BUILD_GENERAL1_SMALL', Image: 'aws/codebuild/amazonlinux-x86_64-standard:5.0', PrivilegedMode: extra.privileged ?? true },
          LogsConfig: { CloudWatchLogs: { Status: 'ENABLED', GroupName: { Ref: 'Logs' }, StreamName: 'build' } },
          Tags: [{ Key: 'berth:managed-by', Value: 'berth' }],
        },
      },
    },
  });
}

export async function createBuilder(s: { sb: Sandbox; c: SandboxClients }, bucket: string, stack = 'test-builder', extra: { privileged?: boolean; name?: string } = {}): Promise<void> {
  await s.c.cloudformation.send(new CreateStackCommand({ StackName: stack, TemplateBody: builderTemplate(bucket, extra), Capabilities: ['CAPABILITY_IAM'] }));
  await s.sb.settle();
  const out = (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: stack }))).Stacks![0]!;
  if (out.StackStatus !== 'CREATE_COMPLETE') throw new Error(`builder stack: ${out.StackStatus} ${out.StackStatusReason ?? ''}`);
}

export interface ImageBuild {
  key: string;
  context: Buffer;
  /** `<repository>:<tag>`. */
  image: string;
  builder?: 'dockerfile' | 'railpack';
  dockerfile?: string;
  args?: Record<string, string>;
  target?: string;
  /** Build secrets by Parameter Store name, as the deploy sends them. */
  secrets?: { id: string; parameter: string }[];
  /** Registry cache ref (`<cache repository>:buildcache`). */
  cache?: string;
  project?: string;
}

/** Uploads a context, starts a build with the variables Berth's deploy sends, waits for the sandbox, and returns the build and its log. */
export async function runImageBuild(s: { sb: Sandbox; c: SandboxClients }, bucket: string, b: ImageBuild): Promise<{ build: Build; log: string[] }> {
  await s.c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: b.key, Body: b.context }));
  const colon = b.image.lastIndexOf(':');
  const project = b.project ?? TEST_BUILD_PROJECT;
  const env: BuildEnvironment = { project: 'app', projects: { 'linux/amd64': project, 'linux/arm64': project }, repositoryUri: b.image.slice(0, colon), ...(b.cache ? { cacheUri: b.cache.replace(/:buildcache$/, '') } : {}) };
  const request: BuildRequest = {
    services: ['app'],
    tag: b.image.slice(colon + 1),
    contextUrl: `s3://${bucket}/${b.key}`,
    builder: b.builder ?? 'dockerfile',
    dockerfile: b.dockerfile ?? 'Dockerfile',
    args: b.args ?? {},
    ...(b.target ? { target: b.target } : {}),
    platform: 'linux/amd64',
    ...(b.secrets ? { secrets: b.secrets } : {}),
  };
  const started = await s.c.codebuild.send(new StartBuildCommand({ projectName: project, environmentVariablesOverride: buildVariables(env, request) }));
  await s.sb.settle();
  const build = (await s.c.codebuild.send(new BatchGetBuildsCommand({ ids: [started.build!.id!] }))).builds![0]!;
  return { build, log: await buildLog(s.c, build) };
}

/** Every line of a build's log stream. */
export async function buildLog(c: SandboxClients, build: Build): Promise<string[]> {
  if (!build.logs?.groupName || !build.logs.streamName) return [];
  const out = await c.logs.send(new GetLogEventsCommand({ logGroupName: build.logs.groupName, logStreamName: build.logs.streamName, startFromHead: true, limit: 10_000 }));
  return (out.events ?? []).map((e) => e.message!);
}
