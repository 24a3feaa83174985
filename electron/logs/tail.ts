/**
 * Tailing a project's logs: a FilterLogEvents backfill, then CloudWatch live tail for the
 * container logs (polling FilterLogEvents where live tail is unavailable, e.g. LocalStack or the
 * sandbox), polling for builds and events. Reconnects re-read an overlap window and drop what
 * was already sent, so there are neither duplicates nor gaps. Lines go out through a batcher
 * (~10 batches a second, bounded buffer); an empty result says "no logs yet" instead of waiting.
 */
import { sleepUnlessAborted } from '../util/sleep';
import { createHash } from 'node:crypto';
import {
  FilterLogEventsCommand,
  StartLiveTailCommand,
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  type LiveTailSessionLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import type { LogBatch, LogLine } from '../../shared/domain/logs';
import { toStackEvent } from '../aws/stacks';
import { LogBatcher } from './batcher';
import { eventKey, SeenEvents } from './dedupe';
import { formatEcsEvent, serviceEventLine, stackEventLine } from './format';
import type { GroupSource, ResolvedQuery } from './sources';

export interface TailClients {
  logs: CloudWatchLogsClient;
  ecs?: ECSClient;
  cloudformation?: CloudFormationClient;
}

export interface TailOptions {
  tailId: string;
  clients: TailClients;
  query: ResolvedQuery;
  emit: (batch: LogBatch) => void;
  /** Keep going after the backfill (false: one read, then `stopped`). */
  follow: boolean;
  /** Turns a log group name into the ARN live tail wants; absent disables live tail. */
  logGroupArn?: (group: string) => string;
  /** The project stack, for stack events. */
  stackName?: string;
  /** The cluster and the project's ECS services, for service events. */
  cluster?: string;
  ecsServices?: string[];
  /** Default backfill start when the query has none (default: the last hour). */
  defaultSinceMs?: number;
  pollMs?: number;
  /** First wait before re-opening a live tail session (doubles per failure, up to 30 s). */
  reconnectMs?: number;
  /** How far back each poll re-reads, for events ingested late (default 30 s). */
  overlapMs?: number;
  batchIntervalMs?: number;
  maxBatchLines?: number;
  highWater?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

const UNSUPPORTED = /UnknownOperation|InvalidOperation|NotImplemented|UnsupportedOperation|not supported|AccessDenied/i;

function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 20);
}

/** One tail: start it, read its batches through `emit`, stop it. */
export class LogTail {
  private readonly controller = new AbortController();
  // One window per log group: a group whose newest line lags behind another's keeps its own overlap.
  private readonly seenByGroup = new Map<string, SeenEvents>();
  // ECS service events repeat in every DescribeServices answer: remembered by id, not by time.
  private readonly seenServiceEvents = new Set<string>();
  private readonly seenStackEvents = new Set<string>();
  private readonly batcher: LogBatcher;
  private readonly lastByGroup = new Map<GroupSource, number>();
  private total = 0;
  private stackEventsAfter = 0;
  readonly done: Promise<void>;

  constructor(private readonly options: TailOptions) {
    this.batcher = new LogBatcher({
      tailId: options.tailId,
      emit: options.emit,
      ...(options.batchIntervalMs !== undefined ? { intervalMs: options.batchIntervalMs } : {}),
      ...(options.maxBatchLines !== undefined ? { maxLines: options.maxBatchLines } : {}),
      ...(options.highWater !== undefined ? { highWater: options.highWater } : {}),
    });
    this.done = this.run().catch((error: unknown) => {
      // A tail never throws at its caller: it ends with a status the UI can show.
      this.batcher.push([{ id: `error:${Date.now()}`, timestamp: this.now(), source: 'berth', stream: 'tail', message: `Log tail stopped: ${(error as Error).message}` }]);
      this.batcher.close('stopped');
    });
  }

  /** Lines sent so far. */
  get delivered(): number {
    return this.batcher.delivered;
  }

