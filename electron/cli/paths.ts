/** Where the built pieces live, relative to the bundled CLI (dist/cli/berth.cjs) or the sources. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built renderer (dist/renderer), found from the bundle or from the repository root. */
export function rendererDir(): string {
  const candidates = [resolve(__dirname, '..', 'renderer'), resolve(__dirname, '..', '..', 'dist', 'renderer'), resolve(process.cwd(), 'dist', 'renderer')];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[0]!;
}

/** The app's data folder, the same one the desktop app uses (Electron's userData), unless BERTH_DATA_DIR says otherwise. */
export function defaultDataDir(): string {
  if (process.env.BERTH_DATA_DIR) return resolve(process.env.BERTH_DATA_DIR);
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Berth');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Berth');
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Berth');
}
