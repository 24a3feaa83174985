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
