/**
 * The project's image repositories in ECR: `berth/<project>` for images (tagged by build
 * digest, scanned on push, old images expire) and `berth/<project>/cache` for BuildKit's layer
 * cache. Created when missing, tagged as Berth's.
 */
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  PutLifecyclePolicyCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { createHash } from 'node:crypto';
import type { BuildSpec } from '../../shared/domain/project';
import { berthTags } from '../aws/tags';
import { projectRepositoryName } from '../plan';
import { IMAGE_LIFECYCLE } from './retention';

/** The repository holding BuildKit's registry layer cache for a project (inside the build role's `berth/*` grant). */
export function cacheRepositoryName(project: string): string {
  return `${projectRepositoryName(project)}/cache`;
}

/**
 * The image tag of one build: the sha256 of the context digest and every build setting that
 * changes the image (builder, Dockerfile, args, target, platform, which secrets it is given:
 * ids and secret names, never values), so a changed build arg rebuilds even when the files did
 * not change, and an unchanged build is never rebuilt.
 */
export function buildDigest(contextDigest: string, build: Pick<BuildSpec, 'builder' | 'dockerfile' | 'args' | 'target' | 'platform' | 'secrets'>): string {
  const args = Object.keys(build.args)
    .sort()
    .map((k) => [k, build.args[k]]);
  const secrets = (build.secrets ?? []).map((s) => [s.id, s.secret]).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify({ context: contextDigest, builder: build.builder, dockerfile: build.dockerfile, args, target: build.target ?? null, platform: build.platform, secrets }))
    .digest('hex');
}

const CACHE_LIFECYCLE = JSON.stringify({
  rules: [{ rulePriority: 1, description: 'Layer cache entries go after 14 days', selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } }],
});

export interface ProjectRepositories {
  name: string;
  uri: string;
  cacheUri: string;
}

function isRepositoryMissing(error: unknown): boolean {
  return (error as { name?: string }).name === 'RepositoryNotFoundException';
}

async function repositoryUri(ecr: ECRClient, name: string): Promise<string | undefined> {
  try {
    const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    return out.repositories?.[0]?.repositoryUri;
  } catch (error) {
    if (isRepositoryMissing(error)) return undefined;
    throw error;
  }
}

async function createRepository(ecr: ECRClient, name: string, project: string, lifecycle: string): Promise<string> {
  let uri: string | undefined;
  try {
    const out = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: 'MUTABLE',
        encryptionConfiguration: { encryptionType: 'AES256' },
        tags: berthTags(project),
      }),
    );
    uri = out.repository?.repositoryUri;
  } catch (error) {
    // Another deploy created it a moment ago.
    if ((error as { name?: string }).name !== 'RepositoryAlreadyExistsException') throw error;
    uri = await repositoryUri(ecr, name);
  }
  await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: lifecycle }));
  if (!uri) throw new Error(`ECR did not return the address of repository ${name}`);
  return uri;
}

/** The project's repositories, created (tagged, scanned on push, with lifecycle rules) when missing. */
export async function ensureRepositories(ecr: ECRClient, project: string, options: { cache: boolean }): Promise<ProjectRepositories> {
  const name = projectRepositoryName(project);
  const uri = (await repositoryUri(ecr, name)) ?? (await createRepository(ecr, name, project, IMAGE_LIFECYCLE));
  let cacheUri = `${uri}/cache`;
  if (options.cache) {
    const cacheName = cacheRepositoryName(project);
    cacheUri = (await repositoryUri(ecr, cacheName)) ?? (await createRepository(ecr, cacheName, project, CACHE_LIFECYCLE));
  }
  return { name, uri, cacheUri };
}

/** The repository's address when it exists (no creation). */
export async function findRepository(ecr: ECRClient, project: string): Promise<string | undefined> {
  return repositoryUri(ecr, projectRepositoryName(project));
}

/** Which of `tags` already name an image in the repository (one call for all of them). */
export async function existingImageTags(ecr: ECRClient, repositoryName: string, tags: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(tags)];
  // BatchGetImage takes at most 100 image ids.
  for (let i = 0; i < unique.length; i += 100) {
    try {
      const out = await ecr.send(
        new BatchGetImageCommand({ repositoryName, imageIds: unique.slice(i, i + 100).map((imageTag) => ({ imageTag })), acceptedMediaTypes: ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'] }),
      );
      for (const image of out.images ?? []) if (image.imageId?.imageTag) found.add(image.imageId.imageTag);
    } catch (error) {
      if (isRepositoryMissing(error)) return found;
      throw error;
    }
  }
  return found;
}
