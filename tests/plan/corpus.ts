/**
 * The Defang samples as loadable projects: the corpus holds only compose files, so each sample
 * is copied into a temp folder and every build context it names gets a folder with a small
 * Dockerfile (the corpus itself is read-only).
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

export const CORPUS = resolve(__dirname, '../../../shared/corpus/defang-samples');

/** Sample folder names, sorted. */
export async function sampleNames(): Promise<string[]> {
  const entries = await readdir(CORPUS, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Copies a sample into `root/<name>` and creates the build contexts its compose files name. */
export async function materialiseSample(name: string, root: string): Promise<string> {
  const dir = join(root, name);
  await cp(join(CORPUS, name), dir, { recursive: true });
  for (const file of await readdir(dir)) {
    if (!/\.ya?ml$/.test(file)) continue;
    let doc: unknown;
    try {
      doc = parse(await readFile(join(dir, file), 'utf8'));
    } catch {
      continue;
    }
    const services = (doc as { services?: Record<string, { build?: unknown }> } | null)?.services;
    if (!services || typeof services !== 'object') continue;
    for (const service of Object.values(services)) {
      const build = service?.build;
      if (build === undefined || build === null) continue;
      const context = typeof build === 'string' ? build : typeof (build as { context?: unknown }).context === 'string' ? (build as { context: string }).context : '.';
      if (/^[a-z]+:\/\//.test(context) || context.includes('${')) continue;
      const contextDir = resolve(dir, context);
      if (!contextDir.startsWith(root)) continue;
      const dockerfile = typeof build === 'object' && typeof (build as { dockerfile?: unknown }).dockerfile === 'string' ? (build as { dockerfile: string }).dockerfile : 'Dockerfile';
      await mkdir(dirname(resolve(contextDir, dockerfile)), { recursive: true });
      await writeFile(resolve(contextDir, dockerfile), 'FROM scratch\n');
    }
  }
  return dir;
}

/** A temp folder for materialised samples, and its removal. */
export async function sampleRoot(): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'berth-plan-corpus-'));
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
