/**
 * Opening the user's browser at `berth web`'s address, as `vite --open` does: by default, unless
 * told not to (`--no-open`, `BROWSER=none`), in CI, or on a Linux machine without a display.
 * The system opener is the `open` package (xdg-open, `open`, `start`, WSL's PowerShell).
 */
import type { ChildProcess } from 'node:child_process';

/** Opens `url` in the default browser, or in `browser` (an app name) when given; rejects when it cannot. */
export type BrowserOpener = (url: string, browser?: string) => Promise<void>;

export interface OpenEnvironment {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
}

/** CI=true, CI=1, CI=anything: set and not an explicit "false"/"0". */
function isCi(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== '' && v !== 'false' && v !== '0';
}

/** Why the browser stays closed (a few words for the log), or undefined when it opens. */
export function reasonNotToOpen(noOpen: boolean, { env, platform }: OpenEnvironment): string | undefined {
  if (noOpen) return '--no-open';
  if ((env.BROWSER ?? '').trim().toLowerCase() === 'none') return 'BROWSER=none';
  if (isCi(env.CI)) return 'CI is set';
  // WSL opens the Windows browser through PowerShell: no Linux display is needed there.
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY && !env.WSL_DISTRO_NAME) return 'no display';
  return undefined;
}

/** The browser app `BROWSER` names (vite's convention), if any. */
export function browserFromEnv(env: Record<string, string | undefined>): string | undefined {
  const browser = (env.BROWSER ?? '').trim();
  return browser === '' || browser.toLowerCase() === 'none' ? undefined : browser;
}

/** A launcher that exits with an error this soon after starting failed to open anything. */
const LAUNCH_FAILURE_WINDOW_MS = 10_000;

/** The system opener: the `open` package (ESM-only, so imported dynamically from the CJS bundle). */
export const systemOpener: BrowserOpener = async (url, browser) => {
  const { default: open } = await import('open');
  const child: ChildProcess = await open(url, browser ? { app: { name: browser } } : {});
  // xdg-open and friends exit quickly; a non-zero exit (no browser found) means nothing opened.
  // A launcher still running after the window is the browser itself: its exit says nothing.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, LAUNCH_FAILURE_WINDOW_MS);
    timer.unref();
    function done() {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve();
    }
    function onExit(code: number | null) {
      clearTimeout(timer);
      if (code === 0 || code === null) resolve();
      else reject(new Error(`${child.spawnfile} exited with code ${code}`));
    }
    if (child.exitCode !== null) onExit(child.exitCode);
    else child.once('exit', onExit);
  });
};
