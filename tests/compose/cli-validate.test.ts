/** `berth validate`: the line format, the JSON shape and the exit codes. */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import type { CommandIo } from '../../electron/cli/command';
import { cleanupProjects, makeProject } from './helpers';

afterAll(cleanupProjects);

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', interrupted: new Promise(() => undefined) };
  const code = await runCli(args, io);
  return { code, out, err };
}

const LINE = /^(.+):(\d+):(\d+) (error|warning|info) ([a-z0-9-]+) (.+)$/;

describe('berth validate', () => {
  it('prints nothing on stdout and exits 0 for a clean project', async () => {
    const dir = await makeProject({ 'compose.yaml': 'name: clean\nservices:\n  web:\n    image: nginx\n' });
    const r = await cli(['validate', dir]);
    expect(r).toEqual({ code: 0, out: [], err: ['clean: 0 errors, 0 warnings'] });
  });

  it('prints file:line:col severity code message and exits 1 on errors', async () => {
    const dir = await makeProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    privileged: true\n    volumes: ["./x:/x"]\n    depends_on: [db]\n' });
    const r = await cli(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.out.map((l) => LINE.exec(l)?.slice(2, 6))).toEqual([
      ['4', '5', 'error', 'compose-key-rejected'],
      ['5', '5', 'warning', 'compose-key-warned'],
      ['6', '18', 'error', 'depends-on-unknown'],
    ]);
    expect(r.out[0]).toMatch(new RegExp(`^${dir}/compose.yaml:4:5 error compose-key-rejected \`privileged\` on web cannot be deployed`));
    expect(r.err).toEqual(['proj: 2 errors, 1 warning']);
  });

  it('exits 0 when there are only warnings', async () => {
    const dir = await makeProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    restart: "no"\n' });
    const r = await cli(['validate', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
  });

  it('prints one JSON object with --json', async () => {
    const dir = await makeProject({ 'compose.yaml': 'name: shop\nservices:\n  web:\n    image: nginx\n    ports: ["70000"]\n' });
    const r = await cli(['validate', dir, '--json']);
    expect(r.code).toBe(1);
    expect(r.out).toHaveLength(1);
    const parsed = JSON.parse(r.out[0] as string) as { project: { name: string }; diagnostics: Record<string, unknown>[] };
    expect(parsed.project.name).toBe('shop');
    expect(parsed.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'port-target-range',
        message: 'The container port "70000" is not a whole number from 1 to 65535.',
        fix: 'Use the port the app listens on, e.g. 8080.',
        file: `${dir}/compose.yaml`,
        line: 5,
        column: 13,
        path: 'services.web.ports[0]',
      },
    ]);
  });

  it('merges the files given with -f, in order', async () => {
    const dir = await makeProject({ 'base.yaml': 'services:\n  web:\n    image: nginx\n', 'prod.yaml': 'services:\n  web:\n    privileged: true\n' });
    const r = await cli(['validate', dir, '-f', `${dir}/base.yaml`, '-f', `${dir}/prod.yaml`, '--json']);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.out[0] as string) as { diagnostics: { code: string; file: string }[] };
    expect(parsed.diagnostics.map((d) => [d.code, d.file])).toEqual([['compose-key-rejected', `${dir}/prod.yaml`]]);
  });

  it('reports a folder without a compose file as an error line, without a stack trace', async () => {
    const dir = await makeProject({ 'notes.txt': 'hi' });
    const r = await cli(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([`${dir}:0:0 error no-compose-file No compose file in ${dir}: Berth looks for compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml.`]);
    expect([...r.out, ...r.err].some((l) => /\n\s+at /.test(l))).toBe(false);
  });

  it('handles binary garbage as a diagnostic', async () => {
    const dir = await makeProject({ 'compose.yaml': new Uint8Array([0, 1, 2, 255, 254, 0]) });
    const r = await cli(['validate', dir, '--json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out[0] as string) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toEqual(['file-not-text']);
  });

  it('is a usage error (exit 2) with an unknown flag or two folders', async () => {
    expect((await cli(['validate', '--nope'])).code).toBe(2);
    expect((await cli(['validate', 'a', 'b'])).code).toBe(2);
  });
});
