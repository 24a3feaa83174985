/**
 * Route 53's public hosted zones as the API keeps them: a zone starts with its SOA and NS
 * records (four `ns-…awsdns-…` servers), a change batch applies whole or not at all and is
 * refused with Route 53's InvalidChangeBatch messages, and a zone with records of its own
 * cannot be deleted.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import { upperId } from '../ids';
import type { DnsChange, HostedZone, RecordSet } from '../state';

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';

export interface RecordChange {
  action: ChangeAction;
  set: RecordSet;
}

/** A name as Route 53 stores it: lower case, absolute, `\052` read as `*`. */
export function absoluteName(name: string): string {
  const lower = name.toLowerCase().replace(/^\\052/, '*');
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** The sort key Route 53 lists zones and records by: the labels reversed (`com.example.www.`). */
export function reversedLabels(name: string): string {
  return `${absoluteName(name).slice(0, -1).split('.').reverse().join('.')}.`;
}

/** True when `name` is the zone's apex or below it. */
export function zoneCovers(zoneName: string, name: string): boolean {
  const n = absoluteName(name);
  const z = absoluteName(zoneName);
  return n === z || n.endsWith(`.${z}`);
}

/** A zone id as the API takes it: `Z…` or `/hostedzone/Z…`. */
export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, '');
}

/** Four name servers, one per top-level domain, numbered as Route 53 numbers its delegation sets. */
function nameServers(): string[] {
  const bytes = randomBytes(8);
  return ['com', 'net', 'org', 'co.uk'].map((tld, i) => {
    const n = i * 512 + (bytes.readUInt16BE(i * 2) % 512);
    return `ns-${n}.awsdns-${String(Math.floor((n % 512) / 8)).padStart(2, '0')}.${tld}`;
  });
}

function checkZoneName(name: string): void {
  const labels = absoluteName(name).slice(0, -1).split('.');
  if (name.length > 255 || labels.some((l) => l.length === 0 || l.length > 63)) fail('InvalidDomainName', 'The specified domain name is not valid.');
  if (labels.length === 1) fail('InvalidDomainName', `${labels[0]} is reserved by AWS!`);
}

/** Records a submitted change for GetChange. */
export function recordChange(core: SandboxCore, comment?: string): DnsChange {
  const change: DnsChange = { id: `C${upperId(20)}`, submittedAt: Date.now(), ...(comment ? { comment } : {}) };
  core.state.route53.changes.set(change.id, change);
  return change;
}

/** PENDING until the change has reached every name server, then INSYNC. */
export function changeStatus(core: SandboxCore, change: DnsChange): 'PENDING' | 'INSYNC' {
  return Date.now() - change.submittedAt >= core.timing.ms('dnsChange') ? 'INSYNC' : 'PENDING';
}

