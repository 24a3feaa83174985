/** `berth logs [DIR]`: the project's logs (containers, optionally builds and events), once or following. */
import type { LogBatch, LogLine } from '../../../shared/domain/logs';
import { logTails } from '../../logs/service';
import { projectConfigNeeds } from '../../secrets/project';
import { UsageError, type Command } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, PROJECT_OPTION, projectDirFrom, withAwsErrors } from './aws-options';

/** `10m`, `2h`, `30s`, `1d` ago, or an ISO date; returns epoch ms. */
export function parseSince(text: string, now: number = Date.now()): number {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (m) return now - Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`--since takes a duration like 10m, 2h, 1d, or a date: ${text}`);
  return t;
}

function formatLine(line: LogLine): string {
  const time = new Date(line.timestamp).toISOString().slice(11, 23);
  const who = line.service ? `${line.service}${line.source === 'build' ? ' (build)' : ''}` : line.source;
  return `${time} ${who} | ${line.message}`;
}

export const logsCommand: Command = withAwsErrors({
  name: 'logs',
  usage: 'berth logs [DIR] [--follow] [--service S]... [--since 10m] [--filter TEXT] [--builds] [--events] [--deployment ID] [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'Show the project’s logs: its services, and optionally its image builds and ECS and stack events',
  options: {
    ...PROJECT_OPTION,
    ...CONNECTION_OPTIONS,
    follow: { type: 'boolean', short: 'f', description: 'Keep printing new lines until Ctrl+C' },
    service: { type: 'string', multiple: true, description: 'Only this service (repeatable)' },
    since: { type: 'string', description: 'Start this long ago (10m, 2h, 1d) or at this date (default 1h)' },
    filter: { type: 'string', description: 'Only lines containing this text (any case)' },
    builds: { type: 'boolean', description: 'Include image build logs' },
    events: { type: 'boolean', description: 'Include ECS task and service events and stack events' },
    deployment: { type: 'string', description: 'Only lines from this deployment (see `berth history`)' },
  },
  async run(run) {
    if (run.positionals.length > 1) throw new UsageError('logs takes at most one project folder');
    const dir = projectDirFrom(run, true);
    const project = await projectConfigNeeds(dir);
    const since = typeof run.options.since === 'string' ? parseSince(run.options.since) : Date.now() - 3_600_000;
    await connectFromOptions(run);
    const ctx = run.context();
    const follow = run.options.follow === true;
    let tailId: string | undefined;
    const early: LogBatch[] = [];
    let resolveEnd: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
    const print = (batch: LogBatch) => {
      for (const line of batch.lines) run.io.out(run.json ? JSON.stringify(line) : formatLine(line));
      if (batch.status === 'no-logs-yet' && !run.json) run.io.err(follow ? 'No logs yet; waiting for new lines (Ctrl+C to stop).' : 'No logs yet.');
      if (batch.status === 'reconnecting' && !run.json) run.io.err('(reconnecting…)');
      if (batch.status === 'stopped') resolveEnd();
    };
    const unsubscribe = ctx.subscribe((name, payload) => {
      if (name !== 'logs:batch') return;
      const batch = payload as LogBatch;
      if (!tailId) early.push(batch);
      else if (batch.tailId === tailId) print(batch);
    });
    const tails = logTails(ctx);
    try {
      const services = run.options.service as string[] | undefined;
      ({ tailId } = await tails.start(
        {
          project: project.name,
          dir,
          since,
          ...(services && services.length > 0 ? { services } : {}),
          ...(typeof run.options.filter === 'string' ? { filter: run.options.filter } : {}),
          ...(typeof run.options.deployment === 'string' ? { deploymentId: run.options.deployment } : {}),
          includeBuilds: run.options.builds === true,
          includeEvents: run.options.events === true,
        },
        follow,
      ));
      for (const b of early.splice(0)) if (b.tailId === tailId) print(b);
      await Promise.race([ended, run.io.interrupted]);
      return 0;
    } finally {
      if (tailId) {
        try {
          tails.stop(tailId);
        } catch {
          // Already stopped by itself.
        }
      }
      unsubscribe();
    }
  },
});
