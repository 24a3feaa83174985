/**
 * The per-app connection: which account, region and endpoint Berth talks to, with one set of
 * SDK clients. Every engine module asks `connectionManager(ctx).require()` for it.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { CallerIdentity, ConnectionStatus, ConnectionTarget } from '../../shared/domain/connection';
import { AppErrorException, raise } from '../../shared/result';
import type { AppContext } from '../api/context';
import { createClients, destroyClients, type AwsClients } from './clients';
import { credentialsFor } from './credentials';
import { credentialError, isCredentialProviderError } from './errors';

export interface ActiveConnection {
  target: ConnectionTarget;
  identity: CallerIdentity;
  clients: AwsClients;
  /** The credential provider behind the clients (for clients in another region, e.g. an all-regions scan). */
  credentials: AwsCredentialIdentityProvider;
}

export interface ConnectionManager {
  /** Resolves credentials, asks STS who they are, and makes this the current connection. */
  connect(target: ConnectionTarget): Promise<ConnectionStatus>;
  /** The current connection, or null. */
  current(): ActiveConnection | null;
  /** The current connection; raises NOT_CONNECTED when there is none. */
  require(): ActiveConnection;
  /** Target and identity only (what the renderer may see). */
  status(): ConnectionStatus;
  /** Asks STS again (the identity may have changed, e.g. a refreshed SSO role). */
  whoami(): Promise<CallerIdentity>;
  /** Forgets the current connection. */
  disconnect(): void;
}

/** Reads the principal's kind from its ARN. */
export function principalKind(arn: string): CallerIdentity['principalKind'] {
  if (/^arn:[^:]+:iam::\d+:root$/.test(arn)) return 'root';
  if (/^arn:[^:]+:iam::\d+:user\//.test(arn)) return 'user';
  if (/^arn:[^:]+:sts::\d+:assumed-role\//.test(arn) || /^arn:[^:]+:iam::\d+:role\//.test(arn)) return 'role';
  return 'other';
}

/** GetCallerIdentity, as a CallerIdentity. Credential failures come back named for the profile. */
export async function callerIdentity(clients: AwsClients, profile?: string): Promise<CallerIdentity> {
  try {
    const out = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!out.Account || !out.Arn) raise('AWS_ERROR', 'STS GetCallerIdentity returned no account or ARN.');
    return { account: out.Account, arn: out.Arn, userId: out.UserId ?? '', principalKind: principalKind(out.Arn) };
  } catch (error) {
    if (isCredentialProviderError(error)) throw new AppErrorException(...credentialError(error as Error, profile));
    throw error;
  }
}

/** Copies a target, dropping unset fields, so status payloads stay small and stable. */
function cleanTarget(target: ConnectionTarget): ConnectionTarget {
  return {
    ...(target.profile !== undefined ? { profile: target.profile } : {}),
    region: target.region,
    ...(target.endpoint !== undefined ? { endpoint: target.endpoint } : {}),
    ...(target.sandbox ? { sandbox: true } : {}),
  };
}

/** The app's one connection manager (created on first use, clients released when the app quits). */
export function connectionManager(ctx: AppContext): ConnectionManager {
  return ctx.service('connection', () => {
    let active: ActiveConnection | null = null;
    const status = (): ConnectionStatus => ({ target: active?.target ?? null, identity: active?.identity ?? null });
    const replace = (next: ActiveConnection | null) => {
      const previous = active;
      active = next;
      if (previous && previous.clients !== next?.clients) destroyClients(previous.clients);
      ctx.emit('connection:changed', status());
    };
    ctx.onDispose(() => {
      if (active) destroyClients(active.clients);
      active = null;
    });
    const manager: ConnectionManager = {
      async connect(input) {
        const target = cleanTarget(input);
        if (target.sandbox && !target.endpoint) raise('SANDBOX_UNAVAILABLE', 'A sandbox connection needs the sandbox’s endpoint: start the sandbox first.');
        const credentials = await credentialsFor(target);
        const clients = createClients(target, credentials, ctx.version);
        let identity: CallerIdentity;
        try {
          identity = await callerIdentity(clients, target.profile);
        } catch (error) {
          destroyClients(clients);
          throw error;
        }
        replace({ target, identity, clients, credentials });
        return status();
      },
      current: () => active,
      require() {
        if (!active) raise('NOT_CONNECTED', 'Berth is not connected to AWS. Pick a profile and region on the Connection screen (or start the sandbox) first.');
        return active;
      },
      status,
      async whoami() {
        const conn = manager.require();
        const identity = await callerIdentity(conn.clients, conn.target.profile);
        if (identity.arn !== conn.identity.arn || identity.account !== conn.identity.account) {
          active = { ...conn, identity };
          ctx.emit('connection:changed', status());
        }
        return identity;
      },
      disconnect() {
        if (active) replace(null);
      },
    };
    return manager;
  });
}
