/**
 * Property: whatever a compose file holds — arbitrary YAML values, arbitrary text or bytes,
 * corpus files with random edits — the loader returns diagnostics and never throws, and no
 * diagnostic is the internal-error fallback (which would mean a crash was caught).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../electron/compose/load';
import type { LoadedProject } from '../../shared/domain/project';
import { corpusDir } from '../corpus/locate';
import { corpusFiles } from './corpus-run';
import { cleanupProjects, makeProject } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await makeProject({ 'app/Dockerfile': 'FROM alpine\n', 'other.yaml': 'services:\n  base:\n    image: x\n' });
});
afterAll(cleanupProjects);

const SEVERITIES = new Set(['error', 'warning', 'info']);

function wellFormed(r: LoadedProject): void {
  expect(r.diagnostics.filter((d) => d.code === 'internal-error').map((d) => d.message)).toEqual([]);
  for (const d of r.diagnostics) {
    expect(SEVERITIES.has(d.severity)).toBe(true);
    expect(typeof d.code).toBe('string');
    expect(d.message.length).toBeGreaterThan(0);
    expect(Number.isInteger(d.line) && d.line >= 0).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 0).toBe(true);
    if (d.file) expect(d.line).toBeGreaterThan(0);
  }
}

async function loadText(content: string | Uint8Array, env: Record<string, string> = {}): Promise<LoadedProject> {
  await writeFile(join(dir, 'compose.yaml'), content);
  return loadProject(dir, { env });
}

const keys = fc.constantFrom(
  'image', 'build', 'ports', 'environment', 'env_file', 'command', 'entrypoint', 'healthcheck', 'deploy', 'depends_on',
  'extends', 'profiles', 'volumes', 'networks', 'restart', 'platform', 'x-defang-postgres', 'x-defang-redis', 'provider',
  'cpus', 'mem_limit', 'stop_grace_period', 'init', 'read_only', 'user', 'working_dir', 'domainname', 'scale', 'privileged',
);
const scalars = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('${X}', '${X:-d}', '${X:?boom}', '$$', '${', 'app', './app', 'other.yaml', '80:80', '8000-8010:80/udp', '0.5', '512M', 'CMD', 'http://localhost/'),
);
const values = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalars, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string(), keys), tie('value'), { maxKeys: 4 })),
})).value;
const service = fc.dictionary(keys, values, { maxKeys: 6 });
const composeLike = fc.record(
  {
    name: fc.oneof(fc.string(), fc.constant('demo')),
    services: fc.dictionary(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('web', 'db', 'base')), fc.oneof(service, values), { maxKeys: 4 }),
    volumes: values,
    networks: values,
    include: values,
  },
  { requiredKeys: ['services'] },
);

describe('the loader never throws on arbitrary input', () => {
  it('arbitrary YAML values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (v) => wellFormed(await loadText(stringify(v ?? null)))),
      { numRuns: 120 },
    );
  });

  it('compose-shaped documents with arbitrary values', async () => {
    await fc.assert(
      fc.asyncProperty(composeLike, fc.dictionary(fc.constantFrom('X', 'Y', 'COMPOSE_PROFILES', 'COMPOSE_PROJECT_NAME'), fc.string()), async (doc, env) => {
        wellFormed(await loadText(stringify(doc), env));
      }),
      { numRuns: 250 },
    );
  });

  it('arbitrary text and bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 512 })), async (content) => wellFormed(await loadText(content))),
      { numRuns: 150 },
    );
  });

  it('corpus files with random edits', async () => {
    const texts = corpusFiles().map((f) => readFileSync(join(corpusDir(), f.sample, f.file), 'utf8'));
    const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 6 }), insert: fc.constantFrom('', ':', '- ', '{', '[', '&a ', '*a', '<<: *a\n', '\t', '"', '${', '!reset ', '  ', '\n', '#', 'x-y: 1\n') });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: texts.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), async (index, edits) => {
        let text = texts[index] as string;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        }
        wellFormed(await loadText(text));
      }),
      { numRuns: 200 },
    );
  });
});
