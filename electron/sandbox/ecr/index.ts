/** ECR over JSON 1.1: repositories, images (recorded by the sandbox's build tasks, retagged by PutImage), lifecycle policies and their previews, tags, pull-through cache rules. */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { SandboxRequest, SandboxResponse } from '../http';
import { epoch } from '../protocol/json';
import { decodeToken, encodeToken, Fields, tagsFromList, tagsToList } from '../protocol/input';
import { dispatchJson, type JsonOperation } from '../protocol/json-service';
import type { EcrPullThroughCacheRule, EcrRepository } from '../state';
import { deleteImages, findImage, imageView, invalidParameter, putImageManifest, type ImageId } from './images';
import { startLifecyclePreview } from './lifecycle';
import { parseLifecyclePolicy } from './lifecycle-policy';
import { createPullThroughCacheRule, upstreamSignInProblem } from './pull-through';

export { findImage, putImage } from './images';
export { runImageLifecycle, type ExpiredImage } from './lifecycle';

const NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** The registry host of the sandbox account (the account id 000000000000 marks it as the sandbox's). */
export function registryHost(core: SandboxCore): string {
  return `${core.account}.dkr.ecr.${core.region}.amazonaws.com`;
}

function notFound(core: SandboxCore, name: string): never {
  fail('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${core.account}'`);
}

/** The repository, or RepositoryNotFoundException. */
export function requireRepository(core: SandboxCore, name: string): EcrRepository {
  const repo = core.state.ecr.repositories.get(name);
  if (!repo) notFound(core, name);
  return repo;
}

/** Creates a repository (RepositoryAlreadyExistsException when it exists). */
export function createRepository(core: SandboxCore, name: string, options: { tags?: Record<string, string>; tagMutability?: 'MUTABLE' | 'IMMUTABLE'; scanOnPush?: boolean; lifecyclePolicy?: string } = {}): EcrRepository {
  if (!NAME.test(name) || name.length < 2 || name.length > 256) fail('InvalidParameterException', `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`);
  if (core.state.ecr.repositories.has(name)) fail('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${core.account}'`);
  if (options.lifecyclePolicy !== undefined) parseLifecyclePolicy(options.lifecyclePolicy);
  const repo: EcrRepository = {
    name,
    arn: `arn:aws:ecr:${core.region}:${core.account}:repository/${name}`,
    uri: `${registryHost(core)}/${name}`,
    registryId: core.account,
    createdAt: Date.now(),
    tagMutability: options.tagMutability ?? 'MUTABLE',
    scanOnPush: options.scanOnPush ?? false,
    encryptionType: 'AES256',
    lifecyclePolicy: options.lifecyclePolicy,
    tags: { ...(options.tags ?? {}) },
    images: [],
  };
  core.state.ecr.repositories.set(name, repo);
  core.changed();
  return repo;
}

/** Deletes a repository; with images left it fails unless forced. */
export function deleteRepository(core: SandboxCore, name: string, force: boolean): EcrRepository {
  const repo = requireRepository(core, name);
  if (repo.images.length > 0 && !force) fail('RepositoryNotEmptyException', `The repository with name '${name}' in registry with id '${core.account}' cannot be deleted because it still contains images`);
  core.state.ecr.repositories.delete(name);
  core.changed();
  return repo;
}

function repoView(r: EcrRepository): Record<string, unknown> {
  return {
    repositoryArn: r.arn,
    registryId: r.registryId,
    repositoryName: r.name,
    repositoryUri: r.uri,
    createdAt: epoch(r.createdAt),
    imageTagMutability: r.tagMutability,
    imageScanningConfiguration: { scanOnPush: r.scanOnPush },
    encryptionConfiguration: { encryptionType: r.encryptionType },
  };
}

function repoOf(core: SandboxCore, f: Fields): EcrRepository {
  return requireRepository(core, f.str('repositoryName'));
}

function imageIds(f: Fields): ImageId[] {
  return (f.objList('imageIds') ?? []).map((i) => ({ imageTag: typeof i.imageTag === 'string' ? i.imageTag : undefined, imageDigest: typeof i.imageDigest === 'string' ? i.imageDigest : undefined }));
}

function repoByArn(core: SandboxCore, arn: string): EcrRepository {
  const name = arn.slice(arn.indexOf(':repository/') + ':repository/'.length);
  if (!arn.includes(':repository/')) fail('InvalidParameterException', `Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'`);
  return requireRepository(core, name);
}

const ops: Record<string, JsonOperation> = {
  CreateRepository(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = createRepository(core, f.str('repositoryName'), {
      tags: tagsFromList(f.objList('tags')),
      tagMutability: f.optStr('imageTagMutability') as 'MUTABLE' | 'IMMUTABLE' | undefined,
      scanOnPush: (f.optObj('imageScanningConfiguration')?.scanOnPush as boolean | undefined) ?? false,
    });
    return { repository: repoView(repo) };
  },
  DescribeRepositories(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const names = f.strList('repositoryNames');
    const repos = names ? names.map((n) => requireRepository(core, n)) : [...core.state.ecr.repositories.values()];
    return { repositories: repos.map(repoView) };
  },
  DeleteRepository(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    return { repository: repoView(deleteRepository(core, f.str('repositoryName'), f.optBool('force') === true)) };
  },
  DescribeImages(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = repoOf(core, f);
    const ids = imageIds(f);
    const tagStatus = f.optObj('filter')?.tagStatus as string | undefined;
    let images = repo.images;
    if (ids.length > 0) {
      images = ids.map((id) => {
        const found = findImage(repo, id);
        if (!found) fail('ImageNotFoundException', `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo.name}' in the registry with id '${core.account}'`);
        return found;
      });
    }
    if (tagStatus === 'TAGGED') images = images.filter((i) => i.tags.length > 0);
    if (tagStatus === 'UNTAGGED') images = images.filter((i) => i.tags.length === 0);
    return {
      imageDetails: images.map((i) => ({ registryId: core.account, repositoryName: repo.name, imageDigest: i.digest, imageTags: i.tags, imageSizeInBytes: i.sizeInBytes, imagePushedAt: epoch(i.pushedAt), imageManifestMediaType: i.mediaType, artifactMediaType: 'application/vnd.oci.image.config.v1+json' })),
    };
  },
  ListImages(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = repoOf(core, f);
    return { imageIds: repo.images.flatMap((i) => (i.tags.length > 0 ? i.tags.map((t) => ({ imageDigest: i.digest, imageTag: t })) : [{ imageDigest: i.digest }])) };
  },
  BatchGetImage(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = repoOf(core, f);
    const images: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    for (const id of imageIds(f)) {
      const found = findImage(repo, id);
      if (found) images.push(imageView(core, repo, found, id.imageTag));
      else failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
    }
    return { images, failures };
  },
  PutImage(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repositoryName = f.str('repositoryName');
    const imageTag = f.optStr('imageTag');
    const image = putImageManifest(core, { repositoryName, imageManifest: f.str('imageManifest'), imageManifestMediaType: f.optStr('imageManifestMediaType'), imageTag, imageDigest: f.optStr('imageDigest') });
    return { image: imageView(core, requireRepository(core, repositoryName), image, imageTag) };
  },
  BatchDeleteImage(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = repoOf(core, f);
    return deleteImages(core, repo, imageIds(f));
  },
  PutLifecyclePolicy(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = repoOf(core, f);
    const text = f.str('lifecyclePolicyText');
    parseLifecyclePolicy(text);
    repo.lifecyclePolicy = text;
    core.changed();
    return { registryId: core.account, repositoryName: repo.name, lifecyclePolicyText: text };
  },
  GetLifecyclePolicy(input, core) {
    const repo = repoOf(core, new Fields(input, 'InvalidParameterException'));
    const text = repo.lifecyclePolicy ?? lifecyclePolicyNotFound(core, repo);
    // Epoch 0 until the policy first runs, as ECR answers for a policy it has not evaluated yet.
    return { registryId: core.account, repositoryName: repo.name, lifecyclePolicyText: text, lastEvaluatedAt: epoch(repo.lifecycleEvaluatedAt ?? 0) };
  },
  StartLifecyclePolicyPreview(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = repoOf(core, f);
    const text = f.optStr('lifecyclePolicyText') ?? repo.lifecyclePolicy ?? lifecyclePolicyNotFound(core, repo);
    startLifecyclePreview(core, repo, text);
    // The sandbox evaluates at once; GetLifecyclePolicyPreview then answers COMPLETE.
    return { registryId: core.account, repositoryName: repo.name, lifecyclePolicyText: text, status: 'IN_PROGRESS' };
  },
  GetLifecyclePolicyPreview(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = repoOf(core, f);
    const preview = repo.lifecyclePreview;
    if (!preview) fail('LifecyclePolicyPreviewNotFoundException', `Lifecycle policy preview does not exist for the repository with name '${repo.name}' in the registry with id '${core.account}'`);
    return { registryId: core.account, repositoryName: repo.name, lifecyclePolicyText: preview.policyText, status: 'COMPLETE', ...previewPage(repo, f), summary: { expiringImageTotalCount: preview.expiring.length } };
  },
  DeleteLifecyclePolicy(input, core) {
    const repo = repoOf(core, new Fields(input, 'InvalidParameterException'));
    const text = repo.lifecyclePolicy ?? lifecyclePolicyNotFound(core, repo);
    delete repo.lifecyclePolicy;
    core.changed();
    return { registryId: core.account, repositoryName: repo.name, lifecyclePolicyText: text };
  },
  TagResource(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = repoByArn(core, f.str('resourceArn'));
    Object.assign(repo.tags, tagsFromList(f.objList('tags')));
    core.changed();
    return {};
  },
  UntagResource(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const repo = repoByArn(core, f.str('resourceArn'));
    for (const key of f.strList('tagKeys') ?? []) delete repo.tags[key];
    core.changed();
    return {};
  },
  ListTagsForResource(input, core) {
    return { tags: tagsToList(repoByArn(core, new Fields(input, 'InvalidParameterException').str('resourceArn').trim()).tags) };
  },
  GetAuthorizationToken(_input, core) {
    // A token that only opens the sandbox: base64("AWS:berth-sandbox").
    return { authorizationData: [{ authorizationToken: Buffer.from('AWS:berth-sandbox').toString('base64'), expiresAt: epoch(Date.now() + 12 * 3_600_000), proxyEndpoint: `https://${registryHost(core)}` }] };
  },
  CreatePullThroughCacheRule(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const rule = createPullThroughCacheRule(core, { prefix: f.str('ecrRepositoryPrefix'), upstreamUrl: f.str('upstreamRegistryUrl'), credentialArn: f.optStr('credentialArn') }, () =>
      fail('PullThroughCacheRuleAlreadyExistsException', `A pull through cache rule with these settings already exists for the private registry with id '${core.account}'.`),
    );
    return ruleView(core, rule);
  },
  DescribePullThroughCacheRules(input, core) {
    const wanted = new Fields(input, 'InvalidParameterException').strList('ecrRepositoryPrefixes');
    const rules = [...core.state.ecr.pullThroughCacheRules.values()];
    for (const prefix of wanted ?? []) if (!core.state.ecr.pullThroughCacheRules.has(prefix)) ruleNotFound(core, prefix);
    return { pullThroughCacheRules: rules.filter((r) => !wanted || wanted.includes(r.prefix)).map((r) => ruleView(core, r)) };
  },
  ValidatePullThroughCacheRule(input, core) {
    const prefix = new Fields(input, 'InvalidParameterException').str('ecrRepositoryPrefix');
    const rule = core.state.ecr.pullThroughCacheRules.get(prefix) ?? ruleNotFound(core, prefix);
    const problem = upstreamSignInProblem(core, rule);
    return { ...ruleView(core, rule), isValid: problem === undefined, ...(problem ? { failure: problem } : {}) };
  },
  DeletePullThroughCacheRule(input, core) {
    const prefix = new Fields(input, 'InvalidParameterException').str('ecrRepositoryPrefix');
    const rule = core.state.ecr.pullThroughCacheRules.get(prefix) ?? ruleNotFound(core, prefix);
    core.state.ecr.pullThroughCacheRules.delete(prefix);
    core.changed();
    return ruleView(core, rule);
  },
};

function lifecyclePolicyNotFound(core: SandboxCore, repo: EcrRepository): never {
  fail('LifecyclePolicyNotFoundException', `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${core.account}'`);
}

/** One page of a preview's results: the images asked for (or all), filtered by tag status, `maxResults` (1-100, default 100) at a time. */
function previewPage(repo: EcrRepository, f: Fields): { previewResults: Record<string, unknown>[]; nextToken?: string } {
  const maxResults = f.optNum('maxResults') ?? 100;
  if (maxResults < 1) invalidParameter('maxResults', 'Member must have value greater than or equal to 1');
  if (maxResults > 100) invalidParameter('maxResults', 'Member must have value less than or equal to 100');
  const wanted = imageIds(f);
  const tagStatus = f.optObj('filter')?.tagStatus as string | undefined;
  const results = repo.lifecyclePreview!.expiring.filter(
    (e) =>
      (wanted.length === 0 || wanted.some((id) => id.imageDigest === e.digest || (id.imageTag !== undefined && e.tags.includes(id.imageTag)))) &&
      (tagStatus !== 'TAGGED' || e.tags.length > 0) &&
      (tagStatus !== 'UNTAGGED' || e.tags.length === 0),
  );
  const from = Number(decodeToken(f.optStr('nextToken'), 'InvalidParameterException') ?? 0);
  const page = results.slice(from, from + maxResults).map((e) => ({ imageTags: e.tags, imageDigest: e.digest, imagePushedAt: epoch(e.pushedAt), action: { type: 'EXPIRE' }, appliedRulePriority: e.rulePriority }));
  return { previewResults: page, ...(from + maxResults < results.length ? { nextToken: encodeToken(from + maxResults) } : {}) };
}

function ruleNotFound(core: SandboxCore, prefix: string): never {
  fail('PullThroughCacheRuleNotFoundException', `The pull through cache rule with prefix '${prefix}' does not exist in the registry with id '${core.account}'.`);
}

function ruleView(core: SandboxCore, r: EcrPullThroughCacheRule) {
  return {
    ecrRepositoryPrefix: r.prefix,
    upstreamRegistryUrl: r.upstreamUrl,
    ...(r.upstreamRegistry ? { upstreamRegistry: r.upstreamRegistry } : {}),
    ...(r.credentialArn ? { credentialArn: r.credentialArn } : {}),
    createdAt: epoch(r.createdAt),
    registryId: core.account,
  };
}

/** Handles one ECR request. */
export function handleEcr(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return dispatchJson(req, core, ops, 'ECR');
}

