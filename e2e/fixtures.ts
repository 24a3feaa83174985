/**
 * Per-test app: a fresh data folder, the real handler map behind the web bridge, serving the
 * built renderer. Tests get the page already open at the bridge URL with its token.
 */
import { test as base, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createContext, type AppContext } from '../electron/api/context';
import { handlers } from '../electron/api/handlers';
import { startBridge, type Bridge } from '../electron/bridge/server';

export interface TestApp {
  bridge: Bridge;
  ctx: AppContext;
  dataDir: string;
  /** Folder for projects the test creates. */
  workDir: string;
  /** URLs the app asked main to open externally. */
  opened: string[];
}

export const test = base.extend<{ app: TestApp; appPage: Page }>({
  // Playwright fixtures declare their dependencies by destructuring; this one has none.
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    const root = await mkdtemp(join(tmpdir(), 'berth-e2e-'));
    const dataDir = join(root, 'data');
    const workDir = join(root, 'work');
    const opened: string[] = [];
    const ctx = createContext({
      shell: 'test',
      version: 'e2e',
      dataDir,
      abilities: { openExternal: async (url) => void opened.push(url) },
    });
    const bridge = await startBridge({ handlers, ctx, rendererDir: resolve('dist/renderer') });
    await use({ bridge, ctx, dataDir, workDir, opened });
    await bridge.close();
    await ctx.dispose();
    await rm(root, { recursive: true, force: true });
  },
  appPage: async ({ page, app }, use) => {
    await page.goto(app.bridge.url);
    await use(page);
  },
});

export { expect } from '@playwright/test';

/** Saves a named full-page screenshot into the test's output folder (kept as an artifact). */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}
