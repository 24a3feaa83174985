/**
 * Test projects made from the Defang samples: the sample copied whole (sources, Dockerfiles,
 * `.dockerignore`) into a temp folder, so a deploy packages and builds its real contexts.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { corpusDir } from '../corpus/locate';

/** Copies a sample into a temp folder; returns its path and the build context of each service. */
export async function sampleProject(sample: string, name?: string): Promise<{ dir: string; contexts: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), `berth-${sample}-`));
  await cp(join(corpusDir(), sample), dir, { recursive: true });
  let text = await readFile(join(dir, 'compose.yaml'), 'utf8');
  // A project name of its own keeps tests that share one sandbox apart.
  if (name) {
    text = /^name: .*$/m.test(text) ? text.replace(/^name: .*$/m, `name: ${name}`) : `name: ${name}\n${text}`;
    await writeFile(join(dir, 'compose.yaml'), text);
  }
  const doc = parse(text) as { services: Record<string, { build?: string | { context?: string } }> };
  const contexts: Record<string, string> = {};
  for (const [service, spec] of Object.entries(doc.services)) {
    if (!spec.build) continue;
    contexts[service] = resolve(dir, typeof spec.build === 'string' ? spec.build : (spec.build.context ?? '.'));
  }
  return { dir, contexts };
}
