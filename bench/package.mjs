// Benchmark: packaging a generated 300 MB, 30,000-file build context with Berth's packager,
// against `tar -czf` of the same files (same ignore rule) in the same run.
// Prints median wall time of each, the ratio, and the packager's peak memory (max RSS).
// Env: BENCH_FILES (30000), BENCH_MB (300), BENCH_RUNS (3).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const FILES = Number(process.env.BENCH_FILES ?? 30_000);
const MB = Number(process.env.BENCH_MB ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const repo = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const work = mkdtempSync(join(tmpdir(), 'berth-bench-package-'));

// Deterministic pseudo-random text: compresses like source code and assets (about 3:1), not like zeros.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const words = Array.from({ length: 4096 }, () => Array.from({ length: 3 + Math.floor(rand() * 8) }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join(''));
function text(bytes) {
  const parts = [];
  let n = 0;
  while (n < bytes) {
    const w = words[Math.floor(rand() * words.length)];
    parts.push(w);
    n += w.length + 1;
  }
  return parts.join(rand() < 0.1 ? '\n' : ' ').slice(0, bytes);
}

function generate(ctx) {
  const perFile = Math.floor((MB * 1024 * 1024) / FILES);
  const chunk = text(perFile * 64);
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM node:20\nCOPY . /app\n');
  writeFileSync(join(ctx, '.dockerignore'), '**/*.log\n');
  for (let i = 0; i < FILES; i++) {
    const dir = join(ctx, `pkg${Math.floor(i / 1000)}`, `mod${Math.floor(i / 100) % 10}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    const offset = Math.floor(rand() * (chunk.length - perFile));
    // One file in 50 is an ignored log, so the ignore rules do work on both sides.
    writeFileSync(join(dir, i % 50 === 0 ? `f${i}.log` : `f${i}.js`), chunk.slice(offset, offset + perFile));
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// The bundle lives in the repository so it resolves dependencies from node_modules.
const outDir = join(repo, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const bundle = join(outDir, 'package-engine.cjs');
await build({ entryPoints: [join(repo, 'electron/deploy/package/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, packages: 'external', logLevel: 'warning', absWorkingDir: repo });
const runner = join(work, 'run.cjs');
writeFileSync(
  runner,
  `const { packageContext } = require(${JSON.stringify(bundle)});
const t = process.hrtime.bigint();
packageContext({ context: process.argv[2], dockerfile: 'Dockerfile' }, { outDir: process.argv[3], maxBytes: 1024 * 1024 * 1024 }).then((r) => {
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS, bytes: r.archiveBytes, files: r.files }));
});`,
);

try {
  const ctx = join(work, 'ctx');
  const t0 = Date.now();
  generate(ctx);
  console.log(`generated ${FILES} files, ${MB} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const berth = [];
  const busy = [];
  const tar = [];
  let rss = 0;
  let sizes = {};
  for (let run = 0; run < RUNS; run++) {
    const out = join(work, `out${run}`);
    mkdirSync(out);
    const r = spawnSync(process.execPath, [runner, ctx, out], { encoding: 'utf8', cwd: repo });
    if (r.status !== 0) throw new Error(r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').pop());
    berth.push(result.ms);
    busy.push(result.cpuMs / result.ms);
    rss = Math.max(rss, result.maxRssKb);
    sizes.berth = result.bytes;
    rmSync(out, { recursive: true, force: true });

    const tarOut = join(work, `tar${run}.tar.gz`);
    const t = process.hrtime.bigint();
    const tr = spawnSync('tar', ['-czf', tarOut, '--exclude=*.log', '-C', ctx, '.']);
    tar.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (tr.status !== 0) throw new Error(String(tr.stderr));
    sizes.tar = Number(spawnSync('stat', ['-c', '%s', tarOut], { encoding: 'utf8' }).stdout.trim());
    rmSync(tarOut, { force: true });
  }
  const b = median(berth);
  const t = median(tar);
  console.log('');
  console.log('| packager        | median s | archive MB |');
  console.log('|-----------------|---------:|-----------:|');
  console.log(`| berth           | ${(b / 1000).toFixed(2).padStart(8)} | ${(sizes.berth / 1e6).toFixed(1).padStart(10)} |`);
  console.log(`| tar -czf        | ${(t / 1000).toFixed(2).padStart(8)} | ${(sizes.tar / 1e6).toFixed(1).padStart(10)} |`);
  console.log('');
  console.log(`ratio berth / tar -czf: ${(b / t).toFixed(2)}x (target <= 0.6x: both cores busy is the floor on a 2-core machine)`);
  console.log(`cores busy while packaging (CPU time / wall time, median): ${median(busy).toFixed(2)} of ${availableParallelism()}`);
  console.log(`peak memory (max RSS) of the packager: ${(rss / 1024).toFixed(0)} MB (target < 200 MB)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
