/** The `berth` command line: version, help, usage errors and exit codes. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import type { CommandIo } from '../../electron/cli/command';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    readStdin: async () => '',
    interrupted: new Promise(() => undefined),
  };
}

describe('berth CLI', () => {
  it('prints its version, also as JSON', async () => {
    const io = capture();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^\d+\.\d+\.\d+/);
    const json = capture();
    expect(await runCli(['version', '--json'], json)).toBe(0);
    expect(JSON.parse(json.stdout[0]!)).toHaveProperty('version');
  });

  it('lists its commands with --help and exits 2 with no command', async () => {
    const io = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain('web');
    expect(await runCli([], capture())).toBe(2);
  });

  it('exits 2 on an unknown command or flag, naming it', async () => {
    const io = capture();
    expect(await runCli(['deploy-everything'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('unknown command "deploy-everything"');
    const flag = capture();
    expect(await runCli(['web', '--prot', '80'], flag)).toBe(2);
    expect(flag.stderr.join('\n')).toMatch(/--prot/);
  });

  it('exits 2 on a bad flag value, with the command’s usage', async () => {
    const io = capture();
    expect(await runCli(['web', '--port', 'eighty'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('--port must be a number');
    expect(io.stderr.join('\n')).toContain('Usage: berth web');
  });
});
