/**
 * ECR images: the registry push that builds and pull-through imports make, the PutImage API (a
 * manifest put again under a new tag is how AWS retags without docker), and BatchDeleteImage.
 * The sandbox keeps no blobs: a repository holds the config and layers its images' manifests name.
 */
import { createHash } from 'node:crypto';
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { EcrImage, EcrRepository } from '../state';

/** Manifest lists (indexes) name other images; every other manifest names a config and layers. */
const MANIFEST_LISTS = ['application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json'];
/** What a recorded image without a mediaType of its own is stored as (the sandbox's builds write OCI). */
const DEFAULT_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';

const TAG = /^[a-zA-Z0-9-_.]+$/;
const DIGEST = /^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/;

export interface ImageId {
  imageTag?: string;
  imageDigest?: string;
}

/** ECR's constraint wording: `Invalid parameter at '<field>' failed to satisfy constraint: '<what>'`. */
export function invalidParameter(field: string, what: string): never {
  fail('InvalidParameterException', `Invalid parameter at '${field}' failed to satisfy constraint: '${what}'`);
}

/** The sha256 digest ECR names a manifest by: the hash of its exact bytes. */
export function manifestDigest(manifest: string): string {
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}

/** Finds an image by tag or digest; with both, only an image that has that digest and that tag. */
export function findImage(repo: EcrRepository, id: ImageId): EcrImage | undefined {
  if (id.imageDigest && id.imageTag) return repo.images.find((i) => i.digest === id.imageDigest && i.tags.includes(id.imageTag!));
  if (id.imageDigest) return repo.images.find((i) => i.digest === id.imageDigest);
  if (id.imageTag) return repo.images.find((i) => i.tags.includes(id.imageTag!));
  return undefined;
}

function tagImmutable(repo: EcrRepository, tag: string): never {
  fail('ImageTagAlreadyExistsException', `The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`);
}

/** Puts `tag` on `image`, taking it off any other image (a MUTABLE repository moves tags). */
function attachTag(repo: EcrRepository, image: EcrImage, tag: string): void {
  for (const other of repo.images) if (other !== image) other.tags = other.tags.filter((t) => t !== tag);
  if (!image.tags.includes(tag)) image.tags.push(tag);
}

/**
 * Records a registry push (a build's `docker buildx build --push`, a pull-through import): a new
 * digest, or another tag on an existing one. An IMMUTABLE repository refuses any tag it already has,
 * even on the same digest, as BuildKit's pushes to ECR find.
 */
export function putImage(core: SandboxCore, repoName: string, manifest: string, tag: string | undefined, sizeInBytes: number): EcrImage {
  const repo = requireRepo(core, repoName);
  const digest = manifestDigest(manifest);
  if (tag && repo.tagMutability === 'IMMUTABLE' && repo.images.some((i) => i.tags.includes(tag))) tagImmutable(repo, tag);
  let image = repo.images.find((i) => i.digest === digest);
  if (!image) {
    image = { digest, tags: [], pushedAt: Date.now(), sizeInBytes, manifest, mediaType: DEFAULT_MEDIA_TYPE };
    repo.images.push(image);
  }
  if (tag) attachTag(repo, image, tag);
  core.changed();
  return image;
}

