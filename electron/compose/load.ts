/** Interim loader (replaced by the compose engine): discovers files only. */
import { basename } from 'node:path';
import type { LoadedProject } from '../../shared/domain/project';
import { findComposeFiles } from './discover';

export interface LoadOptions {
  files?: string[];
  env?: Record<string, string | undefined>;
}

/** Loads the project in `dir`. */
export async function loadProject(dir: string, _options: LoadOptions = {}): Promise<LoadedProject> {
  const composeFiles = await findComposeFiles(dir);
  if (composeFiles.length === 0) {
    return {
      dir,
      project: null,
      composeFiles,
      diagnostics: [{ severity: 'error', code: 'no-compose-file', message: `No compose file in ${dir}`, file: '', line: 0, column: 0, path: '' }],
    };
  }
  return { dir, project: { name: basename(dir), dir, files: [], services: [], requiredConfig: [], hostRewrites: [] }, composeFiles, diagnostics: [] };
}
