// Prints the one closing line CI reads, `N passed, N failed`, totalled over every runner
// (vitest and Playwright JSON reports in the folder given as the first argument).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.ci/out';
let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];

const vitestFile = join(dir, 'vitest.json');
if (existsSync(vitestFile)) {
  const r = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTests ?? 0);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A test file that fails to load has no tests to count: count the file as a failure.
  failed += (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  notes.push(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
} else notes.push('vitest: no report (did not run)');

const pwFile = join(dir, 'playwright.json');
if (existsSync(pwFile)) {
  const r = JSON.parse(readFileSync(pwFile, 'utf8'));
  const s = r.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  failed += (r.errors ?? []).length;
  notes.push(`playwright: ${(s.expected ?? 0) + (s.flaky ?? 0)} passed, ${s.unexpected ?? 0} failed`);
} else notes.push('playwright: no report (did not run)');

// A failed typecheck, lint or build runs no test but must still read as a failure.
const exitStatus = Number(process.argv[3] ?? '0');
if (exitStatus !== 0 && failed === 0) {
  failed = 1;
  notes.push(`npm test exited with ${exitStatus} before any test failed (typecheck, lint or build)`);
}
for (const n of notes) console.log(n);
console.log(skipped > 0 ? `${passed} passed, ${failed} failed, ${skipped} skipped` : `${passed} passed, ${failed} failed`);
