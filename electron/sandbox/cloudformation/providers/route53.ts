/**
 * Route 53 public hosted zones as CloudFormation makes them (AWS::Route53::HostedZone), and the
 * record sets it writes into them. A zone that still holds records of its own fails to delete
 * with Route 53's HostedZoneNotEmpty — a certificate's validation CNAME left behind does that.
 */
import type { SandboxCore } from '../../core';
import { uuid } from '../../ids';
import type { HostedZone, RecordSet } from '../../state';
import { absoluteName, changeRecordSets, createHostedZone, deleteHostedZone, findZone, type RecordChange } from '../../route53/zones';
import { allTags, ResourceFailure, str, type ResourceProvider } from './types';

const ROUTING_PROPERTIES = ['Weight', 'Region', 'Failover', 'MultiValueAnswer', 'HealthCheckId'] as const;

/** The public zone a record set's HostedZoneId or HostedZoneName names, when the sandbox's Route 53 has it. */
export function publicZoneOf(core: SandboxCore, props: Record<string, unknown>): HostedZone | undefined {
  const id = str(props, 'HostedZoneId');
  if (id) return findZone(core, id);
  const name = str(props, 'HostedZoneName');
  const matching = name ? [...core.state.route53.zones.values()].filter((z) => z.name === absoluteName(name)) : [];
  return matching.length === 1 ? matching[0] : undefined;
}

/** An AWS::Route53::RecordSet's properties as the record set Route 53 stores. */
export function recordSetOf(props: Record<string, unknown>): RecordSet {
  const alias = props.AliasTarget as Record<string, unknown> | undefined;
  const routing: Record<string, string | number | boolean> = {};
  for (const key of ROUTING_PROPERTIES) {
    const v = props[key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') routing[key] = key === 'Weight' ? Number(v) : key === 'MultiValueAnswer' ? v === true || v === 'true' : v;
  }
  return {
    name: absoluteName(str(props, 'Name') ?? ''),
    type: str(props, 'Type') ?? '',
    ...(props.TTL !== undefined ? { ttl: Number(props.TTL) } : {}),
    values: Array.isArray(props.ResourceRecords) ? props.ResourceRecords.map(String) : [],
    ...(alias ? { alias: { hostedZoneId: String(alias.HostedZoneId ?? ''), dnsName: String(alias.DNSName ?? ''), evaluateTargetHealth: alias.EvaluateTargetHealth === true || alias.EvaluateTargetHealth === 'true' } } : {}),
    ...(str(props, 'SetIdentifier') ? { setIdentifier: str(props, 'SetIdentifier') } : {}),
    ...(Object.keys(routing).length > 0 ? { routing } : {}),
  };
}

const sameSet = (a: RecordSet, b: RecordSet) => a.name === b.name && a.type === b.type && (a.setIdentifier ?? '') === (b.setIdentifier ?? '');

/** Writes an AWS::Route53::RecordSet into a public zone: created, replaced by the new properties, or deleted. */
export function writeRecordSet(core: SandboxCore, zone: HostedZone, props: Record<string, unknown> | undefined, previous: Record<string, unknown> | undefined): void {
  const next = props ? recordSetOf(props) : undefined;
  const stored = previous ? zone.records.find((r) => sameSet(r, recordSetOf(previous))) : undefined;
  const changes: RecordChange[] = [];
  if (stored && !(next && sameSet(stored, next))) changes.push({ action: 'DELETE', set: stored });
  if (next) changes.push({ action: stored && sameSet(stored, next) ? 'UPSERT' : 'CREATE', set: next });
  if (changes.length > 0) changeRecordSets(core, zone, changes);
}

const hostedZoneProvider: ResourceProvider = {
  create(ctx, props) {
    if (Array.isArray(props.VPCs) && props.VPCs.length > 0) throw new ResourceFailure('The Berth sandbox makes public hosted zones only; its private zones come from Cloud Map namespaces (AWS::ServiceDiscovery::PrivateDnsNamespace).');
    const config = (props.HostedZoneConfig ?? {}) as Record<string, unknown>;
    const { zone } = createHostedZone(ctx.core, { name: str(props, 'Name') ?? '', callerReference: uuid(), comment: str(config, 'Comment'), tags: allTags(ctx, props, 'HostedZoneTags') });
    return { physicalId: zone.id, attributes: { Id: zone.id, NameServers: zone.nameServers } };
  },
  update(ctx, resource, props) {
    const zone = findZone(ctx.core, resource.physicalId);
    if (zone) {
      zone.comment = str((props.HostedZoneConfig ?? {}) as Record<string, unknown>, 'Comment');
      zone.tags = allTags(ctx, props, 'HostedZoneTags');
      ctx.core.changed();
    }
    return resource;
  },
  delete(ctx, resource) {
    if (findZone(ctx.core, resource.physicalId)) deleteHostedZone(ctx.core, resource.physicalId);
  },
};

export const route53Providers: Record<string, ResourceProvider> = {
  'AWS::Route53::HostedZone': hostedZoneProvider,
};
