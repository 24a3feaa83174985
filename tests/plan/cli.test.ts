/** `berth plan` and `plan:preview` on real compose folders: output, --out files, exit codes, canary. */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../electron/api/context';
import { dispatch } from '../../electron/api/dispatch';
import { handlers } from '../../electron/api/handlers';
import type { CommandIo } from '../../electron/cli/command';
import { runCli } from '../../electron/cli/main';
import type { PlanPreview } from '../../shared/domain/plan';
import { materialiseSample, sampleRoot } from './corpus';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), readStdin: async () => '', interrupted: new Promise(() => undefined) };
}

let root: { root: string; remove: () => Promise<void> };
let sample: string;
let broken: string;
let unresolved: string;

beforeAll(async () => {
  root = await sampleRoot();
  sample = await materialiseSample('django-celery', root.root);
  broken = join(root.root, 'broken');
  await mkdir(broken);
  await writeFile(join(broken, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    privileged: true\n    ports: ["80:80"]\n');
  unresolved = join(root.root, 'unresolved');
  await mkdir(unresolved);
  await writeFile(join(unresolved, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    environment:\n      REDIS_HOST: cache\n      SITE: https://example.com\n');
});
afterAll(async () => root?.remove());

describe('berth plan', () => {
  it('prints resources, URLs, config, costs and the preflight verdict', async () => {
    const io = capture();
    expect(await runCli(['plan', sample, '--mode', 'balanced', '--region', 'eu-west-1'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('Plan for django-celery: balanced mode in eu-west-1');
    expect(text).toContain('berth-django-celery');
    expect(text).toContain('Resources, service web:');
    expect(text).toContain('http://<load-balancer-dns>:8000 → web:8000');
    expect(text).toContain('web POSTGRES_URL ← derived from POSTGRES_PASSWORD');
    expect(text).toMatch(/\* balanced +\$\d+\.\d\d/);
    expect(text).toContain('an estimate, not a bill');
    expect(text).toContain('Preflight: every template passes');
  });

  it('prints how names resolve: each host, what answers it, and the values as written', async () => {
    const io = capture();
    expect(await runCli(['plan', sample], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('How names resolve (values are deployed as written; a bare name is looked up in django-celery.internal):');
    expect(text).toContain('  web REDIS_URL: broker → managed Redis (ElastiCache) at broker.django-celery.internal');
    expect(text).toContain('  web POSTGRES_URL: database → managed PostgreSQL (RDS) at database.django-celery.internal');
    const other = capture();
    expect(await runCli(['plan', unresolved], other)).toBe(0);
    expect(other.stdout).toContain('  web REDIS_HOST: cache → NOTHING — No service is called cache in this project, so on AWS the name does not resolve.');
    expect(other.stdout).toContain('  web SITE: example.com → the public internet');
    expect(other.stderr.join('\n')).toMatch(/warning: .*compose\.yaml:5:7: REDIS_HOST of web names the host cache\./);
  });

  it('writes each stack’s template, and nothing else, with --out', async () => {
    const out = await mkdtemp(join(tmpdir(), 'berth-plan-out-'));
    try {
      const io = capture();
      expect(await runCli(['plan', sample, '--out', out, '--json'], io)).toBe(0);
      expect((await readdir(out)).sort()).toEqual(['berth-bootstrap.template.json', 'berth-django-celery.template.json']);
      const preview = JSON.parse(io.stdout.join('')) as PlanPreview;
      expect(preview.mode).toBe('affordable');
      const written = JSON.parse(await readFile(join(out, 'berth-django-celery.template.json'), 'utf8'));
      expect(written).toEqual(JSON.parse(preview.stacks[1]!.body));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('exits 1 with the diagnostics when the project has errors, 2 on a bad mode', async () => {
    const io = capture();
    expect(await runCli(['plan', broken], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/error: .*compose\.yaml:\d+:\d+: .*privileged/);
    expect(io.stdout).toEqual([]);
    expect(await runCli(['plan', sample, '--mode', 'cheap'], capture())).toBe(2);
  });
});

describe('plan:preview', () => {
  it('loads the folder and returns the preview; compose errors come back as COMPOSE_INVALID with diagnostics', async () => {
    const ctx = createContext({ shell: 'test', version: '0.0.0', dataDir: root.root });
    try {
      const result = await dispatch(handlers, ctx, 'plan:preview', { dir: sample, mode: 'high_availability', region: 'ap-southeast-1' });
      expect(result.ok).toBe(true);
      const preview = (result as { value: PlanPreview }).value;
      expect(preview).toEqual(expect.objectContaining({ project: 'django-celery', mode: 'high_availability', region: 'ap-southeast-1', preflight: [] }));
      const bad = await dispatch(handlers, ctx, 'plan:preview', { dir: broken, mode: 'balanced' });
      expect(bad.ok).toBe(false);
      if (!bad.ok) {
        expect(bad.error.code).toBe('COMPOSE_INVALID');
        expect(bad.error.details?.diagnostics).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'error' })]));
      }
    } finally {
      await ctx.dispose();
    }
  });

  // Config is what the user sets in Secrets; the planner never reads it. Here the canary sits in the
  // environment under the config names (`- API_KEY` with no value names config even when the
  // shell defines it), and a spliced `${POSTGRES_PASSWORD}` that nothing defines becomes a derived value.
  it('never puts a config value into a template or the preview (canary)', async () => {
    const canary = 'canary-51d2c0de-never-in-templates';
    const dir = join(root.root, 'canary');
    await mkdir(dir);
    await writeFile(
      join(dir, 'compose.yaml'),
      [
        'services:',
        '  web:',
        '    image: nginx',
        '    ports: ["80:80"]',
        '    environment:',
        '      - API_KEY',
        '      - SESSION_SECRET',
        '      - DATABASE_URL=postgres://app:${POSTGRES_PASSWORD}@db:5432/app',
        '  db:',
        '    image: postgres:16',
        '    x-defang-postgres: true',
        '    environment:',
        '      - POSTGRES_PASSWORD',
        '',
      ].join('\n'),
    );
    const saved = { API_KEY: process.env.API_KEY, SESSION_SECRET: process.env.SESSION_SECRET, POSTGRES_PASSWORD: process.env.POSTGRES_PASSWORD };
    process.env.API_KEY = canary;
    process.env.SESSION_SECRET = canary;
    delete process.env.POSTGRES_PASSWORD;
    const ctx = createContext({ shell: 'test', version: '0.0.0', dataDir: root.root });
    try {
      for (const mode of ['affordable', 'balanced', 'high_availability'] as const) {
        const result = await dispatch(handlers, ctx, 'plan:preview', { dir, mode });
        expect(result.ok).toBe(true);
        expect(JSON.stringify(result)).not.toContain(canary);
        const preview = (result as { value: PlanPreview }).value;
        expect(preview.config.filter((c) => c.service === 'web').map((c) => `${c.variable}:${c.source}`)).toEqual(['API_KEY:config', 'DATABASE_URL:derived', 'SESSION_SECRET:config']);
      }
      const io = capture();
      await runCli(['plan', dir, '--json'], io);
      expect([...io.stdout, ...io.stderr].join('\n')).not.toContain(canary);
    } finally {
      await ctx.dispose();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
