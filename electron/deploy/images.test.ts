import { BatchGetImageCommand, CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient, PutLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildDigest, ensureRepositories, existingImageTags } from './images';
import { awsError } from './testing/errors';

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/berth/shop';

beforeEach(() => ecrMock.reset());

describe('image repositories', () => {
  it('creates missing repositories tagged, scanned on push, with lifecycle rules', async () => {
    ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'));
    ecrMock.on(CreateRepositoryCommand, { repositoryName: 'berth/shop' }).resolves({ repository: { repositoryUri: URI } });
    ecrMock.on(CreateRepositoryCommand, { repositoryName: 'berth/shop/cache' }).resolves({ repository: { repositoryUri: `${URI}/cache` } });
    ecrMock.on(PutLifecyclePolicyCommand).resolves({});
    const repos = await ensureRepositories(ecr, 'shop', { cache: true });
    expect(repos).toEqual({ name: 'berth/shop', uri: URI, cacheUri: `${URI}/cache` });
    const create = ecrMock.commandCalls(CreateRepositoryCommand)[0]!.args[0].input;
    expect(create).toMatchObject({ imageScanningConfiguration: { scanOnPush: true }, tags: [{ Key: 'berth:managed-by', Value: 'berth' }, { Key: 'berth:project', Value: 'shop' }] });
    expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(2);
  });

  it('leaves existing repositories alone', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryUri: URI }] });
    await ensureRepositories(ecr, 'shop', { cache: false });
    expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });

  it('asks once which tags exist; a missing repository has none', async () => {
    ecrMock.on(BatchGetImageCommand).resolves({ images: [{ imageId: { imageTag: 'a' } }], failures: [{ imageId: { imageTag: 'b' }, failureCode: 'ImageNotFound' }] });
    expect([...(await existingImageTags(ecr, 'berth/shop', ['a', 'b', 'a']))]).toEqual(['a']);
    expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(1);
    ecrMock.on(BatchGetImageCommand).rejects(awsError('RepositoryNotFoundException'));
    expect((await existingImageTags(ecr, 'berth/shop', ['a'])).size).toBe(0);
  });

  it('tags builds by context digest and every setting that changes the image', () => {
    const base = { builder: 'dockerfile' as const, dockerfile: 'Dockerfile', args: { A: '1', B: '2' }, platform: 'linux/amd64' as const };
    const d = buildDigest('c'.repeat(64), base);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(buildDigest('c'.repeat(64), { ...base, args: { B: '2', A: '1' } })).toBe(d);
    expect(buildDigest('c'.repeat(64), { ...base, args: { A: '1', B: '3' } })).not.toBe(d);
    expect(buildDigest('c'.repeat(64), { ...base, platform: 'linux/arm64' })).not.toBe(d);
    expect(buildDigest('d'.repeat(64), base)).not.toBe(d);
  });

  it('tells a Railpack build from a Dockerfile build, and builds given other secrets apart (by id and secret, never value)', () => {
    const base = { builder: 'dockerfile' as const, dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64' as const };
    const d = buildDigest('c'.repeat(64), base);
    expect(buildDigest('c'.repeat(64), { ...base, builder: 'railpack' })).not.toBe(d);
    const secrets = [{ id: 'npmrc', secret: 'npm_token' }, { id: 'pip', secret: 'pip_conf' }];
    const withSecrets = buildDigest('c'.repeat(64), { ...base, secrets });
    expect(withSecrets).not.toBe(d);
    expect(buildDigest('c'.repeat(64), { ...base, secrets: [...secrets].reverse() })).toBe(withSecrets);
    expect(buildDigest('c'.repeat(64), { ...base, secrets: [{ id: 'npmrc', secret: 'other_token' }, secrets[1]!] })).not.toBe(withSecrets);
  });
});
