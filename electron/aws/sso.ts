/**
 * SSO: whether a profile's cached token is still good, and the in-app sign-in (the OIDC
 * device-authorization flow the AWS CLI uses), writing the token where the CLI and SDK read it.
 */
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { getSSOTokenFilepath } from '@smithy/shared-ini-file-loader';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SsoSignIn } from '../../shared/domain/connection';
import { raise } from '../../shared/result';
import { mergedSettings, type ProfileSettings } from './profiles';

/** Where a profile's SSO token lives and how to get a new one. */
export interface SsoSettings {
  /** Token cache key: the sso-session name, or the start URL for legacy profiles. */
  cacheId: string;
  startUrl: string;
  ssoRegion: string;
  /** Scopes for sso-session profiles (legacy profiles request none). */
  scopes?: string[];
}

/** The SSO settings of a profile, or undefined when it is not an SSO profile. */
export function ssoSettings(settings: ProfileSettings): SsoSettings | undefined {
  const s = mergedSettings(settings);
  if (s.sso_session) {
    const session = settings.ssoSession;
    if (!session?.sso_start_url || !session.sso_region) {
      raise('PROFILE_NOT_FOUND', `Profile "${settings.name}" names sso_session "${s.sso_session}", but no [sso-session ${s.sso_session}] section with sso_start_url and sso_region exists in the config file.`);
    }
    const scopes = session.sso_registration_scopes?.split(',').map((x) => x.trim()).filter(Boolean);
    return { cacheId: s.sso_session, startUrl: session.sso_start_url, ssoRegion: session.sso_region, scopes: scopes?.length ? scopes : ['sso:account:access'] };
  }
  if (s.sso_start_url) {
    if (!s.sso_region) raise('PROFILE_NOT_FOUND', `Profile "${settings.name}" has sso_start_url but no sso_region.`);
    return { cacheId: s.sso_start_url, startUrl: s.sso_start_url, ssoRegion: s.sso_region };
  }
  return undefined;
}

