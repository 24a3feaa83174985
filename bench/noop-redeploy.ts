// Benchmark: a no-op redeploy against the sandbox — AWS API calls and wall time — with the first
// (full) deploy of the same project, in the same run, as the baseline.
// Targets: <= 25 calls and under 2 s. Env: BENCH_RUNS (5), BENCH_SAMPLE (bullmq-bullboard-redis).
import { deployments } from '../electron/deploy/deployments';
import { benchProject } from './_sandbox-project';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SAMPLE = process.env.BENCH_SAMPLE ?? 'bullmq-bullboard-redis';

async function main(): Promise<void> {
  const bench = await benchProject(SAMPLE, 'noop');
  const { ctx, dir, project, calls } = bench;
  try {
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
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
