// Benchmark: planning a 100-service project (20 public, Postgres and Redis) in all three modes,
// with preflight against the CloudFormation specification. Prints the spec load time once, then
// per mode the median time of plan + preflight, template sizes and resource counts, and the
// ratio to a baseline measured in the same run: parsing and re-serialising the same templates.
// Target: under 300 ms per mode once the specification is loaded. Env: BENCH_RUNS (15).
import { performance } from 'node:perf_hooks';
import { loadCfnSpec } from '../electron/cfnspec';
import { canonicalJson, planProject } from '../electron/plan';
import { DEPLOYMENT_MODES } from '../shared/domain/plan';
import { manyServices, service } from '../tests/plan/fixtures';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const project = manyServices(100, 'bench');
project.services.push(
  service('db', { image: 'postgres:16', managed: { kind: 'postgres', version: '16', user: 'app', database: 'app', passwordConfig: 'POSTGRES_PASSWORD', port: 5432 } }),
  service('cache', { image: 'redis:7', managed: { kind: 'redis', version: '7', port: 6379 } }),
);

const specStart = performance.now();
const spec = loadCfnSpec();
const specWall = performance.now() - specStart;
console.log(`CloudFormation spec load: ${specWall.toFixed(0)} ms (database ${spec.loadMs.toFixed(0)} ms), once per process`);
// Warm-up: the first preflight resolves the resource types it meets.
planProject(project, { mode: 'balanced', region: 'us-east-1' });

console.log('');
console.log('mode                plan+preflight  baseline  ratio  project template            bootstrap   problems');
let worst = 0;
for (const mode of DEPLOYMENT_MODES) {
  const times: number[] = [];
  const baseline: number[] = [];
  let preview = planProject(project, { mode, region: 'us-east-1' });
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    preview = planProject(project, { mode, region: 'us-east-1' });
    times.push(performance.now() - t0);
    const t1 = performance.now();
    for (const s of preview.stacks) canonicalJson(JSON.parse(s.body));
    baseline.push(performance.now() - t1);
  }
  const [boot, proj] = preview.stacks;
  const m = median(times);
  worst = Math.max(worst, m);
  console.log(
    `${mode.padEnd(20)}${`${m.toFixed(1)} ms`.padStart(14)}${`${median(baseline).toFixed(1)} ms`.padStart(10)}${`${(m / median(baseline)).toFixed(1)}×`.padStart(7)}  ` +
      `${`${proj!.resourceCount} res, ${proj!.bytes} B${proj!.needsUpload ? ' (upload)' : ''}`.padEnd(28)}${`${boot!.bytes} B`.padStart(10)}  ${preview.preflight.length}`,
  );
}
console.log('');
console.log(`Slowest mode: ${worst.toFixed(1)} ms against a 300 ms target (${(worst / 300).toFixed(2)} of it)`);
