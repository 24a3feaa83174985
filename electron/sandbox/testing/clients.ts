/** Real AWS SDK v3 clients pointed at a sandbox, for tests (one attempt each, so errors surface at once). */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { sandboxClientConfig, type Sandbox } from '../index';

export interface SandboxClients {
  sts: STSClient;
  s3: S3Client;
  ssm: SSMClient;
  logs: CloudWatchLogsClient;
  ecs: ECSClient;
  ecr: ECRClient;
  cloudformation: CloudFormationClient;
  tagging: ResourceGroupsTaggingAPIClient;
  destroy(): void;
}

/** Builds every client the sandbox speaks, configured for it. */
export function sandboxClients(sandbox: Sandbox, maxAttempts = 1): SandboxClients {
  const config = sandboxClientConfig(sandbox, maxAttempts);
  const clients = {
    sts: new STSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    ssm: new SSMClient(config),
    logs: new CloudWatchLogsClient(config),
    ecs: new ECSClient(config),
    ecr: new ECRClient(config),
    cloudformation: new CloudFormationClient(config),
    tagging: new ResourceGroupsTaggingAPIClient(config),
  };
  return {
    ...clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
