import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppErrorException } from '../../../shared/result';
import { OUTSIDE_DOCKERFILE_PATH, packageContext, type PackageProgress } from './index';

let root: string;
let out: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-pkg-test-'));
  out = await mkdtemp(join(tmpdir(), 'berth-pkg-out-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

async function files(tree: Record<string, string>, base = root): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(base, path)), { recursive: true });
    await writeFile(join(base, path), content);
  }
}

interface ArchivedEntry {
  header: Header;
  content: string;
}

async function readArchive(path: string): Promise<Map<string, ArchivedEntry>> {
  const entries = new Map<string, ArchivedEntry>();
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      entries.set(header.name, { header, content: Buffer.concat(chunks).toString('utf8') });
      next();
    });
  });
  await pipeline(createReadStream(path), createGunzip(), ex);
  return entries;
}

function fileNames(entries: Map<string, ArchivedEntry>): string[] {
  return [...entries.values()].filter((e) => e.header.type === 'file').map((e) => e.header.name).sort();
}

describe('ignore rules (Docker semantics)', () => {
  it('applies globs, ** patterns and ! exceptions, and keeps the Dockerfile', async () => {
    await files({
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': ['# comment', '*.log', '**/*.tmp', 'build', '!build/keep.txt', 'docs/*.md', '!docs/README.md', 'Dockerfile', ''].join('\n'),
      'app.js': 'x',
      'debug.log': 'x',
      'sub/debug.log': 'kept: *.log only matches at the root',
      'sub/deep/cache.tmp': 'x',
      'cache.tmp': 'x',
      'build/out.bin': 'x',
      'build/keep.txt': 'x',
      'docs/guide.md': 'x',
      'docs/README.md': 'x',
      'docs/nested/other.md': 'kept: docs/*.md is one level',
    });
    const result = await packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out });
    const names = fileNames(await readArchive(result.archivePath));
    expect(names).toEqual(['.dockerignore', 'Dockerfile', 'app.js', 'build/keep.txt', 'docs/README.md', 'docs/nested/other.md', 'sub/debug.log']);
    expect(result.ignoreFile).toBe('.dockerignore');
  });

  it('prefers <Dockerfile>.dockerignore over the root .dockerignore', async () => {
    await files({
      'docker/web.Dockerfile': 'FROM scratch\n',
      'docker/web.Dockerfile.dockerignore': 'secret*\n',
      '.dockerignore': 'app.js\n',
      'app.js': 'x',
      'secret.env': 'x',
    });
    const result = await packageContext({ context: root, dockerfile: 'docker/web.Dockerfile' }, { outDir: out });
    const names = fileNames(await readArchive(result.archivePath));
    expect(names).toContain('app.js');
    expect(names).not.toContain('secret.env');
    expect(names).toContain('docker/web.Dockerfile');
    expect(result.ignoreFile).toBe('docker/web.Dockerfile.dockerignore');
    expect(result.dockerfile).toBe('docker/web.Dockerfile');
  });

  it('includes a Dockerfile inside an ignored folder', async () => {
    await files({ 'ops/Dockerfile': 'FROM scratch\n', 'ops/other': 'x', '.dockerignore': 'ops\n', 'main.go': 'x' });
    const result = await packageContext({ context: root, dockerfile: 'ops/Dockerfile' }, { outDir: out });
    expect(fileNames(await readArchive(result.archivePath))).toEqual(['.dockerignore', 'main.go', 'ops/Dockerfile']);
  });

  it('stores a Dockerfile that lives outside the context under a fixed name', async () => {
    await files({ 'Dockerfile.shared': 'FROM alpine\n', 'ctx/app.py': 'print(1)' });
    const result = await packageContext({ context: join(root, 'ctx'), dockerfile: '../Dockerfile.shared' }, { outDir: out });
    const entries = await readArchive(result.archivePath);
    expect(result.dockerfile).toBe(OUTSIDE_DOCKERFILE_PATH);
    expect(entries.get(OUTSIDE_DOCKERFILE_PATH)?.content).toBe('FROM alpine\n');
  });

  it('fails with PACKAGE_FAILED when the Dockerfile is missing', async () => {
    await files({ 'app.js': 'x' });
    await expect(packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out })).rejects.toMatchObject({ appError: { code: 'PACKAGE_FAILED' } });
  });

  it('packages a context without a Dockerfile for Railpack, with its .dockerignore', async () => {
    await files({ 'requirements.txt': 'flask\n', 'app.py': 'print(1)\n', '.dockerignore': '.venv\n', '.venv/lib.py': 'x' });
    const result = await packageContext({ context: root, dockerfile: 'railpack-plan.json', builder: 'railpack' }, { outDir: out });
    const entries = await readArchive(result.archivePath);
    expect([...entries.keys()].sort()).toEqual(['.dockerignore', 'app.py', 'requirements.txt']);
  });
});

