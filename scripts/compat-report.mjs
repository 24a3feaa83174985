// Writes docs/compatibility.md (and, with --expected, the corpus expectations) from a corpus run.
// Usage, from the repository root: node scripts/compat-report.mjs [--expected]
import { runTs } from './run-ts.mjs';

await runTs('compat-report', process.argv.slice(2));
