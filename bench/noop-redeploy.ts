// Benchmark: a no-op redeploy against the sandbox — AWS API calls and wall time — with the first
// (full) deploy of the same project, in the same run, as the baseline.
// Targets: <= 25 calls and under 2 s. Env: BENCH_RUNS (5), BENCH_SAMPLE (bullmq-bullboard-redis).
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext } from '../electron/api/context';
import { connectionManager } from '../electron/aws/connection';
import { loadProject } from '../electron/compose/load';
import { deployments } from '../electron/deploy/deployments';
import { startSandbox } from '../electron/sandbox/index';
import { setConfig } from '../electron/secrets/store';
import { ensureCorpus } from '../tests/corpus/locate';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SAMPLE = process.env.BENCH_SAMPLE ?? 'bullmq-bullboard-redis';

async function main(): Promise<void> {
  const sandbox = await startSandbox();
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-bench-noop-'));
  // The sample whole, as a user would open it: its own sources and Dockerfiles.
  const dir = join(await mkdtemp(join(tmpdir(), 'berth-bench-project-')), SAMPLE);
  await cp(join(await ensureCorpus(), SAMPLE), dir, { recursive: true });
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
