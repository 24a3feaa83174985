/**
 * Route 53's REST-XML API (`/2013-04-01/...`, signing name `route53`) over the sandbox's
 * public hosted zones: CreateHostedZone, GetHostedZone, ListHostedZones(ByName),
 * GetHostedZoneCount, DeleteHostedZone, ChangeResourceRecordSets, ListResourceRecordSets,
 * GetChange. Errors are `<ErrorResponse><Error><Type>Sender</Type><Code>…` as Route 53 writes them.
 */
import type { SandboxCore } from '../core';
import { fail, type SandboxError } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import type { DnsChange, HostedZone, RecordSet } from '../state';
import { document, escapeXml, parseXml, XmlList, type XmlValue } from '../protocol/xml';
import { absoluteName, changeRecordSets, changeStatus, createHostedZone, deleteHostedZone, requireZone, reversedLabels, sortedRecords, type ChangeAction } from './zones';

export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';
const BASE = '/2013-04-01/';
const ROUTING_FIELDS = ['Weight', 'Region', 'Failover', 'MultiValueAnswer', 'HealthCheckId'] as const;

type Node = Record<string, unknown>;

/** One element or several, as the XML parser hands them over. */
function list(value: unknown): Node[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]) as Node[];
}

function parts(req: Pick<SandboxRequest, 'path'>): string[] {
  return req.path.slice(BASE.length).replace(/\/$/, '').split('/');
}

/** The operation a request names, for request counts and fault knobs. */
export function route53OperationName(req: Pick<SandboxRequest, 'method' | 'path'>): string {
  if (!req.path.startsWith(BASE)) return 'Unknown';
  const [kind, id, sub] = parts(req);
  if (kind === 'hostedzone' && !id) return req.method === 'POST' ? 'CreateHostedZone' : 'ListHostedZones';
  if (kind === 'hostedzone' && !sub) return req.method === 'DELETE' ? 'DeleteHostedZone' : 'GetHostedZone';
  if (kind === 'hostedzone' && sub === 'rrset') return req.method === 'POST' ? 'ChangeResourceRecordSets' : 'ListResourceRecordSets';
  if (kind === 'hostedzonesbyname') return 'ListHostedZonesByName';
  if (kind === 'hostedzonecount') return 'GetHostedZoneCount';
  if (kind === 'change' && id) return 'GetChange';
  return 'Unknown';
}

