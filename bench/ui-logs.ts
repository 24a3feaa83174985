// Benchmark: the Logs screen under load. A feeder stands in for the logs engine (the thing
// measured is the renderer): 2,000 lines/s for 30 s while the page records every frame, then
// on to 100,000 lines, then the page's JS heap after a forced GC. Baseline in the same run:
// the same screen's frames and heap with no lines arriving.
// Targets: no frame over 100 ms, memory under 150 MB. Env: BENCH_SECONDS (30), BENCH_RATE (2000), BENCH_TOTAL (100000).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogLine } from '../shared/domain/logs';
import { dispatch } from '../electron/api/dispatch';
import { handlers } from '../electron/api/handlers';
import type { Handlers } from '../electron/api/handler-types';
import type { AppContext } from '../electron/api/context';
import { startSandbox } from '../electron/sandbox/index';
import { launchBrowser, quantile, requireBuiltRenderer, startApp } from './_ui-harness';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 100_000);
const BATCHES_PER_SECOND = 10;

const WORDS = 'GET POST /api/orders /health 200 201 404 500 user=42 took ms cache hit miss retry upstream connected listening worker job done queued'.split(' ');
function message(i: number): string {
  const parts = [];
  for (let w = 0; w < 14; w++) parts.push(WORDS[(i * 7 + w * 13) % WORDS.length]);
  const text = `${parts.join(' ')} #${i}`;
  // One line in ten carries ANSI colours, as framework loggers print them.
  return i % 10 === 0 ? `\u001b[32mINFO\u001b[0m ${text}` : i % 37 === 0 ? `\u001b[31mERROR\u001b[0m ${text}` : text;
}

/** Emits log batches for whichever tail the page starts, on the bench's command. */
class Feeder {
  private tailId: string | null = null;
  private ctx: AppContext | null = null;
  sent = 0;
  attach(ctx: AppContext, tailId: string): void {
    this.ctx = ctx;
    this.tailId = tailId;
  }
  get ready(): boolean {
    return this.tailId !== null;
  }
  send(count: number): void {
    if (!this.ctx || !this.tailId) return;
    const lines: LogLine[] = [];
    const now = Date.now();
    for (let k = 0; k < count; k++, this.sent++) {
      lines.push({ id: `bench-${this.sent}`, timestamp: now, source: 'service', service: this.sent % 3 === 0 ? 'worker' : 'web', stream: `web/web/${this.sent % 4}`, message: message(this.sent) });
    }
    this.ctx.emit('logs:batch', { tailId: this.tailId, lines, status: 'live' });
  }
  /** Sends `rate` lines per second for `seconds`, in ten batches a second. */
  async stream(rate: number, seconds: number): Promise<void> {
    const perBatch = Math.round(rate / BATCHES_PER_SECOND);
    const start = Date.now();
    for (let b = 0; b < seconds * BATCHES_PER_SECOND; b++) {
      this.send(perBatch);
      const due = start + ((b + 1) * 1000) / BATCHES_PER_SECOND;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
  }
}

async function main(): Promise<void> {
  requireBuiltRenderer();
  const feeder = new Feeder();
  const override: Partial<Handlers> = {
    'logs:start': async (_args, ctx) => {
      const tailId = `bench-tail-${Date.now()}`;
      feeder.attach(ctx, tailId);
      return { tailId };
    },
    'logs:stop': async () => null,
    'deploy:history': async () => [],
  };
  const app = await startApp(override);
  const sandbox = await startSandbox({ speed: 'instant' });
  const all = { ...handlers, ...override } as Handlers;
  const connected = await dispatch(all, app.ctx, 'connection:connect', { target: { endpoint: sandbox.endpoint, region: sandbox.region, sandbox: true } });
  if (!connected.ok) throw new Error(`Could not connect to the sandbox: ${connected.error.message}`);

  const project = join(app.dataDir, 'shop');
  await mkdir(project, { recursive: true });
  await writeFile(join(project, 'compose.yaml'), 'name: shop\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n  worker:\n    image: busybox:1.36\n');

  const browser = await launchBrowser(['--enable-precise-memory-info']);
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  // Page-side code as strings: this file is type-checked for Node, without the DOM.
  await page.addInitScript(`
    window.__frames = [];
    window.__recording = false;
    let last = performance.now();
    const tick = (t) => {
      if (window.__recording) window.__frames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  `);
  await page.goto(app.bridge.url);
  await page.getByRole('link', { name: 'Projects', exact: true }).click();
  await page.getByLabel('Folder path').fill(project);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('heading', { level: 2, name: 'Project shop' }).waitFor();
  await page.getByRole('link', { name: 'Logs', exact: true }).click();
  await page.getByRole('log', { name: 'Log lines' }).waitFor();
  while (!feeder.ready) await new Promise((r) => setTimeout(r, 50));

  const cdp = await page.context().newCDPSession(page);
  const heapMb = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return usage.usedSize / 1024 / 1024;
  };
  const record = async (work: () => Promise<void>) => {
    await page.evaluate('window.__frames = []; window.__recording = true;');
    await work();
    return (await page.evaluate('window.__recording = false; window.__frames')) as number[];
  };

  // Baseline: the same screen, idle, for a fifth of the time.
  const idleHeap = await heapMb();
  const idleFrames = await record(() => new Promise((r) => setTimeout(r, (SECONDS * 1000) / 5)));

  // Load: RATE lines/s for SECONDS.
  const loadFrames = await record(() => feeder.stream(RATE, SECONDS));
  // Then up to TOTAL lines, faster, and the heap once it settled.
  while (feeder.sent < TOTAL) {
    feeder.send(Math.min(5000, TOTAL - feeder.sent));
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.getByTestId('log-count').filter({ hasText: /dropped|100,000 lines/ }).waitFor({ timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 1000));
  const loadedHeap = await heapMb();
  const shownRows = await page.getByTestId('log-row').count();
  const countText = await page.getByTestId('log-count').innerText();

  await browser.close();
  await sandbox.close();
  await app.close();

  const row = (frames: number[]) => ({
    frames: frames.length,
    'p50 ms': +quantile(frames, 0.5).toFixed(1),
    'p99 ms': +quantile(frames, 0.99).toFixed(1),
    'max ms': +Math.max(...frames).toFixed(1),
    'over 100 ms': frames.filter((f) => f > 100).length,
  });
  console.log(`log view: ${RATE} lines/s for ${SECONDS} s, then ${TOTAL.toLocaleString()} lines in all`);
  console.table({ 'idle (baseline)': row(idleFrames), [`receiving ${RATE}/s`]: row(loadFrames) });
  console.table({
    'JS heap, idle (baseline)': { MB: +idleHeap.toFixed(1) },
    [`JS heap after ${TOTAL.toLocaleString()} lines`]: { MB: +loadedHeap.toFixed(1) },
  });
  console.log(`rows in the DOM: ${shownRows}; the view says: ${countText}`);
  const maxFrame = Math.max(...loadFrames);
  console.log(
    `max frame ${maxFrame.toFixed(0)} ms (${(maxFrame / Math.max(...idleFrames)).toFixed(1)}x idle), target ≤ 100 ms: ${maxFrame <= 100 ? 'met' : 'NOT met'}; ` +
      `heap ${loadedHeap.toFixed(0)} MB (${(loadedHeap / idleHeap).toFixed(1)}x idle), target < 150 MB: ${loadedHeap < 150 ? 'met' : 'NOT met'}`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
