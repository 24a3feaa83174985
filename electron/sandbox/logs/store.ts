/** Log groups, streams and events as functions on the sandbox state (columnar, sorted by timestamp per stream). */
import { createHash } from 'node:crypto';
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { LogGroup, LogStream } from '../state';

/** `arn:aws:logs:<region>:<account>:log-group:<name>` (the `logGroupArn` form, without `:*`). */
export function logGroupArn(core: SandboxCore, name: string): string {
  return `arn:aws:logs:${core.region}:${core.account}:log-group:${name}`;
}

/** The group, or ResourceNotFoundException as Logs answers it. */
export function requireGroup(core: SandboxCore, name: string): LogGroup {
  const group = core.state.logs.groups.get(name);
  if (!group) fail('ResourceNotFoundException', 'The specified log group does not exist.');
  return group;
}

/** The stream, or ResourceNotFoundException. */
export function requireStream(group: LogGroup, name: string): LogStream {
  const stream = group.streams.get(name);
  if (!stream) fail('ResourceNotFoundException', 'The specified log stream does not exist.');
  return stream;
}

/** Resolves `logGroupName` or `logGroupIdentifier` (a name or an ARN). */
export function groupNameFrom(nameOrArn: string): string {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const marker = ':log-group:';
  const at = nameOrArn.indexOf(marker);
  if (at < 0) fail('InvalidParameterException', `Invalid log group identifier ${nameOrArn}`);
  return nameOrArn.slice(at + marker.length).replace(/:\*$/, '');
}

/** Creates a log group (ResourceAlreadyExistsException when it exists). */
export function createLogGroup(core: SandboxCore, name: string, options: { retentionInDays?: number; tags?: Record<string, string>; kmsKeyId?: string } = {}): LogGroup {
  if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) fail('InvalidParameterException', `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`);
  if (core.state.logs.groups.has(name)) fail('ResourceAlreadyExistsException', 'The specified log group already exists');
  const group: LogGroup = { name, createdAt: Date.now(), retentionInDays: options.retentionInDays, kmsKeyId: options.kmsKeyId, tags: { ...(options.tags ?? {}) }, streams: new Map() };
  core.state.logs.groups.set(name, group);
  core.changed();
  return group;
}

/** Creates a stream (ResourceAlreadyExistsException when it exists). */
export function createLogStream(core: SandboxCore, group: LogGroup, name: string): LogStream {
  if (name === '' || name.length > 512 || name.includes(':') || name.includes('*')) fail('InvalidParameterException', `1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`);
  if (group.streams.has(name)) fail('ResourceAlreadyExistsException', 'The specified log stream already exists');
  const stream: LogStream = { name, createdAt: Date.now(), times: new Float64Array(16), ingested: new Float64Array(16), messages: [], length: 0, uploadSequence: 0 };
  group.streams.set(name, stream);
  core.changed();
  return stream;
}

function grow(stream: LogStream, needed: number): void {
  if (needed <= stream.times.length) return;
  let size = stream.times.length;
  while (size < needed) size *= 2;
  const times = new Float64Array(size);
  times.set(stream.times.subarray(0, stream.length));
  const ingested = new Float64Array(size);
  ingested.set(stream.ingested.subarray(0, stream.length));
  stream.times = times;
  stream.ingested = ingested;
}

/** First index whose timestamp is >= `t` (binary search). */
export function lowerBound(stream: LogStream, t: number): number {
  let lo = 0;
  let hi = stream.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (stream.times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose timestamp is > `t`. */
export function upperBound(stream: LogStream, t: number): number {
  let lo = 0;
  let hi = stream.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (stream.times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Appends events, keeping the stream sorted by timestamp (late events are inserted in place). */
export function appendEvents(core: SandboxCore, stream: LogStream, events: { timestamp: number; message: string }[]): void {
  const now = Date.now();
  const sorted = events.every((e, i) => i === 0 || events[i - 1]!.timestamp <= e.timestamp) ? events : [...events].sort((a, b) => a.timestamp - b.timestamp);
  grow(stream, stream.length + sorted.length);
  for (const e of sorted) {
    let at = stream.length;
    if (at > 0 && stream.times[at - 1]! > e.timestamp) {
      at = upperBound(stream, e.timestamp);
      stream.times.copyWithin(at + 1, at, stream.length);
      stream.ingested.copyWithin(at + 1, at, stream.length);
      stream.messages.splice(at, 0, e.message);
    } else stream.messages.push(e.message);
    stream.times[at] = e.timestamp;
    stream.ingested[at] = now;
    stream.length++;
  }
  stream.lastIngestionTime = now;
  stream.uploadSequence++;
  core.changed();
}

/** Writes lines to a group and stream, creating the stream when missing (the awslogs driver's behaviour). */
export function writeLog(core: SandboxCore, groupName: string, streamName: string, lines: string[], timestamp = Date.now()): void {
  const group = requireGroup(core, groupName);
  const stream = group.streams.get(streamName) ?? createLogStream(core, group, streamName);
  appendEvents(
    core,
    stream,
    lines.map((message) => ({ timestamp, message })),
  );
}

/** A stable event id from the stream and position, so a client can drop duplicates across polls. */
export function eventId(groupName: string, streamName: string, index: number, timestamp: number): string {
  const h = createHash('sha1').update(`${groupName}\0${streamName}`).digest();
  const streamPart = (h.readUInt32BE(0) % 1_000_000_000).toString().padStart(9, '0');
  return `${Math.floor(timestamp).toString().padStart(15, '0')}${streamPart}${index.toString().padStart(12, '0')}`;
}
