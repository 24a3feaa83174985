// Runs scripts/compat-report.ts on plain Node: bundles it with esbuild (the repo has no TS runner), then calls main().
// Usage, from the repository root: node scripts/compat-report.mjs [--expected]
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside node_modules so the bundle resolves the installed packages (and git ignores it).
const outDir = join(root, 'node_modules', '.cache', 'berth-scripts');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, 'compat-report.mjs');
await build({ entryPoints: [join(root, 'scripts', 'compat-report.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'warning' });
const { main } = await import(pathToFileURL(outfile).href);
await main(process.argv.slice(2));
