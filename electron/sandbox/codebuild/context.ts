/**
 * A build context as the builder sees it: the files of an uploaded tar.gz, less what
 * `.dockerignore` (or `<Dockerfile>.dockerignore`, which replaces it) excludes.
 */
import { gunzipSync } from 'node:zlib';
import ignore from '@balena/dockerignore';
import { extract } from 'tar-stream';

/** Paths (no leading `./`) to their bytes; directories map to null. */
export type ContextFiles = Map<string, Buffer | null>;

/** An archive that is not a readable tar.gz: which layer failed and why. */
export class ArchiveError extends Error {
  constructor(
    readonly layer: 'gzip' | 'tar',
    message: string,
  ) {
    super(message);
  }
}

/** Reads every entry of a gzipped tar. */
export async function unpackTarGz(archive: Buffer): Promise<ContextFiles> {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive);
  } catch (error) {
    throw new ArchiveError('gzip', (error as Error).message);
  }
  const files: ContextFiles = new Map();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        const name = header.name.replace(/^\.\//, '').replace(/\/$/, '');
        if (name !== '' && name !== '.') files.set(name, header.type === 'file' ? Buffer.concat(chunks) : null);
        next();
      });
      stream.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(tar);
  try {
    await done;
  } catch (error) {
    throw new ArchiveError('tar', (error as Error).message);
  }
  return files;
}

/** The ignore file BuildKit reads for a Dockerfile path: `<Dockerfile>.dockerignore` first, then `.dockerignore`. */
export function ignoreFileFor(files: ContextFiles, dockerfile: string): string | undefined {
  const specific = `${dockerfile}.dockerignore`;
  if (files.get(specific)) return specific;
  return files.get('.dockerignore') ? '.dockerignore' : undefined;
}

/** The files left after an ignore file's patterns. */
export function applyIgnore(files: ContextFiles, ignoreText: string | undefined): ContextFiles {
  if (!ignoreText) return files;
  const patterns = ignoreText
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const matcher = ignore().add(patterns);
  return new Map([...files].filter(([path]) => !matcher.ignores(path)));
}

function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Whether a COPY source is in the context: 'yes', 'no', or 'none-matched' for a wildcard that matches nothing. */
export function inContext(files: ContextFiles, source: string): 'yes' | 'no' | 'none-matched' {
  const path = source.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
  if (path === '') return 'yes';
  if (/[*?[]/.test(path)) {
    const re = globToRegex(path);
    return [...files.keys()].some((f) => re.test(f)) ? 'yes' : 'none-matched';
  }
  return files.has(path) || [...files.keys()].some((f) => f.startsWith(`${path}/`)) ? 'yes' : 'no';
}
