import { CloudWatchLogsClient, FilterLogEventsCommand, StartLiveTailCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../shared/domain/deploy';
import type { LogBatch } from '../../shared/domain/logs';
import { awsError } from '../deploy/testing/errors';
import { formatEcsEvent } from './format';
import { resolveQuery } from './sources';
import { LogTail, type TailOptions } from './tail';

const logsMock = mockClient(CloudWatchLogsClient);
const logs = new CloudWatchLogsClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const T = 1_700_000_000_000;
const ev = (id: string, offset: number, message: string, stream = 'web/web/task1') => ({ eventId: id, timestamp: T + offset, message, logStreamName: stream });

function collect() {
  const batches: LogBatch[] = [];
  return {
    batches,
    emit: (b: LogBatch) => batches.push(b),
    lines: () => batches.flatMap((b) => b.lines.map((l) => l.message)),
    statuses: () => batches.map((b) => b.status).filter(Boolean),
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(condition()).toBe(true);
}

function tail(overrides: Partial<TailOptions> & Pick<TailOptions, 'emit'>): LogTail {
  return new LogTail({
    tailId: 't1',
    clients: { logs },
    query: resolveQuery({ project: 'shop', since: T - 1000 }, { services: ['web', 'api'] }),
    follow: true,
    pollMs: 1,
    batchIntervalMs: 1,
    now: () => T + 10_000,
    ...overrides,
  });
}

beforeEach(() => logsMock.reset());

describe('LogTail', () => {
  it('backfills, then polls an overlap window without duplicating lines or losing identical ones', async () => {
    logsMock
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [ev('1', 0, 'starting'), ev('2', 5, 'ping'), ev('3', 5, 'ping')] })
      .resolves({ events: [ev('1', 0, 'starting'), ev('2', 5, 'ping'), ev('3', 5, 'ping'), ev('4', 9, 'listening on :8080')] });
    const out = collect();
    const t = tail({ emit: out.emit });
    await until(() => out.lines().includes('listening on :8080'));
    await new Promise((r) => setTimeout(r, 20));
    t.stop();
    await t.done;
    expect(out.lines()).toEqual(['starting', 'ping', 'ping', 'listening on :8080']);
    expect(out.statuses()).toContain('polling');
    expect(out.statuses().at(-1)).toBe('stopped');
    expect(out.batches[0]!.lines[0]).toMatchObject({ service: 'web', source: 'service', stream: 'web/web/task1', id: '1' });
  });

  it('says "no logs yet" instead of waiting when the project has no logs', async () => {
    logsMock.on(FilterLogEventsCommand).rejects(awsError('ResourceNotFoundException', 'The specified log group does not exist.'));
    const out = collect();
    const t = tail({ emit: out.emit, follow: false });
    await t.done;
    expect(out.statuses()).toEqual(['no-logs-yet', 'stopped']);
  });

  it('uses live tail after the backfill and re-reads the gap without duplicates when a session ends', async () => {
    logsMock.on(FilterLogEventsCommand).resolvesOnce({ events: [ev('1', 0, 'a')] }).resolves({ events: [ev('1', 0, 'a'), ev('2', 2, 'b')] });
    let sessions = 0;
    logsMock.on(StartLiveTailCommand).callsFake(async () => {
      sessions++;
      const n = sessions;
      return {
        responseStream: (async function* () {
          yield { sessionStart: {} };
          yield { sessionUpdate: { sessionResults: [{ logStreamName: 'web/web/task1', logGroupIdentifier: 'arn', timestamp: T + 2, message: 'b' }] } };
          if (n === 1) yield { SessionTimeoutException: { message: 'Session timed out' } };
          else yield { sessionUpdate: { sessionResults: [{ logStreamName: 'web/web/task1', logGroupIdentifier: 'arn', timestamp: T + 3, message: 'c' }] } };
        })(),
      };
    });
    const out = collect();
    const t = tail({ emit: out.emit, logGroupArn: (g) => `arn:aws:logs:us-east-1:1:log-group:${g}`, reconnectMs: 1 });
    await until(() => out.lines().includes('c'));
    t.stop();
    await t.done;
    expect(out.lines()).toEqual(['a', 'b', 'c']);
    expect(out.statuses()).toContain('live');
    expect(out.statuses()).toContain('reconnecting');
    expect(logsMock.commandCalls(StartLiveTailCommand)[0]!.args[0].input.logGroupIdentifiers).toEqual(['arn:aws:logs:us-east-1:1:log-group:/berth/shop']);
  });

  it('falls back to polling where live tail is not supported', async () => {
    logsMock.on(FilterLogEventsCommand).resolvesOnce({ events: [ev('1', 0, 'a')] }).resolves({ events: [ev('1', 0, 'a'), ev('2', 1, 'b')] });
    logsMock.on(StartLiveTailCommand).rejects(awsError('UnknownOperationException', 'StartLiveTail is not supported'));
    const out = collect();
    const t = tail({ emit: out.emit, logGroupArn: (g) => g });
    await until(() => out.lines().includes('b'));
    t.stop();
    await t.done;
    expect(out.lines()).toEqual(['a', 'b']);
    expect(out.statuses()).toContain('polling');
  });

  it('filters by service (stream prefix) and text (any case), and sends at most maxLines a batch', async () => {
    const many = Array.from({ length: 25 }, (_, i) => ev(`e${i}`, i, i % 5 === 0 ? `ERROR number ${i}` : `ok ${i}`, 'api/api/t2'));
    logsMock.on(FilterLogEventsCommand).resolves({ events: many });
    const out = collect();
    const query = resolveQuery({ project: 'shop', since: T, services: ['api'], filter: 'error' }, { services: ['web', 'api'] });
    const t = tail({ emit: out.emit, follow: false, query, maxBatchLines: 2 });
    await t.done;
    expect(logsMock.commandCalls(FilterLogEventsCommand)[0]!.args[0].input).toMatchObject({ logGroupName: '/berth/shop', logStreamNamePrefix: 'api/', startTime: T });
    expect(out.lines()).toEqual(['ERROR number 0', 'ERROR number 5', 'ERROR number 10', 'ERROR number 15', 'ERROR number 20']);
    expect(Math.max(...out.batches.map((b) => b.lines.length))).toBe(2);
  });
});

