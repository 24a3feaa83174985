/**
 * Docker Hub credentials for ECR's pull-through cache: with them, images only Docker Hub serves
 * (`bitnami/redis`, `metabase/metabase`) are pulled once into the account's registry, signed in,
 * instead of anonymously from every task (10 pulls an hour per address).
 */

/** The Secrets Manager secret Berth keeps them in: ECR requires the `ecr-pullthroughcache/` prefix. */
export const DOCKER_HUB_SECRET_NAME = 'ecr-pullthroughcache/berth-docker-hub';
/** The ECR repository prefix of the bootstrap's Docker Hub rule (2–30 characters). */
export const DOCKER_HUB_CACHE_PREFIX = 'berth-docker-hub';

/** What the renderer may know of the stored credentials: never the access token. */
export interface DockerHubAccount {
  username: string;
  /** The secret's ARN (with Secrets Manager's random suffix). */
  secretArn: string;
  /** When the credentials were last saved (ISO 8601). */
  changedAt?: string;
}

export interface DockerHubCredentials {
  username: string;
  accessToken: string;
}

/** Why Docker Hub would not accept these as registry credentials, naming the field; undefined when they look right. */
export function dockerHubCredentialProblem(input: { username?: unknown; accessToken?: unknown }): { field: 'username' | 'accessToken'; message: string } | undefined {
  const username = typeof input.username === 'string' ? input.username.trim() : '';
  const token = typeof input.accessToken === 'string' ? input.accessToken.trim() : '';
  if (!username) return { field: 'username', message: 'Enter your Docker Hub username (your Docker ID, not your email address).' };
  if (username.includes('@')) return { field: 'username', message: 'Docker Hub signs registries in with your Docker ID, not your email address.' };
  // Docker IDs and organization names: lowercase letters, digits, `-` and `_`; 2 to 255 characters.
  if (!/^[a-z0-9][a-z0-9_-]{1,254}$/.test(username)) return { field: 'username', message: 'A Docker ID has lowercase letters and digits only (as shown on hub.docker.com).' };
  if (!token) return { field: 'accessToken', message: 'Enter a Docker Hub personal access token (Account settings → Personal access tokens, with Public Repo Read-only access).' };
  if (/\s/.test(token)) return { field: 'accessToken', message: 'An access token has no spaces or line breaks: paste it again.' };
  if (token.length > 4096) return { field: 'accessToken', message: 'That is longer than any Docker Hub access token: paste it again.' };
  return undefined;
}
