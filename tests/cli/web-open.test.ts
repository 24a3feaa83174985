/** `berth web` opens the browser as `vite --open` does, unless told not to; failing to open is never fatal. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../electron/api/context';
import { browserFromEnv, reasonNotToOpen, type BrowserOpener, type OpenEnvironment } from '../../electron/cli/browser';
import type { CommandIo } from '../../electron/cli/command';
import { createWebCommand } from '../../electron/cli/commands/web';
import { runCli } from '../../electron/cli/main';

const desktop: OpenEnvironment = { env: { DISPLAY: ':0' }, platform: 'linux' };

describe('whether berth web opens the browser', () => {
  it('opens by default on a desktop', () => {
    expect(reasonNotToOpen(false, desktop)).toBeUndefined();
    expect(reasonNotToOpen(false, { env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux' })).toBeUndefined();
    expect(reasonNotToOpen(false, { env: {}, platform: 'darwin' })).toBeUndefined();
    expect(reasonNotToOpen(false, { env: {}, platform: 'win32' })).toBeUndefined();
  });

  it('does not open with --no-open, BROWSER=none or in CI', () => {
    expect(reasonNotToOpen(true, desktop)).toBe('--no-open');
    expect(reasonNotToOpen(false, { ...desktop, env: { ...desktop.env, BROWSER: 'none' } })).toBe('BROWSER=none');
    expect(reasonNotToOpen(false, { ...desktop, env: { ...desktop.env, BROWSER: 'None' } })).toBe('BROWSER=none');
    expect(reasonNotToOpen(false, { env: { CI: 'true' }, platform: 'darwin' })).toBe('CI is set');
    expect(reasonNotToOpen(false, { ...desktop, env: { ...desktop.env, CI: '1' } })).toBe('CI is set');
    // CI=false is a machine that says it is not CI.
    expect(reasonNotToOpen(false, { ...desktop, env: { ...desktop.env, CI: 'false' } })).toBeUndefined();
  });

  it('does not open on Linux without a display (neither DISPLAY nor WAYLAND_DISPLAY), except under WSL', () => {
    expect(reasonNotToOpen(false, { env: {}, platform: 'linux' })).toBe('no display');
    expect(reasonNotToOpen(false, { env: { DISPLAY: '' }, platform: 'linux' })).toBe('no display');
    expect(reasonNotToOpen(false, { env: { WSL_DISTRO_NAME: 'Ubuntu' }, platform: 'linux' })).toBeUndefined();
  });

  it('uses the browser BROWSER names, as vite does', () => {
    expect(browserFromEnv({})).toBeUndefined();
    expect(browserFromEnv({ BROWSER: 'none' })).toBeUndefined();
    expect(browserFromEnv({ BROWSER: 'firefox' })).toBe('firefox');
  });
});

describe('berth web and its opener', () => {
  let root: string;
  let rendererDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-web-open-'));
    rendererDir = root;
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Berth</title>');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Starts `berth web` with an injected opener; resolves once it printed its URL. */
  async function startWeb(opener: BrowserOpener, options: Record<string, string | boolean> = {}, environment: OpenEnvironment = desktop) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    let stop!: () => void;
    const io: CommandIo = {
      out: (l) => stdout.push(l),
      err: (l) => stderr.push(l),
      readStdin: async () => '',
      interrupted: new Promise<void>((resolve) => (stop = resolve)),
    };
    const ctx = createContext({ shell: 'cli', version: 'test', dataDir: join(root, 'data') });
    const command = createWebCommand({ opener, environment: () => environment, rendererDir: () => rendererDir });
    const exit = command.run({ positionals: [], options, json: false, io, context: () => ctx });
    await expect.poll(() => stdout.join('\n')).toContain('Berth is running at http://127.0.0.1:');
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(stdout[0]!)![0];
    return { url, stdout, stderr, exit, stop };
  }

  it('opens the printed URL by default', async () => {
    const opened: (string | undefined)[][] = [];
    const web = await startWeb(async (url, browser) => void opened.push([url, browser]));
    await expect.poll(() => opened).toHaveLength(1);
    expect(opened[0]).toEqual([web.url, undefined]);
    expect(web.stdout[1]).toContain('Opening it in your browser');
    web.stop();
    expect(await web.exit).toBe(0);
    expect(web.stderr).toEqual([]);
  });

  it('passes the browser BROWSER names to the opener', async () => {
    const opened: (string | undefined)[] = [];
    const web = await startWeb(async (_url, browser) => void opened.push(browser), {}, { ...desktop, env: { ...desktop.env, BROWSER: 'firefox' } });
    await expect.poll(() => opened).toEqual(['firefox']);
    web.stop();
    expect(await web.exit).toBe(0);
  });

  it.each([
    ['--no-open', { 'no-open': true }, desktop],
    ['BROWSER=none', {}, { ...desktop, env: { ...desktop.env, BROWSER: 'none' } }],
    ['CI', {}, { ...desktop, env: { ...desktop.env, CI: 'true' } }],
    ['no display on Linux', {}, { env: {}, platform: 'linux' as const }],
  ])('does not open with %s, and still prints the URL', async (_name, options, environment) => {
    const opened: string[] = [];
    const web = await startWeb(async (url) => void opened.push(url), options, environment);
    expect(web.stdout[1]).toContain('Open that address in your browser');
    const page = await fetch(web.url);
    expect(page.status).toBe(200);
    expect(opened).toEqual([]);
    web.stop();
    expect(await web.exit).toBe(0);
  });

  it.each([
    ['rejects', (async () => Promise.reject(new Error('xdg-open exited with code 3'))) as BrowserOpener],
    [
      'throws',
      (() => {
        throw new Error('xdg-open exited with code 3');
      }) as BrowserOpener,
    ],
  ])('keeps serving and prints the URL when the opener %s, with one line saying so', async (_how, opener) => {
    const web = await startWeb(opener);
    await expect.poll(() => web.stderr).toHaveLength(1);
    expect(web.stderr[0]).toBe('berth: could not open a browser (xdg-open exited with code 3); open the address above yourself.');
    expect(web.stdout[0]).toBe(`Berth is running at ${web.url}`);
    // Still serving: the page answers, and the command has not ended.
    const page = await fetch(web.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Berth</title>');
    let ended = false;
    void web.exit.then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    web.stop();
    expect(await web.exit).toBe(0);
  });

  it('takes --no-open on the command line, and lists it in the help', async () => {
    const lines: string[] = [];
    const io: CommandIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), readStdin: async () => '', interrupted: new Promise(() => undefined) };
    // A bad --port stops the command before it serves: --no-open itself was accepted.
    expect(await runCli(['web', '--no-open', '--port', 'eighty'], io)).toBe(2);
    expect(lines.join('\n')).toContain('--port must be a number');
    lines.length = 0;
    expect(await runCli(['web', '--help'], io)).toBe(0);
    expect(lines.join('\n')).toContain('--no-open');
  });
});
