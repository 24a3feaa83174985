/**
 * What a log query reads: the project's container log group (per service by stream prefix),
 * the build log group (the streams of the project's recorded builds), the project's ECS events
 * log group, and, polled, its stack events and ECS service events.
 */
import type { DeploymentRecord } from '../../shared/domain/deploy';
import type { LogQuery } from '../../shared/domain/logs';
import { BUILD_LOG_GROUP, ecsServiceName, projectEventsLogGroupName, projectLogGroupName } from '../plan';
import { containerNameOf } from '../deploy/rollout';

/** One CloudWatch Logs read: a group and which of its streams. */
export interface GroupSource {
  kind: 'service' | 'build' | 'events';
  group: string;
  /** Streams starting with this (one prefix per read, as FilterLogEvents allows). */
  streamPrefix?: string;
  /** Exactly these streams (builds). */
  streamNames?: string[];
}

export interface ResolvedQuery {
  groups: GroupSource[];
  /** Read stack events of the project stack. */
  stackEvents: boolean;
  /** Read ECS service events of these services. */
  serviceEvents: boolean;
  /** Inclusive time range, epoch ms. */
  since?: number;
  until?: number;
  /** Lower-cased text every line must contain. */
  text?: string;
  /** Maps a container (stream prefix) or ECS service name back to the compose service. */
  serviceOfContainer: (container: string) => string;
  serviceOfEcsService: (ecsService: string) => string | undefined;
  /** Compose services asked for (undefined: all). */
  services?: string[];
}

/**
 * Resolves a query with what is known about the project: its compose services (when the folder
 * was given) and its deployment records (for builds and the deployment filter).
 */
export function resolveQuery(query: LogQuery, known: { services?: string[]; records?: DeploymentRecord[] }): ResolvedQuery {
  const project = query.project;
  const all = known.services ?? [];
  const byContainer = new Map(all.map((s) => [containerNameOf(s), s]));
  const byEcs = new Map(all.map((s) => [ecsServiceName(project, containerNameOf(s)), s]));
  const wanted = query.services && query.services.length > 0 ? query.services : undefined;
  const groups: GroupSource[] = [];
  const logGroup = projectLogGroupName(project);
  if (wanted) for (const s of wanted) groups.push({ kind: 'service', group: logGroup, streamPrefix: `${containerNameOf(s)}/` });
  else groups.push({ kind: 'service', group: logGroup });

  let since = query.since;
  let until: number | undefined;
  const records = [...(known.records ?? [])].sort((a, b) => (a.startedAt < b.startedAt ? -1 : 1));
  const deployment = query.deploymentId ? records.find((r) => r.id === query.deploymentId) : undefined;
  if (deployment) {
    // A deployment's logs: from its start until the next deployment started.
    const start = Date.parse(deployment.startedAt);
    const next = records.find((r) => r.startedAt > deployment.startedAt);
    since = Math.max(since ?? 0, start);
    if (next) until = Date.parse(next.startedAt);
  }
  if (query.includeBuilds) {
    const fromRecords = deployment ? [deployment] : records.slice(-5);
    const streams = new Set<string>();
    for (const r of fromRecords) {
      for (const [service, stream] of Object.entries(r.buildLogStreams ?? {})) if (!wanted || wanted.includes(service)) streams.add(stream);
    }
    // FilterLogEvents takes at most 100 stream names.
    const names = [...streams].slice(-100);
    if (names.length > 0) groups.push({ kind: 'build', group: BUILD_LOG_GROUP, streamNames: names });
  }
  if (query.includeEvents) groups.push({ kind: 'events', group: projectEventsLogGroupName(project) });
  const buildServices = new Map<string, string>();
  for (const r of records) for (const [service, stream] of Object.entries(r.buildLogStreams ?? {})) buildServices.set(stream, service);
  return {
    groups,
    stackEvents: Boolean(query.includeEvents),
    serviceEvents: Boolean(query.includeEvents),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(query.filter ? { text: query.filter.toLowerCase() } : {}),
    serviceOfContainer: (container) => byContainer.get(container) ?? buildServices.get(container) ?? container,
    serviceOfEcsService: (ecs) => byEcs.get(ecs),
    ...(wanted ? { services: wanted } : {}),
  };
}
