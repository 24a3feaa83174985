import { describe, expect, it } from 'vitest';
import type { EnvValue, ServiceModel } from '../../shared/domain/project';
import { hostReferences, hostsIn } from './host-references';

function service(name: string, overrides: Partial<ServiceModel> = {}): ServiceModel {
  return { name, ports: [], environment: {}, replicas: 1, size: { cpu: 256, memory: 512 }, dependsOn: [], platform: 'linux/amd64', source: { file: '/p/compose.yaml', line: 1, column: 1 }, ...overrides };
}
const literal = (value: string): EnvValue => ({ kind: 'literal', value });
const postgres = (name: string) => service(name, { image: 'postgres:16', managed: { kind: 'postgres', version: '16', port: 5432 } });
const redis = (name: string) => service(name, { image: 'redis:7', managed: { kind: 'redis', version: '7', port: 6379 } });

describe('which words are hosts', () => {
  it.each([
    ['redis://redis:6379/0', undefined, ['redis']],
    ['postgres://u:${POSTGRES_PASSWORD}@db:5432/x', 'DATABASE_URL', ['db']],
    ['mongodb://$USER:$PASS@db:27017/taskmanager', 'MONGO_URI', ['db']],
    ['mongodb://a:27017,b:27018/app', 'MONGO_URL', ['a', 'b']],
    ['jdbc:postgresql://db:5432/x', 'JDBC_URL', ['db']],
    ['http://api', 'API', ['api']],
    ['kafka:9092,kafka2:9093', 'BROKERS', ['kafka', 'kafka2']],
    ['cache:6379', 'REDIS', ['cache']],
    ['db', 'DB_HOST', ['db']],
    ['db', 'PGHOST', ['db']],
    ['smtp.example.com', 'MAIL_SERVER', ['smtp.example.com']],
    ['wait-for db:5432 -- python app.py', undefined, ['db']],
    ['--upstream=http://api:8000', undefined, ['api']],
    ['--host=db', undefined, ['db']],
    ['sh -c "pg_isready -h db && python app.py"', undefined, ['db']],
  ])('%j (%s) names %j', (text, variable, hosts) => {
    expect(hostsIn(text, variable)).toEqual(hosts);
  });

  it.each([
    ['django', 'POSTGRES_USER'],
    ['django', 'POSTGRES_DB'],
    ['database', 'ROLE'],
    ['the db is down', 'MESSAGE'],
    ['redis:7', 'WORKER_IMAGE'],
    ['true', 'USE_SERVER'],
    ['localhost,127.0.0.1,web', 'ALLOWED_HOSTS'],
    ['sqlite:///data/db.sqlite3', 'DATABASE_URL'],
    ['http://${HOST}:8000', 'API_URL'],
    ['main:app', undefined],
    ['uvicorn main:app --host 0.0.0.0 --port 8000', undefined],
    ['curl -H Accept -o out.json', undefined],
    ['12:30', 'TIME'],
    ['', 'DB_HOST'],
  ])('%j (%s) names no host', (text, variable) => {
    expect(hostsIn(text, variable)).toEqual([]);
  });
});

