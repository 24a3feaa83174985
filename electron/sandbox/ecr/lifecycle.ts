/**
 * Lifecycle policy evaluation, following ECR's documented rules: rules by priority, images oldest
 * first by push time; an image is expired by at most one rule, and never by a rule of lower priority
 * than one whose tag selection it matches (that rule "saw" it, even if it kept it). AWS runs this
 * within 24 hours of a change; the sandbox runs it when asked (`runImageLifecycle`) and for previews.
 */
import type { SandboxCore } from '../core';
import type { EcrImage, EcrLifecycleExpiry, EcrRepository } from '../state';
import { parseLifecyclePolicy, type LifecycleRule } from './lifecycle-policy';

const DAY_MS = 86_400_000;

/** An image a lifecycle run expired, and the rule that did it. */
export interface ExpiredImage {
  repositoryName: string;
  imageDigest: string;
  imageTags: string[];
  /** Push time, ms since the epoch. */
  imagePushedAt: number;
  appliedRulePriority: number;
}

/** `*` matches any run of characters; the rest of a pattern matches itself, whole tag only. */
function patternMatcher(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** Whether an image meets a rule's tag requirements; with several prefixes or patterns, each must match one of its tags. */
export function matchesTagSelection(rule: LifecycleRule, tags: string[]): boolean {
  if (rule.tagStatus === 'any') return true;
  if (rule.tagStatus === 'untagged') return tags.length === 0;
  if (tags.length === 0) return false;
  if (rule.tagPrefixList) return rule.tagPrefixList.every((prefix) => tags.some((t) => t.startsWith(prefix)));
  return (rule.tagPatternList ?? []).every((pattern) => tags.some((t) => patternMatcher(pattern).test(t)));
}

/** Oldest first by push time; images pushed in the same millisecond keep their push order. */
function oldestFirst(images: EcrImage[]): EcrImage[] {
  return images.map((image, index) => ({ image, index })).sort((a, b) => a.image.pushedAt - b.image.pushedAt || a.index - b.index).map((e) => e.image);
}

/** The images a rule would mark on its own: all but its `countNumber` newest, or those older than `countNumber` days. */
function markedBy(rule: LifecycleRule, selected: EcrImage[], now: number): EcrImage[] {
  if (rule.countType === 'imageCountMoreThan') return selected.slice(0, Math.max(0, selected.length - rule.countNumber));
  return selected.filter((image) => now - image.pushedAt > rule.countNumber * DAY_MS);
}

/** What a policy expires in a repository as of `now`, oldest first. */
export function evaluateLifecycle(images: EcrImage[], rules: LifecycleRule[], now: number): EcrLifecycleExpiry[] {
  const byAge = oldestFirst(images);
  const byPriority = [...rules].sort((a, b) => a.rulePriority - b.rulePriority);
  const expired = new Map<EcrImage, number>();
  byPriority.forEach((rule, i) => {
    const higher = byPriority.slice(0, i);
    // Counting includes images higher rules saw or expired; only the marking skips them.
    const selected = byAge.filter((image) => matchesTagSelection(rule, image.tags));
    for (const image of markedBy(rule, selected, now)) {
      if (!expired.has(image) && !higher.some((h) => matchesTagSelection(h, image.tags))) expired.set(image, rule.rulePriority);
    }
  });
  return byAge.filter((image) => expired.has(image)).map((image) => ({ digest: image.digest, tags: [...image.tags], pushedAt: image.pushedAt, rulePriority: expired.get(image)! }));
}

/** Applies one repository's policy: expired images go with all their tags. */
function expireRepository(repo: EcrRepository, now: number): ExpiredImage[] {
  let rules: LifecycleRule[];
  try {
    rules = parseLifecyclePolicy(repo.lifecyclePolicy!);
  } catch {
    // A policy stored before the sandbox validated policies, that ECR would have refused: nothing runs.
    return [];
  }
  const expiring = evaluateLifecycle(repo.images, rules, now);
  const gone = new Set(expiring.map((e) => e.digest));
  repo.images = repo.images.filter((image) => !gone.has(image.digest));
  repo.lifecycleEvaluatedAt = now;
  return expiring.map((e) => ({ repositoryName: repo.name, imageDigest: e.digest, imageTags: e.tags, imagePushedAt: e.pushedAt, appliedRulePriority: e.rulePriority }));
}

/** Runs every repository's lifecycle policy as ECR's daily evaluation would at `now`, and lists what it expired. */
export function runImageLifecycle(core: SandboxCore, now = Date.now()): ExpiredImage[] {
  const expired: ExpiredImage[] = [];
  for (const repo of core.state.ecr.repositories.values()) {
    if (repo.lifecyclePolicy) expired.push(...expireRepository(repo, now));
  }
  core.changed();
  return expired;
}

/** StartLifecyclePolicyPreview: evaluates a policy (the given text, else the repository's) as of now, deleting nothing. */
export function startLifecyclePreview(core: SandboxCore, repo: EcrRepository, policyText: string): void {
  const rules = parseLifecyclePolicy(policyText);
  const now = Date.now();
  repo.lifecyclePreview = { policyText, startedAt: now, expiring: evaluateLifecycle(repo.images, rules, now) };
  core.changed();
}
