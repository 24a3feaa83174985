/** connection:* — profiles, connecting, identity, SSO sign-in, project pins and the account's Docker Hub credentials. */
import { resolve } from 'node:path';
import { BERTH_REGIONS } from '../aws/regions';
import { connectionManager } from '../aws/connection';
import { removeDockerHubCredentials, saveDockerHubCredentials, storedDockerHubAccount } from '../aws/docker-hub';
import { pinProject, readPin } from '../aws/pin';
import { listProfiles } from '../aws/profiles';
import { signInWithSso } from '../aws/sso-session';
import type { HandlersFor } from './handler-types';

export const connectionHandlers = {
  'connection:profiles': async () => listProfiles(),
  'connection:connect': async ({ target }, ctx) => connectionManager(ctx).connect(target),
  'connection:status': async (_args, ctx) => connectionManager(ctx).status(),
  'connection:disconnect': async (_args, ctx) => {
    connectionManager(ctx).disconnect();
    return null;
  },
  'connection:regions': async () => [...BERTH_REGIONS],
  'connection:ssoSignIn': async ({ profile }, ctx) => signInWithSso(ctx, profile),
  'connection:pin': async ({ dir }, ctx) => readPin(ctx, resolve(dir)),
  'connection:movePin': async ({ dir }, ctx) => {
    const conn = connectionManager(ctx).require();
    return pinProject(ctx, resolve(dir), conn.identity, conn.target.region);
  },
  'connection:whoami': async (_args, ctx) => connectionManager(ctx).whoami(),
  'connection:dockerHub': async (_args, ctx) => (await storedDockerHubAccount(connectionManager(ctx).require().clients.secretsManager)) ?? null,
  'connection:saveDockerHub': async (credentials, ctx) => saveDockerHubCredentials(connectionManager(ctx).require().clients.secretsManager, credentials),
  'connection:removeDockerHub': async (_args, ctx) => {
    await removeDockerHubCredentials(connectionManager(ctx).require().clients.secretsManager);
    return null;
  },
} satisfies HandlersFor<'connection'>;
