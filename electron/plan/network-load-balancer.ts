/**
 * The Network Load Balancer of a project's UDP and raw TCP ports: internet-facing in the public
 * subnets, its own security group open on the listeners' ports and protocols, a target group per
 * (service, port) with a TCP health check (AWS has no UDP health checks), a listener per port.
 * Target groups are never shared with the ALB: a target group belongs to one load balancer.
 */
import type { ServiceModel } from '../../shared/domain/project';
import { getAtt, ref, sub } from './cfn';
import { idPart } from './names';
import type { NetworkIngressPlan, NetworkTargetGroupPlan } from './network-ingress';
import { networkListenerRules } from './network-ingress';
import type { ResourceNote, TemplateBuilder } from './stack';

/** Short so a rollout does not wait five minutes per task for connections to drain. */
const DEREGISTRATION_DELAY_SECONDS = '10';

export interface NetworkLoadBalancerOptions {
  project: string;
  plan: NetworkIngressPlan;
  services: ServiceModel[];
  vpc: unknown;
  publicSubnets: unknown[];
  tags: unknown;
  shared(description: string, why: string): ResourceNote;
  own(service: string, description: string, why: string): ResourceNote;
}

/** What a service needs from the network load balancer: its LoadBalancers entries and the listeners to wait for. */
export interface NetworkAttachments {
  loadBalancers: { ContainerName: string; ContainerPort: number; TargetGroupArn: unknown }[];
  listeners: string[];
}

export const NETWORK_LOAD_BALANCER_ID = 'NetworkLoadBalancer';
export const NETWORK_LOAD_BALANCER_SECURITY_GROUP_ID = 'NetworkLoadBalancerSecurityGroup';

function targetGroupId(t: NetworkTargetGroupPlan): string {
  return `${idPart(t.service)}NetworkTargetGroup${t.containerPort}`;
}

function inWords(protocol: string): string {
  return protocol === 'TCP_UDP' ? 'TCP and UDP' : protocol;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** Adds the load balancer, its security group, target groups, listeners and outputs; nothing when no port needs it. */
export function addNetworkLoadBalancer(b: TemplateBuilder, o: NetworkLoadBalancerOptions): void {
  const { plan, tags } = o;
  if (plan.listeners.length === 0) return;
  const rules = networkListenerRules(plan);
  b.add(
    NETWORK_LOAD_BALANCER_SECURITY_GROUP_ID,
    {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: `${o.project}: network load balancer, open to the internet on published UDP and TCP ports`,
        VpcId: o.vpc,
        SecurityGroupIngress: rules.map((r) => ({ IpProtocol: r.protocol, FromPort: r.port, ToPort: r.port, CidrIp: '0.0.0.0/0', Description: `Port ${r.port}/${r.protocol} from the internet` })),
        Tags: tags,
      },
    },
    o.shared('Firewall of the network load balancer', `Lets the internet reach ${rules.map((r) => `${r.port}/${r.protocol}`).join(', ')} only`),
  );
  b.add(
    NETWORK_LOAD_BALANCER_ID,
    {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: {
        Type: 'network',
        Scheme: 'internet-facing',
        IpAddressType: 'ipv4',
        Subnets: o.publicSubnets,
        // An NLB created without a security group can never get one: it is set from the start.
        SecurityGroups: [getAtt(NETWORK_LOAD_BALANCER_SECURITY_GROUP_ID, 'GroupId')],
        Tags: tags,
      },
    },
    o.shared('Network load balancer', 'The public entry point of UDP and non-HTTP TCP ports (games, DNS, databases, MQTT): passes packets and connections through unchanged'),
  );
  for (const t of plan.targetGroups) {
    const health = o.services.find((s) => s.name === t.service)?.healthcheck;
    const ownPort = t.healthPort === t.containerPort;
    b.add(
      targetGroupId(t),
      {
        Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
        Properties: {
          TargetType: 'ip',
          Protocol: t.protocol,
          Port: t.containerPort,
          VpcId: o.vpc,
          // UDP, TCP_UDP and TLS cannot be health-check protocols: TCP connects to the port.
          HealthCheckProtocol: 'TCP',
          HealthCheckPort: ownPort ? 'traffic-port' : String(t.healthPort),
          HealthCheckIntervalSeconds: clamp(health?.intervalSeconds ?? 15, 5, 300),
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: clamp(health?.retries ?? 3, 2, 10),
          TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: DEREGISTRATION_DELAY_SECONDS }],
          Tags: tags,
        },
      },
      o.own(
        t.service,
        `Network target group for ${t.service} port ${t.containerPort} (${inWords(t.protocol)})`,
        `The network load balancer sends ${inWords(t.protocol)} traffic to healthy ${t.service} tasks, checking that TCP port ${t.healthPort} accepts a connection${t.protocol === 'UDP' ? ' (AWS cannot check health over UDP)' : ''}`,
      ),
    );
  }
  for (const l of plan.listeners) {
    b.add(
      `NetworkListener${l.port}`,
      {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Properties: {
          LoadBalancerArn: ref(NETWORK_LOAD_BALANCER_ID),
          Port: l.port,
          Protocol: l.protocol,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: ref(targetGroupId(l.target)) }],
        },
      },
      o.shared(`Network load balancer listener on port ${l.port} (${inWords(l.protocol)})`, `Passes port ${l.port} straight to ${l.target.service}:${l.target.containerPort}`),
    );
    b.output(
      `${idPart(l.target.service)}Address${l.port}`,
      sub(`\${${NETWORK_LOAD_BALANCER_ID}.DNSName}:${l.port}`),
      `${l.target.service} port ${l.target.containerPort} over ${inWords(l.protocol)}`,
    );
  }
  b.output('NetworkLoadBalancerDnsName', getAtt(NETWORK_LOAD_BALANCER_ID, 'DNSName'), 'DNS name of the network load balancer (UDP and TCP ports)');
}

/** The LoadBalancers entries and listener dependencies of one service's network ports. */
export function networkAttachments(plan: NetworkIngressPlan, service: string, container: string): NetworkAttachments {
  const targets = plan.targetGroups.filter((t) => t.service === service);
  return {
    loadBalancers: targets.map((t) => ({ ContainerName: container, ContainerPort: t.containerPort, TargetGroupArn: ref(targetGroupId(t)) })),
    // ECS refuses a target group that no listener uses yet ("does not have an associated load balancer").
    listeners: plan.listeners.filter((l) => targets.includes(l.target)).map((l) => `NetworkListener${l.port}`),
  };
}

/** The services' security group rules that admit the network load balancer (traffic and health checks). */
export function networkServiceIngress(rules: { port: number; protocol: 'tcp' | 'udp' }[]): Record<string, unknown>[] {
  return rules.map((r) => ({
    IpProtocol: r.protocol,
    FromPort: r.port,
    ToPort: r.port,
    SourceSecurityGroupId: getAtt(NETWORK_LOAD_BALANCER_SECURITY_GROUP_ID, 'GroupId'),
    Description: `Port ${r.port}/${r.protocol} from the network load balancer`,
  }));
}
