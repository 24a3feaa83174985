/**
 * Golden tests of the loaded project model: extends, override merging, interpolation with .env,
 * required config, how names resolve, managed stores, profiles, project names, ports, healthchecks,
 * resources and Berth's support rules.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../electron/compose/load';
import type { ServiceModel } from '../../shared/domain/project';
import { brief, cleanupProjects, context, loadFiles, makeProject, placed } from './helpers';

afterAll(cleanupProjects);

function service(r: { project: { services: ServiceModel[] } | null }, name: string): ServiceModel {
  const s = r.project?.services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s;
}

describe('a clean project', () => {
  it('gives the full model and no diagnostics', async () => {
    const r = await loadFiles({
      ...context('web'),
      'compose.yaml': [
        'name: shop',
        'services:',
        '  web:',
        '    build:',
        '      context: ./web',
        '      args: [VERSION=1.2, EMPTY=]',
        '      target: runtime',
        '    platform: linux/arm64',
        '    ports: ["80:8080", {target: 9090, mode: host}]',
        '    environment:',
        '      MODE: production',
        '      DEBUG: false',
        '      WORKERS: 4',
        '    command: node server.js --port 8080',
        '    entrypoint: ["/sbin/tini", "--"]',
        '    healthcheck:',
        '      test: ["CMD", "wget", "-qO-", "http://localhost:8080/healthz?full=1"]',
        '      interval: 1m',
        '      timeout: 3s',
        '      retries: 5',
        '      start_period: 20s',
        '    deploy:',
        '      replicas: 3',
        '      resources:',
        '        limits: {cpus: "4", memory: 4G}',
        '        reservations: {cpus: "1", memory: 3G}',
        '    domainname: shop.example.com',
        '    stop_grace_period: 1m30s',
        '    user: "1000:1000"',
        '    working_dir: /srv',
        '    init: true',
        '    read_only: "true"',
      ].join('\n'),
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.project?.name).toBe('shop');
    expect(service(r, 'web')).toEqual({
      name: 'web',
      build: { context: `${r.dir}/web`, builder: 'dockerfile', dockerfile: 'Dockerfile', args: { VERSION: '1.2', EMPTY: '' }, target: 'runtime', platform: 'linux/arm64' },
      ports: [
        { target: 8080, published: 80, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' },
        { target: 9090, protocol: 'tcp', mode: 'host' },
      ],
      environment: { MODE: { kind: 'literal', value: 'production' }, DEBUG: { kind: 'literal', value: 'false' }, WORKERS: { kind: 'literal', value: '4' } },
      command: ['node', 'server.js', '--port', '8080'],
      entrypoint: ['/sbin/tini', '--'],
      healthcheck: { test: ['CMD', 'wget', '-qO-', 'http://localhost:8080/healthz?full=1'], intervalSeconds: 60, timeoutSeconds: 3, retries: 5, startPeriodSeconds: 20, httpPath: '/healthz?full=1' },
      replicas: 3,
      size: { cpu: 1024, memory: 3072 },
      dependsOn: [],
      domainname: 'shop.example.com',
      stopGracePeriodSeconds: 90,
      user: '1000:1000',
      workingDir: '/srv',
      init: true,
      readOnly: true,
      platform: 'linux/arm64',
      source: { file: `${r.dir}/compose.yaml`, line: 3, column: 3 },
    });
    expect(r.project?.files).toEqual([{ path: `${r.dir}/compose.yaml`, role: 'main' }]);
  });
});

describe('extends (golden)', () => {
  it('same file, chained, with the spec merge rules', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'services:',
        '  base:',
        '    image: app:1',
        '    command: ["run", "base"]',
        '    environment: [A=1, B=2]',
        '    ports: [{target: 8080, mode: host}]',
        '    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:8080/"], interval: 10s}',
        '  middle:',
        '    extends: base',
        '    environment: {B: 20, C: 3}',
        '  web:',
        '    extends: {service: middle}',
        '    command: serve --fast',
        '    ports: ["9090"]',
        '    healthcheck: {timeout: 2s}',
      ].join('\n'),
    });
    const web = service(r, 'web');
    expect(web.image).toBe('app:1');
    expect(web.command).toEqual(['serve', '--fast']);
    expect(web.environment).toEqual({ A: { kind: 'literal', value: '1' }, B: { kind: 'literal', value: '20' }, C: { kind: 'literal', value: '3' } });
    expect(web.ports.map((p) => p.target)).toEqual([8080, 9090]);
    expect(web.healthcheck).toMatchObject({ intervalSeconds: 10, timeoutSeconds: 2, httpPath: '/' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('file:, with paths relative to the extended file', async () => {
    const r = await loadFiles({
      ...context('shared/app'),
      'shared/base.yaml': 'services:\n  api:\n    build: ./app\n    environment: [LEVEL=base]\n    env_file: base.env\n',
      'shared/base.env': 'FROM_FILE=yes\n',
      'compose.yaml': 'services:\n  api:\n    extends:\n      file: shared/base.yaml\n      service: api\n    environment: [LEVEL=top]\n',
    });
    expect(r.diagnostics).toEqual([]);
    const api = service(r, 'api');
    expect(api.build?.context).toBe(`${r.dir}/shared/app`);
    expect(api.environment).toEqual({ FROM_FILE: { kind: 'literal', value: 'yes' }, LEVEL: { kind: 'literal', value: 'top' } });
    expect(r.project?.files.map((f) => [f.path.replace(`${r.dir}/`, ''), f.role])).toEqual([
      ['compose.yaml', 'main'],
      ['shared/base.yaml', 'extends'],
      ['shared/base.env', 'env'],
    ]);
  });

  it('points diagnostics at the file where the value is written', async () => {
    const r = await loadFiles({
      'base.yaml': 'services:\n  api:\n    image: x\n    ports: ["70000"]\n',
      'compose.yaml': 'services:\n  api:\n    extends: {file: base.yaml, service: api}\n',
    });
    expect(r.diagnostics.map((d) => [d.code, d.file.replace(`${r.dir}/`, ''), d.line, d.path])).toEqual([['port-target-range', 'base.yaml', 4, 'services.api.ports[0]']]);
  });
});

describe('override files (golden)', () => {
  it('loads compose.yaml then compose.override.yaml by default, merging by the spec', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: web:1',
        '    command: ["a", "b"]',
        '    environment: {A: "1", B: "2"}',
        '    ports: [{target: 3000, published: 3000}]',
        '    volumes: ["data:/data", "./conf:/etc/conf"]',
        '    depends_on: [db]',
        '    labels: [x=1]',
        '  db:',
        '    image: postgres:16',
        '  cache:',
        '    image: redis',
        'volumes:',
        '  data: {}',
      ].join('\n'),
      'compose.override.yaml': [
        'services:',
        '  web:',
        '    image: web:2',
        '    command: ["c"]',
        '    environment: [B=20, C=30]',
        '    ports: ["3000:3000", "4000:4000"]',
        '    volumes: ["./other:/etc/conf"]',
        '    depends_on: {cache: {condition: service_started}}',
        '    labels: !reset []',
        '  cache: !reset',
      ].join('\n'),
    });
    const web = service(r, 'web');
    expect(web.image).toBe('web:2');
    expect(web.command).toEqual(['c']);
    expect(web.environment).toEqual({ A: { kind: 'literal', value: '1' }, B: { kind: 'literal', value: '20' }, C: { kind: 'literal', value: '30' } });
    expect(web.ports.map((p) => `${p.published}:${p.target}`)).toEqual(['3000:3000', '4000:4000']);
    expect(r.project?.services.map((s) => s.name)).toEqual(['web', 'db']);
    expect(r.project?.files.map((f) => f.role)).toEqual(['main', 'override']);
    // web depended on cache, which the override removed with !reset.
    expect(brief(r.diagnostics).filter((d) => d.startsWith('error'))).toEqual(['error depends-on-unknown services.web.depends_on.cache']);
    // labels were reset, so no warning about them.
    expect(r.diagnostics.some((d) => d.path.includes('labels'))).toBe(false);
    // volumes merged by container path: two mounts remain.
    expect(r.diagnostics.filter((d) => d.path === 'services.web.volumes')).toHaveLength(1);
  });

  it('!override replaces a value instead of merging it', async () => {
    const r = await loadFiles(
      {
        'a.yaml': 'services:\n  web:\n    image: x\n    environment: {A: "1", B: "2"}\n',
        'b.yaml': 'services:\n  web:\n    environment: !override {C: "3"}\n',
      },
      { files: ['a.yaml', 'b.yaml'] },
    );
    expect(service(r, 'web').environment).toEqual({ C: { kind: 'literal', value: '3' } });
  });

  it('uses the -f selection in order, and reports compose files it ignores', async () => {
    const dir = await makeProject({
      'compose.yaml': 'services:\n  web:\n    image: one\n',
      'docker-compose.yml': 'services:\n  web:\n    image: two\n',
      'prod.yaml': 'services:\n  web:\n    image: three\n',
    });
    const byDefault = await loadProject(dir, { env: {} });
    expect(byDefault.project?.services[0]?.image).toBe('one');
    expect(byDefault.diagnostics.map((d) => [d.code, d.subject])).toEqual([['compose-file-ignored', `${dir}/docker-compose.yml`]]);
    expect(byDefault.composeFiles).toEqual([`${dir}/compose.yaml`, `${dir}/docker-compose.yml`]);
    const chosen = await loadProject(dir, { env: {}, files: ['docker-compose.yml', 'prod.yaml'] });
    expect(chosen.project?.services[0]?.image).toBe('three');
    expect(chosen.diagnostics).toEqual([]);
  });

  it('YAML anchors and merge keys', async () => {
    const r = await loadFiles({
      'compose.yaml': 'x-env: &env\n  environment: [SHARED=1]\n  restart: always\nservices:\n  a:\n    <<: *env\n    image: x\n  b:\n    <<: *env\n    image: y\n    restart: "no"\n',
    });
    expect(service(r, 'a').environment).toEqual({ SHARED: { kind: 'literal', value: '1' } });
    expect(service(r, 'b').environment).toEqual({ SHARED: { kind: 'literal', value: '1' } });
    expect(brief(r.diagnostics)).toEqual(['warning compose-key-warned services.b.restart']);
  });
});

describe('interpolation, .env and env_file', () => {
  it('takes variables from the environment, then .env; unset ones in environment become config', async () => {
    const r = await loadFiles(
      {
        '.env': 'TAG=from-dotenv\nPORT=8080\nDB_USER=app\n',
        'compose.yaml': [
          'services:',
          '  web:',
          '    image: web:${TAG}',
          '    ports: ["${PORT}:${PORT}"]',
          '    environment:',
          '      USER: ${DB_USER}',
          '      URL: postgres://${DB_USER}:${DB_PASSWORD}@db:5432/app',
          '      API_KEY: ${API_KEY}',
          '      DEFAULTED: ${MISSING:-fallback}',
          '      PRICE: $$5',
          '      TEMPLATE_WITH_DOLLAR: $$HOME/${SECRET_PATH}',
          '    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:${PORT}/"]}',
          '  db:',
          '    image: postgres',
        ].join('\n'),
      },
      { env: { TAG: 'from-env' } },
    );
    const web = service(r, 'web');
    expect(web.image).toBe('web:from-env');
    expect(web.ports[0]).toMatchObject({ target: 8080, published: 8080 });
    expect(web.environment).toEqual({
      USER: { kind: 'literal', value: 'app' },
      URL: { kind: 'derived', template: `postgres://app:\${DB_PASSWORD}@db:5432/app`, names: ['DB_PASSWORD'] },
      API_KEY: { kind: 'config', name: 'API_KEY' },
      DEFAULTED: { kind: 'literal', value: 'fallback' },
      PRICE: { kind: 'literal', value: '$5' },
      TEMPLATE_WITH_DOLLAR: { kind: 'derived', template: '$$HOME/${SECRET_PATH}', names: ['SECRET_PATH'] },
    });
    // Only the note that the plain postgres container keeps no data across tasks.
    expect(brief(r.diagnostics)).toEqual(['warning store-data-ephemeral services.db.image']);
    expect(r.project?.files.map((f) => f.role)).toEqual(['env', 'main']);
  });

  it('warns when a variable outside environment is unset and reads it as empty', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    image: nginx${SUFFIX}\n' });
    expect(brief(r.diagnostics)).toEqual(['warning interpolation-unset services.web.image']);
    expect(service(r, 'web').image).toBe('nginx');
  });

  it('env_file values are literal and environment wins over them', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  web:\n    image: x\n    env_file: [app.env]\n    environment: [B=from-compose]\n',
      'app.env': 'A=from-file\nB=from-file\nTOKEN\n',
    });
    expect(service(r, 'web').environment).toEqual({
      A: { kind: 'literal', value: 'from-file' },
      B: { kind: 'literal', value: 'from-compose' },
      TOKEN: { kind: 'config', name: 'TOKEN' },
    });
  });

  it('warns when a secret-looking variable is written in the file', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    image: x\n    environment:\n      - STRIPE_API_KEY=sk_live_123\n      - STRIPE_PUBLIC=pk_live\n' });
    expect(brief(r.diagnostics)).toEqual(['warning env-literal-secret services.web.environment[0]']);
  });
});

describe('required config (golden)', () => {
  it('lists every config name with where it is used', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'services:',
        '  db:',
        '    image: postgres:16',
        '    x-defang-postgres: true',
        '    environment: [POSTGRES_USER=shop, POSTGRES_DB=orders]',
        '  web:',
        '    image: web',
        '    environment:',
        '      - SESSION_SECRET',
        '      - DATABASE_URL=postgres://shop:${POSTGRES_PASSWORD}@db:5432/orders',
        '      - STRIPE_KEY=${STRIPE_KEY}',
        '      - NOT_REQUIRED=${MAYBE:-default}',
        '  worker:',
        '    image: worker',
        '    environment:',
        '      SESSION_SECRET:',
        '      LOCAL: ${HOME_DIR}',
      ].join('\n'),
    }, { env: { HOME_DIR: '/home/me' } });
    expect(r.project?.requiredConfig).toEqual([
      { name: 'POSTGRES_PASSWORD', usedBy: [{ service: 'db', variable: 'POSTGRES_PASSWORD' }, { service: 'web', variable: 'DATABASE_URL' }] },
      { name: 'SESSION_SECRET', usedBy: [{ service: 'web', variable: 'SESSION_SECRET' }, { service: 'worker', variable: 'SESSION_SECRET' }] },
      { name: 'STRIPE_KEY', usedBy: [{ service: 'web', variable: 'STRIPE_KEY' }] },
    ]);
    expect(service(r, 'worker').environment.LOCAL).toEqual({ kind: 'literal', value: '/home/me' });
  });

  it('refuses a config name the secrets store cannot hold', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    image: x\n    environment:\n      - spring.datasource.password\n' });
    expect(brief(r.diagnostics)).toEqual(['error config-name-invalid services.web.environment[0]']);
  });
});

describe('how names resolve in a project (golden)', () => {
  const files = {
    'compose.yaml': [
      'name: myproj',
      'services:',
      '  db:',
      '    image: postgres:16',
      '    x-defang-postgres: true',
      '    environment: [POSTGRES_USER=django, POSTGRES_PASSWORD]',
      '  api:',
      '    image: api',
      '  web:',
      '    image: web',
      '    environment:',
      '      DB_HOST: db',
      '      REDIS_HOST: cache',
      '      DATABASE_URL: postgres://u:${POSTGRES_PASSWORD}@db:5432/x',
      '      SITE: https://example.com',
      '      POSTGRES_USER: django',
      '    command: ["--upstream", "http://api:8000"]',
    ].join('\n'),
  };

  it('keeps every value exactly as the file says', async () => {
    const r = await loadFiles(files);
    expect(service(r, 'web').environment).toEqual({
      DB_HOST: { kind: 'literal', value: 'db' },
      REDIS_HOST: { kind: 'literal', value: 'cache' },
      DATABASE_URL: { kind: 'derived', template: 'postgres://u:${POSTGRES_PASSWORD}@db:5432/x', names: ['POSTGRES_PASSWORD'] },
      SITE: { kind: 'literal', value: 'https://example.com' },
      POSTGRES_USER: { kind: 'literal', value: 'django' },
    });
    expect(service(r, 'web').command).toEqual(['--upstream', 'http://api:8000']);
  });

  it('says what answers each host, where it is written, and warns at the line of a name nothing answers', async () => {
    const r = await loadFiles(files);
    expect(r.project?.hostReferences.map((h) => [h.where === 'environment' ? h.variable : h.where, h.host, h.answer.kind, `${h.source?.line}:${h.source?.column}`])).toEqual([
      ['DB_HOST', 'db', 'store', '12:7'],
      ['REDIS_HOST', 'cache', 'nothing', '13:7'],
      ['DATABASE_URL', 'db', 'store', '14:7'],
      ['SITE', 'example.com', 'internet', '15:7'],
      ['command', 'api', 'service', '17:29'],
    ]);
    const warning = r.diagnostics.find((d) => d.code === 'host-unresolved');
    expect(warning).toMatchObject({ severity: 'warning', file: join(r.dir, 'compose.yaml'), line: 13, column: 7, path: 'services.web.environment.REDIS_HOST' });
    expect(warning?.message).toBe('REDIS_HOST of web names the host cache. No service is called cache in this project, so on AWS the name does not resolve.');
    expect(warning?.fix).toBe('Rename the host to one of: api, db, web (or add a service called cache).');
    expect(r.diagnostics.filter((d) => d.code === 'host-unresolved')).toHaveLength(1);
  });
});

describe('managed stores', () => {
  it('reads kind, version, user, database and password config', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'services:',
        '  pg:',
        '    image: postgres:16.4-alpine',
        '    x-defang-postgres: true',
        '    environment: {POSTGRES_USER: shop, POSTGRES_PASSWORD: hunter2}',
        '    ports: [{target: 5432, mode: host}]',
        '  pglatest:',
        '    image: postgres',
        '    x-defang-postgres: true',
        '  vector:',
        '    image: pgvector/pgvector:pg16',
        '    x-defang-postgres: {}',
        '  cache:',
        '    image: redis:7.2-alpine',
        '    x-defang-redis: true',
        '  plain:',
        '    image: redis:6',
        '    x-defang-redis: false',
      ].join('\n'),
    });
    expect(service(r, 'pg').managed).toEqual({ kind: 'postgres', version: '16.4', user: 'shop', database: 'shop', passwordConfig: 'POSTGRES_PASSWORD', port: 5432 });
    expect(service(r, 'pg').environment.POSTGRES_PASSWORD).toEqual({ kind: 'config', name: 'POSTGRES_PASSWORD' });
    expect(service(r, 'pglatest').managed).toEqual({ kind: 'postgres', version: '17', user: 'postgres', database: 'postgres', passwordConfig: 'POSTGRES_PASSWORD', port: 5432 });
    expect(service(r, 'vector').managed?.version).toBe('16');
    expect(service(r, 'cache').managed).toEqual({ kind: 'redis', version: '7.2', port: 6379 });
    expect(service(r, 'plain').managed).toBeUndefined();
    expect(brief(r.diagnostics)).toEqual(['warning managed-password-literal services.pg.environment.POSTGRES_PASSWORD', 'warning store-data-ephemeral services.plain.image']);
  });
});

describe('profiles and names', () => {
  const files = {
    'compose.yaml': 'services:\n  web:\n    image: x\n  debug:\n    image: y\n    profiles: [dev]\n  tools:\n    image: z\n    profiles: [ops]\n    depends_on: [debug]\n',
  };

  it('leaves out services of inactive profiles', async () => {
    const r = await loadFiles(files);
    expect(r.project?.services.map((s) => s.name)).toEqual(['web']);
    expect(r.project?.notDeployed?.map((n) => n.service)).toEqual(['debug', 'tools']);
    expect(r.diagnostics).toEqual([]);
  });

  it('activates profiles from the options or COMPOSE_PROFILES', async () => {
    const opt = await loadFiles(files, { profiles: ['dev'] });
    expect(opt.project?.services.map((s) => s.name)).toEqual(['web', 'debug']);
    const env = await loadFiles(files, { env: { COMPOSE_PROFILES: 'ops' } });
    expect(env.project?.services.map((s) => s.name)).toEqual(['web', 'tools']);
    expect(brief(env.diagnostics)).toEqual(['error depends-on-inactive services.tools.depends_on[0]']);
    const all = await loadFiles(files, { profiles: ['*'] });
    expect(all.project?.services).toHaveLength(3);
  });

  it.each([
    ['My_App Folder', 'my-app-folder'],
    ['Shop.v2', 'shopv2'],
    ['--weird--', 'weird'],
  ])('normalises the folder name %j to %j', async (folder, expected) => {
    const dir = await makeProject({ 'compose.yaml': 'services:\n  web:\n    image: x\n' }, folder);
    expect((await loadProject(dir, { env: {} })).project?.name).toBe(expected);
  });

  it('prefers COMPOSE_PROJECT_NAME, then name:, and refuses invalid names', async () => {
    const named = await loadFiles({ 'compose.yaml': 'name: shop\nservices:\n  web:\n    image: x\n' }, { env: { COMPOSE_PROJECT_NAME: 'override' } });
    expect(named.project?.name).toBe('override');
    const bad = await loadFiles({ 'compose.yaml': 'name: My_Shop\nservices:\n  web:\n    image: x\n' });
    expect(bad.project?.name).toBe('my-shop');
    expect(brief(bad.diagnostics)).toEqual(['error project-name-invalid name']);
    // Compose allows `_` in a project name; Berth's AWS names tell my_app from my-app.
    const underscore = await loadFiles({ 'compose.yaml': 'name: my_app\nservices:\n  web:\n    image: x\n' });
    expect(underscore.project?.name).toBe('my_app');
    expect(underscore.diagnostics).toEqual([]);
  });

  it('checks service names against DNS', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  api.v1:\n    image: x\n  Web:\n    image: y\n' });
    expect(brief(r.diagnostics)).toEqual(['error service-name-invalid services["api.v1"]', 'warning service-name-case services.Web']);
  });
});

describe('x-defang-policies', () => {
  it('reads a list of managed policy ARNs, or one comma-separated string, for the service’s task role', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'services:',
        '  api:',
        '    image: x',
        '    x-defang-policies:',
        '      - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        '      - arn:aws:iam::123456789012:policy/team/app-queue',
        '      - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        '  worker:',
        '    image: y',
        '    x-defang-policies: "arn:aws:iam::aws:policy/AmazonSQSFullAccess, arn:aws:iam::aws:policy/service-role/AWSLambdaRole"',
        '  web:',
        '    image: z',
        '',
      ].join('\n'),
    });
    expect(r.diagnostics).toEqual([]);
    expect(service(r, 'api').policies).toEqual(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::123456789012:policy/team/app-queue']);
    expect(service(r, 'worker').policies).toEqual(['arn:aws:iam::aws:policy/AmazonSQSFullAccess', 'arn:aws:iam::aws:policy/service-role/AWSLambdaRole']);
    expect(service(r, 'web').policies).toBeUndefined();
    // Plan errors about an image (a Postgres major RDS lacks) point at the `image:` line.
    expect(service(r, 'worker').imageSource).toEqual({ file: expect.stringMatching(/compose\.yaml$/), line: 9, column: 12 });
  });

  it('refuses a malformed policy ARN with its file and line, and keeps the good ones', async () => {
    const r = await loadFiles({
      'compose.yaml': ['services:', '  api:', '    image: x', '    x-defang-policies:', '      - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', '      - arn:aws:iam:aws:policy/AdministratorAccess', '      - AmazonS3FullAccess', '      - arn:aws:iam::12345:policy/short-account', ''].join('\n'),
    });
    expect(placed(r.diagnostics)).toEqual(['error policy-arn-invalid 6:9', 'error policy-arn-invalid 7:9', 'error policy-arn-invalid 8:9']);
    expect(r.diagnostics[0]!.message).toContain('"arn:aws:iam:aws:policy/AdministratorAccess" in x-defang-policies of api is not a managed policy ARN');
    expect(r.diagnostics[0]!.file).toMatch(/compose\.yaml$/);
    expect(r.diagnostics[0]!.fix).toContain('arn:aws:iam::aws:policy/<name>');
  });
});

describe('port rules', () => {
  it('reports ranges, bad targets, duplicates, conflicts and private remaps, and makes UDP ingress public', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: x',
        '    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:80/"]}',
        '    ports:',
        '      - "53:53/udp"',
        '      - "8000-8010:8000-8010"',
        '      - "0"',
        '      - {target: 80, published: 8080}',
        '      - "8080:80"',
        '      - {target: 5432, published: 6543, mode: host}',
        '      - {target: 53, protocol: udp, mode: host}',
        '      - "127.0.0.1:9000:9000"',
        '  b:',
        '    image: y',
        '    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:81/"]}',
        '    ports: ["8080:81"]',
      ].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual([
      'error port-range services.a.ports[1]',
      'error port-target-range services.a.ports[2]',
      'error port-duplicate services.a.ports[4]',
      'warning port-host-published services.a.ports[5]',
      'warning port-host-ip services.a.ports[7]',
      'error port-published-conflict services.b.ports[0]',
    ]);
    expect(service(r, 'a').ports).toEqual([
      { target: 53, published: 53, protocol: 'udp', mode: 'ingress' },
      { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' },
      { target: 5432, published: 6543, protocol: 'tcp', mode: 'host' },
      { target: 53, protocol: 'udp', mode: 'host' },
      { target: 9000, published: 9000, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' },
    ]);
  });

  it('makes a public database port raw TCP on the network load balancer, and warns that it is open to the internet', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  db:\n    image: postgres\n    healthcheck: {test: ["CMD", "pg_isready"]}\n    ports: ["5432:5432"]\n' });
    // The network load balancer connects over TCP: no HTTP healthcheck is asked for.
    const ingress = r.diagnostics.filter((d) => d.code.startsWith('port-') || d.code.startsWith('healthcheck-'));
    expect(brief(ingress)).toEqual(['warning port-public-store services.db.ports[0]']);
    expect(ingress[0]!.message).toBe('Port 5432 of db looks like PostgreSQL: it becomes public on the internet, over TCP through the network load balancer.');
    expect(service(r, 'db').ports).toEqual([{ target: 5432, published: 5432, protocol: 'tcp', mode: 'ingress', appProtocol: 'tcp' }]);
  });

  it('maps UDP, raw TCP (app_protocol) and well-known non-HTTP ports next to HTTP ones, without diagnostics', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'services:',
        '  game:',
        '    image: ghcr.io/itzg/minecraft-server',
        '    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:8080/status"]}',
        '    ports:',
        '      - "80:8080"',
        '      - "25565:25565"',
        '      - "19132:19132/udp"',
        '      - {target: 25575, app_protocol: rcon}',
        '  dns:',
        '    image: ghcr.io/coredns/coredns',
        '    ports: ["53:53/tcp", "53:53/udp"]',
      ].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual([]);
    expect(service(r, 'game').ports.map((p) => `${p.target}/${p.protocol} ${p.appProtocol ?? '-'}`)).toEqual(['8080/tcp http', '25565/tcp tcp', '19132/udp -', '25575/tcp tcp']);
    expect(service(r, 'dns').ports.map((p) => `${p.target}/${p.protocol} ${p.appProtocol ?? '-'}`)).toEqual(['53/tcp tcp', '53/udp -']);
  });

  it('points at what AWS cannot carry: a sixth public port, a domain on UDP only, a UDP port nothing can health-check', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'services:',
        '  relay:',
        '    image: x',
        '    ports: ["27015/udp", "27016/udp", "27017/udp", "27018/udp", "27019/udp", "27020/udp"]',
        '  voice:',
        '    image: y',
        '    domainname: voice.example.com',
        '    ports: ["64738:64738/udp"]',
      ].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual([
      'warning port-udp-health-check services.relay.ports[0]',
      'error port-too-many-public services.relay.ports[5]',
      'error domainname-no-http services.voice.domainname',
      'warning port-udp-health-check services.voice.ports[0]',
    ]);
    const at = (code: string) => r.diagnostics.find((d) => d.code === code)!;
    expect([at('port-too-many-public').line, at('port-too-many-public').column]).toEqual([4, 78]);
    expect([at('domainname-no-http').line, at('domainname-no-http').column]).toEqual([7, 17]);
    expect(at('domainname-no-http').message).toContain('HTTPS for a domain needs an HTTP port');
    expect(at('port-udp-health-check').message).toContain('AWS has no UDP health checks');
  });
});

describe('healthcheck rules', () => {
  it.each([
    [['CMD', 'curl', '-f', 'http://localhost:3000/api/health'], '/api/health'],
    [['CMD-SHELL', 'curl -fsS http://127.0.0.1:8080/ready || exit 1'], '/ready'],
    [['CMD', 'wget', '--spider', '-q', 'http://localhost/'], '/'],
    [['CMD', 'wget', '-qO-', 'http://0.0.0.0:80'], '/'],
    [['CMD', 'curl', '-f', '127.0.0.1:3000'], '/'],
    [['CMD-SHELL', 'curl -f localhost:8080/ping || exit 1'], '/ping'],
    [['CMD', 'python3', '-c', 'import urllib.request as u; u.urlopen(sys.argv[1])', 'http://localhost:8000/status'], '/status'],
    [['CMD-SHELL', "node -e \"fetch('http://localhost:5678/healthz')\""], '/healthz'],
  ])('derives the path of %j', async (test, path) => {
    const r = await loadFiles({ 'compose.yaml': `services:\n  web:\n    image: x\n    ports: ["80:3000"]\n    healthcheck:\n      test: ${JSON.stringify(test)}\n` });
    expect(service(r, 'web').healthcheck?.httpPath).toBe(path);
    expect(r.diagnostics).toEqual([]);
  });

  it('string tests run in a shell; NONE and disable turn the check off', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  a:\n    image: x\n    healthcheck: {test: "curl -f http://localhost/"}\n  b:\n    image: x\n    healthcheck: {test: ["NONE"]}\n  c:\n    image: x\n    healthcheck: {disable: true, test: ["CMD", "x"]}\n',
    });
    expect(service(r, 'a').healthcheck?.test).toEqual(['CMD-SHELL', 'curl -f http://localhost/']);
    expect(service(r, 'b').healthcheck).toBeUndefined();
    expect(service(r, 'c').healthcheck).toBeUndefined();
  });

  it('warns when a public service has no healthcheck, and keeps values in the range ECS accepts', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  web:\n    image: x\n    ports: ["80"]\n  api:\n    image: x\n    ports: ["81"]\n    healthcheck:\n      test: ["CMD", "curl", "http://localhost:81/"]\n      interval: 1s\n      retries: 50\n',
    });
    expect(brief(r.diagnostics)).toEqual(['warning healthcheck-missing services.web', 'warning healthcheck-range services.api.healthcheck.interval', 'warning healthcheck-range services.api.healthcheck.retries']);
    expect(service(r, 'api').healthcheck).toMatchObject({ intervalSeconds: 5, retries: 10 });
  });

  it('refuses a test that does not start with CMD, CMD-SHELL or NONE', async () => {
    const r = await loadFiles({ 'compose.yaml': 'services:\n  web:\n    image: x\n    healthcheck: {test: ["curl", "-f", "http://localhost/"]}\n' });
    expect(brief(r.diagnostics)).toEqual(['error healthcheck-test-invalid services.web.healthcheck.test']);
  });
});

describe('resource rules', () => {
  it.each([
    ['deploy: {resources: {reservations: {cpus: "0.5", memory: 512M}}}', { cpu: 512, memory: 1024 }],
    ['deploy: {resources: {limits: {cpus: "2", memory: 1G}}}', { cpu: 2048, memory: 4096 }],
    ['deploy: {resources: {reservations: {memory: 3G}, limits: {cpus: "0.25"}}}', { cpu: 512, memory: 3072 }],
    ['cpus: 1.5\n    mem_limit: 6g', { cpu: 2048, memory: 6144 }],
    ['x-note: none written', { cpu: 256, memory: 512 }],
  ])('%s → %j', async (yaml, size) => {
    const r = await loadFiles({ 'compose.yaml': `services:\n  web:\n    image: x\n    ${yaml}\n` });
    expect(service(r, 'web').size).toEqual(size);
  });

  it('refuses sizes beyond the Fargate table and CPUs written as words', async () => {
    const r = await loadFiles({
      'compose.yaml': 'services:\n  big:\n    image: x\n    deploy: {resources: {reservations: {cpus: "32"}}}\n  words:\n    image: x\n    cpus: lots\n',
    });
    expect(brief(r.diagnostics)).toEqual(['error resources-too-large services.big.deploy.resources.reservations.cpus', 'error resources-invalid services.words.cpus']);
  });
});

describe("Berth's support rules", () => {
  it('warns about keys not deployed as locally and rejects what Fargate cannot run', async () => {
    const r = await loadFiles({
      'compose.yaml': [
        'version: "3.8"',
        'services:',
        '  web:',
        '    image: x',
        '    privileged: true',
        '    network_mode: host',
        '    volumes: ["./data:/data"]',
        '    restart: always',
        '    cap_add: [SYS_PTRACE]',
        '    deploy: {mode: global, resources: {reservations: {generic_resources: [{discrete_resource_spec: {kind: fpga, value: 1}}]}}}',
        '  files:',
        '    image: site',
        '    x-defang-static-files: {folder: /static}',
        '    x-custom: ignored',
        'secrets:',
        '  key: {file: ./key.txt}',
      ].join('\n'),
    });
    expect(brief(r.diagnostics)).toEqual([
      'warning compose-key-warned version',
      'error compose-key-rejected services.web.privileged',
      'error compose-key-rejected services.web.network_mode',
      'warning compose-key-warned services.web.volumes',
      'warning compose-key-warned services.web.deploy.mode',
      'error compose-key-rejected services.web.deploy.resources.reservations.generic_resources',
      'warning compose-key-warned services.files.x-defang-static-files',
    ]);
    expect(r.project?.services.map((s) => s.name)).toEqual(['web', 'files']);
    expect(r.project?.notDeployed).toEqual([]);
  });
});

describe('include', () => {
  it('adds the services of included projects, with their own paths and variables', async () => {
    const r = await loadFiles({
      ...context('infra/db-init'),
      'infra/compose.yaml': 'services:\n  db:\n    image: postgres:${PG_TAG}\n  init:\n    build: ./db-init\nvolumes:\n  pgdata: {}\n',
      'infra/.env': 'PG_TAG=16\n',
      'compose.yaml': 'include:\n  - infra/compose.yaml\nservices:\n  web:\n    image: web\n    depends_on: [db]\n    volumes: ["pgdata:/x"]\n',
    });
    expect(r.project?.services.map((s) => s.name)).toEqual(['web', 'db', 'init']);
    expect(service(r, 'db').image).toBe('postgres:16');
    expect(service(r, 'init').build?.context).toBe(`${r.dir}/infra/db-init`);
    expect(service(r, 'web').dependsOn).toEqual(['db']);
    // A named volume declared by the included file is the project's, on EFS.
    expect(service(r, 'web').volumes).toEqual([{ volume: 'pgdata', path: '/x', readOnly: false }]);
    expect(r.project?.volumes).toEqual(['pgdata']);
    expect(r.diagnostics.map((d) => `${d.code} ${d.file.replace(`${r.dir}/`, '')}:${d.line} ${d.path}`)).toEqual([
      'store-data-ephemeral infra/compose.yaml:3 services.db.image',
    ]);
  });

  it('reports conflicts, missing files and cycles', async () => {
    const r = await loadFiles({
      'a.yaml': 'include: [compose.yaml]\nservices:\n  a:\n    image: a\n',
      'b.yaml': 'services:\n  web:\n    image: b\n',
      'compose.yaml': 'include:\n  - a.yaml\n  - b.yaml\n  - path: [missing.yaml]\nservices:\n  web:\n    image: web\n',
    });
    expect(brief(r.diagnostics).sort()).toEqual(['error include-conflict services.web', 'error include-cycle include[0]', 'error include-file-missing include[2].path[0]'].sort());
    expect(r.project?.services.map((s) => s.name)).toEqual(['web', 'a']);
  });
});

describe('images from Docker Hub', () => {
  it('warns, at the image line, about Docker Hub’s anonymous pull limit for images that are not official ones', async () => {
    const r = await loadFiles({
      'compose.yaml': ['services:', '  web:', '    image: nginx:1.27', '  meta:', '    image: metabase/metabase:v0.50', '  gh:', '    image: ghcr.io/acme/app:1', '  hub:', '    image: docker.io/bitnami/redis'].join('\n'),
    });
    const hub = r.diagnostics.filter((d) => d.code === 'docker-hub-rate-limit');
    expect(hub.map((d) => [d.subject, d.line, d.path])).toEqual([
      ['meta', 5, 'services.meta.image'],
      ['hub', 9, 'services.hub.image'],
    ]);
    expect(hub[0]!.message).toBe(
      'meta runs metabase/metabase:v0.50 from Docker Hub, which allows 10 anonymous pulls an hour per IP address. Tasks behind one NAT gateway (high availability mode) share an address, and a task that cannot pull its image does not start.',
    );
  });
});
