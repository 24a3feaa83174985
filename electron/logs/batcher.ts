/**
 * Sends log lines to the renderer in batches: at most one batch per interval (~10 a second),
 * at most `maxLines` a batch, and a bounded buffer whose fullness the tail waits on before
 * reading more (backpressure instead of unbounded memory).
 */
import type { LogBatch, LogLine } from '../../shared/domain/logs';

export interface BatcherOptions {
  tailId: string;
  emit: (batch: LogBatch) => void;
  intervalMs?: number;
  maxLines?: number;
  /** Buffer size at which `waitForRoom` blocks. */
  highWater?: number;
}

export class LogBatcher {
  private buffer: LogLine[] = [];
  // Status changes are queued, one per batch, so a quick 'live' → 'reconnecting' keeps both.
  private statuses: NonNullable<LogBatch['status']>[] = [];
  private lastSent: LogBatch['status'];
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private waiters: (() => void)[] = [];
  private closed = false;
  readonly intervalMs: number;
  readonly maxLines: number;
  readonly highWater: number;
  /** Lines handed to `emit` so far. */
  delivered = 0;

  constructor(private readonly options: BatcherOptions) {
    this.intervalMs = options.intervalMs ?? 100;
    this.maxLines = options.maxLines ?? 10_000;
    this.highWater = options.highWater ?? 50_000;
  }

  /** Queues lines (in order). */
  push(lines: LogLine[]): void {
    if (this.closed || lines.length === 0) return;
    for (const line of lines) this.buffer.push(line);
    this.schedule();
  }

  /** Queues a status change (sent with the next batch, even an empty one). */
  setStatus(status: NonNullable<LogBatch['status']>): void {
    if (this.closed || (this.statuses.at(-1) ?? this.lastSent) === status) return;
    this.statuses.push(status);
    this.schedule();
  }

  /** Resolves once the buffer is below the high-water mark. */
  waitForRoom(): Promise<void> {
    if (this.buffer.length < this.highWater || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends what is left (with a final status) and stops. */
  close(status?: NonNullable<LogBatch['status']>): void {
    if (this.closed) return;
    if (status && this.statuses.at(-1) !== status) this.statuses.push(status);
    if (this.timer) clearTimeout(this.timer);
    while (this.buffer.length > 0 || this.statuses.length > 0) this.flush();
    this.closed = true;
    for (const w of this.waiters.splice(0)) w();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
      if (this.buffer.length > 0 || this.statuses.length > 0) this.schedule();
    }, wait);
  }

  private flush(): void {
    this.lastFlush = Date.now();
    const lines = this.buffer.length <= this.maxLines ? this.buffer : this.buffer.slice(0, this.maxLines);
    this.buffer = this.buffer.length <= this.maxLines ? [] : this.buffer.slice(this.maxLines);
    const batch: LogBatch = { tailId: this.options.tailId, lines };
    const status = this.statuses.shift();
    if (status) batch.status = this.lastSent = status;
    this.delivered += lines.length;
    this.options.emit(batch);
    if (this.buffer.length < this.highWater) for (const w of this.waiters.splice(0)) w();
  }
}
