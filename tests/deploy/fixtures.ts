/**
 * Test projects made from the Defang samples: the compose file copied into a temp folder, and a
 * small generated build context (Dockerfile + one source file) for every service that builds.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

export const CORPUS = resolve(__dirname, '../../../shared/corpus/defang-samples');

/** Creates a project folder for a sample; returns its path and the build context of each service. */
export async function sampleProject(sample: string, name?: string): Promise<{ dir: string; contexts: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), `berth-${sample}-`));
  let text = await readFile(join(CORPUS, sample, 'compose.yaml'), 'utf8');
  // A project name of its own keeps tests that share one sandbox apart.
  if (name) text = text.replace(/^name: .*$/m, `name: ${name}`);
  await writeFile(join(dir, 'compose.yaml'), text);
  const doc = parse(text) as { services: Record<string, { build?: string | { context?: string; dockerfile?: string } }> };
  const contexts: Record<string, string> = {};
  for (const [name, service] of Object.entries(doc.services)) {
    if (!service.build) continue;
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    const context = resolve(dir, build.context ?? '.');
    const dockerfile = join(context, build.dockerfile ?? 'Dockerfile');
    await mkdir(dirname(dockerfile), { recursive: true });
    await writeFile(dockerfile, 'FROM node:20-alpine\nWORKDIR /app\nCOPY index.js .\nCMD ["node", "index.js"]\n');
    await writeFile(join(context, 'index.js'), `console.log('${name} up');\n`);
    contexts[name] = context;
  }
  return { dir, contexts };
}
