/**
 * Ports: the short syntax (`[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`) and the long form, with
 * Berth's rules: targets in 1–65535, no ranges, no duplicates. Public HTTP ports go through the
 * application load balancer; public UDP and raw TCP through the network load balancer.
 */
import { ingressCarrier, NON_HTTP_PORTS } from '../../shared/domain/ingress-ports';
import type { PortMapping } from '../../shared/domain/project';
import type { Report } from './report';
import { get, str, type At, type SNode } from './tree';

/** A port with where it was written (for cross-service checks). */
export interface PlacedPort {
  port: PortMapping;
  at: At;
}

/** ECS attaches a service to at most 5 target groups: one per public container port. */
const MAX_PUBLIC_PORTS_PER_SERVICE = 5;

/** Parses and checks a service's ports; problems are reported and the port left out. */
export function servicePorts(node: SNode | undefined, service: string, report: Report): PlacedPort[] {
  if (node?.kind !== 'seq') return [];
  const out: PlacedPort[] = [];
  for (const item of node.items) {
    const port = item.kind === 'map' ? longPort(item, report) : shortPort(item, report);
    if (!port) continue;
    if (port.mode === 'host' && port.published !== undefined && port.published !== port.target) {
      report.warning(
        'port-host-published',
        `${service} publishes private port ${port.target} as ${port.published}, but other services reach it on ${port.target}: there is no port mapping on Fargate.`,
        `Set published to ${port.target}, or remove it.`,
        item.at,
      );
    }
    const known = NON_HTTP_PORTS[port.target];
    if (port.mode === 'ingress' && port.protocol === 'tcp' && port.appProtocol === 'tcp' && known?.store) {
      report.warning(
        'port-public-store',
        `Port ${port.target} of ${service} looks like ${known.name}: it becomes public on the internet, over TCP through the network load balancer.`,
        'Add `mode: host` to keep it private to the project (other services still reach it).',
        item.at,
      );
    }
    const twin = out.find((p) => p.port.target === port.target && p.port.protocol === port.protocol && p.port.mode === port.mode && listenerPort(p.port) === listenerPort(port));
    if (twin) {
      report.error('port-duplicate', `Port ${port.target}/${port.protocol} of ${service} is listed twice.`, 'Remove one of the two entries.', item.at);
      continue;
    }
    if (port.mode === 'ingress' && publicTargets(out).size >= MAX_PUBLIC_PORTS_PER_SERVICE && !publicTargets(out).has(targetKey(port))) {
      report.error(
        'port-too-many-public',
        `${service} would have more than ${MAX_PUBLIC_PORTS_PER_SERVICE} public container ports; an ECS service can be attached to at most ${MAX_PUBLIC_PORTS_PER_SERVICE} load balancer target groups.`,
        'Keep at most 5 public ports (`mode: host` keeps the others private), or split the service.',
        item.at,
      );
      continue;
    }
    out.push({ port, at: item.at });
  }
  checkUdpHealth(out, service, report);
  return out;
}

/** A target group's key: HTTP ports and network ports of one container port get one each. */
function targetKey(p: PortMapping): string {
  return `${ingressCarrier(p)}:${p.target}`;
}

function publicTargets(placed: PlacedPort[]): Set<string> {
  return new Set(placed.filter((p) => p.port.mode === 'ingress').map((p) => targetKey(p.port)));
}

/** AWS cannot check health over UDP: a public UDP port is checked by a TCP connection, so some TCP port must answer. */
function checkUdpHealth(placed: PlacedPort[], service: string, report: Report): void {
  if (placed.some((p) => p.port.protocol === 'tcp')) return;
  const udp = placed.find((p) => p.port.mode === 'ingress' && p.port.protocol === 'udp');
  if (!udp) return;
  const port = udp.port.target;
  report.warning(
    'port-udp-health-check',
    `The network load balancer checks UDP port ${port} of ${service} by opening a TCP connection to port ${port} (AWS has no UDP health checks): unless the container also accepts TCP there, its tasks are marked unhealthy.`,
    `Also publish a TCP port the container listens on (e.g. a status or query port, \`mode: host\` is enough); the load balancer checks that one.`,
    udp.at,
  );
}

/** A service with a domain name needs an HTTP port for its HTTPS host rule; UDP or raw TCP ports alone cannot carry it. */
export function checkDomainIngress(service: string, domainAt: At | undefined, placed: PlacedPort[], report: Report): void {
  const ingress = placed.filter((p) => p.port.mode === 'ingress');
  if (!domainAt || ingress.length === 0 || ingress.some((p) => ingressCarrier(p.port) === 'application')) return;
  const first = ingress[0]!.port;
  report.error(
    'domainname-no-http',
    `${service} sets domainname, but its public port${ingress.length > 1 ? 's are' : ' is'} ${ingress.map((p) => `${p.port.target}/${p.port.protocol}`).join(', ')}: HTTPS for a domain needs an HTTP port, and the network load balancer that carries ${first.protocol === 'udp' ? 'UDP' : 'raw TCP'} serves no domain.`,
    'Publish the HTTP port of the service too, or remove `domainname`.',
    domainAt,
  );
}

/** The public port an ingress port listens on. */
export function listenerPort(p: PortMapping): number {
  return p.published ?? p.target;
}

