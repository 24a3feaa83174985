/**
 * Where the tests find the Defang samples corpus, on any machine:
 * `BERTH_CORPUS_DIR`, else `../shared/corpus/defang-samples` beside the repository, else a copy
 * of DefangLabs/samples at the pinned commit, downloaded once into a cache folder and checked
 * against a digest of its files (GitHub's tarballs are not byte-stable, their contents are).
 * With none of these, the corpus tests fail with one line that says how to provide it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

/** The DefangLabs/samples commit the corpus tests and their expected outcomes are written for. */
export const CORPUS_COMMIT = '5e33b1f7ba66e2ad0d7eed928d0eda9afde943ff';

/** Digest of the samples at that commit as `extractSamples` lays them out (see `treeDigest`). */
export const CORPUS_DIGEST = 'sha256:054cb771053c184d0852d96e6733b543c4865704242388f0241484154845181d';

/** GitHub's tarball of the pinned commit. */
export const CORPUS_URL = `https://codeload.github.com/DefangLabs/samples/tar.gz/${CORPUS_COMMIT}`;

const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** Thrown when the corpus cannot be had; its message is the one line the tests print. */
export class CorpusUnavailable extends Error {}

export interface LocateOptions {
  /** The repository root (the sibling `../shared` is looked up from here). */
  repoRoot?: string;
  /** Environment to read `BERTH_CORPUS_DIR`, `BERTH_CORPUS_URL`, `BERTH_CACHE_DIR` from. */
  env?: NodeJS.ProcessEnv;
  /** Tarball address (tests serve one locally). */
  url?: string;
  /** Digest the downloaded samples must have. */
  digest?: string;
  /** How long the download may take. */
  timeoutMs?: number;
}

/** The cache folder for downloads: `BERTH_CACHE_DIR`, else `$XDG_CACHE_HOME/berth`, else `~/.cache/berth`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BERTH_CACHE_DIR) return resolve(env.BERTH_CACHE_DIR);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'berth');
}

/** How to provide the corpus, for the one-line failure. */
function howToProvide(reason: string): string {
  return (
    `Defang samples corpus not available (${reason}). Set BERTH_CORPUS_DIR to the samples/ folder of DefangLabs/samples at ${CORPUS_COMMIT.slice(0, 7)}, ` +
    `put it at ../shared/corpus/defang-samples beside the repository, or allow a download from ${new URL(CORPUS_URL).host}.`
  );
}

function isCorpus(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && readdirSync(dir).some((name) => COMPOSE_NAMES.some((c) => existsSync(join(dir, name, c))));
  } catch {
    return false;
  }
}

/**
 * Finds the corpus, downloading it when neither the environment nor the sibling folder has it.
 * Resolves to the folder that holds one folder per sample; rejects with `CorpusUnavailable`.
 */
export async function ensureCorpus(options: LocateOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  if (env.BERTH_CORPUS_DIR) {
    const dir = resolve(env.BERTH_CORPUS_DIR);
    if (!isCorpus(dir)) throw new CorpusUnavailable(howToProvide(`BERTH_CORPUS_DIR=${dir} holds no sample with a compose file`));
    return dir;
  }
  const sibling = resolve(options.repoRoot ?? process.cwd(), '..', 'shared', 'corpus', 'defang-samples');
  if (isCorpus(sibling)) return sibling;

  const target = join(cacheDir(env), 'corpus', `defang-samples-${CORPUS_COMMIT.slice(0, 12)}`);
  if (existsSync(join(target, '.berth-digest'))) return target;
  await download(options.url ?? env.BERTH_CORPUS_URL ?? CORPUS_URL, target, options.digest ?? CORPUS_DIGEST, options.timeoutMs ?? 120_000);
  return target;
}

async function download(url: string, target: string, digest: string, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new CorpusUnavailable(howToProvide(`download of ${url} failed: ${cause?.code ?? cause?.message ?? (e as Error).message}`));
  }
  if (!response.ok || !response.body) throw new CorpusUnavailable(howToProvide(`download of ${url} answered HTTP ${response.status}`));
  // Extract beside the target, check, then rename: an interrupted download leaves no half corpus.
  const partial = `${target}.partial-${randomUUID()}`;
  try {
    await extractSamples(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), partial);
    const got = treeDigest(partial);
    if (got !== digest) throw new CorpusUnavailable(howToProvide(`the download from ${url} has digest ${got}, expected ${digest}`));
    await writeFile(join(partial, '.berth-digest'), `${got}\n`);
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { recursive: true, force: true });
    await rename(partial, target);
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    if (e instanceof CorpusUnavailable) throw e;
    throw new CorpusUnavailable(howToProvide(`the download from ${url} could not be unpacked: ${(e as Error).message}`));
  }
}

/**
 * Unpacks a DefangLabs/samples tarball (`<repo>-<commit>/samples/<sample>/…`) into `dir`:
 * every sample folder that has a compose file, plus the repository's LICENSE.
 */
export async function extractSamples(tarGz: Readable, dir: string): Promise<void> {
  const files = new Map<string, { data: Buffer; mode: number }>();
  const unpack = extract();
  unpack.on('entry', (header, stream, next) => {
    const parts = header.name.split('/').slice(1); // drop `<repo>-<commit>/`
    const keep = header.type === 'file' && (parts[0] === 'samples' ? parts.length >= 3 : parts.length === 1 && parts[0] === 'LICENSE');
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => {
      if (keep) chunks.push(c as Buffer);
    });
    stream.on('end', () => {
      if (keep) files.set(parts[0] === 'samples' ? parts.slice(1).join('/') : 'LICENSE', { data: Buffer.concat(chunks), mode: header.mode ?? 0o644 });
      next();
    });
    stream.resume();
  });
  await pipeline(tarGz, createGunzip(), unpack);
  const samples = new Set([...files.keys()].filter((p) => COMPOSE_NAMES.includes(p.split('/')[1] ?? '') && p.split('/').length === 2).map((p) => p.split('/')[0]));
  for (const [path, file] of files) {
    if (path.includes('..') || (path !== 'LICENSE' && !samples.has(path.split('/')[0]))) continue;
    const out = join(dir, ...path.split('/'));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, file.data);
    if (file.mode & 0o111) await chmod(out, 0o755);
  }
}

/** sha256 over every file's relative path and content hash, in path order (stable across tarballs). */
export function treeDigest(dir: string): string {
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !(d === dir && e.name === '.berth-digest')) {
        lines.push(`${relative(dir, p).split(sep).join('/')}\0${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
      }
    }
  };
  walk(dir);
  lines.sort();
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
}

/**
 * The corpus folder, inside a test run: set by the runners' global setup (tests/corpus/setup.ts),
 * which also records why it could not be had. Throws that one line when it could not.
 */
export function corpusDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BERTH_CORPUS_DIR) return resolve(env.BERTH_CORPUS_DIR);
  throw new CorpusUnavailable(env.BERTH_CORPUS_ERROR ?? howToProvide('the test runner did not run tests/corpus/setup.ts'));
}
