import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetParameterCommand, GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProjectModel } from '../../shared/domain/project';
import type { Release } from './release';
import { checkRollback, restoreConfig } from './rollback';

const ecr = mockClient(ECRClient);
const ssm = mockClient(SSMClient);
const clients = { ecr: new ECRClient({ region: 'us-east-1' }), ssm: new SSMClient({ region: 'us-east-1' }) };
const tag = 'a'.repeat(64);
const release: Release = {
  format: 1,
  deploymentId: 'v1',
  project: 'shop',
  template: JSON.stringify({ Metadata: { 'berth:images': { web: 'WebImage' } }, Resources: {} }),
  parameters: [{ ParameterKey: 'WebImage', ParameterValue: `000000000000.dkr.ecr.us-east-1.amazonaws.com/berth/shop:${tag}` }],
  configVersions: { '/Berth/shop/API_KEY': 1, '/Berth/shop/DB_PASSWORD': 2 },
  model: { name: 'shop', services: [{ name: 'web', build: {} }, { name: 'db', managed: { kind: 'postgres' } }] } as unknown as ProjectModel,
  composeFiles: {},
};

beforeEach(() => {
  ecr.reset();
  ssm.reset();
  ecr.on(BatchGetImageCommand).resolves({ images: [{ imageId: { imageTag: tag } }] });
  ssm.on(GetParametersCommand).resolves({ InvalidParameters: [] });
});

describe('checkRollback', () => {
  it('can come back: lists the config values that go back (names and versions) and what stays', async () => {
    const check = await checkRollback(clients, release, { '/Berth/shop/API_KEY': 3, '/Berth/shop/DB_PASSWORD': 2 });
    expect(check.blockers).toEqual([]);
    expect(check.configRestores).toEqual([{ parameter: '/Berth/shop/API_KEY', from: 3, to: 1 }]);
    expect(check.notes).toEqual([expect.stringContaining('Data stays as it is now: db keeps every row and schema change')]);
    expect(ssm.commandCalls(GetParametersCommand)[0]!.args[0].input).toEqual({ Names: ['/Berth/shop/API_KEY:1', '/Berth/shop/DB_PASSWORD:2'] });
  });

  it('refuses when the image expired, a config value was deleted, or its version is no longer kept', async () => {
    ecr.on(BatchGetImageCommand).resolves({ images: [], failures: [{ imageId: { imageTag: tag }, failureCode: 'ImageNotFound' }] });
    ssm.on(GetParametersCommand).resolves({ InvalidParameters: ['/Berth/shop/API_KEY:1', '/Berth/shop/DB_PASSWORD:2'] });
    const check = await checkRollback(clients, release, { '/Berth/shop/DB_PASSWORD': 140 });
    expect(check.blockers).toEqual([
      expect.stringContaining('The image of web from deployment v1 is no longer in ECR'),
      expect.stringContaining('Config value API_KEY was deleted after deployment v1'),
      expect.stringContaining('Version 2 of config value DB_PASSWORD is no longer kept by Parameter Store'),
    ]);
  });
});

describe('restoreConfig', () => {
  it('writes the earlier value as the newest version, skips one already equal, and returns what to undo', async () => {
    ssm.on(GetParameterCommand, { Name: '/Berth/shop/API_KEY:1', WithDecryption: true }).resolves({ Parameter: { Value: 'old', Type: 'SecureString' } });
    ssm.on(GetParameterCommand, { Name: '/Berth/shop/API_KEY', WithDecryption: true }).resolves({ Parameter: { Value: 'new', Type: 'SecureString' } });
    ssm.on(GetParameterCommand, { Name: '/Berth/shop/SAME:1', WithDecryption: true }).resolves({ Parameter: { Value: 'same', Type: 'SecureString' } });
    ssm.on(GetParameterCommand, { Name: '/Berth/shop/SAME', WithDecryption: true }).resolves({ Parameter: { Value: 'same', Type: 'SecureString' } });
    ssm.on(PutParameterCommand).resolves({ Version: 4 });
    const undo = await restoreConfig(clients.ssm, [
      { parameter: '/Berth/shop/API_KEY', from: 3, to: 1 },
      { parameter: '/Berth/shop/SAME', from: 2, to: 1 },
    ]);
    expect(undo).toEqual([{ parameter: '/Berth/shop/API_KEY', version: 3 }]);
    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: '/Berth/shop/API_KEY', Value: 'old', Type: 'SecureString', Overwrite: true }]);
  });
});
