/**
 * Profiles as the AWS CLI reads them: every profile in the shared `config` and `credentials`
 * files (honouring AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), its kind and region,
 * environment credentials, AWS_PROFILE, and the SSO-vs-static-keys conflict.
 */
import { getHomeDir, loadSharedConfigFiles, type ParsedIniData } from '@smithy/shared-ini-file-loader';
import { join } from 'node:path';
import type { AwsProfile, ProfileKind, ProfilesOverview } from '../../shared/domain/connection';

/** The pseudo-profile that stands for AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment. */
export const ENVIRONMENT_PROFILE = '(environment)';

export type Env = Record<string, string | undefined>;

/** Where the CLI looks for the shared config file. */
export function configFilePath(env: Env = process.env): string {
  return env.AWS_CONFIG_FILE || join(getHomeDir(), '.aws', 'config');
}

/** Where the CLI looks for the shared credentials file. */
export function credentialsFilePath(env: Env = process.env): string {
  return env.AWS_SHARED_CREDENTIALS_FILE || join(getHomeDir(), '.aws', 'credentials');
}

/** One profile's settings from each file, kept apart so conflicts between them stay visible. */
export interface ProfileSettings {
  name: string;
  config?: Record<string, string | undefined>;
  credentials?: Record<string, string | undefined>;
  /** The `[sso-session NAME]` section a profile's `sso_session` points at. */
  ssoSession?: Record<string, string | undefined>;
}

export interface SharedFiles {
  configFile: string;
  credentialsFile: string;
  profiles: Map<string, ProfileSettings>;
}

// Sections in `config` that are not profiles.
const NON_PROFILE_PREFIXES = ['sso-session.', 'services.'];

/** Reads both shared files fresh (no cache: the user may have just run `aws configure` or `aws sso login`). */
export async function readSharedFiles(env: Env = process.env): Promise<SharedFiles> {
  const configFile = configFilePath(env);
  const credentialsFile = credentialsFilePath(env);
  const loaded = await loadSharedConfigFiles({ filepath: credentialsFile, configFilepath: configFile, ignoreCache: true });
  const config: ParsedIniData = loaded.configFile ?? {};
  const credentials: ParsedIniData = loaded.credentialsFile ?? {};
  const profiles = new Map<string, ProfileSettings>();
  for (const [name, section] of Object.entries(config)) {
    if (NON_PROFILE_PREFIXES.some((p) => name.startsWith(p))) continue;
    profiles.set(name, { name, config: section });
  }
  for (const [name, section] of Object.entries(credentials)) {
    const existing = profiles.get(name);
    profiles.set(name, { ...(existing ?? { name }), credentials: section });
  }
  for (const settings of profiles.values()) {
    const session = settings.config?.sso_session;
    if (session) settings.ssoSession = config[`sso-session.${session}`];
  }
  return { configFile, credentialsFile, profiles };
}

/** The settings the CLI would see for a profile: credentials-file values override config-file ones. */
export function mergedSettings(settings: ProfileSettings): Record<string, string | undefined> {
  return { ...(settings.config ?? {}), ...(settings.credentials ?? {}) };
}

function hasStaticKeys(section: Record<string, string | undefined> | undefined): boolean {
  return Boolean(section?.aws_access_key_id && section?.aws_secret_access_key);
}

function isSso(section: Record<string, string | undefined> | undefined): boolean {
  return Boolean(section?.sso_session || section?.sso_start_url);
}

/** What kind of credentials a profile holds, in the AWS CLI's order of precedence. */
export function profileKind(settings: ProfileSettings): ProfileKind {
  const s = mergedSettings(settings);
  if (s.role_arn && (s.source_profile || s.credential_source)) return 'assume-role';
  if (s.role_arn && s.web_identity_token_file) return 'web-identity';
  if (s.sso_session) return 'sso';
  if (s.sso_start_url) return 'sso-legacy';
  if (hasStaticKeys(s)) return 'static';
  if (s.credential_process) return 'credential-process';
  return 'unknown';
}

