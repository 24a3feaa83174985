/**
 * The renderer's `app://berth/` scheme against a fake `electron`: registered privileged before
 * ready, served from dist/renderer only, with the right content types, refusing every way out.
 * (The packaged binary turns grantFileProtocolExtraPrivileges off, so file:// is not an option.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFakeElectron } from './fake-electron';

// An installed app's layout: app.asar/{package.json, dist/main, dist/renderer}.
const appPath = mkdtempSync(join(tmpdir(), 'berth-app-'));
const renderer = join(appPath, 'dist', 'renderer');
const SECRET = 'not-for-the-renderer';
const INDEX = '<!doctype html><html><head><script type="module" crossorigin src="./assets/index-abc.js"></script></head><body><div id="root"></div></body></html>';
mkdirSync(join(renderer, 'assets'), { recursive: true });
mkdirSync(join(appPath, 'dist', 'main'), { recursive: true });
writeFileSync(join(renderer, 'index.html'), INDEX);
writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'export const berth = 1;\n');
writeFileSync(join(renderer, 'assets', 'index-abc.css'), 'body { margin: 0 }\n');
writeFileSync(join(renderer, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
writeFileSync(join(appPath, 'dist', 'main', 'main.cjs'), `// ${SECRET}\n`);
writeFileSync(join(appPath, 'secret.txt'), SECRET);
writeFileSync(join(appPath, 'package.json'), `{"name":"${SECRET}"}`);

const fake = createFakeElectron({ appPath });
vi.mock('electron', () => fake.module);

describe('app://berth/ (fake electron)', () => {
  let readyAtImport: boolean | undefined;
  beforeAll(async () => {
    await import('../../electron/app/main');
    readyAtImport = fake.module.app.isReady();
    fake.fireReady();
    await vi.waitFor(() => expect(fake.windows[0]?.loaded).toBeDefined());
  });
  afterAll(async () => {
    for (const l of fake.appListeners.get('before-quit') ?? []) await l();
    rmSync(appPath, { recursive: true, force: true });
  });

  it('registers app: as a standard, secure, fetch-capable scheme before ready, without bypassing the CSP', () => {
    expect(readyAtImport).toBe(false);
    const registered = fake.protocolState.privileged;
    expect(registered?.beforeReady).toBe(true);
    expect(registered!.schemes).toHaveLength(1);
    const [app] = registered!.schemes;
    expect(app!.scheme).toBe('app');
    expect(app!.privileges).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
    for (const off of ['bypassCSP', 'allowServiceWorkers', 'corsEnabled'] as const) expect(app!.privileges?.[off], off).toBeFalsy();
  });

  it('handles app: (and only app:) in the default session, and loads the window from app://berth/', () => {
    expect([...fake.protocolState.handlers.keys()]).toEqual(['app']);
    expect(fake.module.session.defaultSession.protocol.isProtocolHandled('app')).toBe(true);
    expect(fake.windows[0]!.loaded).toBe('app://berth/index.html');
  });

  it('serves index.html for / and by name, as HTML with the CSP', async () => {
    for (const url of ['app://berth/', 'app://berth', 'app://berth/index.html', 'app://berth/index.html?x=1#/projects']) {
      const res = await fake.request(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toBe('text/html; charset=utf-8');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('serves assets with their content types', async () => {
    const cases = [
      ['app://berth/assets/index-abc.js', 'text/javascript; charset=utf-8', 'export const berth = 1;\n'],
      ['app://berth/assets/index-abc.css', 'text/css; charset=utf-8', 'body { margin: 0 }\n'],
      ['app://berth/favicon.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ] as const;
    for (const [url, type, body] of cases) {
      const res = await fake.request(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toBe(type);
      expect(res.headers.has('content-security-policy'), url).toBe(false);
      expect(await res.text(), url).toBe(body);
    }
    const head = await fake.request('app://berth/assets/index-abc.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const post = await fake.request('app://berth/index.html', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });

  it('refuses path traversal, absolute paths, other hosts, folders and missing files with 404', async () => {
    const abs = encodeURIComponent(join(appPath, 'secret.txt'));
    const attempts = [
      'app://berth/../../etc/passwd',
      'app://berth/../secret.txt',
      'app://berth/../../secret.txt',
      'app://berth/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://berth/%2e%2e%2fmain%2fmain.cjs',
      'app://berth/%2E%2E%2F%2E%2E%2Fpackage.json',
      'app://berth/..%2f..%2fsecret.txt',
      'app://berth/assets/..%2f..%2f..%2fsecret.txt',
      'app://berth/%2e%2e%5c%2e%2e%5csecret.txt',
      'app://berth/%252e%252e%252fsecret.txt',
      'app://berth/%2Fetc%2Fpasswd',
      `app://berth/${abs}`,
      'app://berth//etc/passwd',
      'app://berth/C:%5CWindows%5Cwin.ini',
      'app://berth/index.html%00.js',
      'app://berth/%E0%A4%A',
      'app://other-host/index.html',
      'app://berth.evil/index.html',
      'app://berth:8080/index.html',
      'app://berth/assets',
      'app://berth/assets/',
      'app://berth/missing.js',
    ];
    for (const url of attempts) {
      const res = await fake.request(url);
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain(SECRET);
    }
  });
});