  /** Stops the tail (live tail session closed, polling ended, `stopped` sent). */
  stop(): void {
    this.controller.abort();
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? sleepUnlessAborted)(ms, this.signal);
  }

  private seenFor(group: string): SeenEvents {
    let seen = this.seenByGroup.get(group);
    if (!seen) {
      // The overlap plus a margin for lines ingested late.
      seen = new SeenEvents((this.options.overlapMs ?? 30_000) + 30_000);
      this.seenByGroup.set(group, seen);
    }
    return seen;
  }

  /** Admits lines through the dedupe window (of their group) and the filters, then queues them. */
  private async deliver(lines: { key: string; line: LogLine }[], group?: string): Promise<void> {
    const reread = new Map<string, number>();
    const seen = group ? this.seenFor(group) : undefined;
    const out: LogLine[] = [];
    const q = this.options.query;
    for (const { key, line } of lines) {
      if (seen && !seen.admit(key, line.timestamp, reread)) continue;
      if (q.until !== undefined && line.timestamp > q.until) continue;
      if (q.text && !line.message.toLowerCase().includes(q.text)) continue;
      if (q.services && line.service && !q.services.includes(line.service)) continue;
      out.push(line);
    }
    this.total += out.length;
    this.batcher.push(out);
    await this.batcher.waitForRoom();
  }

  private toLine(source: GroupSource, e: { eventId?: string; logStreamName?: string; timestamp?: number; message?: string }): { key: string; line: LogLine } {
    const stream = e.logStreamName ?? '';
    const timestamp = e.timestamp ?? 0;
    const raw = (e.message ?? '').replace(/\r?\n$/, '');
    const key = eventKey(source.group, stream, timestamp, raw);
    const id = e.eventId ?? `lt:${shortHash(key)}`;
    const q = this.options.query;
    if (source.kind === 'events') {
      const formatted = formatEcsEvent(raw, q.serviceOfEcsService);
      return { key, line: { id, timestamp, source: 'events', stream, message: formatted.text, ...(formatted.service ? { service: formatted.service } : {}) } };
    }
    if (source.kind === 'build') {
      const service = q.serviceOfContainer(stream);
      return { key, line: { id, timestamp, source: 'build', service, stream, message: raw } };
    }
    const container = stream.split('/')[0] ?? stream;
    return { key, line: { id, timestamp, source: 'service', service: q.serviceOfContainer(container), stream, message: raw } };
  }

  /** Reads one group from `start` (all pages), delivering as it goes; a missing group is empty. */
  private async readGroup(source: GroupSource, start: number, end?: number): Promise<void> {
    let token: string | undefined;
    do {
      if (this.signal.aborted) return;
      let out;
      try {
        out = await this.options.clients.logs.send(
          new FilterLogEventsCommand({
            logGroupName: source.group,
            startTime: start,
            ...(end !== undefined ? { endTime: end } : {}),
            ...(source.streamPrefix ? { logStreamNamePrefix: source.streamPrefix } : {}),
            ...(source.streamNames ? { logStreamNames: source.streamNames } : {}),
            ...(token ? { nextToken: token } : {}),
          }),
          { abortSignal: this.signal },
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return;
        throw error;
      }
      const events = (out.events ?? []) as FilteredLogEvent[];
      for (const e of events) if ((e.timestamp ?? 0) > (this.lastByGroup.get(source) ?? 0)) this.lastByGroup.set(source, e.timestamp ?? 0);
      await this.deliver(
        events.map((e) => this.toLine(source, e)),
        source.group,
      );
      token = out.nextToken;
    } while (token);
  }

  private async readStackEvents(): Promise<void> {
    const { cloudformation } = this.options.clients;
    const stackName = this.options.stackName;
    if (!cloudformation || !stackName) return;
    const since = this.options.query.since ?? 0;
    const fresh: LogLine[] = [];
    let token: string | undefined;
    try {
      pages: do {
        const out = await cloudformation.send(new DescribeStackEventsCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) }), { abortSignal: this.signal });
        for (const e of out.StackEvents ?? []) {
          const t = e.Timestamp?.getTime() ?? 0;
          // Newest first: stop at the first one older than what was read (same-instant ones are checked by id).
          if (t < this.stackEventsAfter || t < since) break pages;
          const line = stackEventLine(toStackEvent(e));
          if (this.seenStackEvents.has(line.id)) continue;
          this.seenStackEvents.add(line.id);
          fresh.push(line);
        }
        token = out.NextToken;
      } while (token);
    } catch (error) {
      if (/does not exist/i.test((error as Error).message)) return;
      throw error;
    }
    for (const l of fresh) if (l.timestamp > this.stackEventsAfter) this.stackEventsAfter = l.timestamp;
    // Only events newer than the last one read come back: no window needed.
    await this.deliver(fresh.reverse().map((line) => ({ key: line.id, line })));
  }

  private async readServiceEvents(): Promise<void> {
    const { ecs } = this.options.clients;
    const { cluster, ecsServices } = this.options;
    if (!ecs || !cluster || !ecsServices || ecsServices.length === 0) return;
    const since = this.options.query.since ?? 0;
    const lines: LogLine[] = [];
    for (let i = 0; i < ecsServices.length; i += 10) {
      const out = await ecs.send(new DescribeServicesCommand({ cluster, services: ecsServices.slice(i, i + 10) }), { abortSignal: this.signal });
      for (const svc of out.services ?? []) {
        const name = svc.serviceName ?? '';
        const service = this.options.query.serviceOfEcsService(name) ?? name;
        for (const e of svc.events ?? []) {
          const line = serviceEventLine(service, name, e);
          if (line.timestamp < since || this.seenServiceEvents.has(line.id)) continue;
          this.seenServiceEvents.add(line.id);
          lines.push(line);
        }
      }
    }
    lines.sort((a, b) => a.timestamp - b.timestamp);
    // DescribeServices keeps the last 100 events a service: bound the memory of ids accordingly.
    if (this.seenServiceEvents.size > 10_000) for (const id of [...this.seenServiceEvents].slice(0, 5_000)) this.seenServiceEvents.delete(id);
    await this.deliver(lines.map((line) => ({ key: line.id, line })));
  }

  private async readEverything(start: (source: GroupSource) => number): Promise<void> {
    for (const source of this.options.query.groups) await this.readGroup(source, start(source), this.options.query.until);
    if (this.options.query.stackEvents) await this.readStackEvents();
    if (this.options.query.serviceEvents) await this.readServiceEvents();
  }

  private async run(): Promise<void> {
    const q = this.options.query;
    const since = q.since ?? this.now() - (this.options.defaultSinceMs ?? 60 * 60_000);
    await this.readEverything(() => since);
    if (this.total === 0) this.batcher.setStatus('no-logs-yet');
    if (!this.options.follow || this.signal.aborted || (q.until !== undefined && q.until <= this.now())) {
      this.batcher.close('stopped');
      return;
    }
    const overlap = this.options.overlapMs ?? 30_000;
    const pollStart = (source: GroupSource) => Math.max(since, (this.lastByGroup.get(source) ?? since) - overlap);
    const liveGroups = this.options.logGroupArn ? q.groups.filter((g) => g.kind === 'service') : [];
    const polled = q.groups.filter((g) => !liveGroups.includes(g));
    let live = liveGroups.length > 0 ? this.liveTail(liveGroups, pollStart) : undefined;
    if (!live) this.batcher.setStatus('polling');
    const pollMs = this.options.pollMs ?? 2_000;
    let pollFailed = false;
    while (!this.signal.aborted) {
      await this.sleep(pollMs);
      if (this.signal.aborted) break;
      const fallback = live && (await Promise.race([live, Promise.resolve('running' as const)]));
      if (fallback === 'unsupported') {
        // Live tail is not available here: poll the container logs too, from where live tail was.
        live = undefined;
        this.batcher.setStatus('polling');
        polled.push(...liveGroups);
      }
      try {
        for (const source of polled) await this.readGroup(source, pollStart(source));
        if (q.stackEvents) await this.readStackEvents();
        if (q.serviceEvents) await this.readServiceEvents();
        if (pollFailed) {
          pollFailed = false;
          this.batcher.setStatus(live ? 'live' : 'polling');
        }
      } catch (error) {
        pollFailed = true;
        if (this.signal.aborted) break;
        // A failed poll is retried next round; the overlap window covers what it missed.
        this.batcher.setStatus('reconnecting');
        void error;
      }
    }
    await live?.catch(() => undefined);
    this.batcher.close('stopped');
  }

  /**
   * Runs live tail sessions for the container groups until stopped; resolves 'unsupported' when
   * the endpoint has no live tail. Between sessions (timeouts, dropped connections) the gap is
   * re-read with FilterLogEvents from the last line seen, minus the overlap window.
   */
  private async liveTail(groups: GroupSource[], restartFrom: (source: GroupSource) => number): Promise<'unsupported' | 'stopped'> {
    const arn = this.options.logGroupArn!;
    const prefixes = groups.map((g) => g.streamPrefix).filter((p): p is string => Boolean(p));
    let failures = 0;
    while (!this.signal.aborted) {
      try {
        const out = await this.options.clients.logs.send(
          new StartLiveTailCommand({ logGroupIdentifiers: [arn(groups[0]!.group)], ...(prefixes.length > 0 ? { logStreamNamePrefixes: prefixes } : {}) }),
          { abortSignal: this.signal },
        );
        // Close the gap between the backfill (or the last session) and this session's start.
        for (const g of groups) await this.readGroup(g, restartFrom(g));
        for await (const message of out.responseStream ?? []) {
          if (message.sessionStart) {
            failures = 0;
            this.batcher.setStatus('live');
          } else if (message.sessionUpdate) {
            const results = (message.sessionUpdate.sessionResults ?? []) as LiveTailSessionLogEvent[];
            const lines = results.map((r) => {
              const group = groups[0]!;
              const l = this.toLine(group, { logStreamName: r.logStreamName, timestamp: r.timestamp, message: r.message });
              if ((r.timestamp ?? 0) > (this.lastByGroup.get(group) ?? 0)) this.lastByGroup.set(group, r.timestamp ?? 0);
              return l;
            });
            await this.deliver(lines, groups[0]!.group);
          } else if (message.SessionTimeoutException || message.SessionStreamingException) {
            break;
          }
          if (this.signal.aborted) break;
        }
      } catch (error) {
        if (this.signal.aborted) break;
        const e = error as { name?: string; message?: string };
        if (UNSUPPORTED.test(e.name ?? '') || UNSUPPORTED.test(e.message ?? '')) return 'unsupported';
        failures++;
      }
      if (this.signal.aborted) break;
      this.batcher.setStatus('reconnecting');
      await this.sleep(Math.min(30_000, (this.options.reconnectMs ?? 1_000) * 2 ** Math.min(failures, 5)));
    }
    return 'stopped';
  }
}
