/**
 * Bad input: each case loads without throwing or hanging and gives a positioned diagnostic
 * (file, line, column, key path, fix) a user can act on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../electron/compose/load';
import { MAX_COMPOSE_BYTES } from '../../electron/compose/source';
import type { Diagnostic } from '../../shared/domain/diagnostics';
import { cleanupProjects, loadFiles, makeProject } from './helpers';

afterAll(cleanupProjects);

/** The one diagnostic with `code`, checked to be fully positioned in `file`. */
function positioned(diagnostics: Diagnostic[], code: string, file: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  expect(found.length, `${code} in ${JSON.stringify(diagnostics.map((d) => d.code))}`).toBeGreaterThan(0);
  const d = found[0] as Diagnostic;
  expect(d.severity).toBe('error');
  expect(d.file.endsWith(file)).toBe(true);
  expect(d.line).toBeGreaterThan(0);
  expect(d.column).toBeGreaterThan(0);
  expect(d.message.length).toBeGreaterThan(10);
  expect(d.fix?.length ?? 0).toBeGreaterThan(5);
  expect(diagnostics.some((x) => x.code === 'internal-error')).toBe(false);
  return d;
}

describe('bad input never crashes the loader', () => {
  it('YAML syntax error', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    image: "unterminated\n    ports: [80\n' });
    const d = positioned(r.diagnostics, 'yaml-syntax', 'compose.yaml');
    expect(d.line).toBeGreaterThanOrEqual(3);
    expect(r.project).toBeNull();
  });

  it('tabs used as indentation', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n\tweb:\n\t\timage: nginx\n' });
    expect(positioned(r.diagnostics, 'yaml-syntax', 'compose.yaml').line).toBe(2);
  });

  it('alias bomb (billion laughs) is refused by the yaml alias limit', async () => {
    const bomb = [
      'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'x-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'x-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'x-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'x-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'x-f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'x-g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'x-h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
      'services:',
      '  web:',
      '    image: nginx',
      '    command: *h',
    ].join('\n');
    const r = await loadFiles({ 'compose.yaml': bomb });
    positioned(r.diagnostics, 'yaml-alias-limit', 'compose.yaml');
    expect(r.project).toBeNull();
  });

  it('an alias that points into its own anchor', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web: &w\n    image: nginx\n    labels: *w\n' });
    expect(r.diagnostics.some((d) => d.code === 'internal-error')).toBe(false);
    expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it('a 20 MB file is refused before parsing', async () => {
    const line = '# padding padding padding padding padding padding padding padding padding\n';
    const big = `services:\n  web:\n    image: nginx\n${line.repeat(Math.ceil((20 * 1024 * 1024) / line.length))}`;
    expect(big.length).toBeGreaterThan(MAX_COMPOSE_BYTES);
    const r = await loadFiles({ 'compose.yaml': big });
    const d = positioned(r.diagnostics, 'file-too-large', 'compose.yaml');
    expect(d.message).toMatch(/20\.\d MB/);
  });

  it('10,000-deep nesting in flow style', async () => {
    const r = await loadFiles({ 'compose.yaml': `services:\n  web:\n    image: nginx\n    x-deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n` });
    positioned(r.diagnostics, 'yaml-too-deep', 'compose.yaml');
    expect(r.project).toBeNull();
  });

  it('10,000-deep nesting in block style (compact nested sequences)', async () => {
    const deep = `services:\n  web:\n    image: nginx\n    x-deep:\n      ${'- '.repeat(10_000)}x\n`;
    const r = await loadFiles({ 'compose.yaml': deep });
    positioned(r.diagnostics, 'yaml-too-deep', 'compose.yaml');
  });

  it('nesting deeper than the loader allows, but not deep enough to exhaust the parser', async () => {
    const r = await loadFiles({ 'compose.yaml': `services:\n  web:\n    image: nginx\n    x-deep: ${'['.repeat(300)}${']'.repeat(300)}\n` });
    positioned(r.diagnostics, 'yaml-too-deep', 'compose.yaml');
  });

  it('duplicate keys', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    image: httpd\n' });
    expect(positioned(r.diagnostics, 'yaml-duplicate-key', 'compose.yaml').line).toBe(4);
  });

  it('duplicate service names', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n  web:\n    image: httpd\n' });
    expect(positioned(r.diagnostics, 'yaml-duplicate-key', 'compose.yaml').line).toBe(4);
  });

  it('non-string keys: a list as a key, a null key, a number key', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  ? [a, b]\n  : image: nginx\n  web:\n    image: nginx\n    environment:\n      ~: x\n      80: http\n' });
    const errors = r.diagnostics.filter((d) => d.code === 'yaml-key-not-string');
    expect(errors.map((d) => [d.severity, d.line])).toEqual([
      ['error', 2],
      ['error', 7],
      ['warning', 8],
    ]);
    expect(r.project?.services.map((s) => s.name)).toEqual(['web']);
    expect(r.project?.services[0]?.environment['80']).toEqual({ kind: 'literal', value: 'http' });
  });

  it('wrong types everywhere: ports as objects, cpus as words, image as a list, environment as a number', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: [nginx]',
        '    environment: 42',
        '    ports:',
        '      - {published: 80}',
        '      - {target: {port: 80}}',
        '      - true',
        '    deploy:',
        '      resources:',
        '        reservations:',
        '          cpus: two',
        '          memory: 512',
        '    healthcheck:',
        '      retries: many',
        '      interval: soon',
        '      test: ["CMD", "true"]',
      ].join('\n'),
    });
    const byPath = Object.fromEntries(r.diagnostics.map((d) => [d.path, `${d.severity} ${d.code} ${d.line}:${d.column}`]));
    expect(byPath).toMatchObject({
      'services.web.image': 'error schema-type 3:12',
      'services.web.environment': 'error schema-type 4:18',
      'services.web.ports[1].target': 'error schema-type 7:18',
      'services.web.ports[2]': 'error schema-type 8:9',
      'services.web.deploy.resources.reservations.memory': 'error schema-type 13:19',
      'services.web.deploy.resources.reservations.cpus': 'error resources-invalid 12:17',
      'services.web.healthcheck.retries': 'error healthcheck-retries 15:16',
      'services.web.healthcheck.interval': 'error healthcheck-duration 16:17',
      'services.web.ports[0]': 'error port-invalid 6:9',
    });
    expect(r.diagnostics.find((d) => d.path === 'services.web.image')?.message).toBe('services.web.image must be text; found a list.');
  });

  it('unknown keys are reported by path, with a suggestion', async () => {
    const r = await loadFiles({
      'compose.yaml': 'servces:\n  x: 1\nservices:\n  web:\n    image: nginx\n    enviroment:\n      A: b\n    ports:\n      - target: 80\n        moed: host\n    build:\n      contxt: .\n',
    });
    const unknown = r.diagnostics.filter((d) => d.code === 'schema-unknown-key');
    expect(unknown.map((d) => [d.path, d.line, d.column])).toEqual([
      ['servces', 1, 1],
      ['services.web.enviroment', 6, 5],
      ['services.web.ports[0].moed', 10, 9],
      ['services.web.build.contxt', 12, 7],
    ]);
    expect(unknown[1]?.fix).toContain('"environment"');
    expect(unknown[0]?.fix).toContain('"services"');
  });

  it('unknown service in depends_on', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    depends_on: [db]\n' });
    const d = positioned(r.diagnostics, 'depends-on-unknown', 'compose.yaml');
    expect([d.line, d.path]).toEqual([4, 'services.web.depends_on[0]']);
  });

  it('depends_on cycles', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on:\n      c:\n        condition: service_started\n  c:\n    image: x\n    depends_on: [a]\n  d:\n    image: x\n    depends_on: [d]\n',
    });
    const cycles = r.diagnostics.filter((d) => d.code === 'depends-on-cycle');
    expect(cycles.map((d) => d.message)).toEqual(['depends_on forms a cycle: a → b → c → a.', 'depends_on forms a cycle: d → d.']);
    expect(cycles.every((d) => d.line > 0 && d.file.endsWith('compose.yaml'))).toBe(true);
  });

  it('extends cycles', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  a:\n    extends: b\n  b:\n    extends:\n      service: a\n  c:\n    extends: c\n' });
    const cycles = r.diagnostics.filter((d) => d.code === 'extends-cycle');
    expect(cycles.length).toBeGreaterThanOrEqual(2);
    expect(cycles.every((d) => d.line > 0)).toBe(true);
  });

  it('extends cycles across files', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  web:\n    extends:\n      file: other.yaml\n      service: base\n',
      'other.yaml': 'services:\n  base:\n    extends:\n      file: compose.yaml\n      service: web\n',
    });
    positioned(r.diagnostics, 'extends-cycle', 'yaml');
  });

  it('extends from a missing file, and a missing service', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  web:\n    extends:\n      file: nowhere.yaml\n      service: base\n  api:\n    extends: ghost\n',
    });
    const missingFile = positioned(r.diagnostics, 'extends-file-missing', 'compose.yaml');
    expect([missingFile.line, missingFile.path]).toEqual([4, 'services.web.extends.file']);
    expect(missingFile.subject?.endsWith('nowhere.yaml')).toBe(true);
    expect(positioned(r.diagnostics, 'extends-service-missing', 'compose.yaml').line).toBe(7);
  });

  it('interpolation: ${V:?} unset, unterminated ${, lone $', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  web:\n    image: nginx:${TAG:?set TAG to the release}\n    command: echo ${OOPS\n    working_dir: /app/$\n',
    });
    const required = positioned(r.diagnostics, 'interpolation-required', 'compose.yaml');
    expect([required.line, required.path]).toEqual([3, 'services.web.image']);
    expect(required.message).toContain('set TAG to the release');
    const syntax = r.diagnostics.filter((d) => d.code === 'interpolation-syntax');
    expect(syntax.map((d) => d.path)).toEqual(['services.web.command', 'services.web.working_dir']);
  });

  it('a build context that does not exist, and a Dockerfile that does not exist', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  web:\n    build: ./web\n  api:\n    build:\n      context: ./api\n      dockerfile: Dockerfile.prod\n',
      'api/Dockerfile': 'FROM alpine\n',
    });
    const ctx = positioned(r.diagnostics, 'build-context-missing', 'compose.yaml');
    expect([ctx.line, ctx.path]).toEqual([3, 'services.web.build']);
    expect(ctx.subject?.endsWith('/web')).toBe(true);
    const df = positioned(r.diagnostics, 'dockerfile-missing', 'compose.yaml');
    expect([df.line, df.path]).toEqual([7, 'services.api.build.dockerfile']);
  });

  it('a build context that is a file', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    build: ./notes.txt\n', 'notes.txt': 'hi' });
    positioned(r.diagnostics, 'build-context-missing', 'compose.yaml');
  });

  it('binary garbage', async () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    const r = await loadFiles({ 'compose.yaml': bytes });
    positioned(r.diagnostics, 'file-not-text', 'compose.yaml');
    expect(r.project).toBeNull();
  });

  it('invalid UTF-8 without NUL bytes', async () => {
    const r = await loadFiles({ 'compose.yaml': new Uint8Array([0x73, 0x65, 0xff, 0xfe, 0x3a, 0x0a]) });
    positioned(r.diagnostics, 'file-not-text', 'compose.yaml');
  });

  it('an empty file, and a file with only comments', async () => {
    const empty = await loadFiles({ 'compose.yaml': '' });
    positioned(empty.diagnostics, 'file-empty', 'compose.yaml');
    const comments = await loadFiles({ 'compose.yaml': '# nothing here\n# yet\n' });
    positioned(comments.diagnostics, 'file-empty', 'compose.yaml');
  });

  it('a folder with no compose file', async () => {
    const dir = await makeProject({ 'README.md': 'hello' });
    const r = await loadProject(dir, { env: {} });
    expect(r.project).toBeNull();
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'no-compose-file']]);
    expect(r.diagnostics[0]?.subject).toBe(dir);
    expect(r.diagnostics[0]?.fix).toBeTruthy();
  });

  it('a folder that does not exist', async () => {
    const r = await loadProject('/definitely/not/here/berth', { env: {} });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['folder-not-found']);
  });

  it('a -f file that does not exist', async () => {
    const dir = await makeProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' });
    const r = await loadProject(dir, { env: {}, files: ['compose.yaml', 'compose.prod.yaml'] });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['file-not-found']);
    expect(r.project?.services.map((s) => s.name)).toEqual(['web']);
  });

  it('a root that is a list or a scalar', async () => {
    const list = await loadFiles({ 'compose.yaml': '- services\n- web\n' });
    positioned(list.diagnostics, 'compose-not-mapping', 'compose.yaml');
    const scalar = await loadFiles({ 'compose.yaml': 'just text\n' });
    positioned(scalar.diagnostics, 'compose-not-mapping', 'compose.yaml');
  });

  it('several YAML documents in one file', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  a:\n    image: x\n---\nservices:\n  b:\n    image: y\n' });
    positioned(r.diagnostics, 'yaml-syntax', 'compose.yaml');
  });

  it('a service that is not a mapping, and services with nothing to run', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n  api: nginx\n  worker:\n    command: run\n' });
    expect(r.diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual(['schema-type services.web', 'schema-type services.api', 'service-no-image services.worker']);
  });

  it('no services at all', async () => {
    const r = await loadFiles({ 'compose.yaml': 'name: empty\nvolumes:\n  data: {}\n' });
    expect(r.diagnostics.some((d) => d.code === 'no-services' && d.severity === 'error')).toBe(true);
  });

  it('an env_file that does not exist, and one with bad lines', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file:\n      - missing.env\n      - path: optional.env\n        required: false\n      - bad.env\n',
      'bad.env': 'GOOD=1\nthis is not a variable\n',
    });
    const missing = positioned(r.diagnostics, 'env-file-missing', 'compose.yaml');
    expect(missing.line).toBe(5);
    const bad = positioned(r.diagnostics, 'env-file-syntax', 'bad.env');
    expect(bad.line).toBe(2);
    expect(r.diagnostics.filter((d) => d.code === 'env-file-missing')).toHaveLength(1);
    expect(r.project?.services[0]?.environment.GOOD).toEqual({ kind: 'literal', value: '1' });
  });

  it('an unknown YAML tag is ignored with a warning', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    image: !custom nginx\n' });
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning yaml-unknown-tag']);
    expect(r.project?.services[0]?.image).toBe('nginx');
  });
});
