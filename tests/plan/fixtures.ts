/** Hand-built project models for the planner's tests (the shapes the compose engine produces). */
import { hostReferences } from '../../electron/compose/host-references';
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

/** A project from services; required config and the hosts its settings name are worked out as the loader does. */
export function project(name: string, services: ServiceModel[]): ProjectModel {
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
    hostReferences: hostReferences({ name, services }),
  };
}

/** A web app behind the load balancer with Postgres and Redis, config and a derived URL. */
export function webWithStores(): ProjectModel {
  return project(
    'shop',
    [
      service('web', {
        build: { context: '/projects/shop/app', builder: 'dockerfile', dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64' },
        ports: [{ target: 8000, published: 80, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' }],
        environment: {
          DATABASE_URL: derived('postgres://shop:${POSTGRES_PASSWORD}@db:5432/shop', ['POSTGRES_PASSWORD']),
          REDIS_URL: literal('redis://cache:6379'),
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
        environment: { REDIS_URL: literal('redis://cache:6379') },
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
  );
}

/** One nginx container published on port 80: the smallest public project. */
export function staticSite(): ProjectModel {
  return project('site', [
    service('nginx', {
      image: 'nginx:1.27-alpine',
      ports: [{ target: 80, published: 80, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' }],
      healthcheck: { test: ['CMD-SHELL', 'wget -q --spider http://localhost/ || exit 1'], intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 0, httpPath: '/' },
    }),
  ]);
}

/** Two services with their own domains (HTTPS, certificates, host rules), one also on a raw port. */
export function withDomains(): ProjectModel {
  return project('brand', [
    service('app', {
      build: { context: '/projects/brand/app', builder: 'dockerfile', dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64' },
      ports: [
        { target: 3000, published: 3000, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' },
        { target: 9229, protocol: 'tcp', mode: 'host' },
      ],
      domainname: 'app.example.com',
      size: { cpu: 1024, memory: 2048 },
      replicas: 2,
    }),
    service('api', {
      build: { context: '/projects/brand/api', builder: 'dockerfile', dockerfile: 'Dockerfile', args: {}, platform: 'linux/arm64' },
      ports: [{ target: 50051, published: 50051, protocol: 'tcp', mode: 'ingress', appProtocol: 'grpc' }],
      domainname: 'api.example.com',
      platform: 'linux/arm64',
      stopGracePeriodSeconds: 30,
      init: true,
      user: '1000:1000',
      workingDir: '/srv',
      readOnly: true,
      entrypoint: ['/srv/api'],
    }),
  ]);
}

/** Background workers only: no load balancer, config from the secrets store. */
export function workersOnly(): ProjectModel {
  return project('jobs', [
    service('scheduler', {
      image: 'ghcr.io/example/scheduler:3',
      environment: { API_TOKEN: config('API_TOKEN'), QUEUE: literal('default') },
      replicas: 0,
    }),
    service('consumer', {
      build: { context: '/projects/jobs/consumer', builder: 'dockerfile', dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64' },
      environment: { API_TOKEN: config('API_TOKEN'), WEBHOOK: derived('https://hooks.example.com/${HOOK_ID}?t=${API_TOKEN}', ['HOOK_ID', 'API_TOKEN']) },
      replicas: 3,
      size: { cpu: 2048, memory: 4096 },
    }),
  ]);
}

/** A Python API with a compose healthcheck path, a private metrics port, a UDP port and a sidecar. */
export function apiWithSidecar(): ProjectModel {
  return project(
    'metrics_api',
    [
      service('api', {
        build: { context: '/projects/metrics_api', builder: 'dockerfile', dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64' },
        ports: [
          { target: 8080, published: 8080, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' },
          { target: 9090, protocol: 'tcp', mode: 'host' },
          { target: 8125, protocol: 'udp', mode: 'host' },
        ],
        healthcheck: { test: ['CMD', 'wget', '-qO-', 'http://localhost:8080/healthz'], intervalSeconds: 400, timeoutSeconds: 90, retries: 12, startPeriodSeconds: 500, httpPath: '/healthz' },
        environment: { STATSD: literal('statsd_exporter:8125') },
        dependsOn: ['statsd_exporter'],
      }),
      service('statsd_exporter', { image: 'prom/statsd-exporter:v0.26.0', ports: [{ target: 9102, protocol: 'tcp', mode: 'host' }], command: ['--statsd.listen-udp=:8125'] }),
    ],
  );
}

/** 0 → a, 25 → z, 26 → ba ...: service names in the plain form that maps to logical ids one-to-one. */
function letters(i: number): string {
  let out = '';
  do {
    out = String.fromCharCode(97 + (i % 26)) + out;
    i = Math.floor(i / 26);
  } while (i > 0);
  return out;
}

/** A project with `n` services, every fifth one public on its own port (the benchmark's shape). */
export function manyServices(n: number, name = 'big'): ProjectModel {
  const services: ServiceModel[] = [];
  for (let i = 0; i < n; i++) {
    const public_ = i % 5 === 0;
    services.push(
      service(`svc-${letters(i)}`, {
        build: { context: `/projects/${name}/svc${i}`, builder: 'dockerfile', dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64' },
        ports: public_ ? [{ target: 8080, published: 8000 + i, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' }] : [{ target: 8080, protocol: 'tcp', mode: 'host' }],
        environment: { SERVICE_INDEX: literal(String(i)), SHARED_SECRET: config('SHARED_SECRET') },
      }),
    );
  }
  return project(name, services);
}

/**
 * A game server with an HTTP status page next to its UDP game port and raw-TCP RCON port, an
 * MQTT broker (a well-known non-HTTP port) and a DNS server on 53 over both TCP and UDP.
 */
export function gameWithHttp(): ProjectModel {
  return project('arena', [
    service('game', {
      image: 'itzg/minecraft-bedrock-server:2025.6.0',
      ports: [
        { target: 8080, published: 80, protocol: 'tcp', mode: 'ingress', appProtocol: 'http' },
        { target: 19132, protocol: 'udp', mode: 'ingress' },
        { target: 25575, protocol: 'tcp', mode: 'ingress', appProtocol: 'tcp' },
      ],
      healthcheck: { test: ['CMD', 'curl', '-f', 'http://localhost:8080/status'], intervalSeconds: 20, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 30, httpPath: '/status' },
    }),
    service('broker', { image: 'eclipse-mosquitto:2.0', ports: [{ target: 1883, protocol: 'tcp', mode: 'ingress' }] }),
    service('dns', {
      image: 'coredns/coredns:1.11.3',
      ports: [
        { target: 53, protocol: 'tcp', mode: 'ingress', appProtocol: 'tcp' },
        { target: 53, protocol: 'udp', mode: 'ingress' },
      ],
    }),
    service('voice', { image: 'mumblevoip/mumble-server:v1.5', ports: [{ target: 64738, protocol: 'udp', mode: 'ingress' }] }),
  ]);
}
