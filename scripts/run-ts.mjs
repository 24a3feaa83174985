// Runs a TypeScript script of scripts/ on plain Node: bundles it with esbuild (the repo has no TS runner), then calls its main().
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles scripts/<name>.ts and runs its main(args). */
export async function runTs(name, args) {
  // Inside node_modules so the bundle resolves the installed packages (and git ignores it).
  const outDir = join(root, 'node_modules', '.cache', 'berth-scripts');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({ entryPoints: [join(root, 'scripts', `${name}.ts`)], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'warning' });
  const { main } = await import(pathToFileURL(outfile).href);
  await main(args);
}
