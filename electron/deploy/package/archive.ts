/**
 * Writes a listing as a deterministic tar.gz to disk, hashing it on the way: fixed mtimes,
 * uid/gid 0, empty owner names, modes kept, entries in listing order. The archive streams
 * through tar-stream → zlib → sha256 → file, so memory stays bounded whatever the context size.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, readSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as createPack, type Header, type Pack } from 'tar-stream';
import { raise } from '../../../shared/result';
import { createParallelGzip } from './parallel-gzip';
import type { ContextEntry } from './walk';

const PACK_BUFFER = 1024 * 1024;

type Headers = Partial<Header> & Pick<Header, 'name'>;

/** Every entry gets this mtime, so the same files always give the same bytes. */
export const FIXED_MTIME = new Date(0);
/**
 * Files up to this size are read whole and synchronously (as tar does): a promise round trip
 * per small file left the event loop idle most of the time. Larger files stream.
 */
const SMALL_FILE = 256 * 1024;

export interface ArchiveProgress {
  files: number;
  bytes: number;
}

export interface ArchiveOptions {
  /** Extra file stored under a fixed name (a Dockerfile that lives outside the context). */
  extra?: { path: string; content: Buffer };
  /** gzip level (default 6, like `gzip` and `tar -z`). */
  level?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ArchiveProgress) => void;
}

export interface WrittenArchive {
  path: string;
  digest: string;
  bytes: number;
}

function header(entry: ContextEntry): Headers {
  const common = { name: entry.path, mode: entry.mode, uid: 0, gid: 0, uname: '', gname: '', mtime: FIXED_MTIME };
  if (entry.kind === 'dir') return { ...common, type: 'directory' };
  if (entry.kind === 'symlink') return { ...common, type: 'symlink', linkname: entry.target };
  return { ...common, type: 'file', size: entry.size };
}

function addEntry(pack: Pack, head: Headers, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = body ? pack.entry(head, body, (e) => (e ? reject(e) : resolve())) : pack.entry(head, (e) => (e ? reject(e) : resolve()));
    if (!body && head.type !== 'file') sink.end(undefined);
  });
}

function addStreamedFile(pack: Pack, head: Headers, abs: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(head, (e) => (e ? reject(e) : resolve()));
    const source = createReadStream(abs);
    source.on('error', (e) => {
      sink.destroy(e);
      reject(e);
    });
    source.pipe(sink);
  });
}

/** A small file's bytes, read in one call; a file that grew or shrank since it was listed is refused. */
function readSmallFile(entry: Extract<ContextEntry, { kind: 'file' }>): Buffer {
  const fd = openSync(entry.abs, 'r');
  try {
    // One byte more than listed: reading it means the file grew.
    const buffer = Buffer.allocUnsafe(entry.size + 1);
    const read = readSync(fd, buffer, 0, entry.size + 1, 0);
    if (read !== entry.size) throw new Error('Size mismatch');
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function changedWhilePackaging(entry: ContextEntry, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'was deleted' : /size mismatch/i.test(String((error as Error).message)) ? 'changed size' : `could not be read (${code ?? (error as Error).message})`;
  raise('PACKAGE_FAILED', `${entry.path} ${why} while packaging the build context. Try the deploy again.`, { path: entry.path });
}

/** Writes the archive into `outDir` as `<digest>.tar.gz` and returns its path, digest and size. */
export async function writeArchive(entries: Iterable<ContextEntry> | AsyncIterable<ContextEntry>, outDir: string, options: ArchiveOptions = {}): Promise<WrittenArchive> {
  const tmpPath = join(outDir, `.partial-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.tar.gz`);
  // A large buffer between the tar writer and the compressor, so small entries do not wait on it.
  const pack = createPack({ highWaterMark: PACK_BUFFER });
  const gzip = createParallelGzip({ level: options.level ?? 6 });
  const hash = createHash('sha256');
  let bytes = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const written = pipeline(pack, gzip, hashing, createWriteStream(tmpPath), options.signal ? { signal: options.signal } : {});
  // Keep the rejection observed until we await it below.
  written.catch(() => undefined);

  const progress: ArchiveProgress = { files: 0, bytes: 0 };
  let lastReport = 0;
  try {
    for await (const entry of entries) {
      options.signal?.throwIfAborted();
      const head = header(entry);
      if (entry.kind === 'file') {
        try {
          if (entry.size <= SMALL_FILE) {
            await addEntry(pack, head, readSmallFile(entry));
          } else {
            await addStreamedFile(pack, head, entry.abs);
          }
        } catch (error) {
          if (options.signal?.aborted) throw error;
          changedWhilePackaging(entry, error);
        }
        progress.files += 1;
        progress.bytes += entry.size;
      } else {
        await addEntry(pack, head);
        if (entry.kind === 'symlink') progress.files += 1;
      }
      const now = Date.now();
      if (options.onProgress && now - lastReport >= 100) {
        lastReport = now;
        options.onProgress({ ...progress });
      }
    }
    if (options.extra) {
      const { path, content } = options.extra;
      await addEntry(pack, { name: path, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: FIXED_MTIME, type: 'file', size: content.length }, content);
    }
    pack.finalize();
    await written;
  } catch (error) {
    pack.destroy(error as Error);
    await written.catch(() => undefined);
    await rm(tmpPath, { force: true });
    if (options.signal?.aborted) raise('CANCELLED', 'Packaging was cancelled.');
    throw error;
  }
  options.onProgress?.({ ...progress });
  const digest = hash.digest('hex');
  const finalPath = join(outDir, `${digest}.tar.gz`);
  await rename(tmpPath, finalPath);
  return { path: finalPath, digest, bytes };
}
