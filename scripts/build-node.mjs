// Bundles the Node side: the Electron main process, the sandboxed preload (one CommonJS file),
// and the `berth` CLI. Dependencies stay external (installed in node_modules; electron-builder
// packs them); the preload bundles everything it uses, as sandboxed preloads cannot require.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { BERTH_VERSION: JSON.stringify(pkg.version) },
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/app/main.ts'], outfile: 'dist/main/main.cjs', packages: 'external' }),
  build({ ...common, entryPoints: ['electron/app/preload.ts'], outfile: 'dist/main/preload.cjs', external: ['electron'], sourcemap: false }),
  build({ ...common, entryPoints: ['electron/cli/bin.ts'], outfile: 'dist/cli/berth.cjs', packages: 'external' }),
]);
