// Benchmark: load + validate + normalise a generated 200-service compose project, against the
// floor of a plain `yaml` parse of the same file. Prints the medians and the ratio (target < 5x).
// Run: node bench/compose-load.mjs  (bundles the TypeScript engine with esbuild first).
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
// The floor parses with the same alias limit the loader uses (the default of 100 refuses this file).

const here = dirname(fileURLToPath(import.meta.url));
const SERVICES = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 5;

/** A realistic 200-service file: builds and images, env in both forms, ports, healthchecks, resources, depends_on, an anchor. */
export function generateCompose(n) {
  const lines = ['name: bench', 'x-common-env: &common-env', '  LOG_LEVEL: info', '  REGION: ${REGION:-us-east-1}', 'services:'];
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    lines.push(`  ${name}:`);
    if (i % 4 === 0) lines.push('    build:', '      context: ./app', '      dockerfile: Dockerfile', '      args:', `        VERSION: "1.${i}"`);
    else lines.push(`    image: ghcr.io/example/${name}:1.${i}.0`);
    lines.push('    ports:');
    if (i % 3 === 0) lines.push('      - mode: ingress', `        target: ${8000 + (i % 50)}`, `        published: ${10000 + i}`);
    else lines.push(`      - mode: host`, `        target: ${9000 + (i % 100)}`);
    lines.push('    environment:');
    if (i % 2 === 0) {
      lines.push('      <<: *common-env', `      SERVICE_NAME: ${name}`, `      UPSTREAM: http://svc-${(i + 1) % n}:9000/api`, '      DATABASE_URL: postgres://app:${DB_PASSWORD}@db-host:5432/app', '      API_KEY:');
    } else {
      lines.push(`      - SERVICE_NAME=${name}`, `      - UPSTREAM=svc-${(i + 7) % n}:9000`, '      - FEATURE_FLAGS=a,b,c', '      - SESSION_SECRET');
    }
    lines.push(
      '    healthcheck:',
      `      test: ["CMD", "curl", "-f", "http://localhost:${8000 + (i % 50)}/health"]`,
      '      interval: 15s',
      '      timeout: 5s',
      '      retries: 3',
      '      start_period: 10s',
      '    deploy:',
      `      replicas: ${1 + (i % 3)}`,
      '      resources:',
      '        reservations:',
      `          cpus: "${[0.25, 0.5, 1, 2][i % 4]}"`,
      `          memory: ${[512, 1024, 2048, 4096][i % 4]}M`,
      `    command: ["node", "server.js", "--name", "${name}"]`,
    );
    if (i > 0) lines.push('    depends_on:', `      - svc-${i - 1}`);
  }
  return `${lines.join('\n')}\n`;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const outDir = join(here, 'out');
  mkdirSync(outDir, { recursive: true });
  const bundle = join(outDir, 'compose-load-engine.mjs');
  await build({
    entryPoints: [join(here, '..', 'electron', 'compose', 'load.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: bundle,
    logLevel: 'warning',
  });
  const { loadProject } = await import(pathToFileURL(bundle).href);

  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  try {
    const text = generateCompose(SERVICES);
    writeFileSync(join(dir, 'compose.yaml'), text);
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM node:22-alpine\n');
    const env = { REGION: 'eu-west-1' };

    const first = await loadProject(dir, { env });
    const errors = first.diagnostics.filter((d) => d.severity === 'error');
    if (!first.project || first.project.services.length !== SERVICES || errors.length > 0) {
      throw new Error(`the generated project did not load cleanly: ${errors.length} errors, ${first.project?.services.length ?? 0} services`);
    }

    const parseTimes = [];
    const loadTimes = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      let t = performance.now();
      parse(text, { maxAliasCount: 10_000 });
      const p = performance.now() - t;
      t = performance.now();
      await loadProject(dir, { env });
      const l = performance.now() - t;
      if (i >= WARMUP) {
        parseTimes.push(p);
        loadTimes.push(l);
      }
    }
    const parseMedian = median(parseTimes);
    const loadMedian = median(loadTimes);
    const ratio = loadMedian / parseMedian;
    console.log(`compose-load: ${SERVICES} services, ${(text.length / 1024).toFixed(0)} kB, ${RUNS} runs`);
    console.log(`  yaml parse (floor)            median ${parseMedian.toFixed(2)} ms`);
    console.log(`  loadProject (load+validate+normalise) median ${loadMedian.toFixed(2)} ms`);
    console.log(`  ratio ${ratio.toFixed(2)}x (target < 5x) ${ratio < 5 ? 'OK' : 'OVER TARGET'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
