/**
 * Per-test app: a fresh data folder, the real handler map behind the web bridge, serving the
 * built renderer. Tests get the page already open at the bridge URL with its token.
 * `sandbox` (on request) starts Berth's local AWS-compatible sandbox at instant speed for the
 * test and connects the app to it; `app.restart()` stops main and starts it again on the same
 * address, as when the app is relaunched.
 */
import { test as base, type Page } from '@playwright/test';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ArgsOf, MethodName, ResultOf } from '../shared/contract';
import { createContext, type AppContext } from '../electron/api/context';
import { dispatch } from '../electron/api/dispatch';
import { handlers } from '../electron/api/handlers';
import { startBridge, type Bridge } from '../electron/bridge/server';
import { deployments } from '../electron/deploy/deployments';
import type { PipelineTuning } from '../electron/deploy/pipeline';
import { startSandbox, type Sandbox, type SandboxOptions } from '../electron/sandbox/index';
import { corpusDir } from '../tests/corpus/locate';

export interface TestApp {
  bridge: Bridge;
  ctx: AppContext;
  dataDir: string;
  /** Folder for projects the test creates. */
  workDir: string;
  /** URLs the app asked main to open externally. */
  opened: string[];
  /** Calls a contract method as the renderer would (for setup and checks); throws on an error result. */
  call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>;
  /** Stops main (bridge and context) and starts it again with the same data, address and token. */
  restart(): Promise<void>;
}

/** Copies a Defang sample, whole, into the test's work folder; returns its path. */
export async function copySample(app: TestApp, sample: string, as = sample): Promise<string> {
  const dir = join(app.workDir, as);
  await mkdir(app.workDir, { recursive: true });
  // The corpus is found (or downloaded) by the runner's global setup, tests/corpus/setup.ts.
  await cp(join(corpusDir(), sample), dir, { recursive: true });
  return dir;
}

/** Polling fast enough for the instant sandbox (the app's defaults are paced for AWS). */
const E2E_TUNING: PipelineTuning = { wait: { initialIntervalMs: 50, maxIntervalMs: 250 }, pollMs: 50, maxPollMs: 250, retryBaseDelayMs: 20 };

// No AWS credentials or profiles from the machine leak into a test: "first run" is reproducible.
const AWS_ENV = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION'];

export const test = base.extend<{ app: TestApp; appPage: Page; sandbox: Sandbox; sandboxOptions: Pick<SandboxOptions, 'speed' | 'speedFactor'> }>({
  // Instant unless a spec needs time to pass inside AWS (e.g. to restart mid-operation).
  sandboxOptions: [{ speed: 'instant' }, { option: true }],
  // Playwright fixtures declare their dependencies by destructuring; this one has none.
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    const root = await mkdtemp(join(tmpdir(), 'berth-e2e-'));
    const dataDir = join(root, 'data');
    const workDir = join(root, 'work');
    const saved = Object.fromEntries([...AWS_ENV, 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'].map((k) => [k, process.env[k]]));
    for (const k of AWS_ENV) delete process.env[k];
    process.env.AWS_CONFIG_FILE = join(root, 'aws', 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(root, 'aws', 'credentials');

    const opened: string[] = [];
    const makeContext = () => {
      const ctx = createContext({
        shell: 'test',
        version: 'e2e',
        dataDir,
        abilities: { openExternal: async (url) => void opened.push(url) },
      });
      // The sandbox answers instantly: poll it quickly instead of at AWS's pace.
      deployments(ctx, E2E_TUNING);
      return ctx;
    };
    const rendererDir = resolve('dist/renderer');
    const app = {
      ctx: makeContext(),
      dataDir,
      workDir,
      opened,
    } as TestApp;
    app.bridge = await startBridge({ handlers, ctx: app.ctx, rendererDir });
    app.call = async (method, args) => {
      const result = await dispatch(handlers, app.ctx, method, args);
      if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
      return result.value as never;
    };
    app.restart = async () => {
      const { port, token } = app.bridge;
      await app.bridge.close();
      await app.ctx.dispose();
      app.ctx = makeContext();
      app.bridge = await startBridge({ handlers, ctx: app.ctx, rendererDir, port, token });
    };
    await use(app);
    await app.bridge.close();
    await app.ctx.dispose();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(root, { recursive: true, force: true });
  },
  sandbox: async ({ app, sandboxOptions }, use) => {
    const sandbox = await startSandbox({ ...sandboxOptions, dataDir: join(app.dataDir, 'test-sandbox') });
    await app.call('connection:connect', { target: { endpoint: sandbox.endpoint, region: sandbox.region, sandbox: true } });
    await use(sandbox);
    await sandbox.close();
  },
  appPage: async ({ page, app }, use) => {
    await page.goto(app.bridge.url);
    await use(page);
  },
});

export { expect } from '@playwright/test';

/** Opens a project folder the way a browser user does: the Projects screen's path field. */
export async function openProject(page: Page, dir: string): Promise<void> {
  await page.getByRole('link', { name: 'Projects', exact: true }).click();
  await page.getByLabel('Folder path').fill(dir);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('heading', { level: 2, name: /^Project / }).waitFor();
}

/** Saves a named full-page screenshot into the test's output folder (kept as an artifact). */
export async function snap(page: Page, name: string): Promise<void> {
  // The app's header is fixed: a full-page shot of a scrolled page draws it mid-page, so shoot from the top.
  const scrolled = await page.evaluate(() => {
    const y = window.scrollY;
    window.scrollTo(0, 0);
    return y;
  });
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  await page.evaluate((y) => window.scrollTo(0, y), scrolled);
}
