// Benchmark: log throughput from the sandbox to the renderer boundary (`logs:batch` payloads),
// and memory after 1 million lines. Baseline in the same run: paging FilterLogEvents through the
// SDK alone (no dedupe, filtering, batching). The sandbox runs in a child process, so the
// memory figures are the tail's own. Env: BENCH_LINES (1000000).
import { fork } from 'node:child_process';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, FilterLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LogBatch } from '../shared/domain/logs';
import { resolveQuery } from '../electron/logs/sources';
import { LogTail } from '../electron/logs/tail';
import { sandboxClientConfig, startSandbox } from '../electron/sandbox/index';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

/** The child: a sandbox that reports its address and runs until told to stop. */
async function sandboxChild(): Promise<void> {
  const sandbox = await startSandbox();
  process.send?.({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials });
  process.on('message', () => void sandbox.close().then(() => process.exit(0)));
}

async function main(): Promise<void> {
  const child = fork(__filename, [], { env: { ...process.env, BERTH_BENCH_SANDBOX_CHILD: '1' }, execArgv: [] });
  const sandbox = await new Promise<{ endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }>((resolve) => child.once('message', resolve as (m: unknown) => void));
  const logs = new CloudWatchLogsClient({ ...sandboxClientConfig(sandbox as Parameters<typeof sandboxClientConfig>[0], 3) });
  try {
    const group = '/berth/bench';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const streams = ['web/web/task1', 'api/api/task2', 'worker/worker/task3'];
    for (const s of streams) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
    // One line a millisecond from T0, spread over three services, in batches of 10,000.
    const T0 = Date.now() - LINES - 60_000;
    const ingestStart = performance.now();
    for (let i = 0; i < LINES; i += 10_000) {
      const n = Math.min(10_000, LINES - i);
      const stream = streams[(i / 10_000) % streams.length]!;
      const logEvents = Array.from({ length: n }, (_, k) => ({ timestamp: T0 + i + k, message: `GET /api/items/${i + k} 200 ${(i + k) % 97}ms user=${(i + k) % 1000}` }));
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents }));
    }
    const ingestMs = performance.now() - ingestStart;

    // Baseline: the SDK paging through every event, nothing else.
    gc();
    let rawLines = 0;
    const rawStart = performance.now();
    let token: string | undefined;
    do {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime: T0, ...(token ? { nextToken: token } : {}) }));
      rawLines += out.events?.length ?? 0;
      token = out.nextToken;
    } while (token);
    const rawMs = performance.now() - rawStart;

    // Berth's tail: backfill through dedupe, filters and the batcher, to the renderer boundary.
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let delivered = 0;
    let batches = 0;
    let peakHeap = 0;
    const tailStart = performance.now();
    const tail = new LogTail({
      tailId: 'bench',
      clients: { logs },
      query: resolveQuery({ project: 'bench', since: T0 }, { services: ['web', 'api', 'worker'] }),
      follow: false,
      emit: (batch: LogBatch) => {
        // What crosses to the renderer: the serialised payload.
        JSON.stringify(batch);
        delivered += batch.lines.length;
        batches += 1;
        if (batches % 20 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      },
    });
    await tail.done;
    const tailMs = performance.now() - tailStart;
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    if (delivered !== LINES || rawLines !== LINES) throw new Error(`Lost lines: tail ${delivered}, raw ${rawLines}, written ${LINES}`);

    console.log(`${LINES.toLocaleString('en')} lines written in ${(ingestMs / 1000).toFixed(1)} s`);
    console.log('');
    console.log('| reader                              | lines/s  | time    |');
    console.log('|-------------------------------------|---------:|--------:|');
    console.log(`| SDK FilterLogEvents paging (base)   | ${Math.round(rawLines / (rawMs / 1000)).toLocaleString('en').padStart(8)} | ${(rawMs / 1000).toFixed(1).padStart(5)} s |`);
    console.log(`| Berth tail to logs:batch            | ${Math.round(delivered / (tailMs / 1000)).toLocaleString('en').padStart(8)} | ${(tailMs / 1000).toFixed(1).padStart(5)} s |`);
    console.log('');
    console.log(`ratio tail / baseline time: ${(tailMs / rawMs).toFixed(2)}x; ${batches} batches (${(batches / (tailMs / 1000)).toFixed(1)} a second, at most ~10)`);
    console.log(`tail heap: peak (sampled) ${mb(peakHeap - heapBefore)} above start; after ${LINES.toLocaleString('en')} lines ${mb(heapAfter - heapBefore)} retained`);
    console.log(`tail process RSS at the end: ${mb(process.memoryUsage().rss)} (peak ${mb(process.resourceUsage().maxRSS * 1024)})`);
  } finally {
    logs.destroy();
    child.send('stop');
  }
}

(process.env.BERTH_BENCH_SANDBOX_CHILD ? sandboxChild() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
