/**
 * Pull-through cache rules as ECR keeps them: upstreams that need signing in (Docker Hub, GitHub,
 * GitLab, Azure) are refused without a Secrets Manager secret named `ecr-pullthroughcache/…` that
 * exists in the account; the secret's `{"username", "accessToken"}` is what ECR signs in with,
 * checked when a rule is validated and when an image is first imported.
 */
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import { currentSecretString, findSecret } from '../secretsmanager';
import type { EcrPullThroughCacheRule } from '../state';

/** The upstream registry names ECR gives each supported URL. */
const UPSTREAMS: { test: (url: string) => boolean; name: string; signIn: boolean }[] = [
  { test: (u) => u === 'public.ecr.aws', name: 'ecr-public', signIn: false },
  { test: (u) => u === 'registry-1.docker.io', name: 'docker-hub', signIn: true },
  { test: (u) => u === 'ghcr.io', name: 'github-container-registry', signIn: true },
  { test: (u) => u === 'registry.gitlab.com', name: 'gitlab-container-registry', signIn: true },
  { test: (u) => u.endsWith('.azurecr.io'), name: 'azure-container-registry', signIn: true },
  { test: (u) => u === 'registry.k8s.io', name: 'k8s', signIn: false },
  { test: (u) => u === 'quay.io', name: 'quay', signIn: false },
  { test: (u) => /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(u), name: 'ecr', signIn: false },
];

const CREDENTIAL_ARN = /^arn:aws(-\w+)*:secretsmanager:[a-zA-Z0-9-:]+:secret:ecr-pullthroughcache\/[a-zA-Z0-9/_+=.@-]+$/;
const PREFIX = /^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*\/?|ROOT)$/;

export interface RuleInput {
  prefix: string;
  upstreamUrl: string;
  credentialArn?: string | undefined;
}

/** Creates a rule after ECR's own checks; `exists` names the duplicate-prefix error of the caller's API. */
export function createPullThroughCacheRule(core: SandboxCore, input: RuleInput, exists: (prefix: string) => never): EcrPullThroughCacheRule {
  const prefix = input.prefix.replace(/\/$/, '');
  if (prefix.length < 2 || prefix.length > 30 || !PREFIX.test(prefix)) {
    fail('InvalidParameterException', `Invalid parameter at 'ecrRepositoryPrefix' failed to satisfy constraint: 'must be 2 to 30 lowercase letters, digits and . _ - /'`);
  }
  if (core.state.ecr.pullThroughCacheRules.has(prefix)) exists(prefix);
  const upstream = UPSTREAMS.find((u) => u.test(input.upstreamUrl));
  if (!upstream) fail('UnsupportedUpstreamRegistryException', `The specified upstream registry ${input.upstreamUrl} is not supported.`);
  if (upstream.signIn && !input.credentialArn) {
    fail('UnsupportedUpstreamRegistryException', `The upstream registry ${input.upstreamUrl} requires authentication. Specify the ARN of a Secrets Manager secret with its credentials as credentialArn.`);
  }
  if (input.credentialArn) {
    if (!CREDENTIAL_ARN.test(input.credentialArn)) fail('InvalidParameterException', `Invalid parameter at 'credentialArn' failed to satisfy constraint: 'the secret name must begin with ecr-pullthroughcache/'`);
    if (!findSecret(core, input.credentialArn)) fail('SecretNotFoundException', `The secret ${input.credentialArn} specified for the pull through cache rule was not found.`);
  }
  const rule: EcrPullThroughCacheRule = { prefix, upstreamUrl: input.upstreamUrl, upstreamRegistry: upstream.name, createdAt: Date.now(), ...(input.credentialArn ? { credentialArn: input.credentialArn } : {}) };
  core.state.ecr.pullThroughCacheRules.set(prefix, rule);
  core.changed();
  return rule;
}

/**
 * Why ECR cannot sign in upstream with the rule's secret, in ECR's words; undefined when it can
 * (or the upstream needs no sign-in). The sandbox has no Docker Hub: any non-empty pair signs in.
 */
export function upstreamSignInProblem(core: SandboxCore, rule: EcrPullThroughCacheRule): string | undefined {
  if (!rule.credentialArn) return undefined;
  const secret = findSecret(core, rule.credentialArn);
  if (!secret) return `The secret ${rule.credentialArn} was not found or is scheduled for deletion.`;
  let value: unknown;
  try {
    value = JSON.parse(currentSecretString(secret) ?? '');
  } catch {
    return 'The secret is not valid JSON with the keys username and accessToken.';
  }
  const { username, accessToken } = (value ?? {}) as Record<string, unknown>;
  if (typeof username !== 'string' || !username || typeof accessToken !== 'string' || !accessToken) return 'The secret must hold the keys username and accessToken.';
  return undefined;
}
