/** Hand-built project models for the planner's tests (the shapes the compose engine produces). */
import type { EnvValue, ProjectModel, ServiceModel } from '../../shared/domain/project';

/** A container service with sensible defaults; override what the test is about. */
export function service(name: string, overrides: Partial<ServiceModel> = {}): ServiceModel {
  return {
    name,
    ports: [],
    environment: {},
    replicas: 1,
    size: { cpu: 256, memory: 512 },
    dependsOn: [],
    platform: 'linux/amd64',
    source: { file: '/projects/x/compose.yaml', line: 1, column: 1 },
    ...overrides,
  };
}

export const literal = (value: string): EnvValue => ({ kind: 'literal', value });
export const config = (name: string): EnvValue => ({ kind: 'config', name });
export const derived = (template: string, names: string[]): EnvValue => ({ kind: 'derived', template, names });

/** A project from services; required config is worked out from the environment. */
export function project(name: string, services: ServiceModel[], hostRewrites: ProjectModel['hostRewrites'] = []): ProjectModel {
  const required = new Map<string, { service: string; variable: string }[]>();
  for (const s of services) {
    for (const [variable, value] of Object.entries(s.environment)) {
      const names = value.kind === 'config' ? [value.name] : value.kind === 'derived' ? value.names : [];
      for (const n of names) required.set(n, [...(required.get(n) ?? []), { service: s.name, variable }]);
    }
    if (s.managed?.kind === 'postgres') {
      const n = s.managed.passwordConfig ?? 'POSTGRES_PASSWORD';
      required.set(n, [...(required.get(n) ?? []), { service: s.name, variable: 'POSTGRES_PASSWORD' }]);
    }
  }
  return {
    name,
    dir: `/projects/${name}`,
    files: [{ path: `/projects/${name}/compose.yaml`, role: 'main' }],
    services,
    requiredConfig: [...required.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, usedBy]) => ({ name: n, usedBy })),
    hostRewrites,
  };
}

/** A web app behind the load balancer with Postgres and Redis, config and a derived URL. */
export function webWithStores(): ProjectModel {
  return project(
    'shop',
    [
      service('web', {
        build: { context: '/projects/shop/app', dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64' },
        ports: [{ target: 8000, published: 80, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' }],
        environment: {
          DATABASE_URL: derived('postgres://shop:${POSTGRES_PASSWORD}@db.shop.internal:5432/shop', ['POSTGRES_PASSWORD']),
          REDIS_URL: literal('redis://cache.shop.internal:6379'),
          SECRET_KEY: config('SECRET_KEY'),
          DEBUG: literal('false'),
        },
        healthcheck: { test: ['CMD', 'curl', '-f', 'http://localhost:8000/health'], intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 20, httpPath: '/health' },
        dependsOn: ['db', 'cache', 'worker'],
        replicas: 1,
        size: { cpu: 512, memory: 1024 },
      }),
      service('worker', {
        image: 'ghcr.io/example/worker:1.2',
        command: ['python', 'worker.py'],
        environment: { REDIS_URL: literal('redis://cache.shop.internal:6379') },
        platform: 'linux/arm64',
        dependsOn: ['cache'],
      }),
      service('db', {
        image: 'postgres:16.4',
        ports: [{ target: 5432, protocol: 'tcp', mode: 'host' }],
        managed: { kind: 'postgres', version: '16.4', user: 'shop', database: 'shop', passwordConfig: 'POSTGRES_PASSWORD', port: 5432 },
      }),
      service('cache', { image: 'redis:7', ports: [{ target: 6379, protocol: 'tcp', mode: 'host' }], managed: { kind: 'redis', version: '7', port: 6379 } }),
    ],
    [
      { service: 'web', variable: 'DATABASE_URL', host: 'db', from: 'db:5432', to: 'db.shop.internal:5432' },
      { service: 'web', variable: 'REDIS_URL', host: 'cache', from: 'redis://cache:6379', to: 'redis://cache.shop.internal:6379' },
      { service: 'worker', variable: 'REDIS_URL', host: 'cache', from: 'redis://cache:6379', to: 'redis://cache.shop.internal:6379' },
    ],
  );
}