/** Route 53's error document. */
export function route53Error(error: SandboxError, requestId: string): SandboxResponse {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  const body = `<?xml version="1.0"?>\n<ErrorResponse xmlns="${ROUTE53_NAMESPACE}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { 'content-type': 'text/xml' }, body };
}

function xml(root: string, body: Record<string, XmlValue>, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'text/xml', ...headers }, body: document(root, ROUTE53_NAMESPACE, body) };
}

function zoneView(zone: HostedZone): XmlValue {
  return { Id: `/hostedzone/${zone.id}`, Name: zone.name, CallerReference: zone.callerReference, Config: { Comment: zone.comment, PrivateZone: false }, ResourceRecordSetCount: zone.records.length };
}

function changeView(core: SandboxCore, change: DnsChange): XmlValue {
  return { Id: `/change/${change.id}`, Status: changeStatus(core, change), SubmittedAt: new Date(change.submittedAt), Comment: change.comment };
}

function recordView(r: RecordSet): XmlValue {
  return {
    // Route 53 lists a wildcard's asterisk in its escaped form.
    Name: r.name.replace(/^\*/, '\\052'),
    Type: r.type,
    SetIdentifier: r.setIdentifier,
    ...(r.routing ?? {}),
    TTL: r.ttl,
    ResourceRecords: r.alias ? undefined : new XmlList(r.values.map((Value) => ({ Value })), 'ResourceRecord'),
    AliasTarget: r.alias ? { HostedZoneId: r.alias.hostedZoneId, DNSName: r.alias.dnsName, EvaluateTargetHealth: r.alias.evaluateTargetHealth } : undefined,
  };
}

function recordSetOf(node: Node): RecordSet {
  const alias = node.AliasTarget as Node | undefined;
  const routing: Record<string, string | number | boolean> = {};
  for (const field of ROUTING_FIELDS) {
    const v = node[field];
    if (typeof v === 'string') routing[field] = field === 'Weight' ? Number(v) : field === 'MultiValueAnswer' ? v === 'true' : v;
  }
  return {
    name: absoluteName(String(node.Name ?? '')),
    type: String(node.Type ?? ''),
    ...(node.TTL !== undefined ? { ttl: Number(node.TTL) } : {}),
    values: list((node.ResourceRecords as Node | undefined)?.ResourceRecord).map((r) => String(r.Value ?? '')),
    ...(alias ? { alias: { hostedZoneId: String(alias.HostedZoneId ?? ''), dnsName: String(alias.DNSName ?? ''), evaluateTargetHealth: alias.EvaluateTargetHealth === 'true' } } : {}),
    ...(typeof node.SetIdentifier === 'string' ? { setIdentifier: node.SetIdentifier } : {}),
    ...(Object.keys(routing).length > 0 ? { routing } : {}),
  };
}

function maxItems(req: SandboxRequest, cap: number): number {
  const raw = req.query.get('maxitems');
  const n = raw === null ? cap : Number(raw);
  if (!Number.isInteger(n) || n < 1) fail('InvalidInput', `Invalid request: MaxItems must be a positive integer, but was ${raw}`);
  return Math.min(n, cap);
}

/** Up to `max` items from `start` (none when start is -1), and the first item of the next page. */
function pageFrom<T>(items: T[], start: number, max: number): { page: T[]; next?: T } {
  if (start < 0) return { page: [] };
  return { page: items.slice(start, start + max), next: items[start + max] };
}

function body(req: SandboxRequest, root: string): Node {
  return (parseXml(req.body.toString('utf8'))[root] ?? {}) as Node;
}

function createZone(req: SandboxRequest, core: SandboxCore): SandboxResponse {
  const input = body(req, 'CreateHostedZoneRequest');
  const config = (input.HostedZoneConfig ?? {}) as Node;
  if (input.VPC !== undefined || config.PrivateZone === 'true') fail('InvalidInput', 'The Berth sandbox makes public hosted zones only; its private zones come from Cloud Map namespaces (AWS::ServiceDiscovery::PrivateDnsNamespace).');
  if (input.DelegationSetId !== undefined) fail('NoSuchDelegationSet', 'A reusable delegation set with the specified ID does not exist.');
  if (typeof input.Name !== 'string' || typeof input.CallerReference !== 'string') fail('InvalidInput', 'Invalid request: Name and CallerReference are required.');
  const { zone, change } = createHostedZone(core, { name: input.Name, callerReference: input.CallerReference, comment: typeof config.Comment === 'string' && config.Comment ? config.Comment : undefined });
  return xml('CreateHostedZoneResponse', { HostedZone: zoneView(zone), ChangeInfo: changeView(core, change), DelegationSet: { NameServers: new XmlList(zone.nameServers, 'NameServer') } }, 201, { location: `${core.endpoint}${BASE}hostedzone/${zone.id}` });
}

function listZones(req: SandboxRequest, core: SandboxCore): SandboxResponse {
  const zones = [...core.state.route53.zones.values()];
  const marker = req.query.get('marker') ?? undefined;
  const start = marker ? zones.findIndex((z) => z.id === marker) : 0;
  if (start < 0) fail('InvalidInput', `Invalid request: marker ${marker} does not name a hosted zone`);
  const max = maxItems(req, 100);
  const { page, next } = pageFrom(zones, start, max);
  return xml('ListHostedZonesResponse', { HostedZones: new XmlList(page.map(zoneView), 'HostedZone'), Marker: marker, IsTruncated: next !== undefined, NextMarker: next?.id, MaxItems: max });
}

// Zones by name with the labels reversed (`com.example.www.`), then by id, as ListHostedZonesByName sorts them.
function listZonesByName(req: SandboxRequest, core: SandboxCore): SandboxResponse {
  const key = (name: string, id: string) => `${reversedLabels(name)}\u0000${id}`;
  const zones = [...core.state.route53.zones.values()].sort((a, b) => (key(a.name, a.id) < key(b.name, b.id) ? -1 : 1));
  const dnsName = req.query.get('dnsname') ?? undefined;
  const zoneId = req.query.get('hostedzoneid') ?? undefined;
  if (zoneId && !dnsName) fail('InvalidInput', 'Invalid request: if you specify a hosted zone ID you must also specify a DNS name.');
  const from = dnsName ? key(dnsName, zoneId ?? '') : '';
  const start = zones.findIndex((z) => key(z.name, z.id) >= from);
  const max = maxItems(req, 100);
  const { page, next } = pageFrom(zones, start, max);
  return xml('ListHostedZonesByNameResponse', {
    HostedZones: new XmlList(page.map(zoneView), 'HostedZone'),
    DNSName: dnsName,
    HostedZoneId: zoneId,
    IsTruncated: next !== undefined,
    NextDNSName: next?.name,
    NextHostedZoneId: next?.id,
    MaxItems: max,
  });
}

function changeRecords(req: SandboxRequest, core: SandboxCore, zoneId: string): SandboxResponse {
  const zone = requireZone(core, zoneId);
  const batch = (body(req, 'ChangeResourceRecordSetsRequest').ChangeBatch ?? {}) as Node;
  const changes = list((batch.Changes as Node | undefined)?.Change).map((c) => {
    const action = String(c.Action ?? '');
    if (!['CREATE', 'DELETE', 'UPSERT'].includes(action)) fail('InvalidInput', `Invalid request: Action must be one of CREATE, DELETE, UPSERT, but was ${action}`);
    return { action: action as ChangeAction, set: recordSetOf((c.ResourceRecordSet ?? {}) as Node) };
  });
  if (changes.length === 0) fail('InvalidInput', 'Invalid request: the change batch has no changes.');
  const change = changeRecordSets(core, zone, changes, typeof batch.Comment === 'string' && batch.Comment ? batch.Comment : undefined);
  return xml('ChangeResourceRecordSetsResponse', { ChangeInfo: changeView(core, change) });
}

function listRecords(req: SandboxRequest, core: SandboxCore, zoneId: string): SandboxResponse {
  const records = sortedRecords(requireZone(core, zoneId));
  const name = req.query.get('name');
  const type = req.query.get('type');
  if (type && !name) fail('InvalidInput', 'Invalid request: you must specify a record name when you specify a record type.');
  const key = (r: { name: string; type: string }) => `${reversedLabels(r.name)}\u0000${r.type}`;
  const from = name ? key({ name, type: type ?? '' }) : '';
  const max = maxItems(req, 300);
  const { page, next } = pageFrom(records, records.findIndex((r) => key(r) >= from), max);
  return xml('ListResourceRecordSetsResponse', {
    ResourceRecordSets: new XmlList(page.map(recordView), 'ResourceRecordSet'),
    IsTruncated: next !== undefined,
    NextRecordName: next?.name,
    NextRecordType: next?.type,
    NextRecordIdentifier: next?.setIdentifier,
    MaxItems: max,
  });
}

/** Handles one Route 53 request. */
export async function handleRoute53(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  const op = route53OperationName(req);
  const [, id = ''] = parts(req);
  switch (op) {
    case 'CreateHostedZone':
      return createZone(req, core);
    case 'ListHostedZones':
      return listZones(req, core);
    case 'ListHostedZonesByName':
      return listZonesByName(req, core);
    case 'GetHostedZoneCount':
      return xml('GetHostedZoneCountResponse', { HostedZoneCount: core.state.route53.zones.size });
    case 'GetHostedZone': {
      const zone = requireZone(core, id);
      return xml('GetHostedZoneResponse', { HostedZone: zoneView(zone), DelegationSet: { NameServers: new XmlList(zone.nameServers, 'NameServer') } });
    }
    case 'DeleteHostedZone':
      return xml('DeleteHostedZoneResponse', { ChangeInfo: changeView(core, deleteHostedZone(core, id)) });
    case 'ChangeResourceRecordSets':
      return changeRecords(req, core, id);
    case 'ListResourceRecordSets':
      return listRecords(req, core, id);
    case 'GetChange': {
      const change = core.state.route53.changes.get(id.replace(/^\/?change\//, ''));
      if (!change) fail('NoSuchChange', 'A change with the specified change ID does not exist.', 404);
      return xml('GetChangeResponse', { ChangeInfo: changeView(core, change) });
    }
  }
  return fail('UnknownOperationException', `Route 53 ${req.method} ${req.path} is not supported by the Berth sandbox.`);
}
