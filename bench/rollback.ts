// Benchmark: a rollback against the sandbox — AWS API calls and wall time — against the full
// deploy of v2 it undoes, in the same run. v2 changes one built service's Dockerfile (a rebuild);
// the rollback puts v1 back without building. Env: BENCH_SAMPLE (bullmq-bullboard-redis).
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deployments } from '../electron/deploy/deployments';
import { benchProject } from './_sandbox-project';

const SAMPLE = process.env.BENCH_SAMPLE ?? 'bullmq-bullboard-redis';

async function main(): Promise<void> {
  const bench = await benchProject(SAMPLE, 'rollback');
  const { ctx, dir, project, calls } = bench;
  try {
    const service = deployments(ctx);
    const timed = async (start: () => Promise<{ deploymentId: string }>) => {
      const from = calls.length;
      const started = performance.now();
      const { deploymentId } = await start();
      const record = await service.get(deploymentId)!.done;
      return { ms: performance.now() - started, calls: calls.slice(from), record };
    };
    const v1 = await timed(() => service.start({ dir, mode: 'affordable', autoApprove: true }));
    if (v1.record.outcome !== 'succeeded') throw new Error(`v1 ended ${v1.record.outcome}: ${v1.record.failure?.message}`);
    const built = project.services.find((s) => s.build);
    if (!built?.build) throw new Error(`${SAMPLE} builds no image`);
    await appendFile(join(built.build.context, built.build.dockerfile), '\n# v2\n');
    const v2 = await timed(() => service.start({ dir, mode: 'affordable', autoApprove: true }));
    if (v2.record.outcome !== 'succeeded') throw new Error(`v2 ended ${v2.record.outcome}: ${v2.record.failure?.message}`);
    const back = await timed(() => service.rollback({ dir, deploymentId: v1.record.id, autoApprove: true }));
    if (back.record.outcome !== 'succeeded') throw new Error(`the rollback ended ${back.record.outcome}: ${back.record.failure?.message}`);
    const builds = (r: { calls: string[] }) => r.calls.filter((c) => c.endsWith(':StartBuildCommand')).length;
    console.log(`project: ${SAMPLE} (${project.services.length} services, ${project.services.filter((s) => s.build).length} built; v2 rebuilds ${built.name})`);
    console.log('');
    console.log('| deployment          | AWS calls | builds | wall time |');
    console.log('|---------------------|----------:|-------:|----------:|');
    for (const [label, r] of [['v2 (full deploy)', v2], ['rollback to v1', back]] as const) {
      console.log(`| ${label.padEnd(19)} | ${String(r.calls.length).padStart(9)} | ${String(builds(r)).padStart(6)} | ${(r.ms / 1000).toFixed(2).padStart(7)} s |`);
    }
    console.log('');
    console.log(`ratio rollback / full deploy: ${(back.calls.length / v2.calls.length).toFixed(2)}x calls, ${(back.ms / v2.ms).toFixed(2)}x time`);
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
