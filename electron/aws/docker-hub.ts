/**
 * The Docker Hub credentials ECR's pull-through cache signs in with, kept in the account as the
 * Secrets Manager secret `ecr-pullthroughcache/berth-docker-hub` (the JSON ECR reads:
 * `{"username", "accessToken"}`). Berth writes the secret and reads only its description and
 * tags back: the token never leaves the main process and is never read again.
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  TagResourceCommand,
  type DescribeSecretCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ValidatePullThroughCacheRuleCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { DOCKER_HUB_SECRET_NAME, dockerHubCredentialProblem, type DockerHubAccount, type DockerHubCredentials } from '../../shared/domain/docker-hub';
import { raise } from '../../shared/result';
import { berthTags } from './tags';

/** The tag that keeps the Docker ID beside the secret (it is not secret; the token is). */
export const DOCKER_HUB_USER_TAG = 'berth:docker-hub-user';

function accountOf(secret: DescribeSecretCommandOutput): DockerHubAccount | undefined {
  if (!secret.ARN || secret.DeletedDate) return undefined;
  const username = secret.Tags?.find((t) => t.Key === DOCKER_HUB_USER_TAG)?.Value ?? '';
  return { username, secretArn: secret.ARN, ...(secret.LastChangedDate ? { changedAt: secret.LastChangedDate.toISOString() } : {}) };
}

async function describe(client: SecretsManagerClient): Promise<DescribeSecretCommandOutput | undefined> {
  try {
    return await client.send(new DescribeSecretCommand({ SecretId: DOCKER_HUB_SECRET_NAME }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** The stored credentials' account, or undefined when none are stored (or they are scheduled for deletion). */
export async function storedDockerHubAccount(client: SecretsManagerClient): Promise<DockerHubAccount | undefined> {
  const secret = await describe(client);
  return secret ? accountOf(secret) : undefined;
}

/** Stores (or replaces) the credentials; refuses ones Docker Hub would not take, naming the field. */
export async function saveDockerHubCredentials(client: SecretsManagerClient, input: DockerHubCredentials): Promise<DockerHubAccount> {
  const problem = dockerHubCredentialProblem(input);
  if (problem) raise('INVALID_ARGUMENT', problem.message, { field: problem.field });
  const username = input.username.trim();
  const value = JSON.stringify({ username, accessToken: input.accessToken.trim() });
  const tags = [...berthTags(), { Key: DOCKER_HUB_USER_TAG, Value: username }];
  const existing = await describe(client);
  if (!existing) {
    try {
      await client.send(
        new CreateSecretCommand({
          Name: DOCKER_HUB_SECRET_NAME,
          SecretString: value,
          Description: 'Docker Hub credentials the ECR pull-through cache of Berth signs in with',
          Tags: tags,
        }),
      );
      return (await storedDockerHubAccount(client)) ?? raise('AWS_ERROR', 'Secrets Manager did not keep the Docker Hub credentials.');
    } catch (error) {
      // Another window saved them first: replace its value below.
      if (!(error instanceof ResourceExistsException)) throw error;
    }
  } else if (existing.DeletedDate) {
    // Removed earlier with a recovery window: the name stays taken until it is restored.
    await client.send(new RestoreSecretCommand({ SecretId: DOCKER_HUB_SECRET_NAME }));
  }
  await client.send(new PutSecretValueCommand({ SecretId: DOCKER_HUB_SECRET_NAME, SecretString: value }));
  await client.send(new TagResourceCommand({ SecretId: DOCKER_HUB_SECRET_NAME, Tags: tags }));
  return (await storedDockerHubAccount(client)) ?? raise('AWS_ERROR', 'Secrets Manager did not keep the Docker Hub credentials.');
}

/** Deletes the credentials at once (no recovery window, so they can be saved again right away). */
export async function removeDockerHubCredentials(client: SecretsManagerClient): Promise<void> {
  try {
    await client.send(new DeleteSecretCommand({ SecretId: DOCKER_HUB_SECRET_NAME, ForceDeleteWithoutRecovery: true }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
}

/**
 * Whether ECR can sign in to Docker Hub with the bootstrap's Docker Hub rule: its answer names
 * the reason when not (a revoked token, a changed password). Unknown (no permission to ask) counts as usable.
 */
export async function dockerHubCacheProblem(ecr: ECRClient, prefix: string): Promise<string | undefined> {
  try {
    const out = await ecr.send(new ValidatePullThroughCacheRuleCommand({ ecrRepositoryPrefix: prefix }));
    return out.isValid === false ? (out.failure ?? 'ECR could not sign in to Docker Hub.') : undefined;
  } catch {
    return undefined;
  }
}
