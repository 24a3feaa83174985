/** The Electron shell against a fake `electron`: registration, window hardening, guards. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../../shared/contract';
import { createFakeElectron } from './fake-electron';

const fake = createFakeElectron();
vi.mock('electron', () => fake.module);

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
    expect(fake.windows[0]!.loaded).toMatch(/^file:.*renderer\/index\.html$/);
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

  it('blocks navigation away from the app and new windows; https links go to the system browser', () => {
    const contents = new (fake.module.BrowserWindow as unknown as new (o: object) => { webContents: import('./fake-electron').FakeWebContents })({}).webContents;
    for (const l of fake.appListeners.get('web-contents-created') ?? []) l({}, contents);
    const appUrl = fake.windows[0]!.loaded!;
    expect(contents.navigate(appUrl)).toBe(false);
    expect(contents.navigate('https://example.com/')).toBe(true);
    expect(contents.navigate('file:///etc/passwd')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://aws.amazon.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(fake.opened).toEqual(['https://example.com/', 'https://aws.amazon.com/']);
  });

  it('denies every permission request and sets a strict CSP on responses', () => {
    let granted: boolean | undefined;
    fake.sessionState.permissionHandler!({}, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(fake.sessionState.checkHandler!()).toBe(false);
    let headers: Record<string, string[]> = {};
    fake.sessionState.headersListener!({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    const csp = headers['Content-Security-Policy']![0]!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('app:openExternal refuses anything but https', async () => {
    const appUrl = fake.windows[0]!.loaded!;
    const handler = fake.handlers.get('app:openExternal')!;
    const bad = (await handler({ senderFrame: { url: appUrl } }, { url: 'file:///etc/passwd' })) as { ok: boolean; error: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});
