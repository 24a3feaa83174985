/**
 * The image a task definition names. Docker Hub's official images and ECR Public images go
 * through the bootstrap's ECR pull-through cache (ECR Public mirrors Docker's official images
 * under `docker/library/`): no Docker Hub rate limit, and the layers stay in the account. Other
 * images are pulled as written.
 */
import { imageOrigin } from '../compose/image';
import { sub } from './cfn';

/** The bootstrap's pull-through cache rule prefix: Berth's own, so an `ecr-public` rule the account already has is left alone. */
export const PULL_THROUGH_CACHE_PREFIX = 'berth-ecr-public';

/** The repository and tag inside the account's registry for an image the cache serves, else undefined. */
export function cachedReference(image: string): string | undefined {
  const origin = imageOrigin(image);
  return origin.registry === 'docker-hub-official' || origin.registry === 'ecr-public' ? `${PULL_THROUGH_CACHE_PREFIX}/${origin.ecrPublicPath}${origin.suffix}` : undefined;
}

/** The image a task definition names: a cached image in the account's registry, anything else as written. */
export function taskImage(image: string): string | { 'Fn::Sub': string } {
  const cached = cachedReference(image);
  return cached ? sub(`\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/${cached}`) : image;
}
