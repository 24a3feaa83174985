import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { ECRClient, ValidatePullThroughCacheRuleCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DOCKER_HUB_SECRET_NAME, dockerHubCredentialProblem } from '../../shared/domain/docker-hub';
import { dockerHubCacheProblem, removeDockerHubCredentials, saveDockerHubCredentials, storedDockerHubAccount } from './docker-hub';

const sm = mockClient(SecretsManagerClient);
const ecrMock = mockClient(ECRClient);
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const client = new SecretsManagerClient({ region: 'eu-west-1', credentials });
const ecr = new ECRClient({ region: 'eu-west-1', credentials });
const ARN = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${DOCKER_HUB_SECRET_NAME}-AbC123`;
const notFound = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });
const TOKEN = 'dckr_pat_CANARY-7f3a9b';

beforeEach(() => {
  sm.reset();
  ecrMock.reset();
});

describe('Docker Hub credentials in Secrets Manager', () => {
  it('reads the stored account from the description call only, never the value', async () => {
    sm.on(DescribeSecretCommand).resolves({ ARN, Name: DOCKER_HUB_SECRET_NAME, LastChangedDate: new Date('2026-11-30T10:00:00Z'), Tags: [{ Key: 'berth:docker-hub-user', Value: 'alice' }] });
    expect(await storedDockerHubAccount(client)).toEqual({ username: 'alice', secretArn: ARN, changedAt: '2026-11-30T10:00:00.000Z' });
    expect(sm.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeSecretCommand']);
  });

  it('counts a secret scheduled for deletion, or none, as no account', async () => {
    sm.on(DescribeSecretCommand).resolvesOnce({ ARN, Name: DOCKER_HUB_SECRET_NAME, DeletedDate: new Date() }).rejectsOnce(notFound());
    expect(await storedDockerHubAccount(client)).toBeUndefined();
    expect(await storedDockerHubAccount(client)).toBeUndefined();
  });

  it('creates the secret as the JSON ECR reads, tagged as Berth’s with the Docker ID', async () => {
    sm.on(DescribeSecretCommand).rejectsOnce(notFound()).resolves({ ARN, Name: DOCKER_HUB_SECRET_NAME, Tags: [{ Key: 'berth:docker-hub-user', Value: 'alice' }] });
    sm.on(CreateSecretCommand).resolves({ ARN, Name: DOCKER_HUB_SECRET_NAME });
    const account = await saveDockerHubCredentials(client, { username: ' alice ', accessToken: `${TOKEN}\n` });
    expect(account).toMatchObject({ username: 'alice', secretArn: ARN });
    const create = sm.commandCalls(CreateSecretCommand)[0]!.args[0].input;
    expect(create.Name).toBe(DOCKER_HUB_SECRET_NAME);
    expect(JSON.parse(create.SecretString!)).toEqual({ username: 'alice', accessToken: TOKEN });
    expect(create.Tags).toEqual(expect.arrayContaining([{ Key: 'berth:managed-by', Value: 'berth' }, { Key: 'berth:docker-hub-user', Value: 'alice' }]));
    // The token goes into the value, nowhere else.
    expect(JSON.stringify({ ...create, SecretString: undefined })).not.toContain(TOKEN);
    expect(JSON.stringify(account)).not.toContain(TOKEN);
  });

  it('replaces the value of an existing secret, and restores one scheduled for deletion first', async () => {
    sm.on(DescribeSecretCommand).resolvesOnce({ ARN, Name: DOCKER_HUB_SECRET_NAME, DeletedDate: new Date() }).resolves({ ARN, Name: DOCKER_HUB_SECRET_NAME, Tags: [{ Key: 'berth:docker-hub-user', Value: 'bob' }] });
    sm.on(RestoreSecretCommand).resolves({ ARN });
    sm.on(PutSecretValueCommand).resolves({ ARN });
    sm.on(TagResourceCommand).resolves({});
    await saveDockerHubCredentials(client, { username: 'bob', accessToken: TOKEN });
    expect(sm.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeSecretCommand', 'RestoreSecretCommand', 'PutSecretValueCommand', 'TagResourceCommand', 'DescribeSecretCommand']);
    expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(0);
  });

  it('puts the value when another window created the secret first', async () => {
    sm.on(DescribeSecretCommand).rejectsOnce(notFound()).resolves({ ARN, Name: DOCKER_HUB_SECRET_NAME, Tags: [] });
    sm.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'The operation failed because the secret ecr-pullthroughcache/berth-docker-hub already exists.', $metadata: {} }));
    sm.on(PutSecretValueCommand).resolves({ ARN });
    sm.on(TagResourceCommand).resolves({});
    await saveDockerHubCredentials(client, { username: 'carol', accessToken: TOKEN });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(1);
  });

  it('refuses credentials Docker Hub would not take before calling AWS, naming the field', async () => {
    await expect(saveDockerHubCredentials(client, { username: 'alice@example.com', accessToken: TOKEN })).rejects.toMatchObject({ appError: { code: 'INVALID_ARGUMENT', details: { field: 'username' } } });
    await expect(saveDockerHubCredentials(client, { username: 'alice', accessToken: 'two words' })).rejects.toMatchObject({ appError: { code: 'INVALID_ARGUMENT', details: { field: 'accessToken' } } });
    expect(sm.calls()).toHaveLength(0);
    expect(dockerHubCredentialProblem({ username: 'Alice', accessToken: TOKEN })?.field).toBe('username');
    expect(dockerHubCredentialProblem({ username: 'alice', accessToken: '' })?.field).toBe('accessToken');
    expect(dockerHubCredentialProblem({ username: 'alice', accessToken: TOKEN })).toBeUndefined();
  });

  it('deletes without a recovery window, and a missing secret is already removed', async () => {
    sm.on(DeleteSecretCommand).resolvesOnce({ ARN }).rejectsOnce(notFound());
    await removeDockerHubCredentials(client);
    await removeDockerHubCredentials(client);
    expect(sm.commandCalls(DeleteSecretCommand)[0]!.args[0].input).toEqual({ SecretId: DOCKER_HUB_SECRET_NAME, ForceDeleteWithoutRecovery: true });
  });

  it('reports why ECR cannot sign in to Docker Hub, and treats a question it cannot ask as fine', async () => {
    ecrMock.on(ValidatePullThroughCacheRuleCommand).resolvesOnce({ isValid: false, failure: 'The authentication to the upstream registry failed.' }).resolvesOnce({ isValid: true }).rejectsOnce(new Error('AccessDenied'));
    expect(await dockerHubCacheProblem(ecr, 'berth-docker-hub')).toBe('The authentication to the upstream registry failed.');
    expect(await dockerHubCacheProblem(ecr, 'berth-docker-hub')).toBeUndefined();
    expect(await dockerHubCacheProblem(ecr, 'berth-docker-hub')).toBeUndefined();
  });
});
