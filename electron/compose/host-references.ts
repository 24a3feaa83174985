/**
 * How names resolve: the hosts each service's settings name (env values, `command`,
 * `entrypoint`) and what answers each one on AWS. Nothing is rewritten — the project's network
 * has `<project>.internal` as its DNS search domain, so a bare service name resolves there as it
 * does on the compose network. A name nothing answers is a warning at the value that holds it.
 */
import type { HostAnswer, HostReference, ProjectModel, ServiceModel } from '../../shared/domain/project';
import type { Report } from './report';
import { lineCol, type At } from './tree';

/** The names a project answers, keyed lower case (DNS is case-insensitive). */
interface ProjectNames {
  project: string;
  services: Map<string, ServiceModel>;
  notDeployed: Map<string, string>;
}

/** Where a setting's value is written, so a reference (and its warning) can point at it. */
export type SettingPlace = (service: string, where: HostReference['where'], key: string | number) => At | undefined;

// A URL's scheme and authority: `scheme://[user[:pass]@]host[:port][,host[:port]...]`.
const URL_AUTHORITY = /(?:^|[^A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/([^\s/?#'"`<>]*)/g;
// A host as DNS (and compose service names, which may hold `_`) spell it.
const HOST = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const HOST_PORT = /^([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?):(\d{1,5})(?:\/\S*)?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// Variables whose name says their value is a host: DB_HOST, PGHOST, SMTP_SERVER, REDIS_ADDR...
const HOST_VARIABLE = /(?:^|_|PG|DB)HOST(?:NAME)?$|_(?:SERVER|ADDR)$/i;
// Image references (`redis:7`) look like host:port; variables that hold them are not hosts.
const NOT_HOST_VARIABLE = /IMAGE|TAG|VERSION/i;
// Words a host-named variable holds that are settings, not names (`USE_SERVER=true`).
const NOT_HOSTS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'none', 'null', 'nil', 'enabled', 'disabled', 'default', 'auto']);

/** True for a host written as a name (not an address, not `${VAR}`): at least one letter. */
function isName(host: string): boolean {
  return HOST.test(host) && /[A-Za-z]/.test(host) && !IPV4.test(host);
}

/** The hosts of every URL authority in `text` (userinfo stripped; several hosts for mongodb-style lists). */
function urlHosts(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(URL_AUTHORITY)) {
    const authority = m[1] as string;
    const hosts = authority.slice(authority.lastIndexOf('@') + 1);
    for (const part of hosts.split(',')) {
      if (part.startsWith('[')) continue; // an IPv6 address
      const host = part.split(':')[0] as string;
      if (isName(host)) out.push(host);
    }
  }
  return out;
}

/** The host of a `host:port` word (a `--flag=host:port` or `KEY=host:port` counts its value). */
function hostPortHost(word: string): string | undefined {
  const m = HOST_PORT.exec(word.slice(word.lastIndexOf('=') + 1));
  return m && isName(m[1] as string) ? (m[1] as string) : undefined;
}

// A command flag whose next word is a host: `pg_isready -h db`, `redis-cli --host cache`.
// (`-H` is curl's header flag, so the short flag is lower case only.)
const HOST_FLAG = /^(?:-h|--host|--hostname|--server|--addr)$/;

/** The host a command word names because the word before it is a host flag. */
function flaggedHost(previous: string | undefined, word: string): string | undefined {
  return previous && HOST_FLAG.test(previous) && isName(word) && !NOT_HOSTS.has(word.toLowerCase()) ? word : undefined;
}

/**
 * The hosts `text` names, in order, once each: URL authorities, `host:port` words, and — when
 * `variable` says it holds a host — a value that is a single name. Plain words are never hosts.
 */
export function hostsIn(text: string, variable?: string): string[] {
  const found = urlHosts(text);
  if (variable === undefined) {
    // A command: any word (or shell word inside `sh -c "..."`) may be host:port, `--host=db` or follow `-h`.
    const words = text.split(/[\s;|&()'"`<>,]+/);
    words.forEach((word, i) => {
      const [flag, value] = word.split('=', 2);
      const host = hostPortHost(word) ?? flaggedHost(words[i - 1], word) ?? (value !== undefined ? flaggedHost(flag, value) : undefined);
      if (host) found.push(host);
    });
  } else if (!NOT_HOST_VARIABLE.test(variable)) {
    // An env value: host:port only when that is the whole value (or a list of them: brokers, sentinels).
    const items = text.trim().split(/\s*,\s*|\s+/);
    const hosts = items.map(hostPortHost);
    if (text.trim() !== '' && hosts.every((h) => h !== undefined)) found.push(...(hosts as string[]));
    const single = text.trim().replace(/\.$/, '');
    if (HOST_VARIABLE.test(variable) && isName(single) && !NOT_HOSTS.has(single.toLowerCase())) found.push(single);
  }
  return [...new Set(found)];
}

function projectNames(project: Pick<ProjectModel, 'name' | 'services' | 'notDeployed'>): ProjectNames {
  return {
    project: project.name,
    services: new Map(project.services.map((s) => [s.name.toLowerCase(), s])),
    notDeployed: new Map((project.notDeployed ?? []).map((n) => [n.service.toLowerCase(), n.reason])),
  };
}

/** A name written in full in the project's own domain (`db.<project>.internal`, DESIGN.md §2) as its bare name. */
function inProjectDomain(host: string, names: ProjectNames): string {
  const name = host.toLowerCase().replace(/\.$/, '');
  const domain = `.${names.project.toLowerCase()}.internal`;
  return name.endsWith(domain) ? name.slice(0, -domain.length) : name;
}

/** What answers `host` on AWS, or null for the container itself (`localhost`, `0.0.0.0`) and IP addresses. */
function whatAnswers(host: string, names: ProjectNames): HostAnswer | null {
  const nothing = (why: string): HostAnswer => ({ kind: 'nothing', why, fix: fixFor(host, names) });
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost') || IPV4.test(name)) return null;
  if (name.endsWith('.docker.internal')) {
    return nothing(`${host} is the computer Docker runs on; on AWS there is no such host.`);
  }
  const bare = inProjectDomain(name, names);
  if (bare.includes('.')) return bare === name ? { kind: 'internet' } : nothing(`No service is called ${bare} in this project, so on AWS ${host} does not resolve.`);
  const service = names.services.get(bare);
  const dnsName = `${bare}.${names.project}.internal`;
  if (service?.managed) return { kind: 'store', service: service.name, store: service.managed.kind, dnsName };
  if (service) return { kind: 'service', service: service.name, dnsName };
  const left = names.notDeployed.get(bare);
  if (left) return nothing(`The ${bare} service is not deployed, so on AWS the name does not resolve: ${left.charAt(0).toLowerCase()}${left.slice(1)}`);
  return nothing(`No service is called ${bare} in this project, so on AWS the name does not resolve.`);
}

/** The settings of one service that may name hosts, each with the hosts it names and the key that places it. */
function settingsOf(s: ServiceModel): { where: HostReference['where']; variable?: string; key: string | number; hosts: string[] }[] {
  const out: { where: HostReference['where']; variable?: string; key: string | number; hosts: string[] }[] = [];
  for (const [variable, value] of Object.entries(s.environment)) {
    // A config reference is a secret the user sets later: there is no host to read in it.
    if (value.kind === 'literal') out.push({ where: 'environment', variable, key: variable, hosts: hostsIn(value.value, variable) });
    if (value.kind === 'derived') out.push({ where: 'environment', variable, key: variable, hosts: hostsIn(value.template, variable) });
  }
  for (const where of ['command', 'entrypoint'] as const) {
    const words = s[where] ?? [];
    words.forEach((word, key) => {
      const flagged = flaggedHost(words[key - 1], word);
      out.push({ where, key, hosts: flagged ? [flagged] : hostsIn(word) });
    });
  }
  return out;
}

function label(ref: Pick<HostReference, 'service' | 'where' | 'variable'>): string {
  return ref.where === 'environment' ? `${ref.variable} of ${ref.service}` : `The ${ref.where} of ${ref.service}`;
}

/** The fix for a name nothing answers: the names that do answer, or what to do about a local-only host. */
function fixFor(written: string, names: ProjectNames): string {
  const host = inProjectDomain(written, names);
  if (host.endsWith('.docker.internal')) return 'Run what it reaches as a service of this project and use that service’s name, or use a public address.';
  if (names.notDeployed.has(host)) return `Make ${host} a service Berth deploys, or use an address that answers on AWS.`;
  const known = [...names.services.values()].map((s) => s.name).sort();
  if (known.length === 0) return 'Use a public address, or add the service this name should reach.';
  return `Rename the host to one of: ${known.join(', ')} (or add a service called ${host}).`;
}

/**
 * Every host the services' settings name and what answers it. With `place`, each reference
 * points at its value; with `report`, a name nothing answers is a `host-unresolved` warning there.
 */
export function hostReferences(project: Pick<ProjectModel, 'name' | 'services' | 'notDeployed'>, place?: SettingPlace, report?: Report): HostReference[] {
  const names = projectNames(project);
  const out: HostReference[] = [];
  for (const s of project.services) {
    // A managed store's settings configure RDS or ElastiCache, not a container.
    if (s.managed) continue;
    const seen = new Set<string>();
    for (const setting of settingsOf(s)) {
      for (const host of setting.hosts) {
        const answer = whatAnswers(host, names);
        const key = `${setting.where}|${setting.variable ?? ''}|${host.toLowerCase()}`;
        if (!answer || seen.has(key)) continue;
        seen.add(key);
        const ref: HostReference = { service: s.name, where: setting.where, host, answer };
        if (setting.variable !== undefined) ref.variable = setting.variable;
        const at = place?.(s.name, setting.where, setting.key);
        if (at?.src) ref.source = { file: at.src.path, ...lineCol(at) };
        out.push(ref);
        if (answer.kind === 'nothing' && report && at) report.warning('host-unresolved', `${label(ref)} names the host ${host}. ${answer.why}`, answer.fix, at);
      }
    }
  }
  return out;
}
