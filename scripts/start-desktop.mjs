// `npm start`: opens the desktop app. npm 11 skips dependencies' install scripts unless approved,
// so Electron's binary may not have been downloaded by `npm ci`; fetch it once here, then launch.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));

if (!existsSync(join(electronDir, 'path.txt'))) {
  console.log('Downloading the Electron runtime (once)…');
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
  if (install.status !== 0 || !existsSync(join(electronDir, 'path.txt'))) {
    console.error('Could not download Electron (no internet here?). `npm run web` runs the same app in your browser.');
    process.exit(1);
  }
}

const electron = require('electron');
const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
