/** How `berth down` and `berth teardown` print teardown progress. */
import type { TeardownEvent } from '../../../shared/domain/inventory';
import type { CommandRun } from '../command';

/** Prints one teardown event (JSON lines with --json). */
export function printTeardownEvent(run: Pick<CommandRun, 'io' | 'json'>, event: TeardownEvent): void {
  if (run.json) {
    run.io.out(JSON.stringify(event));
    return;
  }
  if (event.type === 'step') {
    if (event.state === 'running') return;
    run.io.err(`${event.step}: ${event.state}${event.message ? ` — ${event.message}` : ''}`);
  } else if (event.type === 'stack-event') {
    const e = event.event;
    run.io.err(`  ${e.timestamp}  ${e.logicalId} (${e.type}) ${e.status}${e.reason ? `: ${e.reason}` : ''}`);
  }
}

/** Prints the outcome summary. */
export function printOutcome(run: Pick<CommandRun, 'io' | 'json'>, target: string, outcome: { message: string; leftBehind: string[] }): void {
  if (run.json) {
    run.io.out(JSON.stringify({ type: 'finished', target, ok: true, message: outcome.message, leftBehind: outcome.leftBehind }));
    return;
  }
  run.io.out(outcome.message);
  if (outcome.leftBehind.length > 0) {
    run.io.out('Left behind:');
    for (const item of outcome.leftBehind) run.io.out(`  ${item}`);
  }
}
