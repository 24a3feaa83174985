/** A one-producer, one-consumer queue: the walk feeds entries, the archive writer reads them as they come. */

export class EntryQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private head = 0;
  private ended = false;
  private error: unknown;
  private wake: (() => void) | undefined;

  /** Adds an item. */
  push(item: T): void {
    this.items.push(item);
    this.notify();
  }

  /** No more items. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** The reader's next step throws `error`. */
  fail(error: unknown): void {
    this.error ??= error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.error !== undefined) throw this.error;
      if (this.head < this.items.length) {
        yield this.items[this.head++]!;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
