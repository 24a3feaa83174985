// Benchmark: what Berth's model gateway adds to a chat completion. The same prompt is answered by
// the sandbox's Bedrock (a fixed responder, so the model's own time is ~0 and the gateway's cost
// shows): through the gateway over HTTP (OpenAI request → Converse → OpenAI answer), against the
// baseline of the app calling Converse with the SDK itself, in the same run. Also the gateway's
// memory after the run. Env: BENCH_CALLS (2000).
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { startGateway } from '../electron/gateway/server';
import { sandboxClientConfig, startSandbox } from '../electron/sandbox/index';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const KEY = 'bench-gateway-key';
const MODEL = 'us.amazon.nova-micro-v1:0';
const PROMPT = 'Summarise the deployment in one sentence.';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** Milliseconds per call at the median and the 95th percentile. */
function percentiles(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length * 0.5)]!, p95: sorted[Math.floor(sorted.length * 0.95)]! };
}

async function timed(calls: number, once: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 50; i++) await once(); // warm up connections and JIT
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await once();
    samples.push(performance.now() - start);
  }
  return samples;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ speed: 'instant' });
  const env = { AWS_REGION: sandbox.region, OPENAI_API_KEY: KEY, BERTH_MODELS: JSON.stringify({ default: { id: MODEL, kind: 'chat' } }) };
  const gateway = await startGateway({ env, port: 0, host: '127.0.0.1', endpoint: sandbox.endpoint, credentials: sandbox.credentials, log: () => undefined });
  const runtime = new BedrockRuntimeClient(sandboxClientConfig(sandbox, 1));
  try {
    const direct = await timed(CALLS, async () => {
      const out = await runtime.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: PROMPT }] }] }));
      if (!out.output?.message) throw new Error('Converse answered without a message');
    });
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const through = await timed(CALLS, async () => {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: PROMPT }] }),
      });
      if (res.status !== 200) throw new Error(`the gateway answered ${res.status}: ${await res.text()}`);
      await res.json();
    });
    gc();
    const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    const d = percentiles(direct);
    const g = percentiles(through);
    console.log(`chat completion, ${CALLS} calls each (sandbox Bedrock, fixed responder)`);
    console.log(`  baseline, Converse through the SDK: p50 ${d.p50.toFixed(2)} ms, p95 ${d.p95.toFixed(2)} ms`);
    console.log(`  through Berth's gateway:            p50 ${g.p50.toFixed(2)} ms, p95 ${g.p95.toFixed(2)} ms`);
    console.log(`  gateway overhead at p50: ${(g.p50 - d.p50).toFixed(2)} ms (ratio ${(g.p50 / d.p50).toFixed(2)}× the baseline)`);
    console.log(`  heap growth over the gateway run (after GC; gateway, SDK and sandbox share the process): ${heapGrowth.toFixed(1)} MB`);
  } finally {
    runtime.destroy();
    await gateway.close();
    await sandbox.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
