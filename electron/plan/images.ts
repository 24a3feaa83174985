/**
 * The image a task definition names. Docker Hub's official images and ECR Public images go
 * through the bootstrap's ECR pull-through cache (ECR Public mirrors Docker's official images
 * under `docker/library/`): no Docker Hub rate limit, and the layers stay in the account. Other
 * Docker Hub images go through the Docker Hub rule when the user has stored Docker Hub
 * credentials. Anything else is pulled as written.
 */
import { imageOrigin } from '../compose/image';
import { DOCKER_HUB_CACHE_PREFIX } from '../../shared/domain/docker-hub';
import { sub } from './cfn';

/** The bootstrap's pull-through cache rule prefix: Berth's own, so an `ecr-public` rule the account already has is left alone. */
export const PULL_THROUGH_CACHE_PREFIX = 'berth-ecr-public';
export { DOCKER_HUB_CACHE_PREFIX };

/** Which caches the bootstrap has beyond ECR Public's (the Docker Hub one needs the user's credentials). */
export interface ImageCaches {
  dockerHub?: boolean;
}

/** The repository and tag inside the account's registry for an image the cache serves, else undefined. */
export function cachedReference(image: string, caches: ImageCaches = {}): string | undefined {
  const origin = imageOrigin(image);
  if (origin.registry === 'docker-hub-official' || origin.registry === 'ecr-public') return `${PULL_THROUGH_CACHE_PREFIX}/${origin.ecrPublicPath}${origin.suffix}`;
  if (origin.registry === 'docker-hub' && caches.dockerHub) return `${DOCKER_HUB_CACHE_PREFIX}/${origin.repository}${origin.suffix}`;
  return undefined;
}

/** The image a task definition names: a cached image in the account's registry, anything else as written. */
export function taskImage(image: string, caches: ImageCaches = {}): string | { 'Fn::Sub': string } {
  const cached = cachedReference(image, caches);
  return cached ? sub(`\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/${cached}`) : image;
}
