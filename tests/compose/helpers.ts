/** Test helpers: throwaway project folders and compact views of diagnostics. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../shared/domain/diagnostics';
import { loadProject, type LoadOptions } from '../../electron/compose/load';

const roots: string[] = [];

/** Creates a project folder holding `files` (paths may nest; a path ending in `/` is a folder). */
export async function makeProject(files: Record<string, string | Uint8Array>, name = 'proj'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'berth-compose-'));
  roots.push(root);
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    if (path.endsWith('/')) await mkdir(full, { recursive: true });
    else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }
  }
  return dir;
}

/** Removes every folder made by makeProject (call in afterAll). */
export async function cleanupProjects(): Promise<void> {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
}

/** Loads files written to a fresh folder, with an empty environment unless given. */
export async function loadFiles(files: Record<string, string | Uint8Array>, options: LoadOptions = {}) {
  const dir = await makeProject(files);
  return { ...(await loadProject(dir, { env: {}, ...options })), dir };
}

/** `severity code path` for each diagnostic (what most assertions compare). */
export function brief(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`);
}

/** `severity code line:column` for each diagnostic. */
export function placed(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`);
}

/** A Dockerfile build context in a folder (files to spread into makeProject). */
export function context(folder = 'app'): Record<string, string> {
  return { [`${folder}/Dockerfile`]: 'FROM alpine:3.20\n' };
}
