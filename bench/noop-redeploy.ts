// Benchmark: a no-op redeploy against the sandbox — AWS API calls and wall time — with the first
// (full) deploy of the same project, in the same run, as the baseline.
// Targets: <= 25 calls and under 2 s. Env: BENCH_RUNS (5), BENCH_SAMPLE (bullmq-bullboard-redis).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { createContext } from '../electron/api/context';
import { connectionManager } from '../electron/aws/connection';
import { loadProject } from '../electron/compose/load';
import { deployments } from '../electron/deploy/deployments';
import { startSandbox } from '../electron/sandbox/index';
import { setConfig } from '../electron/secrets/store';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SAMPLE = process.env.BENCH_SAMPLE ?? 'bullmq-bullboard-redis';
const CORPUS = resolve(process.cwd(), '../shared/corpus/defang-samples');

async function main(): Promise<void> {
  const sandbox = await startSandbox();
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-bench-noop-'));
  const dir = await mkdtemp(join(tmpdir(), 'berth-bench-project-'));
  const text = await readFile(join(CORPUS, SAMPLE, 'compose.yaml'), 'utf8');
  await writeFile(join(dir, 'compose.yaml'), text);
  const doc = parse(text) as { services: Record<string, { build?: string | { context?: string; dockerfile?: string } }> };
  for (const service of Object.values(doc.services)) {
    if (!service.build) continue;
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    const context = resolve(dir, build.context ?? '.');
    const dockerfile = join(context, build.dockerfile ?? 'Dockerfile');
    await mkdir(dirname(dockerfile), { recursive: true });
    await writeFile(dockerfile, 'FROM node:20-alpine\nWORKDIR /app\nCOPY index.js .\nCMD ["node", "index.js"]\n');
    await writeFile(join(context, 'index.js'), 'console.log("hello");\n');
  }
  const ctx = createContext({ shell: 'cli', version: '0.0.0-bench', dataDir });
  try {
    await connectionManager(ctx).connect({ region: 'us-east-1', endpoint: sandbox.endpoint, sandbox: true });
    const conn = connectionManager(ctx).require();
    const calls: string[] = [];
    for (const [service, client] of Object.entries(conn.clients)) {
      (client as unknown as { middlewareStack: { add: (m: unknown, o: unknown) => void } }).middlewareStack.add(
        (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
          calls.push(`${service}:${context.commandName}`);
          return next(args);
        },
        { step: 'initialize', name: 'countCalls' },
      );
    }
    const project = (await loadProject(dir)).project!;
    for (const r of project.requiredConfig) await setConfig(conn.clients.ssm, project.name, r.name, `bench-${r.name}`);
    const service = deployments(ctx);
    const once = async () => {
      const from = calls.length;
      const started = performance.now();
      const { deploymentId } = await service.start({ dir, mode: 'affordable', autoApprove: true });
      const record = await service.get(deploymentId)!.done;
      return { ms: performance.now() - started, calls: calls.slice(from), outcome: record.outcome };
    };
    const full = await once();
    if (full.outcome !== 'succeeded') throw new Error(`The first deploy ended ${full.outcome}`);
    const noops = [];
    for (let i = 0; i < RUNS; i++) noops.push(await once());
    if (noops.some((n) => n.outcome !== 'nothing-to-change')) throw new Error('A redeploy changed something');
    const times = noops.map((n) => n.ms).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const callCount = noops[0]!.calls.length;
    console.log(`project: ${SAMPLE} (${project.services.length} services, ${project.services.filter((s) => s.build).length} built)`);
    console.log('');
    console.log('| deploy               | AWS calls | wall time |');
    console.log('|----------------------|----------:|----------:|');
    console.log(`| ${'first (full)'.padEnd(20)} | ${String(full.calls.length).padStart(9)} | ${(full.ms / 1000).toFixed(2).padStart(7)} s |`);
    console.log(`| ${`no-op (median of ${RUNS})`.padEnd(20)} | ${String(callCount).padStart(9)} | ${(median / 1000).toFixed(2).padStart(7)} s |`);
    console.log('');
    const byCommand = new Map<string, number>();
    for (const c of noops[0]!.calls) byCommand.set(c, (byCommand.get(c) ?? 0) + 1);
    console.log(`no-op calls: ${[...byCommand.entries()].map(([c, n]) => `${c}${n > 1 ? ` x${n}` : ''}`).join(', ')}`);
    console.log(`ratio no-op / full deploy: ${(callCount / full.calls.length).toFixed(2)}x calls, ${(median / full.ms).toFixed(2)}x time`);
    console.log(`targets: <= 25 calls (${callCount <= 25 ? 'met' : 'missed'}), under 2 s (${median < 2000 ? 'met' : 'missed'})`);
  } finally {
    await ctx.dispose();
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