describe('how names resolve', () => {
  it('finds no reference in django-postgres’s POSTGRES_USER=django, and db answered by the managed store', () => {
    const refs = hostReferences({
      name: 'django-postgres',
      services: [
        postgres('db'),
        service('django', { environment: { DB_HOST: literal('db'), DEBUG: literal('False'), POSTGRES_USER: literal('django'), POSTGRES_DB: literal('django'), POSTGRES_PASSWORD: { kind: 'config', name: 'POSTGRES_PASSWORD' } } }),
      ],
    });
    expect(refs).toEqual([
      { service: 'django', where: 'environment', variable: 'DB_HOST', host: 'db', answer: { kind: 'store', service: 'db', store: 'postgres', dnsName: 'db.django-postgres.internal' } },
    ]);
  });

  it('reads derived templates as written: db in a URL with a password placeholder is the store', () => {
    const refs = hostReferences({ name: 'shop', services: [postgres('db'), service('web', { environment: { DATABASE_URL: { kind: 'derived', template: 'postgres://u:${POSTGRES_PASSWORD}@db:5432/x', names: ['POSTGRES_PASSWORD'] } } })] });
    expect(refs.map((r) => [r.variable, r.host, r.answer.kind])).toEqual([['DATABASE_URL', 'db', 'store']]);
  });

  it('reads command arguments: a proxy’s --upstream http://api:8000 is the api service', () => {
    const refs = hostReferences({ name: 'shop', services: [service('api'), service('proxy', { command: ['--upstream', 'http://api:8000', '--listen', '0.0.0.0:80'] })] });
    expect(refs).toEqual([{ service: 'proxy', where: 'command', host: 'api', answer: { kind: 'service', service: 'api', dnsName: 'api.shop.internal' } }]);
  });

  it('reads a host given to a flag in its own command word (`-h db`)', () => {
    const refs = hostReferences({ name: 'shop', services: [postgres('db'), service('wait', { command: ['pg_isready', '-h', 'db', '-p', '5432'] })] });
    expect(refs.map((r) => [r.where, r.host, r.answer.kind])).toEqual([['command', 'db', 'store']]);
  });

  it('sends public names to the internet, and skips the container itself', () => {
    const refs = hostReferences({ name: 'shop', services: [service('web', { environment: { SITE: literal('http://example.com'), SELF: literal('http://localhost:8000'), BIND: literal('0.0.0.0:8000') } })] });
    expect(refs.map((r) => [r.host, r.answer])).toEqual([['example.com', { kind: 'internet' }]]);
  });

  it('treats a full name in the project’s domain as the service, and the names of a managed Redis', () => {
    const refs = hostReferences({ name: 'shop', services: [redis('cache'), service('web', { environment: { REDIS_URL: literal('redis://cache.shop.internal:6379') } })] });
    expect(refs.map((r) => [r.host, r.answer])).toEqual([['cache.shop.internal', { kind: 'store', service: 'cache', store: 'redis', dnsName: 'cache.shop.internal' }]]);
  });

  it('says nothing answers a bare name that is no service, or host.docker.internal, or a service left out', () => {
    const refs = hostReferences({
      name: 'shop',
      services: [service('api'), service('web', { environment: { REDIS_HOST: literal('cache'), HOST_API: literal('http://host.docker.internal:11434'), LLM_URL: literal('http://llm/v1') } })],
      notDeployed: [{ service: 'llm', reason: 'Provider services (e.g. AI models) are not deployed by Berth yet.' }],
    });
    expect(refs.map((r) => [r.host, r.answer.kind === 'nothing' ? r.answer.why : r.answer.kind])).toEqual([
      ['cache', 'No service is called cache in this project, so on AWS the name does not resolve.'],
      ['host.docker.internal', 'host.docker.internal is the computer Docker runs on; on AWS there is no such host.'],
      ['llm', 'The llm service is not deployed, so on AWS the name does not resolve: provider services (e.g. AI models) are not deployed by Berth yet.'],
    ]);
    expect(refs.map((r) => r.answer.kind === 'nothing' && r.answer.fix)).toEqual([
      'Rename the host to one of: api, web (or add a service called cache).',
      'Run what it reaches as a service of this project and use that service’s name, or use a public address.',
      'Make llm a service Berth deploys, or use an address that answers on AWS.',
    ]);
  });

  it('says nothing answers a full name in the project’s domain that is no service, and names the bare one in the fix', () => {
    const [ref] = hostReferences({ name: 'shop', services: [service('web', { environment: { CACHE: literal('redis://cache.shop.internal:6379') } })] });
    expect(ref?.answer).toEqual({ kind: 'nothing', why: 'No service is called cache in this project, so on AWS the name does not resolve.', fix: 'Rename the host to one of: web (or add a service called cache).' });
  });

  it('ignores config references and the settings of managed stores', () => {
    const refs = hostReferences({ name: 'shop', services: [service('web', { environment: { DB_HOST: { kind: 'config', name: 'DB_HOST' } } }), { ...postgres('db'), environment: { POSTGRES_HOST: literal('nowhere') } }] });
    expect(refs).toEqual([]);
  });
});
