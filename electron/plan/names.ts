/**
 * Every name Berth gives to things in AWS, in one place: stacks, logical ids, parameters,
 * log groups, ECS services. The deploy pipeline, logs and inventory use the same functions.
 *
 * Every name is injective: two different projects (or two different services) never get the
 * same AWS name in one account and region, because a compose project name (`[a-z0-9][a-z0-9_-]*`)
 * can hold characters that a given AWS name cannot, and `${project}-${service}` is ambiguous
 * (`a` + `b-c` and `a-b` + `c`). Two devices make them unambiguous and keep them readable:
 * - project-level names use the project name as it is when it is "plain" (single dashes
 *   between lowercase letters and digits, and not a name the bootstrap uses), and otherwise
 *   `<readable>--<hash>`: a plain name never holds `--`, so the two forms cannot meet;
 * - names that join project and service end with the project's hash token, so two names can
 *   only be equal when the projects are equal, and then the services are.
 */
import { createHash } from 'node:crypto';

/** 8 hex digits of SHA-256: a stable token that tells projects apart. */
function hash8(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** A project name with every run of other characters as one `-` (for names that then get a hash). */
function readable(project: string): string {
  return project.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'p';
}

const PLAIN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Project names whose plain form a bootstrap name uses: `berth-bootstrap` (its stack), `/berth/builds` (its build log group). */
const RESERVED = new Set(['bootstrap', 'builds']);

/**
 * The project as it appears in stack names, log groups and event rules: the name itself when
 * it is plain, otherwise `<name with _ as ->--<hash>` (`my_app` → `my-app--1b2c3d4e`).
 */
export function projectId(project: string): string {
  if (PLAIN.test(project) && !RESERVED.has(project)) return project;
  return `${readable(project)}--${hash8(project)}`;
}

/** The token that ends every name joining a project and a service (and that the events rule matches). */
export function projectToken(project: string): string {
  return hash8(`project:${project}`);
}

/** The project stack's name: `berth-<projectId>` (CloudFormation allows `[a-zA-Z][-a-zA-Z0-9]*`, 128 chars). */
export function projectStackName(project: string): string {
  return `berth-${projectId(project)}`;
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

/** The SecureString a compose `file:` secret is written to at deploy time. */
export function secretFileParameterName(project: string, secret: string): string {
  return `/Berth/${project}/_files/${secret}`;
}

/** The prefix every parameter of a project lives under (what the execution role may read). */
export function projectParameterPrefix(project: string): string {
  return `/Berth/${project}/`;
}

/**
 * The ECR repository that holds a project's built images: `berth/<project>`. ECR allows single
 * `.`, `_` or `-` between lowercase letters and digits, so any other project name becomes
 * `berth/<readable>.<hash>` (no project name holds a `.`).
 */
export function projectRepositoryName(project: string): string {
  const ecr = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
  if (ecr.test(project)) return `berth/${project}`;
  return `berth/${readable(project)}.${hash8(project)}`;
}

/** The log group of a project's containers (streams `<service>/<container>/<task>`). */
export function projectLogGroupName(project: string): string {
  return `/berth/${projectId(project)}`;
}

/** The log group EventBridge writes the project's ECS task and service state changes to. */
export function projectEventsLogGroupName(project: string): string {
  return `/aws/events/berth/${projectId(project)}`;
}

/**
 * The ECS service name of a compose service in the shared cluster: `<project>-<service>-<token>`
 * (ECS allows letters, digits, `-` and `_`, 255 chars; both names hold at most 63).
 */
export function ecsServiceName(project: string, service: string): string {
  return `${project}-${service}-${projectToken(project)}`;
}

/** The task definition family of a compose service: `berth-<project>-<service>-<token>`. */
export function taskFamilyName(project: string, service: string): string {
  return `berth-${project}-${service}-${projectToken(project)}`;
}

/**
 * The project's private DNS zone and search domain: `<project>.internal`, spelled as a host name
 * (`_` is no letter of one, so `my_app` → `my-app.internal`). Each project has its own VPC, so
 * `my_app` and `my-app` never see each other's zone.
 */
export function namespaceName(project: string): string {
  return `${project.replace(/_/g, '-').replace(/-+$/, '')}.internal`;
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
