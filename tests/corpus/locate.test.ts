/**
 * The corpus is found from anywhere: the environment, the sibling ../shared folder, or a download
 * of the pinned DefangLabs/samples tarball checked against its digest (served here by a local
 * HTTP server), and fails with one actionable line when none of them can be had.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CORPUS_COMMIT, CorpusUnavailable, ensureCorpus, treeDigest } from './locate';

const PREFIX = `samples-${CORPUS_COMMIT}`;

/** A tarball shaped like GitHub's: `<repo>-<commit>/` with samples/, a LICENSE and other folders. */
async function tarball(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, body] of Object.entries(files)) p.entry({ name: `${PREFIX}/${name}`, mode: name.endsWith('.sh') ? 0o755 : 0o644 }, body);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

const UPSTREAM = {
  LICENSE: 'MIT',
  'README.md': 'not a sample',
  'samples/flask/compose.yaml': 'services:\n  app:\n    build: ./app\n',
  'samples/flask/app/Dockerfile': 'FROM python:3.12\n',
  'samples/flask/app/run.sh': '#!/bin/sh\n',
  'samples/pulumi/Pulumi.yaml': 'name: not-compose\n',
  'templates/x/compose.yaml': 'services: {}\n',
};

let root: string;
let server: Server | undefined;
let requests = 0;

async function serve(status: number, body: Buffer): Promise<string> {
  server = createServer((_, res) => {
    requests += 1;
    res.writeHead(status).end(body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/tarball`;
}

async function stop(): Promise<void> {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-locate-'));
  requests = 0;
});
afterEach(async () => {
  await stop();
  await rm(root, { recursive: true, force: true });
});

/** A repository folder with nothing beside it, and a cache of its own. */
function lone(): { repoRoot: string; env: NodeJS.ProcessEnv } {
  const repoRoot = join(root, 'clone', 'berth');
  mkdirSync(repoRoot, { recursive: true });
  return { repoRoot, env: { BERTH_CACHE_DIR: join(root, 'cache') } };
}

async function expectUnavailable(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CorpusUnavailable);
  const message = (e as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  expect(message).toContain('BERTH_CORPUS_DIR');
  return message;
}

describe('finding the Defang samples corpus', () => {
  it('uses BERTH_CORPUS_DIR first, and refuses one that holds no sample', async () => {
    const dir = join(root, 'mine');
    mkdirSync(join(dir, 'flask'), { recursive: true });
    writeFileSync(join(dir, 'flask', 'compose.yaml'), 'services: {}\n');
    expect(await ensureCorpus({ ...lone(), env: { BERTH_CORPUS_DIR: dir } })).toBe(dir);
    const message = await expectUnavailable(ensureCorpus({ ...lone(), env: { BERTH_CORPUS_DIR: join(root, 'empty') } }));
    expect(message).toContain('holds no sample');
  });

  it('uses ../shared/corpus/defang-samples beside the repository when it exists', async () => {
    const { repoRoot, env } = lone();
    const sibling = join(repoRoot, '..', 'shared', 'corpus', 'defang-samples');
    mkdirSync(join(sibling, 'flask'), { recursive: true });
    writeFileSync(join(sibling, 'flask', 'compose.yaml'), 'services: {}\n');
    expect(await ensureCorpus({ repoRoot, env, url: 'http://127.0.0.1:1/never' })).toBe(sibling);
  });

  it('downloads the pinned tarball, keeps only the samples with a compose file, checks the digest, and reuses the cache', async () => {
    const body = await tarball(UPSTREAM);
    // The digest the pin would record for this tarball: that of the samples as laid out.
    const expected = await ensureCorpus({ ...lone(), url: await serve(200, body), digest: 'sha256:unknown' }).catch((e: Error) => /has digest (sha256:[0-9a-f]+)/.exec(e.message)?.[1]);
    await stop();
    const url = await serve(200, body);
    const dir = await ensureCorpus({ ...lone(), url, digest: expected });
    expect(readdirSync(dir).sort()).toEqual(['.berth-digest', 'LICENSE', 'flask']);
    expect(readdirSync(join(dir, 'flask', 'app')).sort()).toEqual(['Dockerfile', 'run.sh']);
    expect(treeDigest(dir)).toBe(expected);
    // A second run reads the cache: no request.
    const before = requests;
    expect(await ensureCorpus({ ...lone(), url, digest: expected })).toBe(dir);
    expect(requests).toBe(before);
  });

  it('refuses a download whose files differ from the pin, and leaves no half-unpacked folder', async () => {
    const url = await serve(200, await tarball(UPSTREAM));
    const { repoRoot, env } = lone();
    const message = await expectUnavailable(ensureCorpus({ repoRoot, env, url, digest: 'sha256:0000' }));
    expect(message).toMatch(/has digest sha256:[0-9a-f]{64}, expected sha256:0000/);
    const cache = join(root, 'cache', 'corpus');
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });

  it('fails with one line saying how to provide it, with no network and no corpus', async () => {
    const { repoRoot, env } = lone();
    // A port nobody listens on: a server opened and closed again.
    const closed = await serve(200, Buffer.alloc(0));
    await stop();
    const refused = await expectUnavailable(ensureCorpus({ repoRoot, env, url: closed }));
    expect(refused).toContain('../shared/corpus/defang-samples');
    expect(refused).toContain('ECONNREFUSED');
    const url = await serve(404, Buffer.from('Not Found'));
    expect(await expectUnavailable(ensureCorpus({ repoRoot, env, url }))).toContain('HTTP 404');
    await stop();
    const broken = await serve(200, Buffer.from('<html>not a tarball</html>'));
    expect(await expectUnavailable(ensureCorpus({ repoRoot, env, url: broken }))).toContain('could not be unpacked');
  });
});
