/**
 * A build context with no Dockerfile is built with Railpack when Railpack would recognise the app
 * (its providers, in its order; `.dockerignore` applied as Berth uploads the context; a
 * railpack.json `provider` wins), and compose `build.secrets` reach the BuildSpec as BuildKit ids.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../electron/compose/load';
import { imageBuildWords, type ServiceModel } from '../../shared/domain/project';
import { corpusDir } from '../corpus/locate';
import { cleanupProjects, context, loadFiles, placed } from './helpers';

afterAll(cleanupProjects);

function only(r: { project: { services: ServiceModel[] } | null }): ServiceModel {
  const s = r.project?.services[0];
  if (!s) throw new Error('no service');
  return s;
}

const errors = (r: { diagnostics: { severity: string; code: string }[] }) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

describe('Defang samples without a Dockerfile', () => {
  it.each([
    ['django-railpack', 'django', 'Python', ['requirements.txt']],
    ['flask-railpack', 'flask', 'Python', ['app.py', 'requirements.txt']],
    ['golang-railpack', 'app', 'Golang', ['go.mod', 'main.go']],
    ['nextjs-railpack', 'app', 'Node', ['package.json']],
    // index.html and public/ are there too, but Node comes before Staticfile in Railpack's order.
    ['react-vite-railpack', 'app', 'Node', ['package.json']],
    ['google-adk', 'agent', 'Python', ['main.py', 'pyproject.toml']],
  ])('%s loads with no error and builds %s with Railpack (%s)', async (sample, name, provider, evidence) => {
    const r = await loadProject(join(corpusDir(), sample), { env: {}, profiles: [] });
    expect(errors(r)).toEqual([]);
    const s = r.project!.services.find((x) => x.name === name)!;
    expect(s.build).toMatchObject({ builder: 'railpack', dockerfile: 'railpack-plan.json', railpack: { provider, evidence } });
    expect(imageBuildWords(s.build!)).toBe(`built with Railpack (detected: ${provider})`);
  });
});

describe('Railpack detection', () => {
  const compose = 'services:\n  app:\n    build:\n      context: ./app\n';

  it('follows Railpack’s provider order: Go before Node, Python before Node, Node before a static site', async () => {
    const cases: [Record<string, string>, string, string[]][] = [
      [{ 'app/go.mod': 'module x\n', 'app/package.json': '{}' }, 'Golang', ['go.mod']],
      [{ 'app/requirements.txt': 'flask\n', 'app/package.json': '{}' }, 'Python', ['requirements.txt']],
      [{ 'app/package.json': '{}', 'app/index.html': '<p>hi</p>' }, 'Node', ['package.json']],
      [{ 'app/index.html': '<p>hi</p>' }, 'Staticfile', ['index.html']],
      [{ 'app/Staticfile': 'root: dist\n', 'app/dist/index.html': '' }, 'Staticfile', ['Staticfile']],
      [{ 'app/composer.json': '{}', 'app/go.mod': 'module x\n' }, 'Php', ['composer.json']],
      [{ 'app/pom.xml': '<project/>' }, 'Java', ['pom.xml']],
      [{ 'app/Cargo.toml': '[package]\n' }, 'Rust', ['Cargo.toml']],
      [{ 'app/Gemfile': '' }, 'Ruby', ['Gemfile']],
      [{ 'app/mix.exs': '' }, 'Elixir', ['mix.exs']],
      [{ 'app/deno.json': '{}' }, 'Deno', ['deno.json']],
      [{ 'app/web.csproj': '<Project/>' }, 'Dotnet', ['web.csproj']],
      [{ 'app/gleam.toml': '' }, 'Gleam', ['gleam.toml']],
      [{ 'app/CMakeLists.txt': '' }, 'Cpp', ['CMakeLists.txt']],
      [{ 'app/start.sh': 'echo hi\n' }, 'Shell', ['start.sh']],
    ];
    for (const [files, provider, evidence] of cases) {
      const r = await loadFiles({ ...files, 'compose.yaml': compose });
      expect(errors(r), provider).toEqual([]);
      expect(only(r).build?.railpack, JSON.stringify(files)).toEqual({ provider, evidence });
    }
  });

  it('uses the provider a railpack.json names, over what the files say', async () => {
    const r = await loadFiles({
      'app/package.json': '{}',
      'app/index.html': '',
      // Railpack reads railpack.json as JSON with comments and trailing commas.
      'app/railpack.json': '{\n  // a static site, not a Node app\n  "provider": "staticfile",\n}\n',
      'compose.yaml': compose,
    });
    expect(errors(r)).toEqual([]);
    expect(only(r).build).toMatchObject({ builder: 'railpack', railpack: { provider: 'Staticfile', evidence: ['railpack.json'] } });
    expect(imageBuildWords(only(r).build!)).toBe('built with Railpack (Staticfile, set in railpack.json)');
  });

  it('warns about a railpack.json provider Railpack does not have, and detects as Railpack then does', async () => {
    const r = await loadFiles({ 'app/package.json': '{}', 'app/railpack.json': '{"provider": "cobol"}', 'compose.yaml': compose });
    expect(placed(r.diagnostics)).toEqual(['warning railpack-provider-unknown 4:16']);
    expect(only(r).build?.railpack).toEqual({ provider: 'Node', evidence: ['package.json'] });
  });

  it('refuses a railpack.json Railpack cannot read, at the build context', async () => {
    const r = await loadFiles({ 'app/package.json': '{}', 'app/railpack.json': '{"provider": ', 'compose.yaml': compose });
    expect(placed(r.diagnostics)).toEqual(['error railpack-config-invalid 4:16']);
  });

  it('reports a context with nothing Railpack detects, at `context`, naming what it looks for and the fix', async () => {
    const r = await loadFiles({ 'app/README.md': '# notes\n', 'compose.yaml': compose });
    expect(placed(r.diagnostics)).toEqual(['error railpack-no-provider 4:16']);
    const d = r.diagnostics[0]!;
    expect(d.file).toBe(join(r.dir, 'compose.yaml'));
    expect(d.path).toBe('services.app.build.context');
    expect(d.message).toContain('has no Dockerfile');
    for (const file of ['package.json', 'requirements.txt', 'go.mod', 'Cargo.toml', 'composer.json', 'index.html', 'start.sh']) expect(d.message).toContain(file);
    expect(d.fix).toMatch(/Add a Dockerfile.*package\.json.*requirements\.txt.*go\.mod/);
    expect(only(r).build?.builder).toBe('railpack');
    expect(only(r).build?.railpack).toBeUndefined();
  });

  it('positions the error at `build:` in its short form', async () => {
    const r = await loadFiles({ 'README.md': '', 'compose.yaml': 'services:\n  app:\n    build: .\n' });
    expect(placed(r.diagnostics)).toEqual(['error railpack-no-provider 3:12']);
  });

  it('does not see a trigger file the .dockerignore leaves out of the upload, and says so', async () => {
    const r = await loadFiles({ 'app/requirements.txt': 'flask\n', 'app/.dockerignore': '# local only\nrequirements.txt\n', 'compose.yaml': compose });
    expect(placed(r.diagnostics)).toEqual(['error railpack-no-provider 4:16']);
    expect(r.diagnostics[0]!.message).toContain('.dockerignore leaves out requirements.txt');
    expect(r.diagnostics[0]!.fix).toContain('requirements.txt');
  });

  it('still reads a trigger file the .dockerignore lets back in', async () => {
    const r = await loadFiles({ 'app/requirements.txt': 'flask\n', 'app/.dockerignore': '*\n!requirements.txt\n', 'compose.yaml': compose });
    expect(errors(r)).toEqual([]);
    expect(only(r).build?.railpack).toEqual({ provider: 'Python', evidence: ['requirements.txt'] });
  });

  it('keeps a Dockerfile build when the Dockerfile is there', async () => {
    const r = await loadFiles({ ...context('app'), 'app/package.json': '{}', 'compose.yaml': compose });
    expect(errors(r)).toEqual([]);
    expect(only(r).build).toMatchObject({ builder: 'dockerfile', dockerfile: 'Dockerfile' });
    expect(only(r).build?.railpack).toBeUndefined();
    expect(imageBuildWords(only(r).build!)).toBe('built from Dockerfile (BuildKit)');
  });

  it('keeps a missing Dockerfile named by build.dockerfile an error, even when Railpack would detect the app', async () => {
    for (const name of ['Dockerfile.prod', 'Dockerfile']) {
      const r = await loadFiles({ 'app/package.json': '{}', 'compose.yaml': `services:\n  app:\n    build:\n      context: ./app\n      dockerfile: ${name}\n` });
      expect(placed(r.diagnostics), name).toEqual(['error dockerfile-missing 5:19']);
      expect(only(r).build?.builder).toBe('dockerfile');
    }
  });
});

describe('build secrets', () => {
  const top = 'secrets:\n  npm_token:\n    environment: NPM_TOKEN\n  pip_conf:\n    file: ./pip.conf\n';

  it('reads the short form (the id is the secret name) and the long form (the id is `target`)', async () => {
    const r = await loadFiles({
      ...context('app'),
      'pip.conf': '[global]\n',
      'compose.yaml': `services:\n  app:\n    build:\n      context: ./app\n      secrets:\n        - npm_token\n        - source: pip_conf\n          target: pipconf\n${top}`,
    });
    expect(r.diagnostics).toEqual([]);
    expect(only(r).build?.secrets).toEqual([
      { id: 'npm_token', secret: 'npm_token' },
      { id: 'pipconf', secret: 'pip_conf' },
    ]);
    // Their sources are deployed (an SSM parameter, a config value), values never in the model.
    expect(r.project?.secrets?.map((s) => `${s.name} ${s.source.kind}`)).toEqual(['npm_token config', 'pip_conf file']);
    expect(r.project?.requiredConfig).toEqual([{ name: 'NPM_TOKEN', usedBy: [{ service: 'app', variable: 'build secret npm_token' }] }]);
    expect(JSON.stringify(r.project)).not.toContain('[global]');
  });

  it('a long form without target uses the secret name; uid, gid and mode are ignored with a warning, as docker compose does', async () => {
    const r = await loadFiles({
      ...context('app'),
      'compose.yaml': `services:\n  app:\n    build:\n      context: ./app\n      secrets:\n        - source: npm_token\n          mode: 0400\nsecrets:\n  npm_token:\n    environment: NPM_TOKEN\n`,
    });
    expect(placed(r.diagnostics)).toEqual(['warning build-secret-mode-ignored 7:17']);
    expect(only(r).build?.secrets).toEqual([{ id: 'npm_token', secret: 'npm_token' }]);
  });

  it('reports a build secret no top-level secret declares, at the list item', async () => {
    const r = await loadFiles({
      ...context('app'),
      'compose.yaml': `services:\n  app:\n    build:\n      context: ./app\n      secrets:\n        - npm_tokn\n${top}`,
    });
    expect(placed(r.diagnostics)).toEqual(['error secret-unknown 6:11']);
    expect(r.diagnostics[0]!.message).toContain('npm_tokn');
    expect(only(r).build?.secrets).toBeUndefined();
  });

  it('keeps refusing an external secret a build uses', async () => {
    const r = await loadFiles({
      ...context('app'),
      'compose.yaml': `services:\n  app:\n    build:\n      context: ./app\n      secrets: [token]\nsecrets:\n  token:\n    external: true\n`,
    });
    expect(errors(r)).toEqual(['secret-external']);
  });
});
