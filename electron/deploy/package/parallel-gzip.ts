/**
 * gzip on every core, the way pigz does it: the input is cut into fixed 1 MiB blocks, each
 * compressed on the thread pool as raw deflate primed with the previous block's last 32 KiB
 * (so the ratio matches plain gzip), ended with a sync flush, and written in order between a
 * gzip header and the CRC-32 + size trailer. Fixed block boundaries keep the output
 * deterministic. Node's zlib stream compresses on one thread only, which made packaging twice
 * as slow as `tar -czf`; no library in the dependency set does parallel gzip.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { availableParallelism } from 'node:os';
import { constants, crc32, deflateRaw, type ZlibOptions } from 'node:zlib';

const BLOCK = 1024 * 1024;
const WINDOW = 32 * 1024;
// Magic, deflate, no flags, mtime 0, no extra flags, OS "unknown": the same bytes on every platform.
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);

function deflateBlock(block: Buffer, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => deflateRaw(block, options, (error, out) => (error ? reject(error) : resolve(out))));
}

export interface ParallelGzipOptions {
  level?: number;
  /** Blocks compressed at once (default: twice the number of cores). */
  parallelism?: number;
}

/** A Transform that gzips its input using several threads; the output is one standard gzip member. */
export function createParallelGzip(options: ParallelGzipOptions = {}): Transform {
  const level = options.level ?? 6;
  // Two blocks per core in flight, so a core never waits for the main thread to hand it the next one.
  const parallelism = Math.max(2, options.parallelism ?? 2 * availableParallelism());
  let parts: Buffer[] = [];
  let held = 0;
  let crc = 0;
  let size = 0;
  let previousTail: Buffer | undefined;
  const inFlight: Promise<Buffer>[] = [];

  const dispatch = (block: Buffer, last: boolean) => {
    crc = crc32(block, crc);
    size = (size + block.length) % 2 ** 32;
    // One output chunk per block: smaller chunks cost a main-thread callback each.
    const zopts: ZlibOptions = { level, chunkSize: BLOCK + WINDOW, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH };
    if (previousTail) zopts.dictionary = previousTail;
    previousTail = block.length >= WINDOW ? block.subarray(block.length - WINDOW) : Buffer.concat([previousTail ?? Buffer.alloc(0), block]).subarray(-WINDOW);
    const job = deflateBlock(block, zopts);
    job.catch(() => undefined);
    inFlight.push(job);
  };
  const takeBlock = (): Buffer => {
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, held);
    const block = all.subarray(0, BLOCK);
    const rest = all.subarray(BLOCK);
    parts = rest.length > 0 ? [rest] : [];
    held = rest.length;
    return block;
  };

  return new Transform({
    writableHighWaterMark: BLOCK,
    readableHighWaterMark: BLOCK,
    construct(callback) {
      this.push(HEADER);
      callback();
    },
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      parts.push(chunk);
      held += chunk.length;
      while (held >= BLOCK) dispatch(takeBlock(), false);
      // Backpressure: accept more input only while fewer than `parallelism` blocks are pending.
      const drain = async () => {
        while (inFlight.length >= parallelism) this.push(await inFlight.shift()!);
      };
      drain().then(() => callback(), callback);
    },
    flush(callback: TransformCallback) {
      dispatch(held > 0 ? Buffer.concat(parts, held) : Buffer.alloc(0), true);
      parts = [];
      held = 0;
      const finish = async () => {
        while (inFlight.length > 0) this.push(await inFlight.shift()!);
        const trailer = Buffer.alloc(8);
        trailer.writeUInt32LE(crc >>> 0, 0);
        trailer.writeUInt32LE(size >>> 0, 4);
        this.push(trailer);
      };
      finish().then(() => callback(), callback);
    },
  });
}
