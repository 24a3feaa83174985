import { describe, expect, it } from 'vitest';
import { createClients, destroyClients } from './clients';

const creds = async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' });

describe('createClients', () => {
  it('builds every client with region, endpoint, adaptive retries and the berth user agent', async () => {
    const clients = createClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' }, creds, '1.2.3');
    try {
      expect(Object.keys(clients).sort()).toEqual(['bedrock', 'cloudformation', 'codebuild', 'ec2', 'ecr', 'ecs', 'efs', 'elasticache', 'logs', 'quotas', 'rds', 'route53', 's3', 'secretsManager', 'ssm', 'sts', 'tagging']);
      for (const client of Object.values(clients)) {
        expect(await client.config.region()).toBe('eu-west-1');
        const endpoint = await client.config.endpoint!();
        expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:4566');
        expect(client.config.customUserAgent).toEqual([['berth', '1.2.3']]);
        const retry = await client.config.retryStrategy();
        expect(retry.mode).toBe('adaptive');
        expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'AKIDTEST' });
      }
      expect(clients.s3.config.forcePathStyle).toBe(true);
    } finally {
      destroyClients(clients);
    }
  });

  it('uses virtual-hosted S3 addressing and AWS endpoints without a custom endpoint', async () => {
    const clients = createClients({ region: 'us-east-1' }, creds, '1.0.0');
    try {
      expect(clients.s3.config.forcePathStyle).toBe(false);
      expect(clients.sts.config.endpoint).toBeUndefined();
    } finally {
      destroyClients(clients);
    }
  });
});
