/**
 * Every compose file of the Defang samples, whole as upstream has them, loads and gives exactly
 * the diagnostics recorded in corpus-expected.json. docs/compatibility.md is rendered from the
 * same run and must be up to date.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusDir } from '../corpus/locate';
import { corpusFiles, renderCompatibility, runCorpus, type SampleOutcome } from './corpus-run';

const expected = JSON.parse(readFileSync(resolve(__dirname, 'corpus-expected.json'), 'utf8')) as Record<string, string[]>;
const files = corpusFiles();
let outcomes: Map<string, SampleOutcome>;
let rendered: string;

beforeAll(async () => {
  const run = await runCorpus();
  outcomes = new Map(run.map((o) => [o.id, o]));
  rendered = renderCompatibility(run);
}, 240_000);

describe('Defang samples corpus', () => {
  it('has compose files, and an expected outcome recorded for every one of them (none skipped)', () => {
    expect(existsSync(corpusDir())).toBe(true);
    expect(files.length).toBeGreaterThan(100);
    expect(Object.keys(expected).sort()).toEqual(files.map((f) => f.id).sort());
  });

  it.each(files.map((f) => f.id))('%s loads with its recorded outcome', (id) => {
    const o = outcomes.get(id) as SampleOutcome;
    expect(o.project, 'the file loads into a project').not.toBeNull();
    expect(o.lines.some((l) => l.includes('internal-error'))).toBe(false);
    expect(o.lines).toEqual(expected[id]);
  });

  it('docs/compatibility.md is generated from this run (node scripts/compat-report.mjs)', () => {
    const doc = readFileSync(resolve(__dirname, '..', '..', 'docs', 'compatibility.md'), 'utf8');
    expect(doc).toBe(rendered);
  });
});
