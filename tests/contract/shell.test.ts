/** The Electron shell against a fake `electron`: registration, window hardening, guards. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../../shared/contract';
import { createFakeElectron, type FakeWebContents, SAMPLE_PERMISSIONS } from './fake-electron';

const fake = createFakeElectron();
vi.mock('electron', () => fake.module);

/** file:// URLs of the renderer's index.html: the built one, and where main.ts's `__dirname/../renderer` points under vitest. */
const rendererFileUrls = [join(__dirname, '..', '..', 'dist', 'renderer', 'index.html'), join(__dirname, '..', '..', 'electron', 'renderer', 'index.html')].map(
  (p) => pathToFileURL(p).href,
);

describe('Electron main process (fake electron)', () => {
  beforeAll(async () => {
    await import('../../electron/app/main');
    fake.fireReady();
    await vi.waitFor(() => expect(fake.windows[0]?.loaded).toBeDefined());
  });
  afterAll(async () => {
    for (const l of fake.appListeners.get('before-quit') ?? []) await l();
  });

  it('registers exactly one IPC handler per contract method, and nothing else', () => {
    expect([...fake.handlers.keys()].sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('opens the window with contextIsolation, sandbox and no nodeIntegration, loading the built renderer', () => {
    const prefs = fake.windows[0]!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    // From the app's own scheme, not file:// (the packaged binary grants file:// no extra privileges).
    expect(fake.windows[0]!.loaded).toBe('app://berth/index.html');
  });

  it('answers calls from the app’s own frame and refuses any other frame', async () => {
    const appUrl = fake.windows[0]!.loaded!;
    const handler = fake.handlers.get('app:info')!;
    const good = (await handler({ senderFrame: { url: appUrl } }, {})) as { ok: boolean; value: { version: string } };
    expect(good.ok).toBe(true);
    expect(good.value.version).toBe('9.9.9');
    const evil = (await handler({ senderFrame: { url: 'https://evil.example/' } }, {})) as { ok: boolean; error: { code: string } };
    expect(evil).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    const noFrame = (await handler({ senderFrame: null }, {})) as { ok: boolean; error: { code: string } };
    expect(noFrame.error.code).toBe('UNTRUSTED_SENDER');
    const sameApp = (await handler({ senderFrame: { url: 'app://berth/index.html#/projects' } }, {})) as { ok: boolean };
    expect(sameApp.ok).toBe(true);
  });

  it('refuses IPC from file:// frames (even the old renderer path) and from any other app:// host or opaque origin', async () => {
    const handler = fake.handlers.get('app:info')!;
    for (const url of [
      ...rendererFileUrls,
      'file:///etc/passwd',
      'file:///',
      'app://other-host/index.html',
      'app://berth.evil/index.html',
      'app://berth:1/index.html',
      'http://berth/index.html',
      'data:text/html,<script>1</script>',
      'javascript:alert(1)',
      'about:blank',
      '',
    ]) {
      const result = (await handler({ senderFrame: { url } }, {})) as { ok: boolean; error: { code: string } };
      expect(result, url).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    }
  });

  it('returns INVALID_ARGUMENT as a Result for bad arguments, never throwing', async () => {
    const appUrl = fake.windows[0]!.loaded!;
    const frame = { senderFrame: { url: appUrl } };
    for (const [method, args] of [
      ['project:open', { dir: 'relative/path' }],
      ['project:open', { dir: 42 }],
      ['project:open', 'not an object'],
      ['app:info', { unexpected: true }],
      ['secrets:set', { dir: '/tmp/x', name: 'bad name!', value: 'v' }],
      ['inventory:teardownProject', { project: 'shop', confirm: 'wrong', deleteConfig: false, deleteUploads: false }],
    ] as const) {
      const result = (await fake.handlers.get(method)!(frame, args)) as { ok: boolean; error: { code: string; message: string } };
      expect(result.ok, `${method} ${JSON.stringify(args)}`).toBe(false);
      expect(result.error.code).toBe('INVALID_ARGUMENT');
      expect(result.error.message.length).toBeGreaterThan(0);
    }
  });

  it('blocks navigation and redirects away from the app and new windows; https links go to the system browser', () => {
    const contents = new (fake.module.BrowserWindow as unknown as new (o: object) => { webContents: FakeWebContents })({}).webContents;
    for (const l of fake.appListeners.get('web-contents-created') ?? []) l({}, contents);
    const appUrl = fake.windows[0]!.loaded!;
    expect(contents.navigate(appUrl)).toBe(false);
    expect(contents.navigate('https://example.com/')).toBe(true);
    expect(contents.navigate('file:///etc/passwd')).toBe(true);
    for (const url of rendererFileUrls) expect(contents.navigate(url), url).toBe(true);
    expect(contents.navigate('app://berth/index.html#/projects')).toBe(false);
    expect(contents.navigate('app://other-host/index.html')).toBe(true);
    expect(contents.navigate('data:text/html,<h1>hi</h1>')).toBe(true);
    expect(contents.navigate('javascript:alert(1)')).toBe(true);
    expect(contents.redirect(appUrl)).toBe(false);
    expect(contents.redirect('file:///etc/passwd')).toBe(true);
    expect(contents.redirect('http://169.254.169.254/latest/meta-data/')).toBe(true);
    expect(contents.open('https://aws.amazon.com/')).toEqual({ action: 'deny' });
    expect(contents.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(fake.opened).toEqual(['https://example.com/', 'https://aws.amazon.com/']);
  });

  it('denies every permission request and check, including the kinds newer Electrons added', () => {
    const contents = {} as Electron.WebContents;
    for (const permission of SAMPLE_PERMISSIONS) {
      let granted: boolean | undefined;
      fake.sessionState.permissionHandler!(contents, permission, (g) => (granted = g), { isMainFrame: true, requestingUrl: 'app://berth/index.html' });
      expect(granted, permission).toBe(false);
    }
    for (const permission of ['media', 'clipboard-read', 'local-network-access', 'hid', 'usb', 'serial'] as const) {
      expect(fake.sessionState.checkHandler!(contents, permission, 'app://berth', { isMainFrame: true }), permission).toBe(false);
    }
  });

  it('sets a strict CSP on responses', () => {
    let headers: Record<string, string[]> = {};
    const details = { id: 1, url: 'app://berth/index.html', method: 'GET', resourceType: 'mainFrame', referrer: '', timestamp: 0, statusLine: 'HTTP/1.1 200 OK', statusCode: 200, responseHeaders: {} } as const;
    fake.sessionState.headersListener!(details, (r) => (headers = r.responseHeaders as Record<string, string[]>));
    const csp = headers['Content-Security-Policy']![0]!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('opens the folder picker at home, then beside the last project picked (Electron 43+ would start in Downloads)', async () => {
    const appUrl = fake.windows[0]!.loaded!;
    const handler = fake.handlers.get('project:pickFolder')!;
    const show = fake.module.dialog.showOpenDialog;
    show.mockResolvedValueOnce({ canceled: false, filePaths: ['/work/projects/shop'] });
    const first = (await handler({ senderFrame: { url: appUrl } }, {})) as { ok: boolean; value: unknown };
    expect(first).toMatchObject({ ok: true, value: '/work/projects/shop' });
    const optionsOf = (call: unknown[]) => call[call.length - 1] as Electron.OpenDialogOptions;
    expect(optionsOf(show.mock.calls.at(-1)!)).toMatchObject({ defaultPath: '/tmp/berth-fake-electron', properties: ['openDirectory'] });
    await handler({ senderFrame: { url: appUrl } }, {});
    expect(optionsOf(show.mock.calls.at(-1)!).defaultPath).toBe('/work/projects');
  });

  it('app:openExternal refuses anything but https', async () => {
    const appUrl = fake.windows[0]!.loaded!;
    const handler = fake.handlers.get('app:openExternal')!;
    const bad = (await handler({ senderFrame: { url: appUrl } }, { url: 'file:///etc/passwd' })) as { ok: boolean; error: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});
