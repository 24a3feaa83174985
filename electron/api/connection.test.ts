import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createContext, type AppContext } from './context';
import { dispatch } from './dispatch';
import { handlers } from './handlers';

const fixtures = join(__dirname, '..', 'aws', 'fixtures', 'profiles');
const sts = mockClient(STSClient);
const oidc = mockClient(SSOOIDCClient);
let ctx: AppContext;
let dir: string;
const opened: string[] = [];
const events: [string, unknown][] = [];

beforeEach(async () => {
  sts.reset();
  oidc.reset();
  opened.length = 0;
  events.length = 0;
  dir = await mkdtemp(join(tmpdir(), 'berth-conn-api-'));
  vi.stubEnv('HOME', dir);
  vi.stubEnv('AWS_CONFIG_FILE', join(fixtures, 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(fixtures, 'credentials'));
  vi.stubEnv('AWS_PROFILE', '');
  vi.stubEnv('AWS_ACCESS_KEY_ID', '');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
  ctx = createContext({ shell: 'test', version: '1.0.0', dataDir: join(dir, 'data'), abilities: { openExternal: async (url) => void opened.push(url) } });
  ctx.subscribe((e, p) => events.push([e, p]));
});
afterEach(async () => {
  await ctx.dispose();
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

const call = (method: string, args: unknown = {}) => dispatch(handlers, ctx, method, args);

describe('connection handlers', () => {
  it('lists profiles, offers regions, and reports NOT_CONNECTED before a connection', async () => {
    const profiles = await call('connection:profiles');
    expect(profiles.ok && profiles.value).toMatchObject({ defaultProfile: 'default', noCredentials: false });
    const regions = await call('connection:regions');
    expect(regions.ok && regions.value).toContain('us-east-1');
    expect(await call('connection:status')).toEqual({ ok: true, value: { target: null, identity: null } });
    const whoami = await call('connection:whoami');
    expect(whoami.ok === false && whoami.error.code).toBe('NOT_CONNECTED');
  });

  it('maps an AccessDenied on connect to an actionable error', async () => {
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized to perform: sts:GetCallerIdentity on resource: *'), { name: 'AccessDenied', $metadata: {} }),
    );
    const result = await call('connection:connect', { target: { profile: 'default', region: 'us-east-1' } });
    expect(result.ok === false && result.error).toMatchObject({ code: 'ACCESS_DENIED', details: { action: 'sts:GetCallerIdentity' } });
  });

  it('an expired SSO profile asks for sign-in, and the sign-in opens the browser and reports progress', async () => {
    const expired = await call('connection:connect', { target: { profile: 'dev', region: 'eu-central-1' } });
    expect(expired.ok === false && expired.error).toMatchObject({ code: 'SSO_LOGIN_REQUIRED', details: { profile: 'dev' } });
    oidc.on(RegisterClientCommand).resolves({ clientId: 'c', clientSecret: 's' });
    oidc.on(StartDeviceAuthorizationCommand).resolves({ deviceCode: 'd', userCode: 'WXYZ-1234', verificationUri: 'https://device.sso/', verificationUriComplete: 'https://device.sso/?user_code=WXYZ-1234', interval: 1, expiresIn: 600 });
    oidc.on(CreateTokenCommand).resolves({ accessToken: 'tok', expiresIn: 3600 });
    const started = await call('connection:ssoSignIn', { profile: 'dev' });
    expect(started.ok && started.value).toMatchObject({ profile: 'dev', userCode: 'WXYZ-1234' });
    expect(opened).toEqual(['https://device.sso/?user_code=WXYZ-1234']);
    await vi.waitFor(() => expect(events.map(([, p]) => (p as { state?: string }).state)).toContain('signed-in'), { timeout: 5000 });
    expect(JSON.stringify(events)).not.toContain('tok');
    const notSso = await call('connection:ssoSignIn', { profile: 'default' });
    expect(notSso.ok === false && notSso.error.code).toBe('INVALID_ARGUMENT');
  });

  it('pins: none before the first deploy, moved to the current connection on confirmation', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/a' });
    expect(await call('connection:pin', { dir: '/projects/shop' })).toEqual({ ok: true, value: null });
    const unconfirmed = await call('connection:movePin', { dir: '/projects/shop' });
    expect(unconfirmed.ok === false && unconfirmed.error.code).toBe('INVALID_ARGUMENT');
    await call('connection:connect', { target: { profile: 'default', region: 'eu-west-1' } });
    const moved = await call('connection:movePin', { dir: '/projects/shop', confirm: true });
    expect(moved.ok && moved.value).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
    const pin = await call('connection:pin', { dir: '/projects/shop' });
    expect(pin.ok && pin.value).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
    expect(await call('connection:disconnect')).toEqual({ ok: true, value: null });
  });
});
