/**
 * The one client factory: every SDK client Berth uses, built with the same region,
 * credentials, endpoint, adaptive retries and `berth/<version>` user-agent suffix.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { ConnectionTarget } from '../../shared/domain/connection';
import { nameTheCall } from './errors';

export interface AwsClients {
  sts: STSClient;
  s3: S3Client;
  ssm: SSMClient;
  logs: CloudWatchLogsClient;
  ecs: ECSClient;
  ecr: ECRClient;
  cloudformation: CloudFormationClient;
  tagging: ResourceGroupsTaggingAPIClient;
  /** VPCs in the Region (the capacity check before a deploy). */
  ec2: EC2Client;
  /** The account's applied quotas (VPCs per Region). */
  quotas: ServiceQuotasClient;
  efs: EFSClient;
  /** Image builds (BuildKit on CodeBuild). */
  codebuild: CodeBuildClient;
  /** Database snapshots before a store moves into the project's own network. */
  rds: RDSClient;
  /** Cache snapshots, likewise. */
  elasticache: ElastiCacheClient;
  /** Public hosted zones, so CloudFormation can validate a domain's certificate by itself. */
  route53: Route53Client;
  /** The Docker Hub credentials ECR's pull-through cache signs in with (never their value, except when saving them). */
  secretsManager: SecretsManagerClient;
  /** Amazon Bedrock's control plane: whether the account may use the models a project invokes. */
  bedrock: BedrockClient;
}

/** Attempts per call: adaptive mode also rate-limits the client after throttling responses. */
export const MAX_ATTEMPTS = 6;

/** The settings every client shares (exported so tests and one-off clients agree with the factory). */
export function clientConfig(target: ConnectionTarget, credentials: AwsCredentialIdentityProvider, version: string) {
  return {
    region: target.region,
    credentials,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    retryMode: 'adaptive' as const,
    maxAttempts: MAX_ATTEMPTS,
    customUserAgent: [['berth', version]] as [string, string][],
  };
}

/** Builds every client for one connection; S3 uses path-style addressing on a custom endpoint. */
export function createClients(target: ConnectionTarget, credentials: AwsCredentialIdentityProvider, version: string): AwsClients {
  // Custom endpoints (LocalStack, the sandbox) have no per-bucket DNS names.
  return buildClients(clientConfig(target, credentials, version), target.endpoint !== undefined);
}

/** The settings Berth sets on every client. */
export type ClientSettings = Pick<STSClientConfig, 'region' | 'credentials' | 'endpoint' | 'maxAttempts' | 'retryMode' | 'customUserAgent'>;

/** The clients Berth uses, all from one set of settings. */
export function buildClients(config: ClientSettings, s3PathStyle: boolean): AwsClients {
  const clients: AwsClients = {
    sts: new STSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: s3PathStyle }),
    ssm: new SSMClient(config),
    logs: new CloudWatchLogsClient(config),
    ecs: new ECSClient(config),
    ecr: new ECRClient(config),
    cloudformation: new CloudFormationClient(config),
    tagging: new ResourceGroupsTaggingAPIClient(config),
    ec2: new EC2Client(config),
    quotas: new ServiceQuotasClient(config),
    efs: new EFSClient(config),
    codebuild: new CodeBuildClient(config),
    rds: new RDSClient(config),
    elasticache: new ElastiCacheClient(config),
    route53: new Route53Client(config),
    secretsManager: new SecretsManagerClient(config),
    bedrock: new BedrockClient(config),
  };
  for (const client of Object.values(clients)) nameFailures(client);
  return clients;
}

/** Every failure carries the service and operation it came from (an unreadable answer names no AWS error of its own). */
function nameFailures(client: AwsClients[keyof AwsClients]): void {
  const stack = client.middlewareStack as unknown as {
    add(middleware: (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: unknown) => Promise<unknown>, options: { step: 'initialize'; name: string }): void;
  };
  stack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        nameTheCall(error, context.clientName, context.commandName);
        throw error;
      }
    },
    { step: 'initialize', name: 'berthNameTheCall' },
  );
}

/** Releases the clients' sockets (when a connection is replaced or the app quits). */
export function destroyClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
