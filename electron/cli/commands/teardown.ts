/** `berth teardown --yes`: removes the bootstrap stack (only when no project stack remains). */
import { BOOTSTRAP_STACK } from '../../bootstrap/ensure';
import { teardownBootstrap } from '../../inventory/teardown';
import { UsageError, type Command } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, describeConnection, withAwsErrors } from './aws-options';
import { printOutcome, printTeardownEvent } from './teardown-output';

export const teardownCommand: Command = withAwsErrors({
  name: 'teardown',
  usage: 'berth teardown --yes [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'Remove Berth’s bootstrap stack (bucket emptied first); refused while any project is deployed',
  options: { ...CONNECTION_OPTIONS, yes: { type: 'boolean', description: 'Confirm: this deletes the shared bucket, cluster and network' } },
  async run(run) {
    if (run.positionals.length > 0) throw new UsageError('teardown takes no arguments');
    if (run.options.yes !== true) throw new UsageError('Tearing down deletes Berth’s shared bucket, cluster and network. Pass --yes to confirm.');
    const { conn, status } = await connectFromOptions(run);
    if (!run.json) run.io.err(`Tearing down ${BOOTSTRAP_STACK} from ${describeConnection(status)}`);
    const outcome = await teardownBootstrap(conn, { onEvent: (event) => printTeardownEvent(run, event) });
    printOutcome(run, BOOTSTRAP_STACK, outcome);
    return 0;
  },
});
