import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppErrorException } from '../../shared/result';
import { createContext, type AppContext } from '../api/context';
import { connectionManager, principalKind } from './connection';
import { credentialsFor } from './credentials';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials';

const sts = mockClient(STSClient);
let ctx: AppContext;
let dir: string;

beforeEach(async () => {
  sts.reset();
  dir = await mkdtemp(join(tmpdir(), 'berth-conn-'));
  await writeFile(join(dir, 'config'), '[profile dev]\nregion = eu-west-1\n');
  await writeFile(join(dir, 'credentials'), '[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n');
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
  vi.stubEnv('AWS_PROFILE', '');
  vi.stubEnv('AWS_ACCESS_KEY_ID', '');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
  ctx = createContext({ shell: 'test', version: '9.9.9', dataDir: dir });
});

afterEach(async () => {
  await ctx.dispose();
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

function caught(fn: () => unknown): AppErrorException {
  try {
    fn();
  } catch (error) {
    return error as AppErrorException;
  }
  throw new Error('expected a throw');
}

describe('connectionManager', () => {
  it('raises NOT_CONNECTED before any connection', () => {
    const error = caught(() => connectionManager(ctx).require());
    expect(error.code).toBe('NOT_CONNECTED');
    expect(connectionManager(ctx).current()).toBeNull();
  });

  it('connects with a profile, resolves the identity and emits connection:changed', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice', UserId: 'AIDA1' });
    const events: unknown[] = [];
    ctx.subscribe((event, payload) => events.push([event, payload]));
    const status = await connectionManager(ctx).connect({ profile: 'dev', region: 'eu-west-1' });
    expect(status.identity).toEqual({ account: '111122223333', arn: 'arn:aws:iam::111122223333:user/alice', userId: 'AIDA1', principalKind: 'user' });
    expect(connectionManager(ctx).require().target).toEqual({ profile: 'dev', region: 'eu-west-1' });
    expect(events).toEqual([['connection:changed', status]]);
    connectionManager(ctx).disconnect();
    expect(connectionManager(ctx).current()).toBeNull();
    expect(events).toHaveLength(2);
  });

  it('keeps the previous connection when a new one fails', async () => {
    sts.on(GetCallerIdentityCommand).resolvesOnce({ Account: '1', Arn: 'arn:aws:iam::1:user/a' });
    await connectionManager(ctx).connect({ profile: 'dev', region: 'eu-west-1' });
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId', $metadata: {} }));
    await expect(connectionManager(ctx).connect({ profile: 'dev', region: 'us-east-1' })).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    expect(connectionManager(ctx).require().target.region).toBe('eu-west-1');
  });

  it('refuses a profile that does not exist, naming it', async () => {
    await expect(connectionManager(ctx).connect({ profile: 'nope', region: 'eu-west-1' })).rejects.toMatchObject({
      appError: { code: 'PROFILE_NOT_FOUND', details: { profile: 'nope' } },
    });
  });

  it('connects to a sandbox endpoint with the sandbox credentials', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });
    const status = await connectionManager(ctx).connect({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4599', sandbox: true });
    expect(status.target).toEqual({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4599', sandbox: true });
    expect(status.identity?.principalKind).toBe('root');
    await expect(connectionManager(ctx).connect({ region: 'us-east-1', sandbox: true })).rejects.toMatchObject({ appError: { code: 'SANDBOX_UNAVAILABLE' } });
    const provider = await credentialsFor({ region: 'us-east-1', sandbox: true });
    expect(await provider()).toEqual(SANDBOX_CREDENTIALS);
  });
});

describe('principalKind', () => {
  it('reads users, roles, root and others from ARNs', () => {
    expect(principalKind('arn:aws:iam::1:user/a')).toBe('user');
    expect(principalKind('arn:aws:sts::1:assumed-role/Admin/alice')).toBe('role');
    expect(principalKind('arn:aws:iam::1:root')).toBe('root');
    expect(principalKind('arn:aws:sts::1:federated-user/x')).toBe('other');
  });
});
