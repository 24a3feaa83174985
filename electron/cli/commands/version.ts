/** `berth version`: prints the version (also `berth --version`). */
import type { Command } from '../command';

export const versionCommand: Command = {
  name: 'version',
  usage: 'berth version [--json]',
  summary: 'Print Berth’s version',
  options: {},
  async run(run) {
    const version = run.context().version;
    run.io.out(run.json ? JSON.stringify({ version }) : version);
    return 0;
  },
};
