/** The app's SSO sign-ins: one at a time per profile, cancelled when the app quits. */
import type { SsoSignIn } from '../../shared/domain/connection';
import { raise } from '../../shared/result';
import type { AppContext } from '../api/context';
import { readSharedFiles } from './profiles';
import { ssoSettings, startSsoSignIn } from './sso';

/** Starts the device sign-in for `profile`: opens the browser, emits `sso:status` until it ends. */
export async function signInWithSso(ctx: AppContext, profile: string): Promise<SsoSignIn> {
  const running = ctx.service('sso.signIns', () => {
    const map = new Map<string, AbortController>();
    ctx.onDispose(() => {
      for (const c of map.values()) c.abort();
      map.clear();
    });
    return map;
  });
  const files = await readSharedFiles();
  const settings = files.profiles.get(profile);
  if (!settings) raise('PROFILE_NOT_FOUND', `There is no profile "${profile}" in ${files.configFile}.`, { profile });
  const sso = ssoSettings(settings);
  if (!sso) raise('INVALID_ARGUMENT', `Profile "${profile}" is not an SSO profile, so there is nothing to sign in to.`, { profile });
  running.get(profile)?.abort();
  const controller = new AbortController();
  running.set(profile, controller);
  const handle = await startSsoSignIn(profile, sso, {
    openUrl: (url) => ctx.abilities.openExternal(url),
    onStatus: (state, message) => ctx.emit('sso:status', { profile, state, ...(message ? { message } : {}) }),
    signal: controller.signal,
  });
  void handle.done.then(
    () => undefined,
    () => undefined, // the failure already went out as an sso:status event
  ).finally(() => {
    if (running.get(profile) === controller) running.delete(profile);
  });
  return handle.signIn;
}
