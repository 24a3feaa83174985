/** CloudWatch Logs over JSON 1.1: groups, streams, events, filter patterns, resource policies and tags. */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { SandboxRequest, SandboxResponse } from '../http';
import { decodeToken, encodeToken, Fields } from '../protocol/input';
import { dispatchJson, type JsonOperation } from '../protocol/json-service';
import type { LogGroup, LogStream } from '../state';
import { compileFilterPattern } from './filter-pattern';
import { appendEvents, createLogGroup, createLogStream, eventId, groupNameFrom, logGroupArn, lowerBound, requireGroup, requireStream, upperBound } from './store';

const MAX_BATCH_BYTES = 1_048_576;
const DAY = 86_400_000;
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function groupFrom(core: SandboxCore, f: Fields): LogGroup {
  const name = f.optStr('logGroupName') ?? f.optStr('logGroupIdentifier');
  if (!name) fail('InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified.');
  return requireGroup(core, groupNameFrom(name));
}

function groupView(core: SandboxCore, g: LogGroup): Record<string, unknown> {
  return {
    logGroupName: g.name,
    creationTime: g.createdAt,
    ...(g.retentionInDays ? { retentionInDays: g.retentionInDays } : {}),
    ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
    metricFilterCount: 0,
    arn: `${logGroupArn(core, g.name)}:*`,
    logGroupArn: logGroupArn(core, g.name),
    storedBytes: 0,
    logGroupClass: 'STANDARD',
  };
}

function streamView(core: SandboxCore, g: LogGroup, s: LogStream): Record<string, unknown> {
  return {
    logStreamName: s.name,
    creationTime: s.createdAt,
    ...(s.length > 0 ? { firstEventTimestamp: s.times[0], lastEventTimestamp: s.times[s.length - 1] } : {}),
    ...(s.lastIngestionTime ? { lastIngestionTime: s.lastIngestionTime } : {}),
    uploadSequenceToken: String(s.uploadSequence),
    arn: `${logGroupArn(core, g.name)}:log-stream:${s.name}`,
    storedBytes: 0,
  };
}

