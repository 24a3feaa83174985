import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  StartLiveTailCommand,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type Sandbox } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';
import { compileFilterPattern } from './filter-pattern';

describe('sandbox CloudWatch Logs', () => {
  let sb: Sandbox;
  let c: SandboxClients;
  const t0 = Date.now() - 60_000;
  beforeAll(async () => {
    sb = await startSandbox();
    c = sandboxClients(sb);
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: '/berth/app', tags: { 'berth:project': 'app' } }));
    for (const stream of ['web/web/task1', 'worker/worker/task2']) {
      await c.logs.send(new CreateLogStreamCommand({ logGroupName: '/berth/app', logStreamName: stream }));
      await c.logs.send(
        new PutLogEventsCommand({
          logGroupName: '/berth/app',
          logStreamName: stream,
          logEvents: Array.from({ length: 50 }, (_, i) => ({ timestamp: t0 + i * 100 + (stream.startsWith('web') ? 0 : 50), message: i % 10 === 0 ? `ERROR ${stream} failed #${i}` : `INFO ${stream} ok #${i}` })),
        }),
      );
    }
  });
  afterAll(async () => {
    c.destroy();
    await sb.close();
  });

  it('creates groups and streams, and refuses duplicates and missing ones with the SDK classes', async () => {
    await expect(c.logs.send(new CreateLogGroupCommand({ logGroupName: '/berth/app' }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    await expect(c.logs.send(new PutLogEventsCommand({ logGroupName: '/nope', logStreamName: 'x', logEvents: [{ timestamp: Date.now(), message: 'm' }] }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const groups = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/berth' }));
    expect(groups.logGroups?.[0]).toMatchObject({ logGroupName: '/berth/app', logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/berth/app' });
  });

  it('describes streams by name or by last event time', async () => {
    const byName = await c.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/berth/app', logStreamNamePrefix: 'web/' }));
    expect(byName.logStreams?.map((s) => s.logStreamName)).toEqual(['web/web/task1']);
    const latest = await c.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/berth/app', orderBy: 'LastEventTime', descending: true, limit: 1 }));
    expect(latest.logStreams?.[0]?.logStreamName).toBe('worker/worker/task2');
    expect(latest.nextToken).toBeDefined();
  });

  it('reads a stream forwards with tokens and ends on a repeated token', async () => {
    const first = await c.logs.send(new GetLogEventsCommand({ logGroupName: '/berth/app', logStreamName: 'web/web/task1', startFromHead: true, limit: 30 }));
    expect(first.events).toHaveLength(30);
    const second = await c.logs.send(new GetLogEventsCommand({ logGroupName: '/berth/app', logStreamName: 'web/web/task1', nextToken: first.nextForwardToken, limit: 30 }));
    expect(second.events).toHaveLength(20);
    const third = await c.logs.send(new GetLogEventsCommand({ logGroupName: '/berth/app', logStreamName: 'web/web/task1', nextToken: second.nextForwardToken }));
    expect(third.events).toHaveLength(0);
    expect(third.nextForwardToken).toBe(second.nextForwardToken);
    const tail = await c.logs.send(new GetLogEventsCommand({ logGroupName: '/berth/app', logStreamName: 'web/web/task1', limit: 5 }));
    expect(tail.events?.map((e) => e.message)).toEqual(['INFO web/web/task1 ok #45', 'INFO web/web/task1 ok #46', 'INFO web/web/task1 ok #47', 'INFO web/web/task1 ok #48', 'INFO web/web/task1 ok #49']);
  });

  it('filters across streams in time order with patterns and pagination, without duplicates', async () => {
    const errors = await c.logs.send(new FilterLogEventsCommand({ logGroupName: '/berth/app', filterPattern: 'ERROR' }));
    expect(errors.events).toHaveLength(10);
    expect(errors.events?.[0]?.message).toBe('ERROR web/web/task1 failed #0');
    expect(errors.events?.[1]?.message).toBe('ERROR worker/worker/task2 failed #0');
    const seen: string[] = [];
    for await (const page of paginateFilterLogEvents({ client: c.logs }, { logGroupName: '/berth/app', limit: 7 })) seen.push(...(page.events ?? []).map((e) => e.eventId!));
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);
    const worker = await c.logs.send(new FilterLogEventsCommand({ logGroupName: '/berth/app', logStreamNamePrefix: 'worker/', filterPattern: '"failed #1" ?nothing -#10', startTime: t0 }));
    expect(worker.events?.map((e) => e.message)).toEqual([]);
    const or = await c.logs.send(new FilterLogEventsCommand({ logGroupName: '/berth/app', logStreamNames: ['web/web/task1'], filterPattern: '?#10 ?#20' }));
    expect(or.events?.map((e) => e.message)).toEqual(['ERROR web/web/task1 failed #10', 'ERROR web/web/task1 failed #20']);
  });

  it('answers StartLiveTail with a clean unsupported-operation error (clients then poll)', async () => {
    // Live tail has a `stream-` host prefix, which a local endpoint cannot resolve; without it the sandbox answers.
    const client = new CloudWatchLogsClient({ endpoint: sb.endpoint, region: 'us-east-1', credentials: { ...sb.credentials }, maxAttempts: 1, disableHostPrefix: true });
    const error = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: ['arn:aws:logs:us-east-1:000000000000:log-group:/berth/app'] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UnknownOperationException', message: 'StartLiveTail is not supported by the Berth sandbox; poll FilterLogEvents instead.' });
    client.destroy();
  });
});

describe('filter patterns', () => {
  it('matches terms, phrases, OR terms and exclusions', () => {
    expect(compileFilterPattern('ERROR db')('ERROR connecting to db')).toBe(true);
    expect(compileFilterPattern('ERROR db')('ERROR connecting')).toBe(false);
    expect(compileFilterPattern('"connection refused"')('dial: connection refused')).toBe(true);
    expect(compileFilterPattern('?WARN ?ERROR')('WARN low disk')).toBe(true);
    expect(compileFilterPattern('ERROR -timeout')('ERROR timeout')).toBe(false);
  });

  it('matches JSON and space-delimited patterns', () => {
    const json = compileFilterPattern('{ $.level = "err*" && $.latency > 100 }');
    expect(json('{"level":"error","latency":250}')).toBe(true);
    expect(json('{"level":"error","latency":50}')).toBe(false);
    expect(json('not json')).toBe(false);
    const delimited = compileFilterPattern('[ip, user, ..., status = 5*, bytes]');
    expect(delimited('10.0.0.1 bob GET /x 503 1200')).toBe(true);
    expect(delimited('10.0.0.1 bob GET /x 200 1200')).toBe(false);
  });
});
