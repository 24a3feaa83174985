/**
 * Writes docs/compatibility.md from a run of the compose loader over the Defang samples corpus
 * (the same run the corpus test asserts). With `--expected`, also rewrites the recorded expected
 * outcomes in tests/compose/corpus-expected.json (review the diff before committing it).
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { renderCompatibility, runCorpus } from '../tests/compose/corpus-run';
import { ensureCorpus } from '../tests/corpus/locate';

/** Runs the corpus and writes the document (and the expectations when asked). */
export async function main(argv: string[]): Promise<void> {
  const outcomes = await runCorpus(await ensureCorpus());
  const doc = resolve(process.cwd(), 'docs', 'compatibility.md');
  await writeFile(doc, renderCompatibility(outcomes));
  console.log(`wrote ${doc} (${outcomes.length} compose files)`);
  if (argv.includes('--expected')) {
    const expected = Object.fromEntries(outcomes.map((o) => [o.id, o.lines]));
    const file = resolve(process.cwd(), 'tests', 'compose', 'corpus-expected.json');
    await writeFile(file, `${JSON.stringify(expected, null, 2)}\n`);
    console.log(`wrote ${file}`);
  }
}
