/** `berth up`, `berth history` and `berth logs` against the sandbox. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { sampleProject } from './fixtures';
import { runBerth } from './helpers';

let sandbox: Sandbox;
let dataDir: string;
let dir: string;
let flags: string[];

function berth(args: string[], stdin = '') {
  return runBerth(args, dataDir, stdin);
}

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = await mkdtemp(join(tmpdir(), 'berth-cli-data-'));
  ({ dir } = await sampleProject('bullmq-bullboard-redis', 'cli-demo'));
  flags = ['--endpoint', sandbox.endpoint, '--sandbox', '--region', 'us-east-1'];
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

describe('berth up, history, logs', () => {
  it('exits 1 naming every missing config value', async () => {
    const result = await berth(['up', dir, '--yes', ...flags]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('BOARD_PASSWORD');
    expect(result.err).toContain('QUEUE');
    expect(result.err).toContain('berth config set');
  });

  it('deploys, printing phases, the diff and the URLs; a second run is up to date', async () => {
    for (const name of ['BOARD_PASSWORD', 'QUEUE']) expect((await berth(['config', 'set', name, '--project', dir, ...flags], `value-of-${name}`)).code).toBe(0);
    const result = await berth(['up', dir, '--yes', '--mode', 'balanced', ...flags]);
    expect(result.err).not.toMatch(/^berth: /m);
    expect(result.code).toBe(0);
    expect(result.err).toContain('▸ build');
    expect(result.err).toMatch(/Changes to berth-cli-demo:\n\s+\+ Create/);
    expect(result.err).toMatch(/\[build (api|board|worker)\]/);
    expect(result.out).toContain('Deployed cli-demo');
    expect(result.out).toMatch(/http:\/\/\S+:3000/);
    const again = await berth(['up', dir, '--yes', ...flags]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('cli-demo is up to date');
    // The mode is remembered from the last deployment.
    expect(again.err).toContain('(balanced)');
  });

  it('refuses to apply changes without --yes when there is no terminal to ask', async () => {
    const result = await berth(['up', dir, '--mode', 'affordable', ...flags]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('pass --yes');
  });

  it('lists the history, newest first, also as JSON', async () => {
    const result = await berth(['history', dir, ...flags]);
    expect(result.code).toBe(0);
    const lines = result.out.split('\n').filter((l) => /^\d{8}T/.test(l));
    expect(lines.map((l) => l.split(/\s{2,}/)[3])).toEqual(['cancelled', 'nothing-to-change', 'succeeded', 'failed']);
    const json = await berth(['history', dir, '--json', ...flags]);
    expect(JSON.parse(json.out).deployments).toHaveLength(4);
  });

  it('prints the services’ logs, filtered by service', async () => {
    const result = await berth(['logs', dir, '--since', '1h', '--service', 'api', ...flags]);
    expect(result.code).toBe(0);
    const lines = result.out.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => / api \| /.test(l))).toBe(true);
    const builds = await berth(['logs', dir, '--builds', '--service', 'worker', '--json', ...flags]);
    const parsed = builds.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { source: string; service: string });
    expect(parsed.some((l) => l.source === 'build' && l.service === 'worker')).toBe(true);
  });
});
