/** Image references as registries and builders read them. */

/** Splits `host/repo:tag` or `host/repo@sha256:...` (Docker Hub when no registry host is named). */
export function parseImageReference(ref: string): { host: string; repository: string; tag?: string; digest?: string } {
  const slash = ref.indexOf('/');
  const host = slash > 0 && /[.:]|localhost/.test(ref.slice(0, slash)) ? ref.slice(0, slash) : 'docker.io';
  let rest = host === 'docker.io' && !ref.startsWith('docker.io/') ? ref : ref.slice(slash + 1);
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at > 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') && colon > 0 ? rest.slice(colon + 1) : undefined;
  return { host, repository: tag ? rest.slice(0, colon) : rest, tag: digest ? tag : (tag ?? 'latest'), digest };
}

/** True for an ECR registry host of the given account (the AWS form or the sandbox's own). */
export function isAccountRegistry(host: string, account: string): boolean {
  return host.startsWith(`${account}.dkr.ecr.`);
}

/** The fully qualified name BuildKit logs (`node:20` → `docker.io/library/node:20`). */
export function qualifiedName(ref: string): string {
  const r = parseImageReference(ref);
  const repository = r.host === 'docker.io' && !r.repository.includes('/') ? `library/${r.repository}` : r.repository;
  return `${r.host}/${repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
