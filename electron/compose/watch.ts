/** Watches an open project's folder and reloads it when a compose or .env file changes. */
import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';

const RELEVANT = /(^|[\\/])(\.env(\..*)?|.*compose.*\.ya?ml|.*\.env)$/i;
const DEBOUNCE_MS = 150;

/** True for files whose change can change the project (compose files, .env, env_file). */
export function isProjectFile(name: string, extraFiles: ReadonlySet<string> = new Set()): boolean {
  return RELEVANT.test(name) || extraFiles.has(basename(name));
}

export interface ProjectWatcher {
  close(): void;
}

/**
 * Calls `onChange` (debounced) when a relevant file in `dir` changes.
 * `extraFiles` names other files the project reads (env_file, extends targets) in that folder.
 */
export function watchProjectFolder(dir: string, onChange: () => void, extraFiles: ReadonlySet<string> = new Set()): ProjectWatcher {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, (_event, filename) => {
      if (filename && !isProjectFile(filename.toString(), extraFiles)) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, DEBOUNCE_MS);
    });
    // A folder that disappears or becomes unreadable stops being watched; the next open reports it.
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