function shortPort(item: SNode, report: Report): PortMapping | null {
  if (item.kind !== 'scalar' || item.value === null) return null;
  if (typeof item.value === 'number') return checkTarget(item.value, undefined, 'tcp', 'ingress', undefined, item.at, report);
  const text = String(item.value).trim();
  let body = text;
  let protocol = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash !== -1) {
    protocol = text.slice(slash + 1).toLowerCase();
    body = text.slice(0, slash);
  }
  // An IPv6 host address is written in brackets: [::1]:8080:80.
  let hostIp: string | undefined;
  if (body.startsWith('[')) {
    const close = body.indexOf(']');
    hostIp = close === -1 ? undefined : body.slice(1, close);
    body = close === -1 ? body : body.slice(close + 2);
  }
  const parts = body.split(':');
  if (parts.length > 3 || parts.some((p, i) => p === '' && !(i === parts.length - 2 && parts.length === 3))) {
    report.error('port-invalid', `"${text}" is not a port: write TARGET, PUBLISHED:TARGET or HOST_IP:PUBLISHED:TARGET, with an optional /tcp or /udp.`, 'Fix the port, e.g. "8080:80".', item.at);
    return null;
  }
  const target = parts[parts.length - 1] as string;
  const published = parts.length >= 2 ? (parts[parts.length - 2] as string) : undefined;
  if (parts.length === 3) hostIp = parts[0];
  if (hostIp) report.warning('port-host-ip', `The host address ${hostIp} in "${text}" is ignored: the load balancer listens on all addresses.`, 'Remove the host address.', item.at);
  return checkTarget(target, published === '' ? undefined : published, protocol, 'ingress', undefined, item.at, report);
}

function longPort(item: SNode, report: Report): PortMapping | null {
  const target = get(item, 'target');
  if (target?.kind !== 'scalar' || target.value === null) {
    report.error('port-invalid', 'This port has no `target` (the container port).', 'Add `target: <port>`.', item.at);
    return null;
  }
  const mode = str(get(item, 'mode')) ?? 'ingress';
  if (mode !== 'ingress' && mode !== 'host') {
    report.error('port-invalid', `Port mode "${mode}" is not ingress or host.`, 'Use `mode: ingress` (public) or `mode: host` (private).', get(item, 'mode')?.at ?? item.at);
    return null;
  }
  const appProtocol = str(get(item, 'app_protocol'));
  return checkTarget(target.value as string | number, str(get(item, 'published')), str(get(item, 'protocol')) ?? 'tcp', mode, appProtocol, target.at, report);
}

function checkTarget(
  targetRaw: string | number | boolean,
  publishedRaw: string | undefined,
  protocolRaw: string,
  mode: 'ingress' | 'host',
  appProtocolRaw: string | undefined,
  at: At,
  report: Report,
): PortMapping | null {
  const protocol = protocolRaw.toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') {
    report.error('port-invalid', `Port protocol "${protocolRaw}" is not tcp or udp.`, 'Use tcp or udp.', at);
    return null;
  }
  const targetText = String(targetRaw).trim();
  if (/^\d+-\d+$/.test(targetText) || (publishedRaw !== undefined && /^\d+-\d+$/.test(publishedRaw.trim()))) {
    report.error('port-range', `The port range "${publishedRaw ? `${publishedRaw}:` : ''}${targetText}" cannot be deployed: each public port needs its own listener.`, 'List each port on its own line.', at);
    return null;
  }
  const target = toPort(targetText);
  if (target === null) {
    report.error('port-target-range', `The container port "${targetText}" is not a whole number from 1 to 65535.`, 'Use the port the app listens on, e.g. 8080.', at);
    return null;
  }
  let published: number | undefined;
  if (publishedRaw !== undefined && publishedRaw.trim() !== '') {
    const p = toPort(publishedRaw.trim());
    if (p === null) {
      report.error('port-published-range', `The published port "${publishedRaw}" is not a whole number from 1 to 65535.`, 'Use a port from 1 to 65535, e.g. 80.', at);
      return null;
    }
    published = p;
  }
  const mapping: PortMapping = { target, protocol, mode };
  if (published !== undefined) mapping.published = published;
  if (mode === 'ingress' && protocol === 'tcp') {
    const app = appProtocolRaw?.toLowerCase();
    // Any other app_protocol (tcp, postgresql, mqtt, https...) passes through the network load balancer as raw TCP.
    if (app === 'http' || app === 'http2' || app === 'grpc') mapping.appProtocol = app;
    else if (app !== undefined) mapping.appProtocol = 'tcp';
    else mapping.appProtocol = NON_HTTP_PORTS[target] ? 'tcp' : 'http';
  }
  return mapping;
}

function toPort(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

/** Reports two ingress ports of the project that would need the same public listener. */
export function checkListenerConflicts(ports: { service: string; placed: PlacedPort[] }[], report: Report): void {
  const owners = new Map<number, { service: string; target: number }>();
  for (const { service, placed } of ports) {
    for (const { port, at } of placed) {
      if (port.mode !== 'ingress') continue;
      const listener = listenerPort(port);
      const owner = owners.get(listener);
      if (owner && (owner.service !== service || owner.target !== port.target)) {
        report.error(
          'port-published-conflict',
          `Public port ${listener} is used by ${owner.service} (port ${owner.target}) and ${service} (port ${port.target}); a load balancer listener serves one target.`,
          'Publish one of them on another port.',
          at,
        );
      } else if (!owner) owners.set(listener, { service, target: port.target });
    }
  }
}
