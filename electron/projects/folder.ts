/** Checks a folder path typed by the user (browser mode has no native picker). */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FolderCheck } from '../../shared/domain/app';
import { findComposeFiles } from '../compose/discover';

/** Says whether `dir` exists, is a folder, and which compose files it holds, with a message when not usable. */
export async function checkFolder(input: string): Promise<FolderCheck> {
  const dir = resolve(input);
  let info;
  try {
    info = await stat(dir);
  } catch {
    return { dir, exists: false, isDirectory: false, composeFiles: [], message: `${dir} does not exist.` };
  }
  if (!info.isDirectory()) {
    return { dir, exists: true, isDirectory: false, composeFiles: [], message: `${dir} is a file, not a folder. Choose the folder that holds compose.yaml.` };
  }
  const composeFiles = await findComposeFiles(dir);
  const message =
    composeFiles.length === 0
      ? `No compose file in ${dir}. Berth looks for compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml.`
      : undefined;
  return { dir, exists: true, isDirectory: true, composeFiles, message };
}