function requireRepo(core: SandboxCore, name: string): EcrRepository {
  const repo = core.state.ecr.repositories.get(name);
  if (!repo) fail('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${core.account}'`);
  return repo;
}

/** Checks a tag as ECR's API does: 1 to 300 characters of letters, digits, `-`, `_` and `.`. */
export function validateTag(tag: string): void {
  if (tag.length < 1) invalidParameter('imageTag', 'Member must have length greater than or equal to 1');
  if (tag.length > 300) invalidParameter('imageTag', 'Member must have length less than or equal to 300');
  if (!TAG.test(tag)) invalidParameter('imageTag', "must satisfy regular expression '[a-zA-Z0-9-_.]+'");
}

interface ParsedManifest {
  mediaType?: unknown;
  config?: { digest?: unknown; size?: unknown };
  layers?: { digest?: unknown; size?: unknown }[];
  manifests?: { digest?: unknown }[];
}

/** The manifest as JSON; ECR answers "Invalid JSON syntax" for anything it cannot read as one, valid JSON of the wrong shape included. */
function parseManifest(manifest: string): ParsedManifest {
  let value: unknown;
  try {
    value = JSON.parse(manifest);
  } catch {
    invalidParameter('ImageManifest', 'Invalid JSON syntax');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalidParameter('ImageManifest', 'Invalid JSON syntax');
  return value as ParsedManifest;
}

/** The media type: the request's, else the manifest's own `mediaType`; the two must agree. */
function mediaTypeOf(parsed: ParsedManifest, requested: string | undefined): string {
  const own = typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined;
  const mediaType = requested ?? own;
  if (!mediaType) invalidParameter('imageManifestMediaType', 'The manifest has no mediaType field: specify imageManifestMediaType');
  if (own && requested && own !== requested) invalidParameter('imageManifestMediaType', `Manifest media type '${own}' does not match imageManifestMediaType '${requested}'`);
  return mediaType;
}

/** The config and layer digests an image's manifest names (a pull-through stand-in names none). */
function blobsNamedBy(image: EcrImage): string[] {
  try {
    const m = JSON.parse(image.manifest) as ParsedManifest;
    return [m.config?.digest, ...(Array.isArray(m.layers) ? m.layers : []).map((l) => l.digest)].filter((d): d is string => typeof d === 'string');
  } catch {
    return [];
  }
}

/** The blobs a repository holds: those its images' manifests name. */
function blobsOf(repo: EcrRepository): Set<string> {
  return new Set(repo.images.flatMap(blobsNamedBy));
}

/** A new image manifest may name only blobs the repository holds; a list only images it holds. */
function requireReferencedContent(core: SandboxCore, repo: EcrRepository, parsed: ParsedManifest, mediaType: string): void {
  const where = `required for pushing image into repository with name '${repo.name}' in the registry with id '${core.account}' do not exist`;
  if (MANIFEST_LISTS.includes(mediaType)) {
    if (!Array.isArray(parsed.manifests)) invalidParameter('ImageManifest', 'Invalid JSON syntax');
    const missing = parsed.manifests.map((m) => m.digest).filter((d) => typeof d !== 'string' || !repo.images.some((i) => i.digest === d));
    if (missing.length > 0) fail('ReferencedImagesNotFoundException', `Images with digests '[${missing.join(', ')}]' ${where}`);
    return;
  }
  if (typeof parsed.config?.digest !== 'string' || !Array.isArray(parsed.layers)) invalidParameter('ImageManifest', 'Invalid JSON syntax');
  const held = blobsOf(repo);
  const missing = [parsed.config.digest, ...parsed.layers.map((l) => l.digest)].filter((d) => typeof d !== 'string' || !held.has(d));
  if (missing.length > 0) fail('LayersNotFoundException', `Layers with digests '[${missing.join(', ')}]' ${where}`);
}

/** A new image's size: the layers its manifest declares, else that of the image whose config it reuses (the sandbox's layers declare none). */
function sizeOf(repo: EcrRepository, parsed: ParsedManifest): number {
  const declared = (parsed.layers ?? []).reduce((n, l) => n + (typeof l.size === 'number' ? l.size : 0), 0);
  if (declared > 0 || typeof parsed.config?.digest !== 'string') return declared;
  const source = repo.images.find((i) => blobsNamedBy(i)[0] === parsed.config?.digest);
  return source?.sizeInBytes ?? 0;
}

export interface PutImageRequest {
  repositoryName: string;
  imageManifest: string;
  imageManifestMediaType?: string;
  imageTag?: string;
  imageDigest?: string;
}

function alreadyExists(core: SandboxCore, repo: EcrRepository, digest: string, tag: string | undefined): never {
  fail('ImageAlreadyExistsException', `Image with digest '${digest}' and tag '${tag ?? 'null'}' already exists in the repository with name '${repo.name}' in registry with id '${core.account}'`);
}

/**
 * The PutImage API: the same manifest with a new tag adds the tag (moving it from another image in a
 * MUTABLE repository); nothing new to record is ImageAlreadyExistsException; a new manifest becomes
 * a new image when the repository holds everything it names.
 */
export function putImageManifest(core: SandboxCore, req: PutImageRequest): EcrImage {
  const repo = requireRepo(core, req.repositoryName);
  if (req.imageTag !== undefined) validateTag(req.imageTag);
  const parsed = parseManifest(req.imageManifest);
  const mediaType = mediaTypeOf(parsed, req.imageManifestMediaType);
  const digest = manifestDigest(req.imageManifest);
  if (req.imageDigest !== undefined && req.imageDigest !== digest) {
    fail('ImageDigestDoesNotMatchException', `The image digest '${req.imageDigest}' does not match the digest '${digest}' that Amazon ECR calculated for the image manifest.`);
  }
  const tag = req.imageTag;
  let image = repo.images.find((i) => i.digest === digest);
  // Immutable tags are refused even for the digest they already name, as ECR does.
  if (tag && repo.tagMutability === 'IMMUTABLE' && repo.images.some((i) => i.tags.includes(tag))) tagImmutable(repo, tag);
  if (image && (!tag || image.tags.includes(tag))) alreadyExists(core, repo, digest, tag);
  if (!image) {
    requireReferencedContent(core, repo, parsed, mediaType);
    image = { digest, tags: [], pushedAt: Date.now(), sizeInBytes: sizeOf(repo, parsed), manifest: req.imageManifest, mediaType };
    repo.images.push(image);
  }
  if (tag) attachTag(repo, image, tag);
  core.changed();
  return image;
}

export interface DeleteOutcome {
  imageIds: ImageId[];
  failures: { imageId: ImageId; failureCode: string; failureReason: string }[];
}

/** Why ECR would not look an id up at all, as BatchDeleteImage reports it; undefined when it is well-formed. */
function malformedId(id: ImageId): { failureCode: string; failureReason: string } | undefined {
  if (id.imageTag === undefined && id.imageDigest === undefined) return { failureCode: 'MissingDigestAndTag', failureReason: 'Invalid request parameters: both tag and digest cannot be null' };
  if (id.imageDigest !== undefined && !DIGEST.test(id.imageDigest)) {
    return { failureCode: 'InvalidImageDigest', failureReason: "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'" };
  }
  if (id.imageTag !== undefined && (id.imageTag.length < 1 || id.imageTag.length > 300 || !TAG.test(id.imageTag))) {
    return { failureCode: 'InvalidImageTag', failureReason: "Invalid request parameters: image tag should satisfy the regex '[a-zA-Z0-9-_.]+'" };
  }
  return undefined;
}

/** Deletes one id: a tag alone comes off its image (the image goes with its last tag); a digest takes the image and every tag. */
function deleteOne(repo: EcrRepository, id: ImageId, out: DeleteOutcome): void {
  const bad = malformedId(id);
  if (bad) {
    out.failures.push({ imageId: id, ...bad });
    return;
  }
  const image = findImage(repo, id);
  if (!image) {
    const tagElsewhere = id.imageDigest && id.imageTag && repo.images.some((i) => i.digest === id.imageDigest);
    out.failures.push(
      tagElsewhere
        ? { imageId: id, failureCode: 'ImageTagDoesNotMatchDigest', failureReason: 'Invalid request parameters: given tag does not map to the given digest' }
        : { imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
    );
    return;
  }
  if (id.imageTag && !id.imageDigest && image.tags.length > 1) {
    image.tags = image.tags.filter((t) => t !== id.imageTag);
    out.imageIds.push({ imageDigest: image.digest, imageTag: id.imageTag });
    return;
  }
  repo.images = repo.images.filter((i) => i !== image);
  if (image.tags.length === 0) out.imageIds.push({ imageDigest: image.digest });
  for (const t of image.tags) out.imageIds.push({ imageDigest: image.digest, imageTag: t });
}

/** BatchDeleteImage: 1 to 100 ids, each deleted or listed as a failure in ECR's codes. */
export function deleteImages(core: SandboxCore, repo: EcrRepository, ids: ImageId[]): DeleteOutcome {
  if (ids.length < 1) invalidParameter('imageIds', 'Member must have length greater than or equal to 1');
  if (ids.length > 100) invalidParameter('imageIds', 'Member must have length less than or equal to 100');
  const out: DeleteOutcome = { imageIds: [], failures: [] };
  for (const id of ids) deleteOne(repo, id, out);
  if (out.imageIds.length > 0) core.changed();
  return out;
}

/** An image's view in BatchGetImage and PutImage answers. */
export function imageView(core: SandboxCore, repo: EcrRepository, image: EcrImage, tag: string | undefined): Record<string, unknown> {
  return { registryId: core.account, repositoryName: repo.name, imageId: { imageDigest: image.digest, ...(tag ? { imageTag: tag } : {}) }, imageManifest: image.manifest, imageManifestMediaType: image.mediaType };
}
