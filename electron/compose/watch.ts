/** Watches an open project's folder and reloads it when a compose or .env file changes. */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

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
 * `extraFiles` names other files the project reads: base names (in `dir`) or absolute paths
 * (extends targets, included files and env_files, possibly in other folders, which are watched too).
 */
export function watchProjectFolder(dir: string, onChange: () => void, extraFiles: ReadonlySet<string> = new Set()): ProjectWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [];
  const root = resolve(dir);
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, DEBOUNCE_MS);
  };
  // Files the project reads, grouped by folder: the project folder also takes every compose-looking file.
  const byFolder = new Map<string, Set<string>>([[root, new Set<string>()]]);
  for (const f of extraFiles) {
    const abs = isAbsolute(f) ? f : join(root, f);
    const folder = dirname(abs);
    if (!byFolder.has(folder)) byFolder.set(folder, new Set());
    byFolder.get(folder)?.add(basename(abs));
  }
  for (const [folder, names] of byFolder) {
    try {
      const w = watch(folder, { persistent: false }, (_event, filename) => {
        const name = filename?.toString();
        if (!name) return fire();
        if (folder === root ? isProjectFile(name, names) : names.has(basename(name))) fire();
      });
      // A folder that disappears or becomes unreadable stops being watched; the next open reports it.
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // An unwatchable folder (gone, no permission) only loses live reload, never the project.
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
