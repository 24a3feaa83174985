// `npm start`: opens the desktop app. Since Electron 42 the `electron` package has no install
// script: its runtime is downloaded on first use, by the package's own install.js (the
// `install-electron` bin) that `require('electron')` runs when the binary is missing. Run that
// step here first, so a failed download says what to do instead of throwing from require().
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const { version, engines } = require('electron/package.json');

// install.js exits at once when this version's runtime is already in place.
if (!existsSync(join(electronDir, 'path.txt'))) console.log(`Downloading the Electron ${version} runtime (once)…`);
const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit' });
if (install.status !== 0) {
  console.error(`Could not download Electron ${version} (no internet here?). \`npm run web\` runs the same app in your browser.`);
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) console.error(`Electron's installer asks for Node ${engines.node}; this is Node ${process.versions.node}.`);
  process.exit(1);
}

const electron = require('electron');
const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