/** CreateHostedZone for a public zone; a CallerReference used before is refused, so a retry never makes two zones. */
export function createHostedZone(core: SandboxCore, input: { name: string; callerReference: string; comment?: string; tags?: Record<string, string> }): { zone: HostedZone; change: DnsChange } {
  checkZoneName(input.name);
  if ([...core.state.route53.zones.values()].some((z) => z.callerReference === input.callerReference)) {
    fail('HostedZoneAlreadyExists', 'A hosted zone has already been created with the specified caller reference.', 409);
  }
  const name = absoluteName(input.name);
  const servers = nameServers();
  const zone: HostedZone = {
    id: `Z${upperId(20)}`,
    name,
    callerReference: input.callerReference,
    ...(input.comment ? { comment: input.comment } : {}),
    createdAt: Date.now(),
    nameServers: servers,
    records: [
      { name, type: 'NS', ttl: 172800, values: servers.map((s) => `${s}.`) },
      { name, type: 'SOA', ttl: 900, values: [`${servers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] },
    ],
    tags: input.tags ?? {},
  };
  core.state.route53.zones.set(zone.id, zone);
  const change = recordChange(core);
  core.changed();
  return { zone, change };
}

/** The zone with this id, if the account has it. */
export function findZone(core: SandboxCore, id: string): HostedZone | undefined {
  return core.state.route53.zones.get(bareZoneId(id));
}

/** The zone with this id, or Route 53's NoSuchHostedZone. */
export function requireZone(core: SandboxCore, id: string): HostedZone {
  const zone = findZone(core, id);
  if (!zone) fail('NoSuchHostedZone', `No hosted zone found with ID: ${bareZoneId(id)}`, 404);
  return zone;
}

const isApexRequired = (zone: HostedZone, r: RecordSet) => r.name === zone.name && (r.type === 'SOA' || r.type === 'NS');

/** DeleteHostedZone: only a zone left with its own SOA and NS records can go. */
export function deleteHostedZone(core: SandboxCore, id: string): DnsChange {
  const zone = requireZone(core, id);
  if (zone.records.some((r) => !isApexRequired(zone, r))) fail('HostedZoneNotEmpty', 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.');
  core.state.route53.zones.delete(zone.id);
  const change = recordChange(core);
  core.changed();
  core.scheduler.signal();
  return change;
}

const sameSet = (a: RecordSet, b: RecordSet) => a.name === b.name && a.type === b.type && (a.setIdentifier ?? '') === (b.setIdentifier ?? '');

function describe(action: string, set: RecordSet): string {
  return `Tried to ${action} resource record set [name='${set.name}', type='${set.type}'${set.setIdentifier ? `, set-identifier='${set.setIdentifier}'` : ''}]`;
}

function sameValues(a: RecordSet, b: RecordSet): boolean {
  const values = (r: RecordSet) => JSON.stringify([...r.values].sort());
  return a.ttl === b.ttl && values(a) === values(b) && JSON.stringify(a.alias ?? null) === JSON.stringify(b.alias ?? null);
}

// Request-level rule: a record set has an alias target or TTL with values, never both or neither.
function checkShape(change: RecordChange): void {
  const { set } = change;
  const plain = set.ttl !== undefined && set.values.length > 0;
  const found = (set.alias ? 1 : 0) + (plain ? 1 : 0);
  if (found === 1) return;
  fail('InvalidInput', `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${found === 0 ? 'none' : 'more than one'} in Change with [Action=${change.action}, Name=${set.name}, Type=${set.type}, SetIdentifier=${set.setIdentifier ?? 'null'}]`);
}

/** The reasons one change cannot apply to `records` (applying it when there are none). */
function applyOne(zone: HostedZone, records: RecordSet[], change: RecordChange): string[] {
  const set = { ...change.set, name: absoluteName(change.set.name) };
  if (!zoneCovers(zone.name, set.name)) return [`RRSet with DNS name ${set.name} is not permitted in zone ${zone.name}`];
  if (set.type === 'CNAME' && set.name === zone.name) return [`RRSet of type CNAME with DNS name ${set.name} is not permitted at apex in zone ${zone.name}`];
  const index = records.findIndex((r) => sameSet(r, set));
  if (change.action === 'DELETE') {
    if (index < 0) return [`${describe('delete', set)} but it was not found`];
    if (!sameValues(records[index]!, set)) return [`${describe('delete', set)} but the values provided do not match the current values`];
    if (set.name === zone.name && set.type === 'SOA') return ['A HostedZone must contain exactly one SOA record.'];
    if (set.name === zone.name && set.type === 'NS') return ['A HostedZone must contain at least one NS record for the zone itself.'];
    records.splice(index, 1);
    return [];
  }
  if (change.action === 'CREATE' && index >= 0) return [`${describe('create', set)} but it already exists`];
  const others = records.filter((r) => r.name === set.name && r.type !== set.type);
  if (set.type === 'CNAME' && others.length > 0) return [`RRSet of type CNAME with DNS name ${set.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`];
  if (others.some((r) => r.type === 'CNAME')) return [`RRSet of type ${set.type} with DNS name ${set.name} is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone ${zone.name}`];
  if (index >= 0) records[index] = set;
  else records.push(set);
  return [];
}

/** ChangeResourceRecordSets: every change applies, in order, or the zone is left as it was. */
export function changeRecordSets(core: SandboxCore, zone: HostedZone, changes: RecordChange[], comment?: string): DnsChange {
  for (const change of changes) checkShape(change);
  const records = zone.records.map((r) => ({ ...r }));
  const messages = changes.flatMap((change) => applyOne(zone, records, change));
  if (messages.length > 0) fail('InvalidChangeBatch', `[${messages.join(', ')}]`);
  zone.records = records;
  const change = recordChange(core, comment);
  core.changed();
  // A certificate waiting for its validation record looks again.
  core.scheduler.signal();
  return change;
}

/** A zone's records in Route 53's listing order: name with the labels reversed, then type, then set identifier. */
export function sortedRecords(zone: HostedZone): RecordSet[] {
  const key = (r: RecordSet) => `${reversedLabels(r.name)}\u0000${r.type}\u0000${r.setIdentifier ?? ''}`;
  return [...zone.records].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The values of a CNAME as public DNS answers it from Route 53: the most specific public zone that covers the name answers (as if delegated). */
export function publicCnameValues(core: SandboxCore, name: string): string[] {
  const covering = [...core.state.route53.zones.values()].filter((z) => zoneCovers(z.name, name));
  const longest = Math.max(0, ...covering.map((z) => z.name.length));
  const target = absoluteName(name);
  return covering.filter((z) => z.name.length === longest).flatMap((z) => z.records.filter((r) => r.name === target && r.type === 'CNAME').flatMap((r) => r.values));
}
