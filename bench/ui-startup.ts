// Benchmark: time from bridge start to an interactive Connect screen (the sandbox button can be
// clicked), against the floor of the same browser loading a one-line page from a plain HTTP
// server in the same run. Target: under 1.5 s. Env: BENCH_RUNS (7).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchBrowser, median, requireBuiltRenderer, startApp } from './_ui-harness';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

async function main(): Promise<void> {
  requireBuiltRenderer();
  const browser = await launchBrowser();
  const app: number[] = [];
  const floor: number[] = [];

  const plain = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><button>Ready</button>'));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`;

  for (let run = 0; run < RUNS + 1; run++) {
    // A fresh browser context each time: no cache, no session storage.
    const context = await browser.newContext();
    const page = await context.newPage();
    const t0 = performance.now();
    const started = await startApp();
    await page.goto(started.bridge.url);
    await page.getByRole('button', { name: /local sandbox/ }).waitFor({ state: 'visible' });
    await page.getByRole('button', { name: /local sandbox/ }).click({ trial: true });
    const t1 = performance.now();
    await started.close();

    const t2 = performance.now();
    await page.goto(plainUrl);
    await page.getByRole('button', { name: 'Ready' }).click({ trial: true });
    const t3 = performance.now();
    await context.close();
    // The first run warms the disk cache and the JIT; it is not counted.
    if (run > 0) {
      app.push(t1 - t0);
      floor.push(t3 - t2);
    }
  }
  await browser.close();
  plain.close();

  const a = median(app);
  const f = median(floor);
  console.log('time to an interactive Connect screen (median of %d, fresh browser context each)', RUNS);
  console.table({
    'Berth (bridge start → Connect clickable)': { ms: Math.round(a) },
    'floor (plain page → button clickable)': { ms: Math.round(f) },
  });
  console.log(`ratio ${(a / f).toFixed(1)}x the floor; target under 1500 ms: ${a < 1500 ? 'met' : 'NOT met'}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