/**
 * The SDK/CLI disagreement: a profile with SSO settings and static keys. The AWS SDK (and so
 * Berth) resolves the static keys first; the AWS CLI signs in with SSO.
 */
export function profileConflict(settings: ProfileSettings, files: Pick<SharedFiles, 'configFile' | 'credentialsFile'>): string | undefined {
  const s = mergedSettings(settings);
  if (!isSso(s) || !hasStaticKeys(s)) return undefined;
  if (s.role_arn && (s.source_profile || s.credential_source)) return undefined;
  const keysIn = hasStaticKeys(settings.credentials) ? files.credentialsFile : files.configFile;
  const section = settings.name === 'default' ? '[default]' : `[profile ${settings.name}]`;
  return (
    `Profile "${settings.name}" is an SSO profile in ${files.configFile} and also has static access keys in ${keysIn}. ` +
    `The AWS SDK (and so Berth) uses the static keys; the AWS CLI uses SSO, so the two act as different identities. ` +
    `To use SSO, delete aws_access_key_id and aws_secret_access_key from [${settings.name}] in ${keysIn}; ` +
    `to use the keys, remove the sso_* lines from ${section} in ${files.configFile}.`
  );
}

/** The profile the CLI uses when none is named: AWS_PROFILE, else `default`. */
export function defaultProfileName(env: Env = process.env): string {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
}

/** True when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are both set. */
export function hasEnvironmentCredentials(env: Env = process.env): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
}

/** Region in the CLI's order: explicit, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`. */
export function resolveRegion(files: SharedFiles, profile: string | undefined, explicit?: string, env: Env = process.env): string | undefined {
  if (explicit) return explicit;
  if (env.AWS_REGION) return env.AWS_REGION;
  if (env.AWS_DEFAULT_REGION) return env.AWS_DEFAULT_REGION;
  const name = profile && profile !== ENVIRONMENT_PROFILE ? profile : defaultProfileName(env);
  const settings = files.profiles.get(name);
  return settings ? mergedSettings(settings).region : undefined;
}

/** Describes one profile for the UI (never includes key material). */
export function describeProfile(settings: ProfileSettings, files: SharedFiles): AwsProfile {
  const sources: AwsProfile['sources'] = [];
  if (settings.config) sources.push('config');
  if (settings.credentials) sources.push('credentials');
  const merged = mergedSettings(settings);
  const profile: AwsProfile = { name: settings.name, kind: profileKind(settings), sources };
  if (merged.region) profile.region = merged.region;
  const conflict = profileConflict(settings, files);
  if (conflict) profile.conflict = conflict;
  const startUrl = settings.ssoSession?.sso_start_url ?? merged.sso_start_url;
  if (startUrl) profile.ssoStartUrl = startUrl;
  return profile;
}

/** Every profile, the default profile and region, and whether any credentials exist at all. */
export async function listProfiles(env: Env = process.env): Promise<ProfilesOverview> {
  const files = await readSharedFiles(env);
  const profiles = [...files.profiles.values()].map((s) => describeProfile(s, files)).sort((a, b) => a.name.localeCompare(b.name));
  if (hasEnvironmentCredentials(env)) {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    profiles.unshift({ name: ENVIRONMENT_PROFILE, kind: 'environment', sources: ['environment'], ...(region ? { region } : {}) });
  }
  const usable = profiles.some((p) => p.kind !== 'unknown');
  const overview: ProfilesOverview = {
    profiles,
    noCredentials: !usable,
    configFile: files.configFile,
    credentialsFile: files.credentialsFile,
  };
  const defaultName = hasEnvironmentCredentials(env) && !env.AWS_PROFILE ? ENVIRONMENT_PROFILE : defaultProfileName(env);
  if (defaultName === ENVIRONMENT_PROFILE || files.profiles.has(defaultName)) overview.defaultProfile = defaultName;
  const region = resolveRegion(files, defaultName, undefined, env);
  if (region) overview.defaultRegion = region;
  return overview;
}
