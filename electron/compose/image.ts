/** Reading image references: the tag, and an engine version from it (`postgres:16.4` → `16.4`). */

/** The tag of an image reference (`redis:6.2-alpine` → `6.2-alpine`), or undefined when it has none. */
export function imageTag(image: string): string | undefined {
  const noDigest = image.split('@')[0] as string;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

/** The version written in an image tag (`pg16` → `16`, `6.2-alpine` → `6.2`), or undefined (`latest`, `alpine`). */
export function versionFromImage(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const tag = imageTag(image);
  const m = tag ? /(\d+(?:\.\d+)*)/.exec(tag) : null;
  return m ? m[1] : undefined;
}

/** Docker Hub's pull limit for anonymous pulls (per IPv4 address or IPv6 /64, per hour; docs.docker.com "Pull usage and limits"). */
export const DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR = 10;

export type ImageOrigin =
  /** One of Docker Hub's official images (`nginx`, `postgres:16`): ECR Public mirrors them under `docker/library/`. */
  | { registry: 'docker-hub-official'; ecrPublicPath: string; suffix: string }
  /** Any other Docker Hub image (`bitnami/redis`): only Docker Hub serves it. */
  | { registry: 'docker-hub'; repository: string; suffix: string }
  | { registry: 'ecr-public'; ecrPublicPath: string; suffix: string }
  /** Any other registry (ECR, GHCR, Quay...). */
  | { registry: 'other' };

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Which registry serves `image`, reading the reference as Docker does (a first component with a dot, a colon or `localhost` is a host). */
export function imageOrigin(image: string): ImageOrigin {
  const slash = image.indexOf('/');
  const first = slash > 0 ? image.slice(0, slash) : '';
  const host = first && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
  const rest = host === 'docker.io' && first !== 'docker.io' ? image : image.slice(slash + 1);
  const at = rest.indexOf('@');
  const colon = rest.lastIndexOf(':');
  const end = at > 0 ? at : colon > rest.lastIndexOf('/') ? colon : rest.length;
  const path = rest.slice(0, end);
  const suffix = rest.slice(end) || ':latest';
  if (DOCKER_HUB_HOSTS.has(host)) {
    const repository = path.includes('/') ? path : `library/${path}`;
    return repository.startsWith('library/') ? { registry: 'docker-hub-official', ecrPublicPath: `docker/${repository}`, suffix } : { registry: 'docker-hub', repository, suffix };
  }
  if (host === 'public.ecr.aws') return { registry: 'ecr-public', ecrPublicPath: path, suffix };
  return { registry: 'other' };
}