function limitOf(f: Fields, max: number, fallback = max): number {
  const limit = f.optNum('limit') ?? fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) fail('InvalidParameterException', `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  return limit;
}

function pageOf<T>(items: T[], token: string | undefined, limit: number): { items: T[]; next?: string } {
  const after = decodeToken(token, 'InvalidParameterException');
  const start = typeof after === 'number' ? after : 0;
  const slice = items.slice(start, start + limit);
  return { items: slice, next: start + limit < items.length ? encodeToken(start + limit) : undefined };
}

function parseGetToken(token: string | undefined): { dir: 'f' | 'b'; at: number } | undefined {
  if (!token) return undefined;
  const m = /^([fb])\/(\d+)$/.exec(token);
  if (!m) fail('InvalidParameterException', 'The specified nextToken is invalid.');
  return { dir: m[1] as 'f' | 'b', at: Number(m[2]) };
}

function eventAt(s: LogStream, i: number): Record<string, unknown> {
  return { timestamp: s.times[i], message: s.messages[i], ingestionTime: s.ingested[i] };
}

interface Cursor {
  t: number;
  stream: string;
  i: number;
}

// Merges the matching events of several streams in (timestamp, stream, index) order, resuming after a cursor.
function filterEvents(streams: LogStream[], start: number, end: number, match: (m: string) => boolean, cursor: Cursor | undefined, limit: number) {
  const positions = streams.map((s) => {
    let i = lowerBound(s, start);
    if (cursor) {
      if (s.name < cursor.stream) i = Math.max(i, upperBound(s, cursor.t));
      else if (s.name === cursor.stream) i = Math.max(i, cursor.i + 1);
      else i = Math.max(i, lowerBound(s, cursor.t));
    }
    return { s, i, stop: upperBound(s, end) };
  });
  const out: { s: LogStream; i: number }[] = [];
  let scanned = 0;
  const scanBudget = 2_000_000;
  for (;;) {
    let best: (typeof positions)[number] | undefined;
    for (const p of positions) {
      if (p.i >= p.stop) continue;
      if (!best || p.s.times[p.i]! < best.s.times[best.i]! || (p.s.times[p.i] === best.s.times[best.i] && p.s.name < best.s.name)) best = p;
    }
    if (!best) return { events: out, more: false, last: undefined as Cursor | undefined };
    const { s, i } = best;
    best.i++;
    scanned++;
    if (match(s.messages[i]!)) {
      out.push({ s, i });
      if (out.length >= limit) {
        const more = positions.some((p) => p.i < p.stop);
        return { events: out, more, last: { t: s.times[i]!, stream: s.name, i } };
      }
    }
    if (scanned >= scanBudget) {
      // AWS also returns partial pages with a token when a search runs long.
      return { events: out, more: true, last: { t: s.times[i]!, stream: s.name, i } };
    }
  }
}

const ops: Record<string, JsonOperation> = {
  CreateLogGroup(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    createLogGroup(core, f.str('logGroupName'), { tags: (f.optObj('tags') as Record<string, string> | undefined) ?? {}, kmsKeyId: f.optStr('kmsKeyId') });
    return {};
  },
  DeleteLogGroup(input, core) {
    const g = groupFrom(core, new Fields(input, 'InvalidParameterException'));
    core.state.logs.groups.delete(g.name);
    core.changed();
    return {};
  },
  DescribeLogGroups(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const prefix = f.optStr('logGroupNamePrefix');
    const pattern = f.optStr('logGroupNamePattern')?.toLowerCase();
    if (prefix && pattern) fail('InvalidParameterException', 'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
    const limit = limitOf(f, 50);
    const groups = [...core.state.logs.groups.values()]
      .filter((g) => (!prefix || g.name.startsWith(prefix)) && (!pattern || g.name.toLowerCase().includes(pattern)))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const { items, next } = pageOf(groups, f.optStr('nextToken'), limit);
    return { logGroups: items.map((g) => groupView(core, g)), ...(next ? { nextToken: next } : {}) };
  },
  PutRetentionPolicy(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const g = groupFrom(core, f);
    const days = f.optNum('retentionInDays');
    if (days === undefined || !RETENTION_DAYS.includes(days)) fail('InvalidParameterException', `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
    g.retentionInDays = days;
    core.changed();
    return {};
  },
  DeleteRetentionPolicy(input, core) {
    const g = groupFrom(core, new Fields(input, 'InvalidParameterException'));
    delete g.retentionInDays;
    core.changed();
    return {};
  },
  CreateLogStream(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    createLogStream(core, groupFrom(core, f), f.str('logStreamName'));
    return {};
  },
  DeleteLogStream(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const g = groupFrom(core, f);
    requireStream(g, f.str('logStreamName'));
    g.streams.delete(f.str('logStreamName'));
    core.changed();
    return {};
  },
  DescribeLogStreams(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const g = groupFrom(core, f);
    const prefix = f.optStr('logStreamNamePrefix');
    const orderBy = f.optStr('orderBy') ?? 'LogStreamName';
    if (prefix && orderBy === 'LastEventTime') fail('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
    const descending = f.optBool('descending') === true;
    const limit = limitOf(f, 50);
    const streams = [...g.streams.values()].filter((s) => !prefix || s.name.startsWith(prefix));
    const key = (s: LogStream) => (orderBy === 'LastEventTime' ? (s.length ? s.times[s.length - 1]! : s.createdAt) : 0);
    streams.sort((a, b) => (orderBy === 'LastEventTime' ? key(a) - key(b) || (a.name < b.name ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (descending) streams.reverse();
    const { items, next } = pageOf(streams, f.optStr('nextToken'), limit);
    return { logStreams: items.map((s) => streamView(core, g, s)), ...(next ? { nextToken: next } : {}) };
  },
  PutLogEvents(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const g = groupFrom(core, f);
    const s = requireStream(g, f.str('logStreamName'));
    const events = f.objList('logEvents') ?? [];
    if (events.length === 0 || events.length > 10_000) fail('InvalidParameterException', "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000 and greater than or equal to 1");
    let bytes = 0;
    const now = Date.now();
    const accepted: { timestamp: number; message: string }[] = [];
    let tooOld = -1;
    let tooNew = -1;
    events.forEach((e, index) => {
      const timestamp = e.timestamp;
      const message = e.message;
      if (typeof timestamp !== 'number' || typeof message !== 'string') fail('InvalidParameterException', 'Each log event needs a timestamp and a message.');
      bytes += Buffer.byteLength(message) + 26;
      if (timestamp < now - 14 * DAY || (g.retentionInDays !== undefined && timestamp < now - g.retentionInDays * DAY)) tooOld = index;
      else if (timestamp > now + 2 * 3_600_000) {
        if (tooNew < 0) tooNew = index;
      } else accepted.push({ timestamp, message });
    });
    if (bytes > MAX_BATCH_BYTES) fail('InvalidParameterException', 'Upload too large: the batch of log events exceeds 1,048,576 bytes.');
    if (accepted.length > 0) appendEvents(core, s, accepted);
    const rejected = tooOld >= 0 || tooNew >= 0 ? { rejectedLogEventsInfo: { ...(tooOld >= 0 ? { tooOldLogEventEndIndex: tooOld } : {}), ...(tooNew >= 0 ? { tooNewLogEventStartIndex: tooNew } : {}) } } : {};
    return { nextSequenceToken: String(s.uploadSequence), ...rejected };
  },
  GetLogEvents(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const g = groupFrom(core, f);
    const s = requireStream(g, f.str('logStreamName'));
    const limit = limitOf(f, 10_000);
    const lo = f.optNum('startTime') !== undefined ? lowerBound(s, f.optNum('startTime')!) : 0;
    const hi = f.optNum('endTime') !== undefined ? lowerBound(s, f.optNum('endTime')!) : s.length;
    const token = parseGetToken(f.optStr('nextToken'));
    let from: number;
    let to: number;
    if (token?.dir === 'f' || (!token && f.optBool('startFromHead') === true)) {
      from = Math.max(lo, token ? token.at : lo);
      to = Math.min(hi, from + limit);
    } else {
      to = Math.min(hi, token ? token.at : hi);
      from = Math.max(lo, to - limit);
    }
    if (to < from) to = from;
    const events: Record<string, unknown>[] = [];
    for (let i = from; i < to; i++) events.push(eventAt(s, i));
    return { events, nextForwardToken: `f/${to}`, nextBackwardToken: `b/${from}` };
  },
  FilterLogEvents(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const g = groupFrom(core, f);
    const names = f.strList('logStreamNames');
    const prefix = f.optStr('logStreamNamePrefix');
    if (names && prefix) fail('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
    const limit = limitOf(f, 10_000);
    const streams = [...g.streams.values()].filter((s) => (!names || names.includes(s.name)) && (!prefix || s.name.startsWith(prefix)));
    if (names && names.some((n) => !g.streams.has(n))) fail('ResourceNotFoundException', 'The specified log stream does not exist.');
    const match = compileFilterPattern(f.optStr('filterPattern'));
    const token = decodeToken(f.optStr('nextToken'), 'InvalidParameterException');
    let cursor: Cursor | undefined;
    if (typeof token === 'string') {
      try {
        cursor = JSON.parse(token) as Cursor;
      } catch {
        fail('InvalidParameterException', 'The specified nextToken is invalid.');
      }
    }
    const { events, more, last } = filterEvents(streams, f.optNum('startTime') ?? 0, f.optNum('endTime') ?? Number.MAX_SAFE_INTEGER, match, cursor, limit);
    return {
      events: events.map(({ s, i }) => ({ logStreamName: s.name, timestamp: s.times[i], message: s.messages[i], ingestionTime: s.ingested[i], eventId: eventId(g.name, s.name, i, s.times[i]!) })),
      searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: !more })),
      ...(more && last ? { nextToken: encodeToken(JSON.stringify(last)) } : {}),
    };
  },
  PutResourcePolicy(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const name = f.str('policyName');
    const document = f.str('policyDocument');
    try {
      JSON.parse(document);
    } catch {
      fail('InvalidParameterException', 'The policy document is not valid JSON.');
    }
    const policy = { name, document, updatedAt: Date.now() };
    core.state.logs.policies.set(name, policy);
    core.changed();
    return { resourcePolicy: { policyName: name, policyDocument: document, lastUpdatedTime: policy.updatedAt } };
  },
  DescribeResourcePolicies(_input, core) {
    return { resourcePolicies: [...core.state.logs.policies.values()].map((p) => ({ policyName: p.name, policyDocument: p.document, lastUpdatedTime: p.updatedAt })) };
  },
  DeleteResourcePolicy(input, core) {
    const name = new Fields(input, 'InvalidParameterException').str('policyName');
    if (!core.state.logs.policies.delete(name)) fail('ResourceNotFoundException', 'Policy with name [' + name + '] does not exist');
    core.changed();
    return {};
  },
  TagResource(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const g = requireGroup(core, groupNameFrom(f.str('resourceArn')));
    Object.assign(g.tags, (f.optObj('tags') ?? {}) as Record<string, string>);
    core.changed();
    return {};
  },
  UntagResource(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const g = requireGroup(core, groupNameFrom(f.str('resourceArn')));
    for (const key of f.strList('tagKeys') ?? []) delete g.tags[key];
    core.changed();
    return {};
  },
  ListTagsForResource(input, core) {
    const g = requireGroup(core, groupNameFrom(new Fields(input, 'InvalidParameterException').str('resourceArn')));
    return { tags: g.tags };
  },
  TagLogGroup(input, core) {
    const f = new Fields(input, 'InvalidParameterException');
    const g = requireGroup(core, f.str('logGroupName'));
    Object.assign(g.tags, (f.optObj('tags') ?? {}) as Record<string, string>);
    core.changed();
    return {};
  },
  ListTagsLogGroup(input, core) {
    return { tags: requireGroup(core, new Fields(input, 'InvalidParameterException').str('logGroupName')).tags };
  },
  StartLiveTail() {
    // Live tail is an event stream on a separate endpoint; the sandbox has none, so clients poll FilterLogEvents.
    fail('UnknownOperationException', 'StartLiveTail is not supported by the Berth sandbox; poll FilterLogEvents instead.');
  },
};

/** Handles one CloudWatch Logs request. */
export function handleLogs(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  return dispatchJson(req, core, ops, 'CloudWatch Logs');
}

