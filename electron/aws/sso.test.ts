import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { getSSOTokenFilepath } from '@smithy/shared-ini-file-loader';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { credentialsFor } from './credentials';
import { credentialError } from './errors';
import { readSharedFiles } from './profiles';
import { ssoSettings, ssoTokenState, startSsoSignIn, type SsoSettings } from './sso';

const fixtures = join(__dirname, 'fixtures', 'profiles');
const oidc = mockClient(SSOOIDCClient);
let home: string;

beforeEach(async () => {
  oidc.reset();
  home = await mkdtemp(join(tmpdir(), 'berth-home-'));
  vi.stubEnv('HOME', home);
  vi.stubEnv('AWS_CONFIG_FILE', join(fixtures, 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(fixtures, 'credentials'));
  vi.stubEnv('AWS_PROFILE', '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(home, { recursive: true, force: true });
});

async function settingsOf(name: string): Promise<SsoSettings> {
  const files = await readSharedFiles();
  return ssoSettings(files.profiles.get(name)!)!;
}

async function writeToken(id: string, token: Record<string, string>) {
  const file = getSSOTokenFilepath(id);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(token));
}

const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();
const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

describe('SSO settings and token cache', () => {
  it('keys the cache by sso-session name, or by start URL for legacy profiles, where the CLI keeps it', async () => {
    const dev = await settingsOf('dev');
    expect(dev).toEqual({ cacheId: 'corp', startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'us-east-1', scopes: ['sso:account:access'] });
    const legacy = await settingsOf('legacy');
    expect(legacy).toEqual({ cacheId: 'https://legacy.awsapps.com/start', startUrl: 'https://legacy.awsapps.com/start', ssoRegion: 'us-west-2' });
    const sha1 = createHash('sha1').update('corp').digest('hex');
    expect(getSSOTokenFilepath('corp')).toBe(join(home, '.aws', 'sso', 'cache', `${sha1}.json`));
  });

  it('tells valid, expired, refreshable and missing tokens apart', async () => {
    const dev = await settingsOf('dev');
    expect((await ssoTokenState(dev)).state).toBe('missing');
    await writeToken('corp', { accessToken: 't', expiresAt: inOneHour() });
    expect((await ssoTokenState(dev)).state).toBe('valid');
    await writeToken('corp', { accessToken: 't', expiresAt: anHourAgo() });
    expect((await ssoTokenState(dev)).state).toBe('expired');
    await writeToken('corp', { accessToken: 't', expiresAt: anHourAgo(), refreshToken: 'r', clientId: 'c', clientSecret: 's', registrationExpiresAt: inOneHour() });
    expect((await ssoTokenState(dev)).state).toBe('valid');
    const legacy = await settingsOf('legacy');
    await writeToken(legacy.cacheId, { accessToken: 't', expiresAt: anHourAgo(), refreshToken: 'r', clientId: 'c', clientSecret: 's', registrationExpiresAt: inOneHour() });
    expect((await ssoTokenState(legacy)).state).toBe('expired');
  });

  it('refuses to connect with an expired SSO profile, naming it', async () => {
    await writeToken('corp', { accessToken: 't', expiresAt: anHourAgo() });
    await expect(credentialsFor({ profile: 'dev', region: 'us-east-1' })).rejects.toMatchObject({
      appError: { code: 'SSO_LOGIN_REQUIRED', details: { profile: 'dev', state: 'expired' } },
    });
    await expect(credentialsFor({ profile: 'legacy', region: 'us-east-1' })).rejects.toMatchObject({
      appError: { code: 'SSO_LOGIN_REQUIRED', message: expect.stringContaining('"legacy" has not been signed in yet') },
    });
  });

  it('follows the SDK for a conflicted profile: its static keys are used, no SSO token needed', async () => {
    const provider = await credentialsFor({ profile: 'conflicted', region: 'us-east-1' });
    expect(await provider()).toMatchObject({ accessKeyId: 'AKIDCONFLICT' });
  });

  it('maps the SDK credential-provider errors to sign-in or missing-credentials errors', () => {
    const sso = Object.assign(new Error('The SSO session token associated with this profile has expired. To refresh this SSO session run aws sso login.'), { name: 'CredentialsProviderError' });
    expect(credentialError(sso, 'dev')[0]).toBe('SSO_LOGIN_REQUIRED');
    const none = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const [code, message] = credentialError(none);
    expect(code).toBe('CREDENTIALS_MISSING');
    expect(message).toContain('Could not load credentials from any providers');
  });
});

describe('device sign-in', () => {
  function mockFlow() {
    oidc.on(RegisterClientCommand).resolves({ clientId: 'cid', clientSecret: 'csecret', clientSecretExpiresAt: Math.floor(Date.now() / 1000) + 86400 * 90 });
    oidc.on(StartDeviceAuthorizationCommand).resolves({
      deviceCode: 'dev-code',
      userCode: 'ABCD-EFGH',
      verificationUri: 'https://device.sso.us-east-1.amazonaws.com/',
      verificationUriComplete: 'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH',
      expiresIn: 600,
      interval: 1,
    });
  }
  const pending = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

  it('opens the browser, polls through pending and slow-down, and writes the token cache the CLI reads', async () => {
    mockFlow();
    oidc
      .on(CreateTokenCommand)
      .rejectsOnce(pending('AuthorizationPendingException'))
      .rejectsOnce(pending('SlowDownException'))
      .resolves({ accessToken: 'ACCESS', refreshToken: 'REFRESH', expiresIn: 28800 });
    const opened: string[] = [];
    const statuses: string[] = [];
    const sleeps: number[] = [];
    const handle = await startSsoSignIn('dev', await settingsOf('dev'), {
      openUrl: async (url) => void opened.push(url),
      onStatus: (state) => statuses.push(state),
      sleep: async (ms) => void sleeps.push(ms),
      client: new SSOOIDCClient({ region: 'us-east-1' }),
    });
    expect(handle.signIn).toMatchObject({ profile: 'dev', userCode: 'ABCD-EFGH', verificationUri: 'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH' });
    await handle.done;
    expect(opened).toEqual([handle.signIn.verificationUri]);
    expect(statuses).toEqual(['waiting', 'signed-in']);
    expect(sleeps).toEqual([1000, 1000, 6000]);
    expect(oidc.commandCalls(RegisterClientCommand)[0]!.args[0].input).toMatchObject({ clientName: 'berth', clientType: 'public', scopes: ['sso:account:access'] });
    const file = getSSOTokenFilepath('corp');
    const token = JSON.parse(await readFile(file, 'utf8'));
    expect(token).toMatchObject({ startUrl: 'https://corp.awsapps.com/start', region: 'us-east-1', accessToken: 'ACCESS', refreshToken: 'REFRESH', clientId: 'cid' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await ssoTokenState(await settingsOf('dev'))).state).toBe('valid');
  });

  it('reports an expired code and a denied sign-in', async () => {
    mockFlow();
    oidc.on(CreateTokenCommand).rejects(pending('ExpiredTokenException'));
    const statuses: string[] = [];
    const options = { openUrl: async () => undefined, onStatus: (s: string) => void statuses.push(s), sleep: async () => undefined, client: new SSOOIDCClient({ region: 'us-east-1' }) };
    const expired = await startSsoSignIn('dev', await settingsOf('dev'), options);
    await expect(expired.done).rejects.toMatchObject({ appError: { code: 'SSO_LOGIN_REQUIRED' } });
    oidc.on(CreateTokenCommand).rejects(pending('AccessDeniedException'));
    const denied = await startSsoSignIn('dev', await settingsOf('dev'), options);
    await expect(denied.done).rejects.toMatchObject({ appError: { code: 'ACCESS_DENIED' } });
    expect(statuses).toEqual(['waiting', 'expired', 'waiting', 'failed']);
  });

  it('stops polling when cancelled', async () => {
    mockFlow();
    oidc.on(CreateTokenCommand).rejects(pending('AuthorizationPendingException'));
    const controller = new AbortController();
    let polls = 0;
    const handle = await startSsoSignIn('dev', await settingsOf('dev'), {
      openUrl: async () => undefined,
      onStatus: () => undefined,
      sleep: async () => {
        if (++polls === 3) controller.abort();
      },
      signal: controller.signal,
      client: new SSOOIDCClient({ region: 'us-east-1' }),
    });
    await expect(handle.done).rejects.toMatchObject({ appError: { code: 'CANCELLED' } });
    expect(polls).toBe(3);
  });
});
