/**
 * The `app://berth/` scheme the desktop window loads the built renderer from, instead of file://.
 *
 * Why: the packaged binary turns the `grantFileProtocolExtraPrivileges` fuse off
 * (electron-builder.yml), so file:// pages get only a browser's privileges, and Chromium will
 * not run `<script type="module" crossorigin>` from file://. Electron's security guide
 * recommends a custom protocol for local content: `app://berth` is a real, secure origin, so
 * the CSP's `'self'` means exactly the app's own files and nothing else on disk.
 *
 * The handler serves files under the renderer folder only (inside app.asar when packaged;
 * Electron's `fs` reads from the archive). Anything else is a 404: another host, a path that
 * climbs out (`..`, also percent-encoded, or with encoded slashes), an absolute or drive path,
 * a folder (no listings), a missing file. Written against narrow interfaces, so the contract
 * test drives it with a fake electron.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'berth';
/** The app's origin: the only one `isAppUrl` accepts (file:// never is the app). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the main window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before `ready`: standard (relative URLs resolve, the origin is `app://berth` rather
 * than opaque, storage works), secure (a secure context, like https), fetch allowed. Not
 * `bypassCSP`: the app's own CSP applies to it. No service workers, no CORS from other origins.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const satisfies Electron.CustomScheme;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type a file is served with; unknown kinds are opaque bytes (with nosniff). */
export function mimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that `url` names, or null when it names none: wrong scheme, host, port
 * or credentials; a segment that is empty, `.` or `..`, or that decodes to something holding a
 * slash, backslash, colon or NUL (encoded traversal, absolute and drive paths); a result that
 * still lands outside `root`. `/` is index.html. Query and fragment are ignored.
 */
export function resolveAppPath(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') return null;
  const path = parsed.pathname === '/' || parsed.pathname === '' ? '/index.html' : parsed.pathname;
  if (!path.startsWith('/')) return null;
  const segments: string[] = [];
  for (const raw of path.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\:\0]/.test(segment)) return null;
    segments.push(segment);
  }
  const base = resolve(root);
  const file = join(base, ...segments);
  const inside = relative(base, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}

function refuse(status: 404 | 405): Response {
  const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
  if (status === 405) headers.Allow = 'GET, HEAD';
  return new Response(status === 404 ? 'Not found' : 'Method not allowed', { status, headers });
}

/** The `protocol.handle` handler serving `rootDir` (the built renderer) on `app://berth/`. */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  return async (request) => {
    const file = resolveAppPath(root, request.url);
    if (!file) return refuse(404);
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return refuse(404);
    const body = request.method === 'HEAD' ? null : await readFile(file).catch(() => null);
    if (request.method !== 'HEAD' && body === null) return refuse(404);
    const type = mimeType(file);
    const headers: Record<string, string> = {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
    };
    // The session's onHeadersReceived adds the CSP too; the page carries it itself regardless.
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    return new Response(body === null ? null : new Uint8Array(body), { status: 200, headers });
  };
}

export interface PrivilegedSchemeRegistrar {
  registerSchemesAsPrivileged(customSchemes: Electron.CustomScheme[]): void;
}
export interface ProtocolHandlerRegistrar {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Before `ready`: makes `app:` a standard, secure scheme (Electron allows this once, before ready). */
export function registerAppScheme(protocol: PrivilegedSchemeRegistrar): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME_PRIVILEGES.scheme, privileges: { ...APP_SCHEME_PRIVILEGES.privileges } }]);
}

/** After `ready`: serves `rendererDir` on `app://berth/` in the session `protocol` belongs to. */
export function serveAppScheme(protocol: ProtocolHandlerRegistrar, rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
}
