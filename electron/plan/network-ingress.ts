/**
 * Which ports go through the Network Load Balancer (UDP and raw TCP), and how: one listener per
 * published port, one target group per (service, container port), TCP_UDP when a service
 * publishes the same port as both. HTTP ports stay on the Application Load Balancer (ingress.ts).
 */
import { ingressCarrier } from '../../shared/domain/ingress-ports';
import type { ServiceModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';

/** NLB listener protocols Berth uses (TLS is never needed: TLS passes through as TCP). */
export type NetworkProtocol = 'TCP' | 'UDP' | 'TCP_UDP';

export interface NetworkTargetGroupPlan {
  service: string;
  containerPort: number;
  protocol: NetworkProtocol;
  /**
   * Where the load balancer checks health, always over TCP: AWS has no UDP health checks, so a
   * UDP-only port is checked on a TCP port of the same service, or on its own port number.
   */
  healthPort: number;
}

export interface NetworkListenerPlan {
  port: number;
  protocol: NetworkProtocol;
  target: NetworkTargetGroupPlan;
}

export interface NetworkIngressPlan {
  targetGroups: NetworkTargetGroupPlan[];
  listeners: NetworkListenerPlan[];
}

/** The IP protocols a network protocol admits through a security group. */
export function ipProtocols(protocol: NetworkProtocol): ('tcp' | 'udp')[] {
  return protocol === 'TCP_UDP' ? ['tcp', 'udp'] : [protocol === 'TCP' ? 'tcp' : 'udp'];
}

function merge(a: NetworkProtocol, b: NetworkProtocol): NetworkProtocol {
  return a === b ? a : 'TCP_UDP';
}

/** A TCP port the service listens on, for checking the health of a UDP-only port. */
function tcpPortOf(service: ServiceModel, containerPort: number): number {
  const tcp = service.ports.find((p) => p.protocol === 'tcp');
  return tcp ? tcp.target : containerPort;
}

/** Plans the network load balancer of `services` (sorted, long-running, container services). */
export function planNetworkIngress(services: ServiceModel[]): NetworkIngressPlan {
  const targetGroups: NetworkTargetGroupPlan[] = [];
  const byPublished = new Map<number, NetworkListenerPlan>();
  for (const service of services) {
    const seen = new Map<number, NetworkTargetGroupPlan>();
    for (const port of service.ports) {
      if (port.mode !== 'ingress' || ingressCarrier(port) !== 'network') continue;
      const protocol: NetworkProtocol = port.protocol === 'udp' ? 'UDP' : 'TCP';
      const published = port.published ?? port.target;
      let target = seen.get(port.target);
      if (target) target.protocol = merge(target.protocol, protocol);
      else {
        target = { service: service.name, containerPort: port.target, protocol, healthPort: port.target };
        seen.set(port.target, target);
        targetGroups.push(target);
      }
      const listener = byPublished.get(published);
      if (listener && listener.target !== target) {
        raise(
          'PLAN_INVALID',
          `Port ${published} is published by both ${listener.target.service} and ${service.name}; a load balancer port can reach only one of them. Publish one on another port.`,
          { port: published, services: [listener.target.service, service.name] },
        );
      }
      if (listener) listener.protocol = merge(listener.protocol, protocol);
      else byPublished.set(published, { port: published, protocol, target });
    }
    for (const target of seen.values()) {
      // A TCP or TCP_UDP group is checked on its own port; UDP needs a TCP port to connect to.
      if (target.protocol === 'UDP') target.healthPort = tcpPortOf(service, target.containerPort);
    }
  }
  for (const l of byPublished.values()) {
    // One listener forwards to one group of the same protocol: a TCP_UDP group needs a TCP_UDP listener.
    if (l.target.protocol === 'TCP_UDP') l.protocol = 'TCP_UDP';
  }
  const listeners = [...byPublished.values()].sort((a, b) => a.port - b.port);
  return { targetGroups, listeners };
}

/** What the services' security group admits from the network load balancer: traffic ports and TCP health-check ports. */
export function networkServiceRules(plan: NetworkIngressPlan): { port: number; protocol: 'tcp' | 'udp' }[] {
  const rules = new Map<string, { port: number; protocol: 'tcp' | 'udp' }>();
  for (const t of plan.targetGroups) {
    for (const protocol of ipProtocols(t.protocol)) rules.set(`${protocol}:${t.containerPort}`, { port: t.containerPort, protocol });
    rules.set(`tcp:${t.healthPort}`, { port: t.healthPort, protocol: 'tcp' });
  }
  return [...rules.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}

/** What the network load balancer's security group admits from the internet: each listener's port and protocols. */
export function networkListenerRules(plan: NetworkIngressPlan): { port: number; protocol: 'tcp' | 'udp' }[] {
  return plan.listeners.flatMap((l) => ipProtocols(l.protocol).map((protocol) => ({ port: l.port, protocol })));
}
