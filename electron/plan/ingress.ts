/**
 * Which ports become public, and how: one ALB listener per published HTTP port, one target group
 * per (service, container port), HTTPS on 443 with host rules for services that set `domainname`;
 * UDP and raw TCP ports through the network load balancer (network-ingress.ts).
 * The template, the cost, the graph and the URL list all read this one analysis.
 */
import { ingressCarrier } from '../../shared/domain/ingress-ports';
import type { ProjectModel, ServiceModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { networkListenerRules, networkServiceRules, planNetworkIngress, type NetworkIngressPlan } from './network-ingress';

/** ALB limits that shape the plan. */
export const MAX_LISTENERS = 50;
export const MAX_LISTENER_RULES = 100;
/** Inbound rules per security group (the default quota). */
export const MAX_SECURITY_GROUP_RULES = 60;
/** ECS attaches a service to at most 5 target groups ("load balancers can have at most 5 items"). */
export const MAX_SERVICE_LOAD_BALANCERS = 5;

export interface TargetGroupPlan {
  service: string;
  containerPort: number;
  appProtocol: 'http' | 'http2' | 'grpc';
  healthPath: string;
}

export interface ListenerPlan {
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  /** HTTP listeners forward to one target group; HTTPS routes by host; a redirect sends 80 to 443. */
  action: { kind: 'forward'; target: TargetGroupPlan } | { kind: 'hosts' } | { kind: 'redirect-https' };
}

export interface DomainPlan {
  service: string;
  domain: string;
  target: TargetGroupPlan;
}

export interface IngressPlan {
  targetGroups: TargetGroupPlan[];
  listeners: ListenerPlan[];
  domains: DomainPlan[];
  /** Container ports the ALB reaches on the services (for the services' security group). */
  servicePorts: number[];
  /** UDP and raw TCP ports: the network load balancer (no listeners when there are none). */
  network: NetworkIngressPlan;
}

/** Raises LIMIT_EXCEEDED when a security group would need more inbound rules than the quota allows. */
export function checkSecurityGroupRules(group: string, rules: number): void {
  if (rules > MAX_SECURITY_GROUP_RULES) {
    raise('LIMIT_EXCEEDED', `The ${group} security group would need ${rules} inbound rules; a security group allows ${MAX_SECURITY_GROUP_RULES}.`, {
      group,
      rules,
      limit: MAX_SECURITY_GROUP_RULES,
    });
  }
}

/** Services that run as containers (managed stores become RDS or ElastiCache instead). */
export function containerServices(project: ProjectModel): ServiceModel[] {
  return project.services.filter((s) => !s.managed);
}

/** Works out listeners, target groups and domains; conflicting ports are PLAN_INVALID, limits LIMIT_EXCEEDED. */
export function planIngress(project: ProjectModel): IngressPlan {
  const targetGroups: TargetGroupPlan[] = [];
  const byPublished = new Map<number, TargetGroupPlan>();
  const domains: DomainPlan[] = [];
  const services = [...containerServices(project)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const service of services) {
    // A one-off runs and exits before anyone could reach it: its ports are not published.
    if (service.oneOff) continue;
    const seen = new Map<number, TargetGroupPlan>();
    for (const port of service.ports) {
      // The ALB speaks HTTP only; UDP and raw TCP go through the network load balancer.
      if (port.mode !== 'ingress' || ingressCarrier(port) !== 'application') continue;
      let target = seen.get(port.target);
      if (!target) {
        const appProtocol = port.appProtocol === 'http2' || port.appProtocol === 'grpc' ? port.appProtocol : 'http';
        target = { service: service.name, containerPort: port.target, appProtocol, healthPath: service.healthcheck?.httpPath ?? '/' };
        seen.set(port.target, target);
        targetGroups.push(target);
      }
      const published = port.published ?? port.target;
      const taken = byPublished.get(published);
      if (taken && taken !== target) {
        raise(
          'PLAN_INVALID',
          `Port ${published} is published by both ${taken.service} and ${service.name}; a load balancer port can reach only one of them. Publish one on another port.`,
          { port: published, services: [taken.service, service.name] },
        );
      }
      byPublished.set(published, target);
    }
    const first = [...seen.values()][0];
    if (service.domainname && first) domains.push({ service: service.name, domain: service.domainname, target: first });
  }
  const network = planNetworkIngress(services.filter((s) => !s.oneOff));
  for (const service of services) {
    if (service.domainname && !domains.some((d) => d.service === service.name) && network.targetGroups.some((t) => t.service === service.name)) {
      raise('PLAN_INVALID', `${service.name} sets domainname ${service.domainname}, but none of its public ports is HTTP: HTTPS for a domain needs an HTTP port.`, { service: service.name });
    }
    const attachments = targetGroups.filter((t) => t.service === service.name).length + network.targetGroups.filter((t) => t.service === service.name).length;
    if (attachments > MAX_SERVICE_LOAD_BALANCERS) {
      raise('LIMIT_EXCEEDED', `${service.name} has ${attachments} public ports; an ECS service can be attached to at most ${MAX_SERVICE_LOAD_BALANCERS} target groups.`, {
        service: service.name,
        ports: attachments,
        limit: MAX_SERVICE_LOAD_BALANCERS,
      });
    }
  }

  const listeners: ListenerPlan[] = [...byPublished.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, target]) => ({ port, protocol: 'HTTP' as const, action: { kind: 'forward' as const, target } }));
  if (domains.length > 0) {
    if (byPublished.has(443)) {
      raise('PLAN_INVALID', `Port 443 is published by ${byPublished.get(443)!.service}, but HTTPS for ${domains[0]!.domain} needs it. Publish that service on another port.`);
    }
    listeners.push({ port: 443, protocol: 'HTTPS', action: { kind: 'hosts' } });
    if (!byPublished.has(80)) listeners.push({ port: 80, protocol: 'HTTP', action: { kind: 'redirect-https' } });
    listeners.sort((a, b) => a.port - b.port);
  }
  if (listeners.length > MAX_LISTENERS) {
    raise('LIMIT_EXCEEDED', `The project needs ${listeners.length} load balancer listeners (one per published port); an ALB allows ${MAX_LISTENERS}.`, {
      listeners: listeners.length,
      limit: MAX_LISTENERS,
    });
  }
  if (network.listeners.length > MAX_LISTENERS) {
    raise('LIMIT_EXCEEDED', `The project needs ${network.listeners.length} network load balancer listeners (one per published UDP or TCP port); a network load balancer allows ${MAX_LISTENERS}.`, {
      listeners: network.listeners.length,
      limit: MAX_LISTENERS,
    });
  }
  if (domains.length > MAX_LISTENER_RULES) {
    raise('LIMIT_EXCEEDED', `${domains.length} services set a domain name; the HTTPS listener allows ${MAX_LISTENER_RULES} host rules.`, {
      rules: domains.length,
      limit: MAX_LISTENER_RULES,
    });
  }
  const servicePorts = [...new Set(targetGroups.map((t) => t.containerPort))].sort((a, b) => a - b);
  // Within 50 listeners these fit; checked anyway so a future rule source cannot slip past the quota.
  checkSecurityGroupRules('load balancer', listeners.length);
  // A TCP_UDP listener needs a rule per protocol.
  checkSecurityGroupRules('network load balancer', networkListenerRules(network).length);
  // The services admit both load balancers; one more rule lets the project's services reach each other.
  checkSecurityGroupRules('services', servicePorts.length + networkServiceRules(network).length + 1);
  return { targetGroups, listeners, domains, servicePorts, network };
}
