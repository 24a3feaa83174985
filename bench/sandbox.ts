// Benchmark: the sandbox through the real AWS SDK v3 clients.
//  1. PutLogEvents and GetParametersByPath requests per second, against a bare HTTP server that
//     answers every request with a canned JSON body (the SDK + HTTP cost alone) in the same run.
//  2. The sandbox's heap holding 1 million log events, against the raw size of those events.
// Env: BENCH_REQUESTS (1000), BENCH_CONCURRENCY (8), BENCH_EVENTS (1000000).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startSandbox, SANDBOX_KEYS } from '../electron/sandbox/index';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const credentials = { ...SANDBOX_KEYS };

async function echoServer(): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = target.endsWith('GetParametersByPath') ? '{"Parameters":[]}' : '{"nextSequenceToken":"1"}';
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function once(send: (i: number) => Promise<unknown>, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await send(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/**
 * Requests per second of the baseline and the sandbox: runs alternate (baseline, sandbox, x3) after a
 * warm-up so machine noise hits both alike; the best run of each counts.
 */
async function rates(label: string, baseline: (i: number) => Promise<unknown>, sandbox: (i: number) => Promise<unknown>): Promise<[number, number]> {
  await once(baseline, 200);
  await once(sandbox, 200);
  let best: [number, number] = [0, 0];
  for (let round = 0; round < 3; round++) best = [Math.max(best[0], await once(baseline, REQUESTS)), Math.max(best[1], await once(sandbox, REQUESTS))];
  console.log(`  ${`${label}, bare HTTP server`.padEnd(52)} ${best[0].toFixed(0).padStart(8)} req/s`);
  console.log(`  ${`${label}, sandbox`.padEnd(52)} ${best[1].toFixed(0).padStart(8)} req/s`);
  return best;
}

function events(i: number, n: number): { timestamp: number; message: string }[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, j) => ({ timestamp: now + j, message: `INFO request ${i}-${j} GET /api/items 200 12ms` }));
}

function heapBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function main(): Promise<void> {
  const echo = await echoServer();
  const sandbox = await startSandbox({ speed: 'instant' });
  const config = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const logs = { echo: new CloudWatchLogsClient(config(echo.endpoint)), sandbox: new CloudWatchLogsClient(config(sandbox.endpoint)) };
  const ssm = { echo: new SSMClient(config(echo.endpoint)), sandbox: new SSMClient(config(sandbox.endpoint)) };

  await logs.sandbox.send(new CreateLogGroupCommand({ logGroupName: '/bench' }));
  await logs.sandbox.send(new CreateLogStreamCommand({ logGroupName: '/bench', logStreamName: 'rate' }));
  for (let i = 0; i < 100; i++) await ssm.sandbox.send(new PutParameterCommand({ Name: `/bench/app/P${String(i).padStart(3, '0')}`, Value: `value-${i}`, Type: i % 2 ? 'SecureString' : 'String' }));

  console.log(`Requests through the AWS SDK v3 (${REQUESTS} per figure, ${CONCURRENCY} in flight):`);
  const put = (client: CloudWatchLogsClient) => (i: number) => client.send(new PutLogEventsCommand({ logGroupName: '/bench', logStreamName: 'rate', logEvents: events(i, 10) }));
  const byPath = (client: SSMClient) => () => client.send(new GetParametersByPathCommand({ Path: '/bench/app', WithDecryption: true }));
  const [putEcho, putSandbox] = await rates('PutLogEvents (10 events)', put(logs.echo), put(logs.sandbox));
  const [pathEcho, pathSandbox] = await rates('GetParametersByPath (10 of 100)', byPath(ssm.echo), byPath(ssm.sandbox));
  console.log(`  PutLogEvents: sandbox at ${((putSandbox / putEcho) * 100).toFixed(0)}% of the bare server's rate (ratio ${(putSandbox / putEcho).toFixed(2)})`);
  console.log(`  GetParametersByPath: sandbox at ${((pathSandbox / pathEcho) * 100).toFixed(0)}% of the bare server's rate (ratio ${(pathSandbox / pathEcho).toFixed(2)})`);

  // Memory: a fresh stream, filled through the SDK in batches of 10,000.
  await logs.sandbox.send(new CreateLogStreamCommand({ logGroupName: '/bench', logStreamName: 'memory' }));
  const before = heapBytes();
  let raw = 0;
  const batch = 10_000;
  for (let i = 0; i < EVENTS / batch; i++) {
    const list = events(i, batch);
    for (const e of list) raw += Buffer.byteLength(e.message) + 8;
    await logs.sandbox.send(new PutLogEventsCommand({ logGroupName: '/bench', logStreamName: 'memory', logEvents: list }));
  }
  const held = heapBytes() - before;
  console.log(`Memory holding ${EVENTS.toLocaleString('en-US')} log events: ${(held / 1048576).toFixed(1)} MB (${(held / EVENTS).toFixed(0)} bytes per event)`);
  console.log(`  raw size of the events (message bytes + 8-byte timestamp): ${(raw / 1048576).toFixed(1)} MB; ratio ${(held / raw).toFixed(2)}`);

  for (const c of [logs.echo, logs.sandbox, ssm.echo, ssm.sandbox]) c.destroy();
  await sandbox.close();
  await new Promise<void>((resolve) => echo.server.close(() => resolve()));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