const cachedToken = z.object({
  accessToken: z.string().min(1),
  expiresAt: z.string(),
  refreshToken: z.string().optional(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  registrationExpiresAt: z.string().optional(),
});

export interface SsoTokenState {
  state: 'valid' | 'expired' | 'missing';
  cacheFile: string;
  expiresAt?: string;
}

/**
 * Reads the cached token. An expired access token still counts as valid when the SDK can
 * refresh it (sso-session profiles with a refresh token and a live client registration).
 */
export async function ssoTokenState(sso: SsoSettings, now: Date = new Date()): Promise<SsoTokenState> {
  const cacheFile = getSSOTokenFilepath(sso.cacheId);
  let text: string;
  try {
    text = await readFile(cacheFile, 'utf8');
  } catch {
    return { state: 'missing', cacheFile };
  }
  let parsed;
  try {
    parsed = cachedToken.safeParse(JSON.parse(text));
  } catch {
    return { state: 'missing', cacheFile };
  }
  if (!parsed.success) return { state: 'missing', cacheFile };
  const token = parsed.data;
  const live = (iso: string | undefined) => iso !== undefined && Date.parse(iso) - now.getTime() > 60_000;
  if (live(token.expiresAt)) return { state: 'valid', cacheFile, expiresAt: token.expiresAt };
  const refreshable = sso.scopes !== undefined && Boolean(token.refreshToken && token.clientId && token.clientSecret) && live(token.registrationExpiresAt);
  return { state: refreshable ? 'valid' : 'expired', cacheFile, expiresAt: token.expiresAt };
}

/** The error a user sees when a profile needs an SSO sign-in. */
export function ssoLoginRequired(profile: string, state: 'expired' | 'missing'): never {
  const what = state === 'expired' ? 'has expired' : 'has not been signed in yet';
  raise(
    'SSO_LOGIN_REQUIRED',
    `The SSO session for profile "${profile}" ${what}. Sign in from Berth's Connection screen (or run \`aws sso login --profile ${profile}\`) and retry.`,
    { profile, state },
  );
}

export interface SignInOptions {
  /** Opens the verification page in the system browser. */
  openUrl(url: string): Promise<void>;
  /** Progress for the UI (never carries token material). */
  onStatus(state: 'waiting' | 'signed-in' | 'failed' | 'expired', message?: string): void;
  /** Stops polling (app quit, a newer sign-in for the same profile). */
  signal?: AbortSignal;
  /** Injected in tests so polling does not wait for real seconds. */
  sleep?: (ms: number) => Promise<void>;
  client?: SSOOIDCClient;
  now?: () => Date;
}

export interface SignInHandle {
  signIn: SsoSignIn;
  /** Resolves when the token is written; rejects with an AppErrorException when sign-in fails. */
  done: Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts the device-authorization sign-in: returns the code to show at once, and keeps polling in the background. */
export async function startSsoSignIn(profile: string, sso: SsoSettings, options: SignInOptions): Promise<SignInHandle> {
  const client = options.client ?? new SSOOIDCClient({ region: sso.ssoRegion });
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const registration = await client.send(
    new RegisterClientCommand({ clientName: 'berth', clientType: 'public', ...(sso.scopes ? { scopes: sso.scopes } : {}) }),
  );
  if (!registration.clientId || !registration.clientSecret) raise('AWS_ERROR', 'AWS SSO did not register a sign-in client. Try again.');
  const auth = await client.send(
    new StartDeviceAuthorizationCommand({ clientId: registration.clientId, clientSecret: registration.clientSecret, startUrl: sso.startUrl }),
  );
  if (!auth.deviceCode || !auth.userCode || !auth.verificationUri) raise('AWS_ERROR', 'AWS SSO did not start the device sign-in. Try again.');
  const expiresAt = new Date(now().getTime() + (auth.expiresIn ?? 600) * 1000);
  const signIn: SsoSignIn = { profile, verificationUri: auth.verificationUriComplete ?? auth.verificationUri, userCode: auth.userCode, expiresAt: expiresAt.toISOString() };
  await options.openUrl(signIn.verificationUri);
  options.onStatus('waiting', `Confirm code ${auth.userCode} in your browser.`);
  const clientId = registration.clientId;
  const clientSecret = registration.clientSecret;
  const deviceCode = auth.deviceCode;
  const registrationExpiresAt = registration.clientSecretExpiresAt
    ? new Date(registration.clientSecretExpiresAt * 1000).toISOString()
    : undefined;

  const done = (async () => {
    let interval = Math.max(1, auth.interval ?? 5) * 1000;
    for (;;) {
      if (options.signal?.aborted) {
        options.onStatus('failed', 'Sign-in cancelled.');
        raise('CANCELLED', 'SSO sign-in was cancelled.');
      }
      if (now().getTime() > expiresAt.getTime()) {
        options.onStatus('expired', 'The sign-in code expired before it was confirmed. Start again.');
        raise('SSO_LOGIN_REQUIRED', `The sign-in code for profile "${profile}" expired before it was confirmed. Start the sign-in again.`, { profile });
      }
      await sleep(interval);
      try {
        const token = await client.send(
          new CreateTokenCommand({ clientId, clientSecret, deviceCode, grantType: 'urn:ietf:params:oauth:grant-type:device_code' }),
        );
        if (!token.accessToken) raise('AWS_ERROR', 'AWS SSO returned no access token.');
        await writeTokenCache(sso, {
          startUrl: sso.startUrl,
          region: sso.ssoRegion,
          accessToken: token.accessToken,
          expiresAt: new Date(now().getTime() + (token.expiresIn ?? 3600) * 1000).toISOString(),
          ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
          clientId,
          clientSecret,
          ...(registrationExpiresAt ? { registrationExpiresAt } : {}),
        });
        options.onStatus('signed-in');
        return;
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'AuthorizationPendingException') continue;
        if (name === 'SlowDownException') {
          interval += 5000;
          continue;
        }
        if (name === 'ExpiredTokenException') {
          options.onStatus('expired', 'The sign-in code expired before it was confirmed. Start again.');
          raise('SSO_LOGIN_REQUIRED', `The sign-in code for profile "${profile}" expired before it was confirmed. Start the sign-in again.`, { profile });
        }
        if (name === 'AccessDeniedException') {
          options.onStatus('failed', 'The sign-in was denied in the browser.');
          raise('ACCESS_DENIED', `The SSO sign-in for profile "${profile}" was denied in the browser.`, { profile });
        }
        options.onStatus('failed', 'The sign-in failed.');
        throw error;
      }
    }
  })();
  return { signIn, done };
}

/** Writes the token cache file exactly where `aws sso login` writes it (owner-only permissions). */
export async function writeTokenCache(sso: SsoSettings, token: Record<string, string>): Promise<string> {
  const file = getSSOTokenFilepath(sso.cacheId);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify(token, null, 2), { mode: 0o600 });
  await rename(temp, file);
  return file;
}