describe('sources', () => {
  const record = (id: string, startedAt: string, streams?: Record<string, string>): DeploymentRecord => ({
    id,
    project: 'shop',
    mode: 'affordable',
    account: '1',
    region: 'us-east-1',
    identityArn: 'arn',
    startedAt,
    outcome: 'succeeded',
    phases: [],
    digests: {},
    urls: [],
    ...(streams ? { buildLogStreams: streams } : {}),
  });

  it('limits a deployment to its time window and its build streams', () => {
    const records = [record('d1', '2025-01-01T00:00:00.000Z', { web: 'build/t1' }), record('d2', '2025-01-02T00:00:00.000Z', { web: 'build/t2' })];
    const q = resolveQuery({ project: 'shop', deploymentId: 'd1', includeBuilds: true, includeEvents: true }, { services: ['web'], records });
    expect(q.since).toBe(Date.parse('2025-01-01T00:00:00.000Z'));
    expect(q.until).toBe(Date.parse('2025-01-02T00:00:00.000Z'));
    expect(q.groups).toEqual([
      { kind: 'service', group: '/berth/shop' },
      { kind: 'build', group: '/berth/builds', streamNames: ['build/t1'] },
      { kind: 'events', group: '/aws/events/berth/shop' },
    ]);
    expect(q.serviceOfContainer('build/t1')).toBe('web');
  });

  it('turns an ECS task state change into one readable line', () => {
    const message = JSON.stringify({
      'detail-type': 'ECS Task State Change',
      detail: { lastStatus: 'STOPPED', group: 'service:shop-web', taskArn: 'arn:aws:ecs:us-east-1:1:task/berth/0123456789abcdef', stoppedReason: 'Essential container in task exited', containers: [{ name: 'web', exitCode: 1 }] },
    });
    expect(formatEcsEvent(message, (s) => (s === 'shop-web' ? 'web' : undefined))).toEqual({ text: 'Task 0123456789ab STOPPED: Essential container in task exited; web exited 1', service: 'web' });
  });
});
