/**
 * What Elastic Load Balancing refuses, with its own codes and words: listener protocols per
 * load balancer type, a second listener on a port, a listener forwarding to a target group of
 * another protocol or of another load balancer, health checks a target group's protocol cannot
 * have (no UDP health checks), and security groups added to an NLB created without any.
 */
import { fail } from '../../errors';
import type { SandboxCore } from '../../core';
import { certificateArns, refreshCertificate } from '../../acm/certificates';
import { findGeneric, str, type ProviderContext, type ResourceProvider } from './types';

const LOAD_BALANCER = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const TARGET_GROUP = 'AWS::ElasticLoadBalancingV2::TargetGroup';
const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
const LISTENER_RULE = 'AWS::ElasticLoadBalancingV2::ListenerRule';

/** Listener protocols per load balancer type, in the order ELB's message lists them. */
const LISTENER_PROTOCOLS: Record<string, string[]> = { application: ['HTTP', 'HTTPS'], network: ['TLS', 'TCP', 'TCP_UDP', 'UDP'] };

/** Target group protocols each listener protocol may forward to. */
const FORWARDS_TO: Record<string, string[]> = {
  HTTP: ['HTTP', 'HTTPS'],
  HTTPS: ['HTTP', 'HTTPS'],
  TCP: ['TCP', 'TCP_UDP'],
  TLS: ['TCP', 'TLS'],
  UDP: ['UDP', 'TCP_UDP'],
  TCP_UDP: ['TCP_UDP'],
};

const LAYER4 = new Set(['TCP', 'TLS', 'UDP', 'TCP_UDP']);
/** "The GENEVE, TLS, UDP, and TCP_UDP protocols are not supported for health checks." */
const NEVER_HEALTH_CHECKS = new Set(['GENEVE', 'TLS', 'UDP', 'TCP_UDP']);

const upper = (props: Record<string, unknown>, key: string) => str(props, key)?.toUpperCase();

/** Target group ARNs that a listener's or rule's actions forward to. */
function forwardedGroups(actions: unknown): string[] {
  const out: string[] = [];
  for (const a of Array.isArray(actions) ? (actions as Record<string, unknown>[]) : []) {
    if (typeof a.TargetGroupArn === 'string') out.push(a.TargetGroupArn);
    const groups = (a.ForwardConfig as { TargetGroups?: { TargetGroupArn?: unknown }[] } | undefined)?.TargetGroups ?? [];
    for (const g of groups) if (typeof g.TargetGroupArn === 'string') out.push(g.TargetGroupArn);
  }
  return out;
}

/** The load balancers whose listeners (or their rules) already forward to a target group. */
function loadBalancersOf(core: SandboxCore, targetGroup: string): Set<string> {
  const lbs = new Set<string>();
  const listeners = [...core.state.resources.values()].filter((r) => r.type === LISTENER);
  for (const l of listeners) if (forwardedGroups(l.properties.DefaultActions).includes(targetGroup)) lbs.add(String(l.properties.LoadBalancerArn));
  for (const rule of core.state.resources.values()) {
    if (rule.type !== LISTENER_RULE || !forwardedGroups(rule.properties.Actions).includes(targetGroup)) continue;
    const owner = listeners.find((l) => l.physicalId === rule.properties.ListenerArn);
    if (owner) lbs.add(String(owner.properties.LoadBalancerArn));
  }
  return lbs;
}

/** CreateTargetGroup's health-check rules: TCP checks for layer-4 groups only, and never over UDP. */
export function checkTargetGroup(props: Record<string, unknown>): void {
  const protocol = upper(props, 'Protocol');
  const health = upper(props, 'HealthCheckProtocol');
  if (!protocol || !health) return;
  if (NEVER_HEALTH_CHECKS.has(health) || (health === 'TCP' && !LAYER4.has(protocol))) {
    fail('InvalidConfigurationRequest', `Health check protocol '${health}' is not supported for target groups with the ${protocol} protocol`);
  }
  if (health === 'TCP' && props.HealthCheckPath !== undefined) fail('InvalidConfigurationRequest', 'Health check paths are not supported for TCP health checks');
  if (health === 'TCP' && props.Matcher !== undefined) fail('InvalidConfigurationRequest', 'Health check matchers are not supported for TCP health checks');
}

