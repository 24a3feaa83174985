// Bundles the Node side: the Electron main process, the sandboxed preload (one CommonJS file),
// and the `berth` CLI. Dependencies stay external (installed in node_modules; electron-builder
// packs them); the preload bundles everything it uses, as sandboxed preloads cannot require.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

// Syntax targets. The main process runs on the Node that Electron embeds and the preload in its
// Chromium: Electron 45 ships Node 24 and Chromium 156, so move these two with each Electron
// major (tests/contract/electron-version.test.ts holds them to the installed one). The CLI, and
// the browser bridge it serves, runs on the user's own Node: it stays at the engines floor, 20.19.
const ELECTRON_MAIN_TARGET = 'node24';
const ELECTRON_PRELOAD_TARGET = 'chrome156';
const PLAIN_NODE_TARGET = 'node20';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { BERTH_VERSION: JSON.stringify(pkg.version) },
};

await Promise.all([
  build({ ...common, target: ELECTRON_MAIN_TARGET, entryPoints: ['electron/app/main.ts'], outfile: 'dist/main/main.cjs', packages: 'external' }),
  build({ ...common, target: ELECTRON_PRELOAD_TARGET, entryPoints: ['electron/app/preload.ts'], outfile: 'dist/main/preload.cjs', external: ['electron'], sourcemap: false }),
  build({ ...common, target: PLAIN_NODE_TARGET, entryPoints: ['electron/cli/bin.ts'], outfile: 'dist/cli/berth.cjs', packages: 'external' }),
]);
