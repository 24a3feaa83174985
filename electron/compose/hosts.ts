/**
 * Host rewriting: a service name used as a host in an environment value (`db`, `redis:6379`,
 * `postgres://u:${P}@db:5432/x`) becomes `<service>.<project>.internal`, the private DNS name
 * the service registers in Cloud Map. Every rewrite is recorded so the preview can show it.
 */
import type { EnvValue, HostRewrite } from '../../shared/domain/project';

/** The private DNS name of a service. */
export function privateHost(service: string, project: string): string {
  return `${service}.${project}.internal`;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rewrites service hosts in one string; returns the new string and the hosts found (in order). */
export function rewriteHosts(value: string, services: readonly string[], project: string): { text: string; hosts: string[] } {
  if (services.length === 0 || value === '') return { text: value, hosts: [] };
  if (services.includes(value)) return { text: privateHost(value, project), hosts: [value] };
  const alternatives = [...services].sort((a, b) => b.length - a.length).map(escape).join('|');
  const hosts: string[] = [];
  const note = (h: string) => {
    if (!hosts.includes(h)) hosts.push(h);
  };
  // scheme://[userinfo@]host[:port][/path] — userinfo may hold ${CONFIG} placeholders.
  const url = new RegExp(`([a-zA-Z][a-zA-Z0-9+.-]*://)([^@/?#\\s]*@)?(${alternatives})(?=[:/?#,;\\s]|$)`, 'g');
  let text = value.replace(url, (_m, scheme: string, userinfo: string | undefined, host: string) => {
    note(host);
    return `${scheme}${userinfo ?? ''}${privateHost(host, project)}`;
  });
  // host:port, alone or in a comma-separated list (brokers, sentinels).
  const hostPort = new RegExp(`(^|,\\s*)(${alternatives}):(\\d+)(?=$|,|/)`, 'g');
  text = text.replace(hostPort, (_m, lead: string, host: string, port: string) => {
    note(host);
    return `${lead}${privateHost(host, project)}:${port}`;
  });
  return { text, hosts };
}

/** Rewrites the hosts of one env value, recording each rewrite. */
export function rewriteEnvValue(
  value: EnvValue,
  ctx: { service: string; variable: string; services: readonly string[]; project: string },
): { value: EnvValue; rewrites: HostRewrite[] } {
  if (value.kind === 'config') return { value, rewrites: [] };
  const before = value.kind === 'literal' ? value.value : value.template;
  const { text, hosts } = rewriteHosts(before, ctx.services, ctx.project);
  if (hosts.length === 0) return { value, rewrites: [] };
  const rewrites = hosts.map((host) => ({ service: ctx.service, variable: ctx.variable, host, from: before, to: text }));
  return { value: value.kind === 'literal' ? { kind: 'literal', value: text } : { ...value, template: text }, rewrites };
}
