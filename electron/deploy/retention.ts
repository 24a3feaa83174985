/**
 * Images stay while a kept deployment runs them. The project repository's lifecycle policy never
 * expires an image tagged `keep-…` (a rule of the highest priority selects those tags, and ECR
 * never lets a lower-priority rule expire what a higher one selects); other images go after 14
 * days, untagged ones after a day. After each successful deployment Berth moves the keep tags
 * onto exactly the images the last KEPT_DEPLOYMENTS successful deployments run.
 */
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  PutImageCommand,
  PutLifecyclePolicyCommand,
  type ECRClient,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import type { DeploymentRecord } from '../../shared/domain/deploy';
import { KEPT_DEPLOYMENTS, rollbackCandidates } from '../../shared/domain/rollback';
export const KEEP_PREFIX = 'keep-';

export const IMAGE_LIFECYCLE = JSON.stringify({
  rules: [
    { rulePriority: 1, description: 'Images a kept deployment runs (Berth tags them keep-…) never expire', selection: { tagStatus: 'tagged', tagPrefixList: [KEEP_PREFIX], countType: 'imageCountMoreThan', countNumber: 9999 }, action: { type: 'expire' } },
    { rulePriority: 2, description: 'Untagged images go after a day', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }, action: { type: 'expire' } },
    { rulePriority: 3, description: 'Images no kept deployment runs go after 14 days', selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } },
  ],
});

const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

/** The build tags the kept deployments run (newest `kept` successful ones). */
export function keptTags(history: readonly DeploymentRecord[], kept = KEPT_DEPLOYMENTS): Set<string> {
  const tags = new Set<string>();
  for (const r of rollbackCandidates(history).slice(0, kept)) for (const uri of Object.values(r.images ?? {})) tags.add(uri.slice(uri.lastIndexOf(':') + 1));
  return tags;
}

async function imagesOf(ecr: ECRClient, repositoryName: string): Promise<ImageDetail[]> {
  const out: ImageDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecr.send(new DescribeImagesCommand({ repositoryName, filter: { tagStatus: 'TAGGED' }, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }));
    out.push(...(page.imageDetails ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

/** Puts keep tags on the kept deployments' images and takes them off the others; returns how many images are kept. */
export async function retainImages(ecr: ECRClient, repositoryName: string, history: readonly DeploymentRecord[], kept = KEPT_DEPLOYMENTS): Promise<{ kept: number; added: number; removed: number }> {
  // Repositories made by an earlier Berth get the policy that honours keep tags.
  await ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: IMAGE_LIFECYCLE }));
  const wanted = keptTags(history, kept);
  const images = await imagesOf(ecr, repositoryName);
  const present = new Set(images.flatMap((i) => i.imageTags ?? []));
  const stale = [...present].filter((t) => t.startsWith(KEEP_PREFIX) && !wanted.has(t.slice(KEEP_PREFIX.length)));
  const missing = [...wanted].filter((t) => present.has(t) && !present.has(`${KEEP_PREFIX}${t}`));
  for (const tag of missing) {
    const got = await ecr.send(new BatchGetImageCommand({ repositoryName, imageIds: [{ imageTag: tag }], acceptedMediaTypes: MANIFEST_TYPES }));
    const image = got.images?.[0];
    if (!image?.imageManifest) continue;
    try {
      await ecr.send(new PutImageCommand({ repositoryName, imageManifest: image.imageManifest, ...(image.imageManifestMediaType ? { imageManifestMediaType: image.imageManifestMediaType } : {}), imageTag: `${KEEP_PREFIX}${tag}` }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ImageAlreadyExistsException') throw error;
    }
  }
  // BatchDeleteImage takes at most 100 ids; deleting one tag of several leaves the image.
  for (let i = 0; i < stale.length; i += 100) await ecr.send(new BatchDeleteImageCommand({ repositoryName, imageIds: stale.slice(i, i + 100).map((imageTag) => ({ imageTag })) }));
  return { kept: [...wanted].filter((t) => present.has(t)).length, added: missing.length, removed: stale.length };
}
