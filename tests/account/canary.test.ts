/**
 * A planted secret value never appears in logs, events, errors, inventory or any result a
 * renderer or CLI user sees, except the explicit reveal.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContext, type AppContext } from '../../electron/api/context';
import { dispatch } from '../../electron/api/dispatch';
import { handlers } from '../../electron/api/handlers';
import { runCli } from '../../electron/cli/main';
import type { CommandIo } from '../../electron/cli/command';
import { startSandbox, type Sandbox } from '../../electron/sandbox';

const CANARY = 'canary-7f3a9c1e-DO-NOT-LEAK';
let sandbox: Sandbox;
let ctx: AppContext;
let work: string;
let projectDir: string;
const seen: string[] = [];

function record(label: string, value: unknown) {
  seen.push(`${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

async function call(method: string, args: unknown) {
  const result = await dispatch(handlers, ctx, method, args);
  record(method, result);
  return result;
}

const cliContext = () => createContext({ shell: 'cli', version: '0.0.0-test', dataDir: join(work, 'cli-data') });

function io(stdin: string): CommandIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    readStdin: async () => stdin,
    interrupted: new Promise(() => undefined),
  };
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => record(`console.${method}`, args.map(String).join(' ')));
  }
  sandbox = await startSandbox();
  work = await mkdtemp(join(tmpdir(), 'berth-canary-'));
  projectDir = join(work, 'vault');
  await mkdir(projectDir);
  await writeFile(join(projectDir, 'compose.yaml'), 'services:\n  app:\n    image: nginx\n    environment:\n      - TOKEN\n      - DATABASE_URL=postgres://u:${DB_PASSWORD}@db/x\n');
  await writeFile(join(projectDir, 'secrets.env'), `DB_PASSWORD=${CANARY}\nbad-name=${CANARY}\nHUGE=${CANARY.repeat(200)}\n`);
  ctx = createContext({ shell: 'test', version: '0.0.0-test', dataDir: join(work, 'data') });
  ctx.subscribe((event, payload) => record(`event ${event}`, payload));
});

afterAll(async () => {
  vi.restoreAllMocks();
  await ctx?.dispose();
  await sandbox?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('secret canary', () => {
  it('stays out of everything but the explicit reveal', async () => {
    await call('connection:connect', { target: { region: 'us-east-1', endpoint: sandbox.endpoint, sandbox: true } });
    expect((await call('secrets:set', { dir: projectDir, name: 'TOKEN', value: CANARY })).ok).toBe(true);
    await call('secrets:importEnv', { dir: projectDir, file: 'secrets.env' });
    await call('secrets:list', { dir: projectDir });
    await call('secrets:generate', { dir: projectDir, name: 'OTHER' });
    // Error paths that carry the value: a bad name, an oversize value, and AWS failing mid-write.
    await call('secrets:set', { dir: projectDir, name: 'bad-name', value: CANARY });
    expect((await call('secrets:set', { dir: projectDir, name: 'BIG', value: CANARY.repeat(200) })).ok).toBe(false);
    sandbox.setFaults({ ssm: { errorRate: 1 } });
    expect((await call('secrets:set', { dir: projectDir, name: 'TOKEN', value: CANARY })).ok).toBe(false);
    sandbox.setFaults({});
    await call('inventory:list', {});
    await call('connection:status', {});

    const cli = io(`${CANARY}\n`);
    const flags = ['--project', projectDir, '--endpoint', sandbox.endpoint, '--sandbox', '--region', 'us-east-1'];
    expect(await runCli(['config', 'set', 'CLI_TOKEN', ...flags], cli, cliContext)).toBe(0);
    expect(await runCli(['config', 'ls', ...flags, '--json'], cli, cliContext)).toBe(0);
    expect(await runCli(['ls', '--endpoint', sandbox.endpoint, '--sandbox', '--json'], cli, cliContext)).toBe(0);
    record('cli', cli.lines);

    const teardown = await call('inventory:teardownProject', { project: 'vault', confirm: 'vault', deleteConfig: false, deleteUploads: false });
    expect(teardown.ok).toBe(true);
    await vi.waitFor(() => expect(seen.some((s) => s.includes('"type":"finished"'))).toBe(true));

    // What was watched: handler results, events and CLI output all went through `record`.
    expect(seen.some((s) => s.startsWith('event connection:changed'))).toBe(true);
    expect(seen.some((s) => s.startsWith('event teardown:event'))).toBe(true);
    expect(seen.some((s) => s.startsWith('secrets:set') && s.includes('"ok":false'))).toBe(true);
    const leaks = seen.filter((s) => s.includes(CANARY));
    expect(leaks).toEqual([]);

    // The reveal is the one way out, and it works (so the value really was there to leak).
    const revealed = await dispatch(handlers, ctx, 'secrets:reveal', { dir: projectDir, name: 'TOKEN' });
    expect(revealed).toEqual({ ok: true, value: { name: 'TOKEN', value: CANARY } });
    const revealCli = io('');
    expect(await runCli(['config', 'reveal', 'DB_PASSWORD', ...flags], revealCli, cliContext)).toBe(0);
    expect(revealCli.lines).toEqual([CANARY]);
  });
});
