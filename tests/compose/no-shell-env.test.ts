/** The app's own environment never leaks into a project: only the project's .env counts. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadProject } from '../../electron/compose/load';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  delete process.env.BERTH_TEST_SHELL_SECRET;
});

it('treats ${VAR} set only in the shell as config, never as a literal value', async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-shellenv-'));
  process.env.BERTH_TEST_SHELL_SECRET = 'canary-from-shell-7c1f';
  await writeFile(
    join(dir, 'compose.yaml'),
    'services:\n  web:\n    image: nginx\n    environment:\n      TOKEN: ${BERTH_TEST_SHELL_SECRET}\n      URL: "https://u:${BERTH_TEST_SHELL_SECRET}@api/x"\n      FROM_DOTENV: ${GREETING}\n',
  );
  await writeFile(join(dir, '.env'), 'GREETING=hello\n');
  const loaded = await loadProject(dir);
  expect(JSON.stringify(loaded)).not.toContain('canary-from-shell-7c1f');
  const env = loaded.project!.services[0]!.environment;
  expect(env.TOKEN).toEqual({ kind: 'config', name: 'BERTH_TEST_SHELL_SECRET' });
  expect(env.URL).toMatchObject({ kind: 'derived', names: ['BERTH_TEST_SHELL_SECRET'] });
  expect(env.FROM_DOTENV).toEqual({ kind: 'literal', value: 'hello' });
});
