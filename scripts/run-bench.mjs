// Runs every benchmark in bench/ one after another (each prints its figures and a ratio to a
// baseline measured in the same run). TypeScript benchmarks are bundled with esbuild first.
// `npm run bench -- plan` runs only the benchmarks whose file name contains "plan".
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const only = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => /\.(mjs|ts)$/.test(f) && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const out = mkdtempSync(join(tmpdir(), 'berth-bench-'));
let failures = 0;
for (const file of files) {
  console.log(`\n=== bench/${file} ===`);
  let entry = join('bench', file);
  if (file.endsWith('.ts')) {
    entry = join(out, file.replace(/\.ts$/, '.cjs'));
    await build({ entryPoints: [join('bench', file)], outfile: entry, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning', logOverride: { 'empty-import-meta': 'silent' }, nodePaths: [join(process.cwd(), 'node_modules')] });
  }
  const run = spawnSync(process.execPath, ['--expose-gc', entry], { stdio: 'inherit', env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') } });
  if (run.status !== 0) {
    failures += 1;
    console.log(`bench/${file} exited with ${run.status}`);
  }
}
rmSync(out, { recursive: true, force: true });
console.log(`\n${files.length - failures} benchmarks ran, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