/** ELB serves only a certificate ACM has issued: a missing one, or one still pending validation, is CertificateNotFound. */
export function checkCertificates(core: SandboxCore, certificates: unknown): void {
  for (const arn of certificateArns(certificates)) {
    const cert = core.state.acm.certificates.get(arn);
    if (!cert || refreshCertificate(core, cert).status !== 'ISSUED') fail('CertificateNotFound', `Certificate '${arn}' not found`);
  }
}

/** CreateListener's rules: protocols of the load balancer's type, one listener per port, groups of a matching protocol on no other load balancer. */
export function checkListener(ctx: ProviderContext, props: Record<string, unknown>, creating: boolean): void {
  const lbArn = str(props, 'LoadBalancerArn') ?? '';
  const lb = findGeneric(ctx.core, LOAD_BALANCER, lbArn);
  if (!lb) fail('LoadBalancerNotFound', 'One or more load balancers not found');
  const type = String(lb.properties.Type ?? 'application');
  const protocol = upper(props, 'Protocol') ?? (type === 'network' ? 'TCP' : 'HTTP');
  const allowed = LISTENER_PROTOCOLS[type] ?? [];
  if (!allowed.includes(protocol)) fail('ValidationError', `Listener protocol '${protocol}' must be one of '${allowed.join(', ')}'`);
  if (protocol === 'HTTPS' || protocol === 'TLS') checkCertificates(ctx.core, props.Certificates);
  if (creating) {
    const port = String(props.Port);
    const taken = [...ctx.core.state.resources.values()].some((r) => r.type === LISTENER && r.properties.LoadBalancerArn === lbArn && String(r.properties.Port) === port);
    if (taken) fail('DuplicateListener', 'A listener already exists on this port for this load balancer');
  }
  for (const arn of forwardedGroups(props.DefaultActions)) {
    const group = findGeneric(ctx.core, TARGET_GROUP, arn);
    if (!group) fail('TargetGroupNotFound', `Target groups '${arn}' not found`);
    const groupProtocol = String(group.properties.Protocol ?? '').toUpperCase();
    if (!(FORWARDS_TO[protocol] ?? []).includes(groupProtocol)) {
      fail('InvalidConfigurationRequest', `Listener protocol '${protocol}' is not supported with a target group with the protocol '${groupProtocol}'`);
    }
    const others = [...loadBalancersOf(ctx.core, arn)].filter((other) => other !== lbArn);
    if (others.length > 0) fail('InvalidConfigurationRequest', `Target group '${arn}' cannot be associated with more than one load balancer`);
  }
}

/** ModifyLoadBalancer: an NLB created without security groups can never be given any. */
export function checkLoadBalancerUpdate(before: Record<string, unknown> | undefined, props: Record<string, unknown>): void {
  const had = Array.isArray(before?.SecurityGroups) && (before!.SecurityGroups as unknown[]).length > 0;
  const wants = Array.isArray(props.SecurityGroups) && props.SecurityGroups.length > 0;
  if (str(props, 'Type') === 'network' && !had && wants) {
    fail('InvalidConfigurationRequest', 'You cannot set security groups on a Network Load Balancer which was created without any security groups.');
  }
}

/** A load balancer provider that refuses what ModifyLoadBalancer refuses. */
export function withLoadBalancerRules(provider: ResourceProvider): ResourceProvider {
  return {
    ...provider,
    update(ctx, resource, props, previous) {
      checkLoadBalancerUpdate(previous, props);
      return provider.update!(ctx, resource, props, previous);
    },
  };
}

/** A listener provider that refuses what CreateListener and ModifyListener refuse. */
export function withListenerRules(provider: ResourceProvider): ResourceProvider {
  return {
    ...provider,
    create(ctx, props) {
      checkListener(ctx, props, true);
      return provider.create(ctx, props);
    },
    update(ctx, resource, props, previous) {
      checkListener(ctx, props, false);
      return provider.update!(ctx, resource, props, previous);
    },
  };
}

/** A target group provider that refuses health checks its protocol cannot have. */
export function withTargetGroupRules(provider: ResourceProvider): ResourceProvider {
  return {
    ...provider,
    create(ctx, props) {
      checkTargetGroup(props);
      return provider.create(ctx, props);
    },
    update(ctx, resource, props, previous) {
      checkTargetGroup(props);
      return provider.update!(ctx, resource, props, previous);
    },
  };
}
