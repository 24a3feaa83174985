/** Turns a connection target into a credential provider, checking what can be checked before AWS is asked. */
import { fromEnv, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { ConnectionTarget } from '../../shared/domain/connection';
import { raise } from '../../shared/result';
import { defaultProfileName, ENVIRONMENT_PROFILE, hasEnvironmentCredentials, readSharedFiles, type Env } from './profiles';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials';
import { ssoLoginRequired, ssoSettings, ssoTokenState } from './sso';

/**
 * The credential provider for a target: the sandbox's fixed keys, environment keys, or the
 * SDK's default chain for the profile (memoized by the SDK, refreshed before expiry).
 * A profile that does not exist, or an SSO profile without a live token, fails here with its name.
 */
export async function credentialsFor(target: ConnectionTarget, env: Env = process.env): Promise<AwsCredentialIdentityProvider> {
  if (target.sandbox) return async () => ({ ...SANDBOX_CREDENTIALS });
  if (target.profile === ENVIRONMENT_PROFILE) {
    if (!hasEnvironmentCredentials(env)) raise('CREDENTIALS_MISSING', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set in this environment.');
    return fromEnv();
  }
  const files = await readSharedFiles(env);
  // With no profile named, environment keys win (as in the CLI) unless AWS_PROFILE is set.
  const usesEnvironment = target.profile === undefined && !env.AWS_PROFILE && hasEnvironmentCredentials(env);
  if (!usesEnvironment) {
    const name = target.profile ?? defaultProfileName(env);
    const settings = files.profiles.get(name);
    if (!settings) {
      if (target.profile !== undefined) {
        raise('PROFILE_NOT_FOUND', `There is no profile "${name}" in ${files.configFile} or ${files.credentialsFile}. Pick one of your profiles or run \`aws configure --profile ${name}\`.`, { profile: name });
      }
    } else {
      const sso = ssoSettings(settings);
      const merged = { ...(settings.config ?? {}), ...(settings.credentials ?? {}) };
      // Static keys win over SSO in the SDK (the conflict the profiles list warns about), so no token is needed then.
      const usesKeys = Boolean(merged.aws_access_key_id && merged.aws_secret_access_key);
      if (sso && !usesKeys) {
        const token = await ssoTokenState(sso);
        if (token.state !== 'valid') ssoLoginRequired(name, token.state);
      }
    }
  }
  return fromNodeProviderChain({ ...(target.profile !== undefined ? { profile: target.profile } : {}), ignoreCache: true });
}
