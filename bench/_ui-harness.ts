/**
 * Shared by the ui-* benchmarks: Debian's Chromium through Playwright, and Berth's real
 * handler map behind the web bridge serving the built renderer (run `npx vite build` first).
 */
import { chromium, type Browser } from '@playwright/test';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createContext, type AppContext } from '../electron/api/context';
import { handlers } from '../electron/api/handlers';
import type { Handlers } from '../electron/api/handler-types';
import { startBridge, type Bridge } from '../electron/bridge/server';

export const RENDERER_DIR = resolve('dist/renderer');

/** Stops with a clear message when the renderer has not been built. */
export function requireBuiltRenderer(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    console.error('dist/renderer is missing: run `npx vite build` (or `npm run build`) first.');
    process.exit(1);
  }
}

/** Headless Chromium as the e2e tests run it. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', ...extraArgs],
  });
}

export interface BenchApp {
  bridge: Bridge;
  ctx: AppContext;
  dataDir: string;
  close(): Promise<void>;
}

/** The real app behind the bridge in a fresh data folder; `override` replaces some handlers (feeders for load tests). */
export async function startApp(override: Partial<Handlers> = {}): Promise<BenchApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-bench-ui-'));
  const ctx = createContext({ shell: 'test', version: 'bench', dataDir, abilities: { openExternal: async () => undefined } });
  const bridge = await startBridge({ handlers: { ...handlers, ...override } as Handlers, ctx, rendererDir: RENDERER_DIR });
  return {
    bridge,
    ctx,
    dataDir,
    async close() {
      await bridge.close();
      await ctx.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A quantile (0..1) of a list of numbers. */
export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
