/**
 * DescribeInstances over the instances Auto Scaling launched: one reservation per launch, states
 * with EC2's codes, CPU options (cores × threads) and tags, the filters callers use, and a
 * terminated instance still listed for an hour, as in EC2.
 */
import { createHash } from 'node:crypto';
import type { SandboxCore } from '../core';
import { fail } from '../errors';
import type { QueryInput } from '../protocol/query';
import { XmlList, type XmlValue } from '../protocol/xml';
import type { Ec2Instance } from '../state';
import { findGeneric } from '../cloudformation/providers/types';
import { instanceType } from './instance-types';
import { applyFilters, filtersOf, pageAfter, pageSize, strings } from './query';

/** How long EC2 keeps listing a terminated instance. */
const TERMINATED_VISIBLE_MS = 60 * 60_000;

const STATE_CODES: Record<Ec2Instance['state'], number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48 };

const FILTERS = new Set(['instance-id', 'instance-type', 'instance-state-name', 'instance-state-code', 'instance-lifecycle', 'availability-zone', 'subnet-id', 'vpc-id', 'image-id', 'private-ip-address', 'tag-key']);

const regionOf = (zone: string) => zone.replace(/[a-z]$/, '');
const vpcOf = (core: SandboxCore, i: Ec2Instance) => (i.subnetId ? findGeneric(core, 'AWS::EC2::Subnet', i.subnetId)?.properties.VpcId : undefined) as string | undefined;

/** A type's vCPUs as cores × threads (two threads a core, as on the x86 types the sandbox knows). */
function cpuOptions(type: string): { coreCount: number; threadsPerCore: number } {
  const vcpus = instanceType(type)?.vcpus ?? 2;
  return vcpus % 2 === 0 ? { coreCount: vcpus / 2, threadsPerCore: 2 } : { coreCount: vcpus, threadsPerCore: 1 };
}

function valuesOf(core: SandboxCore, i: Ec2Instance, name: string): string[] {
  if (name.startsWith('tag:')) {
    const v = i.tags[name.slice(4)];
    return v === undefined ? [] : [v];
  }
  const values: Record<string, (string | undefined)[]> = {
    'instance-id': [i.id],
    'instance-type': [i.type],
    'instance-state-name': [i.state],
    'instance-state-code': [String(STATE_CODES[i.state])],
    // On-Demand instances have no lifecycle value, so only `spot` matches anything.
    'instance-lifecycle': [i.market === 'spot' ? 'spot' : undefined],
    'availability-zone': [i.availabilityZone],
    'subnet-id': [i.subnetId],
    'vpc-id': [vpcOf(core, i)],
    'image-id': [i.imageId],
    'private-ip-address': [i.privateIp],
    'tag-key': Object.keys(i.tags),
  };
  return (values[name] ?? []).filter((v): v is string => v !== undefined);
}

function instanceItem(core: SandboxCore, i: Ec2Instance): { [key: string]: XmlValue } {
  const tags = Object.entries(i.tags).map(([key, value]) => ({ key, value }));
  const running = i.state === 'pending' || i.state === 'running';
  return {
    instanceId: i.id,
    imageId: i.imageId,
    instanceState: { code: STATE_CODES[i.state], name: i.state },
    privateDnsName: running ? `ip-${i.privateIp.replaceAll('.', '-')}.ec2.internal` : '',
    instanceType: i.type,
    launchTime: new Date(i.launchedAt).toISOString(),
    placement: { availabilityZone: i.availabilityZone, tenancy: 'default' },
    subnetId: running ? i.subnetId : undefined,
    vpcId: running ? vpcOf(core, i) : undefined,
    privateIpAddress: running ? i.privateIp : undefined,
    ipAddress: running ? i.publicIp : undefined,
    architecture: 'x86_64',
    instanceLifecycle: i.market === 'spot' ? 'spot' : undefined,
    groupSet: new XmlList(i.securityGroups.map((groupId) => ({ groupId })), 'item'),
    tagSet: tags.length > 0 ? new XmlList(tags, 'item') : undefined,
    cpuOptions: cpuOptions(i.type),
  };
}

/** The reservation a launch made (stable for the instance). */
const reservationId = (i: Ec2Instance) => `r-${createHash('sha256').update(i.id).digest('hex').slice(0, 17)}`;

export function describeInstances(core: SandboxCore, region: string, input: QueryInput): { [key: string]: XmlValue } {
  const ids = strings(input.InstanceId);
  const filters = filtersOf(input, FILTERS);
  const max = pageSize(input);
  if (ids.length > 0 && max !== undefined) fail('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  const malformed = ids.find((id) => !/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id));
  if (malformed) fail('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
  const now = Date.now();
  let instances = [...core.state.ec2.instances.values()]
    .filter((i) => regionOf(i.availabilityZone) === region && (i.state !== 'terminated' || now - (i.terminatedAt ?? now) < TERMINATED_VISIBLE_MS))
    .sort((a, b) => a.launchedAt - b.launchedAt || a.id.localeCompare(b.id));
  if (ids.length > 0) {
    const missing = ids.filter((id) => !instances.some((i) => i.id === id));
    if (missing.length > 0) fail('InvalidInstanceID.NotFound', missing.length === 1 ? `The instance ID '${missing[0]}' does not exist` : `The instance IDs '${missing.join(', ')}' do not exist`);
    instances = instances.filter((i) => ids.includes(i.id));
  }
  instances = applyFilters(instances, filters, (i, name) => valuesOf(core, i, name));
  const { page, nextToken } = pageAfter(instances, (i) => i.id, input, max);
  const reservations = page.map((i) => ({ reservationId: reservationId(i), ownerId: core.account, groupSet: new XmlList([], 'item'), instancesSet: new XmlList([instanceItem(core, i)], 'item') }));
  return { reservationSet: new XmlList(reservations, 'item'), nextToken };
}
