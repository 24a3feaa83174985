/**
 * Every Dockerfile in the Defang corpus, read by the sandbox's BuildKit frontend as BuildKit
 * reads it: none is refused (cache mounts, heredocs and parser directives included), so a
 * refusal in a deploy is the Dockerfile's fault, not the sandbox's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfileAst } from '../../electron/sandbox/codebuild/dockerfile/parser';
import { parseMount, readDockerfile } from '../../electron/sandbox/codebuild/dockerfile/instructions';
import { corpusDir } from './locate';

function dockerfiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...dockerfiles(path));
    else if (/dockerfile/i.test(entry.name) && !entry.name.endsWith('.dockerignore')) out.push(path);
  }
  return out;
}

describe('the corpus Dockerfiles in the sandbox’s BuildKit frontend', () => {
  const files = dockerfiles(corpusDir());

  it('finds the corpus Dockerfiles', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('reads every one without a refusal, RUN mounts included', () => {
    const refused: string[] = [];
    let mounts = 0;
    for (const file of files) {
      try {
        const df = readDockerfile(readFileSync(file, 'utf8'), parseDockerfileAst);
        for (const ins of df.stages.flatMap((s) => s.commands)) {
          for (const m of (ins.flags.get('mount') as string[] | undefined) ?? []) {
            parseMount(m, (w) => w);
            mounts++;
          }
        }
      } catch (error) {
        refused.push(`${relative(corpusDir(), file)}: ${(error as Error).message}`);
      }
    }
    expect(refused).toEqual([]);
    // rocket's Dockerfile caches cargo's registry and target folder with RUN --mount=type=cache.
    expect(mounts).toBeGreaterThan(0);
  });

  it('reads rocket’s cache mounts as cache mounts', () => {
    const rocket = files.find((f) => relative(corpusDir(), f) === join('rocket', 'app', 'Dockerfile'))!;
    const df = readDockerfile(readFileSync(rocket, 'utf8'), parseDockerfileAst);
    const types = df.stages.flatMap((s) => s.commands).flatMap((ins) => ((ins.flags.get('mount') as string[] | undefined) ?? []).map((m) => parseMount(m, (w) => w).type));
    expect(types).toContain('cache');
  });
});
