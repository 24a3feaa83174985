/** The app's log tails: start one per query (batches go out as `logs:batch`), stop them, fetch a page. */
import { randomUUID } from 'node:crypto';
import type { LogBatch, LogLine, LogQuery } from '../../shared/domain/logs';
import type { AppContext } from '../api/context';
import type { ActiveConnection } from '../aws/connection';
import { connectionManager } from '../aws/connection';
import { describeStack, stackOutputs } from '../aws/stacks';
import { loadProject } from '../compose/load';
import { localRecords } from '../deploy/records';
import { rolloutTargets } from '../deploy/rollout';
import { BOOTSTRAP_STACK_NAME, projectStackName } from '../plan';
import { raise } from '../../shared/result';
import { resolveQuery } from './sources';
import { LogTail, type TailOptions } from './tail';

/** A query as the contract carries it (the project folder helps map streams to services). */
export type TailQuery = LogQuery & { dir?: string };

/** Knobs tests and benchmarks turn. */
export type TailTuning = Partial<Pick<TailOptions, 'pollMs' | 'overlapMs' | 'batchIntervalMs' | 'maxBatchLines' | 'highWater' | 'defaultSinceMs' | 'sleep'>>;

function logGroupArn(conn: ActiveConnection): (group: string) => string {
  const partition = conn.identity.arn.split(':')[1] || 'aws';
  return (group) => `arn:${partition}:logs:${conn.target.region}:${conn.identity.account}:log-group:${group}`;
}

/** Everything a tail needs to know about the project: services, records, cluster. */
async function tailOptions(ctx: AppContext, conn: ActiveConnection, query: TailQuery, tuning: TailTuning): Promise<Omit<TailOptions, 'tailId' | 'emit' | 'follow'>> {
  let services: string[] | undefined;
  let project = undefined as Awaited<ReturnType<typeof loadProject>>['project'] | undefined;
  if (query.dir) {
    project = (await loadProject(query.dir)).project;
    if (project && project.name !== query.project) raise('INVALID_ARGUMENT', `The folder ${query.dir} holds project ${project.name}, not ${query.project}.`);
    services = project?.services.map((s) => s.name);
  }
  const records = (await localRecords(ctx.dataDir, query.project)).map((r) => r.record);
  const resolved = resolveQuery(query, { ...(services ? { services } : {}), records });
  let cluster: string | undefined;
  if (query.includeEvents) {
    cluster = stackOutputs(await describeStack(conn.clients.cloudformation, BOOTSTRAP_STACK_NAME)).ClusterName;
  }
  const targets = project ? rolloutTargets(project).filter((t) => !resolved.services || resolved.services.includes(t.service)) : [];
  return {
    clients: conn.clients,
    query: resolved,
    logGroupArn: logGroupArn(conn),
    stackName: projectStackName(query.project),
    ...(cluster ? { cluster, ecsServices: targets.map((t) => t.ecsService) } : {}),
    ...tuning,
  };
}

export interface LogTails {
  /** Starts a tail; its lines arrive as `logs:batch` events carrying the returned id. */
  start(query: TailQuery, follow?: boolean): Promise<{ tailId: string }>;
  stop(tailId: string): void;
  /** The newest `limit` past lines of a query (no tail). */
  fetch(query: TailQuery, limit: number): Promise<LogLine[]>;
}

/** The log tails of an app context (one service per context; tails stop when it is disposed). */
export function logTails(ctx: AppContext, tuning: TailTuning = {}): LogTails {
  return ctx.service('logs', () => {
    const tails = new Map<string, LogTail>();
    ctx.onDispose(() => {
      for (const tail of tails.values()) tail.stop();
      tails.clear();
    });
    return {
      async start(query, follow = true) {
        const conn = connectionManager(ctx).require();
        const options = await tailOptions(ctx, conn, query, tuning);
        const tailId = randomUUID();
        const tail = new LogTail({ ...options, tailId, follow, emit: (batch: LogBatch) => ctx.emit('logs:batch', batch) });
        tails.set(tailId, tail);
        void tail.done.then(() => tails.delete(tailId));
        return { tailId };
      },
      stop(tailId) {
        const tail = tails.get(tailId);
        if (!tail) raise('NOT_FOUND', `No log tail ${tailId} is running.`);
        tail.stop();
      },
      async fetch(query, limit) {
        const conn = connectionManager(ctx).require();
        const options = await tailOptions(ctx, conn, query, tuning);
        const newest: LogLine[] = [];
        const tail = new LogTail({
          ...options,
          tailId: 'fetch',
          follow: false,
          emit: (batch) => {
            for (const line of batch.lines) newest.push(line);
            if (newest.length > limit * 2) newest.splice(0, newest.length - limit);
          },
        });
        await tail.done;
        return newest.sort((a, b) => a.timestamp - b.timestamp).slice(-limit);
      },
    };
  });
}
