/**
 * The packaged app ships Berth's model gateway as a build context: electron-builder's own file
 * matching (app-builder-lib, as `electron-builder` runs it) copies electron-builder.yml's
 * extraResources into a resources folder, where gatewayContextDir() must find the gateway, and the
 * Docker context Berth packages from it holds what the Dockerfile copies and never the tests.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIgnoreRules } from '../../electron/deploy/package/ignore';
import { listContext } from '../../electron/deploy/package/walk';

const ROOT = resolve(__dirname, '../..');
const GATEWAY_SOURCE = join(ROOT, 'electron/gateway');

interface FileSet {
  from?: string;
  to?: string;
  filter?: string | string[];
}
interface FileMatchers {
  getFileMatchers(config: unknown, name: string, destination: string, options: { macroExpander: (s: string) => string; customBuildOptions: object; globalOutDir: string; defaultSrc: string }): unknown[] | null;
  copyFiles(matchers: unknown[] | null, transformer: null, isUseHardLink: boolean): Promise<unknown>;
}
const { getFileMatchers, copyFiles } = createRequire(import.meta.url)('app-builder-lib/out/fileMatcher') as FileMatchers;

const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { extraResources?: FileSet[]; directories: { output: string } };

/** The files Docker would be sent from a context folder, as Berth packages it. */
async function dockerContext(dir: string): Promise<string[]> {
  const listing = await listContext(dir, { rules: await loadIgnoreRules(dir, 'Dockerfile'), forceInclude: ['Dockerfile'] });
  return listing.entries.filter((e) => e.kind === 'file').map((e) => e.path).sort();
}

/** Every source path the Dockerfile's COPY lines name. */
function dockerfileCopies(dir: string): string[] {
  const lines = readFileSync(join(dir, 'Dockerfile'), 'utf8').split('\n').filter((l) => /^COPY\s/.test(l));
  return lines.flatMap((l) => l.trim().split(/\s+/).slice(1, -1)).sort();
}

let work: string;
let resources: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'berth-packaging-'));
  resources = join(work, 'resources');
  const matchers = getFileMatchers(config, 'extraResources', resources, { macroExpander: (s) => s, customBuildOptions: {}, globalOutDir: join(ROOT, config.directories.output), defaultSrc: ROOT });
  await copyFiles(matchers, null, false);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packaged app’s model gateway', () => {
  it('is an extraResources entry from electron/gateway to resources/gateway', () => {
    expect(config.extraResources?.filter((r) => r.from === 'electron/gateway')).toEqual([expect.objectContaining({ to: 'gateway' })]);
  });

  it('ships exactly the gateway’s runtime files: what the Dockerfile copies, the Dockerfile and .dockerignore', () => {
    const shipped = readdirSync(join(resources, 'gateway')).sort();
    expect(shipped).toEqual(['.dockerignore', 'Dockerfile', 'package-lock.json', 'package.json', 'server.ts']);
    for (const copied of dockerfileCopies(GATEWAY_SOURCE)) expect(shipped).toContain(copied);
    // The source folder has more (tests, the app-side context lookup) that must not ship.
    expect(readdirSync(GATEWAY_SOURCE)).toEqual(expect.arrayContaining(['server.test.ts', 'context.ts']));
    for (const file of shipped) expect(readFileSync(join(resources, 'gateway', file))).toEqual(readFileSync(join(GATEWAY_SOURCE, file)));
  });

  it('is where gatewayContextDir() looks in the packaged app (resources/gateway)', async () => {
    // The packaged main process is an ESM bundle without __dirname, run from elsewhere: only resourcesPath leads to the gateway.
    const bundle = await build({ entryPoints: [join(GATEWAY_SOURCE, 'context.ts')], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' });
    const module = join(work, 'context.mjs');
    await writeFile(module, bundle.outputFiles[0]!.text);
    const script = `process.resourcesPath = ${JSON.stringify(resources)}; const { gatewayContextDir } = await import(${JSON.stringify(pathToFileURL(module).href)}); process.stdout.write(gatewayContextDir());`;
    const found = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: work, encoding: 'utf8' });
    expect(found).toBe(join(resources, 'gateway'));
  });

  it('builds from a Docker context of only the runtime files, from the sources and from the package alike', async () => {
    const runtime = ['Dockerfile', 'package-lock.json', 'package.json', 'server.ts'];
    expect(await dockerContext(GATEWAY_SOURCE)).toEqual(runtime);
    expect(await dockerContext(join(resources, 'gateway'))).toEqual(runtime);
  });
});
