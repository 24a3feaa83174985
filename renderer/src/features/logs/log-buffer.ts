/**
 * The log view's memory: at most `capacity` lines, oldest dropped first, duplicates (same
 * CloudWatch id, e.g. after a reconnect) ignored. Appends are amortised O(1).
 */
import type { LogLine } from '../../../../shared/domain/logs';

export const DEFAULT_CAPACITY = 50_000;

export class LogBuffer {
  private lines: LogLine[] = [];
  private ids = new Set<string>();
  /** Lines dropped because the buffer was full. */
  dropped = 0;
  /** Increases on every change. */
  version = 0;
  /** The version views last heard of: `publish()` moves it, at most once per frame. */
  publishedVersion = 0;
  private listeners = new Set<() => void>();

  constructor(readonly capacity: number = DEFAULT_CAPACITY) {}

  get length(): number {
    return this.lines.length;
  }

  /** The line at `index` (0 is the oldest kept). */
  at(index: number): LogLine | undefined {
    return this.lines[index];
  }

  /** Appends new lines; returns how many were new. */
  push(batch: readonly LogLine[]): number {
    let added = 0;
    for (const line of batch) {
      if (this.ids.has(line.id)) continue;
      this.ids.add(line.id);
      this.lines.push(line);
      added++;
    }
    // Trim in chunks (a tenth of the capacity) so a full buffer does not shift on every line.
    const slack = Math.max(1, Math.floor(this.capacity / 10));
    if (this.lines.length > this.capacity + slack || (this.lines.length > this.capacity && added === 0)) this.trim();
    if (added > 0) this.version++;
    return added;
  }

  /** Drops the oldest lines beyond the capacity. */
  trim(): void {
    const excess = this.lines.length - this.capacity;
    if (excess <= 0) return;
    for (let i = 0; i < excess; i++) this.ids.delete(this.lines[i]!.id);
    this.lines = this.lines.slice(excess);
    this.dropped += excess;
    this.version++;
  }

  /** Forgets everything. */
  clear(): void {
    this.lines = [];
    this.ids.clear();
    this.dropped = 0;
    this.version++;
  }

  /** Tells subscribed views that the content changed (callers batch this per animation frame). */
  publish(): void {
    if (this.publishedVersion === this.version) return;
    this.publishedVersion = this.version;
    for (const l of this.listeners) l();
  }

  /** Subscribes a view to published changes; returns unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Indices of the lines for which `keep` is true. */
  indicesWhere(keep: (line: LogLine) => boolean): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.lines.length; i++) if (keep(this.lines[i]!)) out.push(i);
    return out;
  }

  /** Every kept line, oldest first (for copy and save). */
  all(): readonly LogLine[] {
    return this.lines;
  }
}

/** A line as text for copy and save: local ISO-like time, service, message without ANSI codes. */
export function lineAsText(line: LogLine): string {
  const time = new Date(line.timestamp);
  const stamp = Number.isNaN(time.getTime()) ? String(line.timestamp) : time.toISOString();
  // eslint-disable-next-line no-control-regex
  const plain = line.message.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
  return `${stamp} ${line.service ?? line.source} ${plain}`;
}