describe('determinism', () => {
  it('gives the same bytes twice, whatever the mtimes, with uid/gid 0 and modes kept', async () => {
    await files({ Dockerfile: 'FROM scratch\n', 'bin/run.sh': '#!/bin/sh\n', 'src/a.txt': 'a', 'src/b.txt': 'b', 'Z.txt': 'z', 'a-b/c': 'c' });
    await chmod(join(root, 'bin/run.sh'), 0o755);
    const first = await packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out });
    const firstBytes = await readFile(first.archivePath);
    await utimes(join(root, 'src/a.txt'), new Date('2001-02-03'), new Date('2001-02-03'));
    const out2 = await mkdtemp(join(tmpdir(), 'berth-pkg-out2-'));
    try {
      const second = await packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out2 });
      expect(second.digest).toBe(first.digest);
      expect((await readFile(second.archivePath)).equals(firstBytes)).toBe(true);
    } finally {
      await rm(out2, { recursive: true, force: true });
    }
    expect(first.digest).toBe(createHash('sha256').update(firstBytes).digest('hex'));
    expect(first.archivePath.endsWith(`${first.digest}.tar.gz`)).toBe(true);
    const entries = await readArchive(first.archivePath);
    // Depth-first, children by code point.
    expect([...entries.keys()]).toEqual(['Dockerfile', 'Z.txt', 'a-b', 'a-b/c', 'bin', 'bin/run.sh', 'src', 'src/a.txt', 'src/b.txt']);
    for (const { header } of entries.values()) {
      expect(header.uid).toBe(0);
      expect(header.gid).toBe(0);
      expect(header.mtime.getTime()).toBe(0);
    }
    expect(entries.get('bin/run.sh')!.header.mode & 0o777).toBe(0o755);
  });

  it('changes the digest when a file changes', async () => {
    await files({ Dockerfile: 'FROM scratch\n', 'a.txt': 'one' });
    const first = await packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out });
    await writeFile(join(root, 'a.txt'), 'two');
    const second = await packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out });
    expect(second.digest).not.toBe(first.digest);
  });
});

