/**
 * Every name Berth gives to things in AWS, in one place: stacks, logical ids, parameters,
 * log groups, ECS services. The deploy pipeline, logs and inventory use the same functions.
 */
import { createHash } from 'node:crypto';

/** The project stack's name: `berth-<project>` (stack names allow no `_`, so it becomes `-`). */
export function projectStackName(project: string): string {
  return `berth-${project.replace(/_/g, '-')}`;
}

/** The SSM parameter that holds one config value: `/Berth/<project>/<NAME>`. */
export function configParameterName(project: string, name: string): string {
  return `/Berth/${project}/${name}`;
}

/**
 * The SSM parameter the deploy pipeline writes for a derived value (config spliced into a
 * larger string): `/Berth/<project>/_derived/<service>/<VARIABLE>`. The leading `_` cannot
 * start a config name's folder, and the execution role's `/Berth/<project>/*` grant covers it.
 */
export function derivedParameterName(project: string, service: string, variable: string): string {
  return `/Berth/${project}/_derived/${service}/${variable}`;
}

/** The prefix every parameter of a project lives under (what the execution role may read). */
export function projectParameterPrefix(project: string): string {
  return `/Berth/${project}/`;
}

/** The ECR repository that holds a project's built images. */
export function projectRepositoryName(project: string): string {
  return `berth/${project}`;
}

/** The log group of a project's containers (streams `<service>/<container>/<task>`). */
export function projectLogGroupName(project: string): string {
  return `/berth/${project}`;
}

/** The log group EventBridge writes the project's ECS task and service state changes to. */
export function projectEventsLogGroupName(project: string): string {
  return `/aws/events/berth/${project}`;
}

/** The ECS service name of a compose service (unique in the shared cluster). */
export function ecsServiceName(project: string, service: string): string {
  return `${project}-${service}`;
}

/** The task definition family of a compose service. */
export function taskFamilyName(project: string, service: string): string {
  return `berth-${project}-${service}`;
}

/** The Cloud Map private DNS namespace of a project. */
export function namespaceName(project: string): string {
  return `${project}.internal`;
}

/** A service's private DNS name inside the project's namespace. */
export function privateHostName(project: string, service: string): string {
  return `${service}.${namespaceName(project)}`;
}

/**
 * A logical-id fragment for a compose name: PascalCase, letters and digits only. Names in
 * the plain `web`, `redis-service` form map one-to-one; any other spelling (underscores,
 * capitals, dots, digit-led parts) gets a short hash so two names can never collide.
 */
export function idPart(name: string): string {
  const pascal = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  const plain = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/.test(name);
  if (plain) return pascal;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 6);
  return `${/^[A-Za-z]/.test(pascal) ? pascal : `S${pascal}`}${hash.toUpperCase()}`;
}

/** The project template parameter that carries a built service's image URI. */
export function imageParameterName(service: string): string {
  return `${idPart(service)}Image`;
}
