/**
 * A database or store image run as a plain container keeps its data on the task's disk, which
 * Fargate throws away whenever the task is replaced (a deploy, a crash, every Spot
 * interruption). Compose keeps it in a volume across restarts; on AWS it needs a managed store.
 */
import type { Report } from './report';
import type { NormalisedService } from './normalize';

/** Images that hold data, and the Berth extension that makes each a managed store, if any. */
const STORES: { image: RegExp; what: string; managed?: string }[] = [
  { image: /(^|\/)(postgres|postgis\/postgis|pgvector\/pgvector|timescale\/timescaledb)(:|@|$)/, what: 'PostgreSQL', managed: 'x-defang-postgres: true' },
  { image: /(^|\/)(redis|valkey\/valkey|bitnami\/redis)(:|@|$)/, what: 'Redis', managed: 'x-defang-redis: true' },
  { image: /(^|\/)(mysql|mariadb|percona)(:|@|$)/, what: 'MySQL' },
  { image: /(^|\/)(mongo|mongodb\/mongodb-community-server)(:|@|$)/, what: 'MongoDB' },
  { image: /(^|\/)(rabbitmq|elasticsearch|opensearchproject\/opensearch|clickhouse\/clickhouse-server|qdrant\/qdrant|minio\/minio|neo4j|influxdb|cassandra|couchdb)(:|@|$)/, what: 'the store' },
];

export function warnEphemeralStores(services: NormalisedService[], report: Report): void {
  for (const s of services) {
    const m = s.model;
    // A named volume (EFS) keeps the data across tasks, as compose keeps it across containers.
    if (m.managed || m.oneOff || !m.image || (m.volumes ?? []).length > 0) continue;
    const store = STORES.find((x) => x.image.test(m.image!.toLowerCase()));
    if (!store) continue;
    const at = s.imageAt ?? s.sourceAt;
    report.warning(
      'store-data-ephemeral',
      `${m.name} runs ${store.what} (${m.image}) as a plain container: its data lives on the task's disk and is lost whenever the task is replaced — every deploy that changes it, a crash, and every Spot interruption in affordable mode.`,
      store.managed
        ? `Add \`${store.managed}\` to ${m.name} for a managed, backed-up ${store.what}, or mount a named volume at its data folder (kept on Amazon EFS).`
        : `Mount a named volume at its data folder (kept on Amazon EFS), or point the app at a managed database (Amazon RDS).`,
      at,
    );
  }
}
