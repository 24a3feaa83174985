/**
 * Remembers the log events seen recently, so a reconnect or a poll that re-reads an overlap
 * window never shows a line twice. A multiset (identical lines at the same millisecond are
 * counted, not merged) bounded by time window and by size.
 */

/** 32-bit FNV-1a of a string: keys stay small, so a window of 100,000 lines costs a few MB. */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The identity of a log event regardless of how it was read (live tail has no event id): its
 * timestamp and two independent 32-bit hashes of stream and message (a collision would need the
 * same millisecond and 64 matching bits).
 */
export function eventKey(group: string, stream: string, timestamp: number, message: string): string {
  const text = `${group}\u0000${stream}\u0000${message}`;
  return `${timestamp}:${fnv1a(text).toString(36)}:${fnv1a(text, 0x01000193).toString(36)}`;
}

export class SeenEvents {
  private readonly counts = new Map<string, number>();
  private readonly order: { key: string; timestamp: number }[] = [];
  private head = 0;

  constructor(
    /** Events older than the newest seen minus this are forgotten. */
    private readonly windowMs: number,
    /** Hard cap on remembered events. */
    private readonly maxEntries = 200_000,
  ) {}

  private newest = 0;

  /** Records an event read by a fresh read; false when it was already seen (skip it). */
  admit(key: string, timestamp: number, rereadCounts: Map<string, number>): boolean {
    const seen = this.counts.get(key) ?? 0;
    const reread = rereadCounts.get(key) ?? 0;
    // Within one re-read, the n-th copy of a key is new only if we had seen fewer than n.
    rereadCounts.set(key, reread + 1);
    if (reread < seen) return false;
    this.counts.set(key, seen + 1);
    this.order.push({ key, timestamp });
    if (timestamp > this.newest) this.newest = timestamp;
    this.prune();
    return true;
  }

  /** The timestamp of the newest event seen (0 before any). */
  get newestTimestamp(): number {
    return this.newest;
  }

  get size(): number {
    return this.order.length - this.head;
  }

  private prune(): void {
    const cutoff = this.newest - this.windowMs;
    while (this.head < this.order.length && (this.order[this.head]!.timestamp < cutoff || this.order.length - this.head > this.maxEntries)) {
      const { key } = this.order[this.head]!;
      const n = (this.counts.get(key) ?? 1) - 1;
      if (n <= 0) this.counts.delete(key);
      else this.counts.set(key, n);
      this.head++;
    }
    // Compact now and then so the array does not grow for ever.
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
}
