/** `berth whoami`, `config`, `ls`, `down` and `teardown` against the sandbox. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../electron/api/context';
import { connectionManager } from '../../electron/aws/connection';
import { ensureBootstrap } from '../../electron/bootstrap';
import type { CommandIo } from '../../electron/cli/command';
import { runCli } from '../../electron/cli/main';
import { startSandbox, type Sandbox } from '../../electron/sandbox';

let sandbox: Sandbox;
let work: string;
let projectDir: string;
let flags: string[];
const context = () => createContext({ shell: 'cli', version: '0.0.0-test', dataDir: join(work, 'data') });

function io(stdin = ''): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), readStdin: async () => stdin, interrupted: new Promise(() => undefined) };
}

async function berth(args: string[], stdin = '') {
  const streams = io(stdin);
  const code = await runCli(args, streams, context);
  return { code, out: streams.stdout.join('\n'), err: streams.stderr.join('\n') };
}

beforeAll(async () => {
  sandbox = await startSandbox();
  work = await mkdtemp(join(tmpdir(), 'berth-cli-account-'));
  projectDir = join(work, 'shop');
  await mkdir(projectDir);
  await writeFile(join(projectDir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    environment:\n      - API_KEY\n');
  flags = ['--endpoint', sandbox.endpoint, '--sandbox', '--region', 'us-east-1'];
});

afterAll(async () => {
  await sandbox?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('account commands', () => {
  it('whoami prints the account and region', async () => {
    const text = await berth(['whoami', ...flags]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`Account:  ${sandbox.account}`);
    expect(text.out).toContain('Region:   us-east-1');
    const json = await berth(['whoami', ...flags, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ identity: { account: sandbox.account }, target: { region: 'us-east-1', sandbox: true } });
  });

  it('config set reads stdin; ls, reveal and rm work on the project in --project DIR', async () => {
    const p = ['--project', projectDir, ...flags];
    expect((await berth(['config', 'ls', ...p])).err).toContain('Missing before deploy: API_KEY');
    expect((await berth(['config', 'set', 'API_KEY', ...p], 'from-stdin\n')).code).toBe(0);
    const ls = await berth(['config', 'ls', ...p, '--json']);
    expect(JSON.parse(ls.out)).toMatchObject({ project: 'shop', missing: [], entries: [{ name: 'API_KEY', isSet: true, required: true }] });
    expect((await berth(['config', 'reveal', 'API_KEY', ...p])).out).toBe('from-stdin');
    expect((await berth(['config', 'rm', 'API_KEY', ...p])).code).toBe(0);
    const reveal = await berth(['config', 'reveal', 'API_KEY', ...p]);
    expect(reveal.code).toBe(1);
    expect(reveal.err).toContain('API_KEY is not set for shop');
  });

  it('refuses usage mistakes with exit code 2', async () => {
    const p = ['--project', projectDir, ...flags];
    expect((await berth(['config', 'set', 'API_KEY', ...p], '')).code).toBe(2);
    expect((await berth(['config', 'set', 'API_KEY', 'value-in-argv', ...p])).code).toBe(2);
    expect((await berth(['config', 'set', '9BAD', ...p], 'x')).code).toBe(2);
    expect((await berth(['config', 'frobnicate', ...p])).code).toBe(2);
    const down = await berth(['down', projectDir, ...flags]);
    expect(down.code).toBe(2);
    expect(down.err).toContain('--yes');
    expect((await berth(['teardown', ...flags])).code).toBe(2);
    expect((await berth(['whoami', '--endpoint', 'not a url', '--region', 'us-east-1'])).code).toBe(2);
  });

  it('ls, down and teardown walk the account empty', async () => {
    const ctx = context();
    await connectionManager(ctx).connect({ region: 'us-east-1', endpoint: sandbox.endpoint, sandbox: true });
    await ensureBootstrap(connectionManager(ctx).require(), { wait: { initialIntervalMs: 20 } });
    await ctx.dispose();
    const ls = await berth(['ls', ...flags]);
    expect(ls.out).toContain('berth-bootstrap  CREATE_COMPLETE');
    const down = await berth(['down', projectDir, '--yes', '--delete-config', ...flags]);
    expect(down.code).toBe(0);
    expect(down.out).toContain('shop is torn down.');
    const teardown = await berth(['teardown', '--yes', ...flags]);
    expect(teardown.code).toBe(0);
    expect(teardown.err).toContain('stack: done');
    expect((await berth(['ls', ...flags])).out).toContain('Nothing of Berth’s here.');
  });
});
