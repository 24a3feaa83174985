/** Entry point of the bundled `berth` command (dist/cli/berth.cjs). */
import { runCli } from './main';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Commands that stop on a signal have already cleaned up; do not wait on idle handles.
  if (code !== 0 || process.argv[2] === 'web' || process.argv[2] === 'sandbox') process.exit(code);
});
