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

/** Rewrites service hosts for one project (patterns compiled once for all its values). */
export class HostRewriter {
  private readonly names: Set<string>;
  private readonly url: RegExp | null;
  private readonly hostPort: RegExp | null;

  constructor(
    services: readonly string[],
    private readonly project: string,
  ) {
    this.names = new Set(services);
    const alternatives = [...services].sort((a, b) => b.length - a.length).map(escape).join('|');
    // scheme://[userinfo@]host[:port][/path] — userinfo may hold ${CONFIG} placeholders.
    this.url = services.length ? new RegExp(`([a-zA-Z][a-zA-Z0-9+.-]*://)([^@/?#\\s]*@)?(${alternatives})(?=[:/?#,;\\s]|$)`, 'g') : null;
    // host:port, alone or in a comma-separated list (brokers, sentinels).
    this.hostPort = services.length ? new RegExp(`(^|,\\s*)(${alternatives}):(\\d+)(?=$|,|/)`, 'g') : null;
  }

  /** Rewrites one string; returns the new string and the hosts found (in order, once each). */
  rewrite(value: string): { text: string; hosts: string[] } {
    if (!this.url || !this.hostPort || value === '') return { text: value, hosts: [] };
    if (this.names.has(value)) return { text: privateHost(value, this.project), hosts: [value] };
    const hosts: string[] = [];
    const note = (h: string) => {
      if (!hosts.includes(h)) hosts.push(h);
    };
    let text = value;
    if (value.includes('://')) {
      text = text.replace(this.url, (_m, scheme: string, userinfo: string | undefined, host: string) => {
        note(host);
        return `${scheme}${userinfo ?? ''}${privateHost(host, this.project)}`;
      });
    }
    if (text.includes(':')) {
      text = text.replace(this.hostPort, (_m, lead: string, host: string, port: string) => {
        note(host);
        return `${lead}${privateHost(host, this.project)}:${port}`;
      });
    }
    return { text, hosts };
  }

  /** Rewrites the hosts of one env value of `service`, recording each rewrite. */
  rewriteEnv(value: EnvValue, service: string, variable: string): { value: EnvValue; rewrites: HostRewrite[] } {
    if (value.kind === 'config') return { value, rewrites: [] };
    const before = value.kind === 'literal' ? value.value : value.template;
    const { text, hosts } = this.rewrite(before);
    if (hosts.length === 0) return { value, rewrites: [] };
    const rewrites = hosts.map((host) => ({ service, variable, host, from: before, to: text }));
    return { value: value.kind === 'literal' ? { kind: 'literal', value: text } : { ...value, template: text }, rewrites };
  }
}

/** Rewrites service hosts in one string (convenience for a single value). */
export function rewriteHosts(value: string, services: readonly string[], project: string): { text: string; hosts: string[] } {
  return new HostRewriter(services, project).rewrite(value);
}
