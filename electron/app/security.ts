/**
 * Window and session hardening (DESIGN.md §7): strict CSP, no navigation away from the app,
 * no new windows, https links to the system browser, every permission request denied.
 * Written against a narrow interface so the contract test can drive it with a fake electron.
 */

/**
 * The CSP for the renderer: only the app's own scripts; styles inline for the component library.
 * `'self'` is the page's origin: `app://berth` in the desktop window (a standard, secure scheme,
 * so a real origin, never file://), `http://127.0.0.1:<port>` under the web bridge.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * True when `url` belongs to the app itself: same scheme and host as `appUrl` (`app://berth/…`
 * in the desktop window). file:// never counts, whatever `appUrl` is: any file on disk could be
 * loaded there. Neither do URLs without a host (`javascript:`, `data:`, `about:blank`), whose
 * opaque origins would all compare equal as "null".
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(appUrl);
    if (a.protocol === 'file:' || b.protocol === 'file:') return false;
    if (a.host === '' || a.username !== '' || a.password !== '') return false;
    return a.protocol === b.protocol && a.host === b.host;
  } catch {
    return false;
  }
}

/** True for links the system browser may open: https only. */
export function isExternalSafe(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** What `will-navigate` / `will-redirect` pass first: the target is `event.url` (the positional url is deprecated). */
export interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

export interface GuardableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
}

/** Blocks navigation away from the app and new windows; https links go to `openExternal`. */
export function guardContents(contents: GuardableContents, appUrl: string, openExternal: (url: string) => void): void {
  const onNavigate = (event: NavigationEvent) => {
    const { url } = event;
    if (isAppUrl(url, appUrl)) return;
    event.preventDefault();
    if (isExternalSafe(url)) openExternal(url);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalSafe(url)) openExternal(url);
    return { action: 'deny' };
  });
}

export interface GuardableSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[] | string> },
        callback: (response: { responseHeaders: Record<string, string[] | string> }) => void,
      ) => void,
    ): void;
  };
}

/** Denies every permission (camera, notifications prompts, geolocation...) and adds the CSP header. */
export function guardSession(session: GuardableSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}
