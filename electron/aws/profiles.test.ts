import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENVIRONMENT_PROFILE, listProfiles, readSharedFiles, resolveRegion } from './profiles';

const fixtures = join(__dirname, 'fixtures', 'profiles');
const env = (extra: Record<string, string> = {}) => ({
  AWS_CONFIG_FILE: join(fixtures, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(fixtures, 'credentials'),
  ...extra,
});

describe('listProfiles', () => {
  it('reads every profile from both files with its kind and region, as the CLI does', async () => {
    const overview = await listProfiles(env());
    const byName = Object.fromEntries(overview.profiles.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(
      ['ci', 'conflicted', 'creds-only', 'default', 'deployer', 'dev', 'legacy', 'region-only', 'static-config', 'vault'].sort(),
    );
    expect(byName.default).toMatchObject({ kind: 'static', region: 'us-east-1', sources: ['config', 'credentials'] });
    expect(byName['static-config']).toMatchObject({ kind: 'static', region: 'eu-west-1', sources: ['config'] });
    expect(byName['creds-only']).toMatchObject({ kind: 'static', region: 'sa-east-1', sources: ['credentials'] });
    expect(byName.dev).toMatchObject({ kind: 'sso', region: 'eu-central-1', ssoStartUrl: 'https://corp.awsapps.com/start' });
    expect(byName.legacy).toMatchObject({ kind: 'sso-legacy', ssoStartUrl: 'https://legacy.awsapps.com/start' });
    expect(byName.deployer).toMatchObject({ kind: 'assume-role', region: 'us-west-2' });
    expect(byName.ci).toMatchObject({ kind: 'web-identity' });
    expect(byName.vault).toMatchObject({ kind: 'credential-process' });
    expect(byName['region-only']).toMatchObject({ kind: 'unknown', region: 'ap-south-1' });
    expect(overview).toMatchObject({ defaultProfile: 'default', defaultRegion: 'us-east-1', noCredentials: false });
    expect(overview.configFile).toBe(join(fixtures, 'config'));
    // Sections that are not profiles stay out.
    expect(Object.keys(byName).some((n) => n.includes('sso-session') || n.includes('services'))).toBe(false);
    // Key material never appears in the overview.
    expect(JSON.stringify(overview)).not.toMatch(/defaultsecret|configsecret|conflictsecret|onlysecret|AKID/);
  });

  it('detects the SSO profile that also has static keys, and says which wins and how to fix it', async () => {
    const overview = await listProfiles(env());
    const conflicted = overview.profiles.find((p) => p.name === 'conflicted')!;
    expect(conflicted.kind).toBe('sso');
    expect(conflicted.conflict).toContain('The AWS SDK (and so Berth) uses the static keys; the AWS CLI uses SSO');
    expect(conflicted.conflict).toContain(`delete aws_access_key_id and aws_secret_access_key from [conflicted] in ${join(fixtures, 'credentials')}`);
    expect(overview.profiles.filter((p) => p.conflict).map((p) => p.name)).toEqual(['conflicted']);
  });

  it('honours AWS_PROFILE and lists environment credentials', async () => {
    const overview = await listProfiles(env({ AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'eu-west-3' }));
    expect(overview.profiles[0]).toEqual({ name: ENVIRONMENT_PROFILE, kind: 'environment', sources: ['environment'], region: 'eu-west-3' });
    expect(overview.defaultProfile).toBe('dev');
    expect(overview.defaultRegion).toBe('eu-west-3');
    const envOnly = await listProfiles(env({ AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'x' }));
    expect(envOnly.defaultProfile).toBe(ENVIRONMENT_PROFILE);
  });

  it('reports no credentials when the files are missing and the environment is empty', async () => {
    const overview = await listProfiles({ AWS_CONFIG_FILE: join(fixtures, 'absent'), AWS_SHARED_CREDENTIALS_FILE: join(fixtures, 'absent2') });
    expect(overview).toMatchObject({ profiles: [], noCredentials: true });
    expect(overview.defaultProfile).toBeUndefined();
  });
});

describe('resolveRegion', () => {
  it('follows the CLI: explicit, AWS_REGION, AWS_DEFAULT_REGION, then the profile', async () => {
    const files = await readSharedFiles(env());
    expect(resolveRegion(files, 'dev', 'us-west-1', {})).toBe('us-west-1');
    expect(resolveRegion(files, 'dev', undefined, { AWS_REGION: 'a', AWS_DEFAULT_REGION: 'b' })).toBe('a');
    expect(resolveRegion(files, 'dev', undefined, { AWS_DEFAULT_REGION: 'b' })).toBe('b');
    expect(resolveRegion(files, 'dev', undefined, {})).toBe('eu-central-1');
    expect(resolveRegion(files, undefined, undefined, { AWS_PROFILE: 'deployer' })).toBe('us-west-2');
    expect(resolveRegion(files, 'vault', undefined, {})).toBeUndefined();
  });
});

describe('profile files changed on disk', () => {
  beforeEach(() => vi.useRealTimers());
  afterEach(() => vi.unstubAllEnvs());
  it('uses process.env by default', async () => {
    vi.stubEnv('AWS_CONFIG_FILE', join(fixtures, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(fixtures, 'credentials'));
    vi.stubEnv('AWS_PROFILE', '');
    const overview = await listProfiles();
    expect(overview.profiles.length).toBeGreaterThan(5);
  });
});
