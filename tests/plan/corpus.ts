/**
 * The Defang samples as projects for plan tests: a sample copied whole into a temp folder (the
 * corpus itself is read-only), sources and Dockerfiles as upstream has them.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusDir } from '../corpus/locate';

/** Sample folder names, sorted. */
export async function sampleNames(): Promise<string[]> {
  const entries = await readdir(corpusDir(), { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Copies a sample, whole, into `root/<name>`; returns its folder. */
export async function materialiseSample(name: string, root: string): Promise<string> {
  const dir = join(root, name);
  await cp(join(corpusDir(), name), dir, { recursive: true });
  return dir;
}

/** A temp folder for materialised samples, and its removal. */
export async function sampleRoot(): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'berth-plan-corpus-'));
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
