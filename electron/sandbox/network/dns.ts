/**
 * Names as a VPC's resolver (Route 53 Resolver at the VPC's +2 address) answers them: a bare
 * name is tried with the DHCP options' search domain first (resolv.conf `ndots:1`), private
 * zones count only in the VPCs they are associated with and only when the VPC has DNS support
 * and DNS hostnames on, a Cloud Map service answers with the addresses of its running
 * instances, and a CNAME is followed. Anything else is NXDOMAIN, or a public name the sandbox
 * cannot look up.
 */
import { genericsOf } from '../cloudformation/providers/types';
import type { SandboxCore } from '../core';
import { SANDBOX_DNS_SUFFIX } from '../identity';
import type { EcsTask, GenericResource } from '../state';
import { dhcpOptionsOf } from './providers';

export type Answer = 'service' | 'database' | 'cache' | 'address' | 'loopback' | 'public' | 'pending' | 'nxdomain' | 'no-resolver';

export interface Resolution {
  /** The name as the program wrote it. */
  name: string;
  answer: Answer;
  /** The full name that answered (a bare name plus the search domain). */
  fqdn?: string;
  cname?: string;
  addresses?: string[];
  /** What answers, in words: "Cloud Map service db", "RDS DB instance abc". */
  target?: string;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;


/** The default search domain EC2's default DHCP options give a region. */
function defaultDomain(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

/** The VPC a task's ENI is in, through the first of its subnets the sandbox knows. */
export function taskVpc(core: SandboxCore, task: EcsTask): string | undefined {
  for (const id of task.network?.subnets ?? []) {
    const subnet = genericsOf(core, 'AWS::EC2::Subnet').find((r) => r.physicalId === id);
    if (subnet) return String(subnet.properties.VpcId);
  }
  return undefined;
}

/** The private zones (Cloud Map namespaces) a VPC's resolver answers for. */
function privateZones(core: SandboxCore, vpcId: string): GenericResource[] {
  return genericsOf(core, 'AWS::ServiceDiscovery::PrivateDnsNamespace').filter((ns) => ns.properties.Vpc === vpcId);
}

function registeredAddresses(core: SandboxCore, serviceArn: string): string[] {
  const out: string[] = [];
  for (const task of core.state.ecs.tasks.values()) {
    if (task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING' && task.registries?.includes(serviceArn)) out.push(task.privateIp);
  }
  return out.sort();
}

const STORE_WORDS: Record<string, string> = { 'AWS::RDS::DBInstance': 'RDS DB instance', 'AWS::ElastiCache::ReplicationGroup': 'ElastiCache replication group', 'AWS::ElastiCache::CacheCluster': 'ElastiCache cluster' };

/** How a resolution names the store that answered (`RDS DB instance abc`), so who resolved a store can be found again. */
export function storeTarget(type: string, physicalId: string): string {
  return `${STORE_WORDS[type] ?? type} ${physicalId}`;
}

/** A name the sandbox itself handed out (an RDS or ElastiCache endpoint). */
function managedEndpoint(core: SandboxCore, fqdn: string): Pick<Resolution, 'answer' | 'target'> | undefined {
  if (!fqdn.endsWith(`.${SANDBOX_DNS_SUFFIX}`)) return undefined;
  for (const r of core.state.resources.values()) {
    const a = r.attributes;
    if (r.type === 'AWS::RDS::DBInstance' && a['Endpoint.Address'] === fqdn) return { answer: 'database', target: storeTarget(r.type, r.physicalId) };
    if (r.type === 'AWS::ElastiCache::ReplicationGroup' && [a['PrimaryEndPoint.Address'], a['ReaderEndPoint.Address'], a['ConfigurationEndPoint.Address']].includes(fqdn)) return { answer: 'cache', target: storeTarget(r.type, r.physicalId) };
    if (r.type === 'AWS::ElastiCache::CacheCluster' && a['RedisEndpoint.Address'] === fqdn) return { answer: 'cache', target: storeTarget(r.type, r.physicalId) };
  }
  return undefined;
}

/** One absolute name in the VPC: undefined when no zone and no endpoint knows it. */
function lookup(core: SandboxCore, zones: GenericResource[], fqdn: string, depth = 0): Omit<Resolution, 'name'> | undefined {
  const zone = zones
    .filter((z) => fqdn === String(z.properties.Name).toLowerCase() || fqdn.endsWith(`.${String(z.properties.Name).toLowerCase()}`))
    .sort((a, b) => String(b.properties.Name).length - String(a.properties.Name).length)[0];
  if (zone) {
    const label = fqdn.slice(0, fqdn.length - String(zone.properties.Name).length - 1);
    const service = genericsOf(core, 'AWS::ServiceDiscovery::Service').find((s) => s.properties.NamespaceId === zone.attributes.Id && String(s.properties.Name).toLowerCase() === label);
    if (service) {
      const addresses = registeredAddresses(core, service.arn);
      // Cloud Map writes the A records only while instances are registered.
      return addresses.length > 0 ? { answer: 'service', fqdn, addresses, target: `Cloud Map service ${label}` } : { answer: 'pending', fqdn, target: `Cloud Map service ${label} (no running task registered yet)` };
    }
    const record = genericsOf(core, 'AWS::Route53::RecordSet').find((r) => r.properties.HostedZoneId === zone.attributes.HostedZoneId && String(r.properties.Name).toLowerCase().replace(/\.$/, '') === fqdn);
    if (record && record.properties.Type === 'CNAME' && depth < 8) {
      const cname = String((record.properties.ResourceRecords as unknown[] | undefined)?.[0] ?? '').toLowerCase().replace(/\.$/, '');
      const next = lookup(core, zones, cname, depth + 1);
      return next ? { ...next, fqdn, cname } : { answer: 'nxdomain', fqdn, cname };
    }
    if (record && record.properties.Type === 'A') return { answer: 'address', fqdn, addresses: ((record.properties.ResourceRecords as unknown[]) ?? []).map(String) };
    return undefined;
  }
  const managed = managedEndpoint(core, fqdn);
  return managed ? { ...managed, fqdn } : undefined;
}

/** Resolves `name` as a program in `vpcId` would (getaddrinfo through the VPC resolver). */
export function resolveInVpc(core: SandboxCore, vpcId: string | undefined, rawName: string): Resolution {
  const name = rawName.toLowerCase().replace(/\.$/, '');
  if (IPV4.test(name)) return { name: rawName, answer: name.startsWith('127.') ? 'loopback' : 'address', addresses: [name] };
  if (name === 'localhost') return { name: rawName, answer: 'loopback', addresses: ['127.0.0.1'], target: 'the task itself (containers of one task share localhost)' };
  const vpc = vpcId ? genericsOf(core, 'AWS::EC2::VPC').find((r) => r.physicalId === vpcId) : undefined;
  if (!vpc || vpc.properties.EnableDnsSupport === false || vpc.properties.EnableDnsSupport === 'false') return { name: rawName, answer: 'no-resolver', target: 'the VPC has no DNS resolver (EnableDnsSupport is off)' };
  const options = dhcpOptionsOf(core, vpc.physicalId);
  const servers = Array.isArray(options?.DomainNameServers) ? options.DomainNameServers.map(String) : ['AmazonProvidedDNS'];
  const amazonDns = servers.includes('AmazonProvidedDNS');
  const hostnames = vpc.properties.EnableDnsHostnames === true || vpc.properties.EnableDnsHostnames === 'true';
  // Private hosted zones answer only through the Amazon resolver, and only with DNS hostnames on.
  const zones = amazonDns && hostnames ? privateZones(core, vpc.physicalId) : [];
  const search = String(options?.DomainName ?? defaultDomain(core.region)).toLowerCase().split(' ').filter(Boolean);
  const candidates = name.includes('.') ? [name, ...search.map((d) => `${name}.${d}`)] : [...search.map((d) => `${name}.${d}`), name];
  let pending: Resolution | undefined;
  for (const fqdn of candidates) {
    const found = amazonDns ? lookup(core, zones, fqdn) : undefined;
    if (found && found.answer === 'pending') pending ??= { name: rawName, ...found };
    else if (found && found.answer !== 'nxdomain') return { name: rawName, ...found };
  }
  if (pending) return pending;
  const last = name.split('.').pop() ?? '';
  const privateSuffix = ['internal', 'local', 'localdomain', 'lan', 'home', 'corp'].includes(last);
  if (name.includes('.') && !privateSuffix) return { name: rawName, answer: 'public', fqdn: name, target: 'public DNS (the sandbox has no internet to look it up)' };
  return { name: rawName, answer: 'nxdomain', target: `no such host (searched ${search.join(', ')})` };
}

/** Resolves a name from a task's network. */
export function resolveFromTask(core: SandboxCore, task: EcsTask, name: string): Resolution {
  return resolveInVpc(core, taskVpc(core, task), name);
}

/** One line for the task's log: `db → db.shop.internal → CNAME x.rds… (RDS DB instance x)`. */
export function describeResolution(r: Resolution): string {
  const parts = [r.name];
  if (r.fqdn && r.fqdn !== r.name.toLowerCase()) parts.push(r.fqdn);
  if (r.cname) parts.push(`CNAME ${r.cname}`);
  const answer = r.addresses && r.addresses.length > 0 ? r.addresses.join(', ') : r.answer === 'nxdomain' ? 'NXDOMAIN' : r.answer === 'pending' ? 'no address yet' : r.answer === 'no-resolver' ? 'no resolver' : '';
  if (answer) parts.push(answer);
  return `${parts.join(' → ')}${r.target ? ` (${r.target})` : ''}`;
}