describe('links and special files', () => {
  it('stores symlinks as links and never follows them out of the context', async () => {
    await files({ 'outside/secret.txt': 'TOP SECRET', 'outside/dir/inner.txt': 'INNER', 'ctx/Dockerfile': 'FROM scratch\n', 'ctx/real.txt': 'real' });
    const ctx = join(root, 'ctx');
    await symlink('../outside/secret.txt', join(ctx, 'escape'));
    await symlink(join(root, 'outside/dir'), join(ctx, 'absdir'));
    await symlink('real.txt', join(ctx, 'inside'));
    const result = await packageContext({ context: ctx, dockerfile: 'Dockerfile' }, { outDir: out });
    const entries = await readArchive(result.archivePath);
    expect(entries.get('escape')?.header.type).toBe('symlink');
    expect(entries.get('escape')?.header.linkname).toBe('../outside/secret.txt');
    expect(entries.get('absdir')?.header.type).toBe('symlink');
    expect(entries.get('inside')?.header.linkname).toBe('real.txt');
    expect([...entries.keys()].some((k) => k.startsWith('absdir/'))).toBe(false);
    for (const e of entries.values()) {
      expect(e.content).not.toContain('TOP SECRET');
      expect(e.content).not.toContain('INNER');
    }
    expect(result.warnings.filter((w) => w.includes('outside the build context'))).toHaveLength(2);
  });

  it('skips sockets and named pipes with a warning', async () => {
    await files({ Dockerfile: 'FROM scratch\n', 'a.txt': 'a' });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(root, 'sock'), resolve));
    try {
      const result = await packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out });
      expect(fileNames(await readArchive(result.archivePath))).toEqual(['Dockerfile', 'a.txt']);
      expect(result.warnings).toEqual([expect.stringContaining('pipe is a named pipe'), expect.stringContaining('sock is a socket')]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('limits, progress and cancel', () => {
  it('refuses a context over the size limit, naming the largest folders', async () => {
    await files({ Dockerfile: 'FROM scratch\n', 'node_modules/big/a.bin': 'x'.repeat(40_000), 'assets/b.bin': 'y'.repeat(20_000), 'src/c.js': 'z' });
    const error = await packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out, maxBytes: 50_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppErrorException);
    const appError = (error as AppErrorException).appError;
    expect(appError.code).toBe('PACKAGE_TOO_LARGE');
    expect(appError.message).toMatch(/Largest folders: node_modules \(39\.1 KB\), node_modules\/big \(39\.1 KB\), assets \(19\.5 KB\)/);
    expect(appError.message).toContain('.dockerignore');
    expect(await readdir(out)).toEqual([]);
  });

  it('reports progress up to the totals, and cleans up when cancelled', async () => {
    await files({ Dockerfile: 'FROM scratch\n', 'a.txt': 'a'.repeat(1000), 'big.bin': 'b'.repeat(2_000_000) });
    const seen: PackageProgress[] = [];
    await packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out, onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toEqual({ files: 3, totalFiles: 3, bytes: 2_001_013, totalBytes: 2_001_013 });

    const out2 = await mkdtemp(join(tmpdir(), 'berth-pkg-cancel-'));
    const controller = new AbortController();
    controller.abort();
    await expect(packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out2, signal: controller.signal })).rejects.toBeDefined();
    expect(await readdir(out2)).toEqual([]);
    await rm(out2, { recursive: true, force: true });
  });

  it('packages a 10,000-file tree with ignore rules', async () => {
    await writeFile(join(root, 'Dockerfile'), 'FROM scratch\n');
    await writeFile(join(root, '.dockerignore'), '**/*.skip\n');
    for (let d = 0; d < 100; d++) {
      const dir = join(root, `d${String(d).padStart(3, '0')}`);
      await mkdir(dir);
      await Promise.all(Array.from({ length: 100 }, (_, f) => writeFile(join(dir, f % 10 === 0 ? `f${f}.skip` : `f${f}.txt`), `${d}-${f}`)));
    }
    const result = await packageContext({ context: root, dockerfile: 'Dockerfile' }, { outDir: out });
    expect(result.files).toBe(2 + 9000);
    const names = fileNames(await readArchive(result.archivePath));
    expect(names).toHaveLength(9002);
    expect(names.some((n) => n.endsWith('.skip'))).toBe(false);
  });
});

describe('a file that changes while it is packaged', () => {
  it('is refused, whether it grew or shrank since it was listed, and no archive is left', async () => {
    const { writeArchive } = await import('./archive');
    await writeFile(join(root, 'app.js'), '0123456789');
    for (const listed of [4, 20]) {
      const entry = { kind: 'file' as const, path: 'app.js', abs: join(root, 'app.js'), mode: 0o644, size: listed };
      const error = await writeArchive([entry], out).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppErrorException);
      expect((error as AppErrorException).message).toBe('app.js changed size while packaging the build context. Try the deploy again.');
    }
    expect(await readdir(out)).toEqual([]);
  });
});

describe('parallel gzip', () => {
  it('produces standard gzip (one member per block) that gunzip and the gzip tool read back, the same bytes for any chunking', async () => {
    const { createParallelGzip, GZIP_BLOCK } = await import('./parallel-gzip');
    const { gunzipSync } = await import('node:zlib');
    const { Readable } = await import('node:stream');
    const { spawnSync } = await import('node:child_process');
    // 3.5 blocks of semi-random text, and an exact multiple of the block size.
    for (const size of [3.5 * GZIP_BLOCK, 2 * GZIP_BLOCK, 0]) {
      const input = Buffer.alloc(size);
      let seed = 7;
      for (let i = 0; i < input.length; i++) input[i] = 97 + ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 7);
      const gzipWith = async (chunk: number) => {
        const parts: Buffer[] = [];
        const chunks = Array.from({ length: Math.ceil(input.length / chunk) }, (_, i) => input.subarray(i * chunk, (i + 1) * chunk));
        await pipeline(Readable.from(chunks), createParallelGzip(), async (source: AsyncIterable<Buffer>) => {
          for await (const c of source) parts.push(c as Buffer);
        });
        return Buffer.concat(parts);
      };
      const a = await gzipWith(100_000);
      const b = await gzipWith(1_000_003);
      expect(a.equals(b)).toBe(true);
      expect(gunzipSync(a).equals(input)).toBe(true);
      // What `tar -xzf` in the build runs: the gzip tool reads every member as one stream.
      const tool = spawnSync('gzip', ['-dc'], { input: a, maxBuffer: 64 * 1024 * 1024 });
      expect(tool.status).toBe(0);
      expect(Buffer.from(tool.stdout).equals(input)).toBe(true);
    }
  });
});
