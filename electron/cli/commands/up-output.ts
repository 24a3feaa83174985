/** How `berth up` prints a deployment's events: phases, progress, build logs, the diff, stack events, rollouts. */
import { NO_PUBLIC_ADDRESS, type ChangeSetDiff, type DeployEvent, type DeploymentRecord } from '../../../shared/domain/deploy';
import type { CommandRun } from '../command';

function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

/** The change set as lines a terminal reader scans: + add, ~ modify, ! replace, - remove. */
export function diffLines(diff: ChangeSetDiff): string[] {
  if (diff.empty) return ['Nothing to change.'];
  const mark = (c: ChangeSetDiff['changes'][number]) => (c.action === 'Add' ? '+' : c.action === 'Remove' ? '-' : c.replacement === 'True' || c.replacement === 'Conditional' ? '!' : '~');
  const moves = (diff.moves ?? []).map(
    (m) => `  Moving ${m.store} into the project's own network: the services stop, ${m.store} is snapshotted as ${m.snapshot} and restored from it, then the services start again.`,
  );
  return [`Changes to ${diff.stackName}:`, ...moves, ...diff.changes.map((c) => `  ${mark(c)} ${c.description}`)];
}

/** Prints one event (text mode: to stderr, so stdout keeps the result; JSON mode: one JSON line each). */
export function printDeployEvent(run: Pick<CommandRun, 'io' | 'json'>, event: DeployEvent, lastProgress: Map<string, number>): void {
  if (run.json) {
    run.io.out(JSON.stringify({ event }));
    return;
  }
  const say = (line: string) => run.io.err(line);
  switch (event.type) {
    case 'phase':
      if (event.state === 'running') say(`▸ ${event.phase}${event.message ? `: ${event.message}` : ''}`);
      else if (event.state === 'done' && event.message) say(`  ${event.phase}: ${event.message}`);
      else if (event.state === 'skipped') say(`  ${event.phase}: skipped${event.message ? ` (${event.message})` : ''}`);
      else if (event.state === 'failed' || event.state === 'cancelled') say(`✗ ${event.phase} ${event.state}`);
      break;
    case 'progress': {
      // One progress line per item per 25%, so logs of CI runs stay short.
      const key = `${event.phase}:${event.item ?? ''}`;
      const pct = event.total > 0 ? Math.floor((event.done / event.total) * 4) * 25 : 100;
      if ((lastProgress.get(key) ?? -1) >= pct) return;
      lastProgress.set(key, pct);
      const amount = event.unit === 'bytes' ? `${bytes(event.done)} of ${bytes(event.total)}` : `${event.done} of ${event.total}`;
      say(`  ${event.phase}${event.item ? ` ${event.item}` : ''}: ${amount}`);
      break;
    }
    case 'build-log':
      for (const line of event.lines) say(`  [build ${event.service}] ${line}`);
      break;
    case 'build-phase':
      say(`  build ${event.services.join(', ')}: ${event.status ? event.status.toLowerCase().replaceAll('_', ' ') : event.phase.toLowerCase().replaceAll('_', ' ')}`);
      break;
    case 'diff':
      for (const line of diffLines(event.diff)) say(line);
      break;
    case 'stack-event':
      say(`  ${event.event.logicalId} ${event.event.status}${event.event.reason ? `: ${event.event.reason}` : ''}`);
      break;
    case 'rollout':
      say(`  ${event.rollout.service}: ${event.rollout.running}/${event.rollout.desired} running (${event.rollout.state})`);
      break;
    case 'one-off':
      if (event.run.state === 'running') say(`  ${event.run.service}: running once${event.run.taskId ? ` (task ${event.run.taskId})` : ''}`);
      else {
        for (const line of event.run.lines.slice(-10)) say(`  [${event.run.service}] ${line}`);
        say(event.run.state === 'succeeded' ? `  ${event.run.service}: done (exit 0)` : `✗ ${event.run.message ?? `${event.run.service} failed`}`);
      }
      break;
    case 'finished':
      break;
  }
}

/** The result: URLs on success, the cause (with log lines) on failure. */
export function printOutcome(run: Pick<CommandRun, 'io' | 'json'>, record: DeploymentRecord): void {
  if (run.json) {
    run.io.out(JSON.stringify({ record }));
    return;
  }
  if (record.outcome === 'succeeded' || record.outcome === 'nothing-to-change') {
    run.io.out(record.outcome === 'nothing-to-change' ? `${record.project} is up to date (deployment ${record.id}).` : `Deployed ${record.project} (deployment ${record.id}).`);
    for (const url of record.urls) run.io.out(`  ${url}`);
    if (record.urls.length === 0) run.io.out(`  ${NO_PUBLIC_ADDRESS}`);
    for (const b of record.builds ?? []) run.io.out(`  built ${b.services.join(', ')} in ${b.seconds} s (${b.billedMinutes} CodeBuild min, $${b.usd.toFixed(4)})`);
    return;
  }
  const f = record.failure;
  run.io.err(`berth: ${f?.message ?? `The deployment ${record.outcome}.`}`);
  if (f?.code === 'CONFIG_MISSING') run.io.err('Set them with `berth config set NAME` (the value is read from stdin), then run `berth up` again.');
  if (f?.logLines && f.logLines.length > 0 && !f.message.includes(f.logLines.at(-1)!)) {
    run.io.err('Last log lines:');
    for (const line of f.logLines.slice(-20)) run.io.err(`  ${line}`);
  }
}
