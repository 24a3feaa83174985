/** Finds the compose files in a project folder, in the order Compose itself prefers them. */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Main file names, in Compose's order of preference. */
export const MAIN_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;
/** Override files, applied on top of the main file when present. */
export const OVERRIDE_COMPOSE_FILES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'] as const;

/** Every compose-looking file in `dir` (absolute paths): main files first, then overrides, then other `*compose*.y(a)ml`. */
export async function findComposeFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
  const known = [...MAIN_COMPOSE_FILES, ...OVERRIDE_COMPOSE_FILES] as readonly string[];
  const ordered = known.filter((n) => names.includes(n));
  const others = names.filter((n) => !known.includes(n) && /compose.*\.ya?ml$/i.test(n)).sort();
  return [...ordered, ...others].map((n) => join(dir, n));
}

/** The files Compose loads by default: the first main file and its override, if present. */
export function defaultComposeSelection(found: readonly string[]): { files: string[]; ignoredMain: string[] } {
  const byName = new Map(found.map((f) => [basename(f), f]));
  const main = MAIN_COMPOSE_FILES.find((n) => byName.has(n));
  if (!main) return { files: [], ignoredMain: [] };
  const prefix = main.startsWith('docker-') ? 'docker-compose' : 'compose';
  const override = [`${prefix}.override.yaml`, `${prefix}.override.yml`].find((n) => byName.has(n));
  const ignoredMain = MAIN_COMPOSE_FILES.filter((n) => n !== main && byName.has(n)).map((n) => byName.get(n) as string);
  return { files: [byName.get(main) as string, ...(override ? [byName.get(override) as string] : [])], ignoredMain };
}
