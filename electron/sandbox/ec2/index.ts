/**
 * EC2 over its own query protocol: form-encoded `Action=...` with flattened lists (`VpcId.1`,
 * `Filter.1.Name`, `Filter.1.Value.1`), lowerCamel XML answers with `<requestId>` and `<item>`
 * lists, and errors as `<Response><Errors><Error>`. DescribeVpcs lists the Region's VPCs,
 * DescribeInstances the instances Auto Scaling launched.
 */
import { createHash } from 'node:crypto';
import type { SandboxCore } from '../core';
import { fail, type SandboxError } from '../errors';
import type { SandboxRequest, SandboxResponse } from '../http';
import { parseQuery, type QueryInput } from '../protocol/query';
import { document, XmlList, type XmlValue } from '../protocol/xml';
import type { GenericResource } from '../state';
import { describeInstances } from './instances';
import { applyFilters, filtersOf, pageAfter, pageSize, strings } from './query';
import { vpcsIn } from './vpcs';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** The default DHCP options a Region's VPCs get until another set is associated (stable per Region). */
function dhcpOptionsId(core: SandboxCore, vpc: GenericResource): string {
  for (const r of core.state.resources.values()) if (r.type === 'AWS::EC2::VPCDHCPOptionsAssociation' && r.properties.VpcId === vpc.physicalId) return String(r.properties.DhcpOptionsId);
  return `dopt-${createHash('sha256').update(`${core.account}/${vpc.region}`).digest('hex').slice(0, 17)}`;
}

/** The DescribeVpcs filters the sandbox understands (besides `tag:<key>`). */
const FILTERS = new Set(['vpc-id', 'is-default', 'tag-key', 'state', 'cidr', 'cidr-block-association.cidr-block', 'owner-id', 'dhcp-options-id']);

function filterValue(vpc: GenericResource, name: string, core: SandboxCore): string[] {
  if (name.startsWith('tag:')) {
    const v = vpc.tags[name.slice(4)];
    return v === undefined ? [] : [v];
  }
  switch (name) {
    case 'vpc-id':
      return [vpc.physicalId];
    case 'is-default':
      return [String(vpc.attributes.IsDefault === true)];
    case 'tag-key':
      return Object.keys(vpc.tags);
    case 'state':
      return ['available'];
    case 'cidr':
    case 'cidr-block-association.cidr-block':
      return [cidrOf(vpc)];
    case 'owner-id':
      return [core.account];
    case 'dhcp-options-id':
      return [dhcpOptionsId(core, vpc)];
    default:
      return [];
  }
}

const cidrOf = (vpc: GenericResource) => String(vpc.attributes.CidrBlock ?? vpc.properties.CidrBlock ?? '10.0.0.0/16');

function vpcItem(core: SandboxCore, vpc: GenericResource): { [key: string]: XmlValue } {
  const tags = Object.entries(vpc.tags).map(([key, value]) => ({ key, value }));
  const associations = Array.isArray(vpc.attributes.CidrBlockAssociations) ? vpc.attributes.CidrBlockAssociations : [];
  return {
    cidrBlock: cidrOf(vpc),
    dhcpOptionsId: dhcpOptionsId(core, vpc),
    state: 'available',
    vpcId: vpc.physicalId,
    ownerId: core.account,
    instanceTenancy: String(vpc.properties.InstanceTenancy ?? 'default'),
    cidrBlockAssociationSet: new XmlList([{ associationId: String(associations[0] ?? `vpc-cidr-assoc-${vpc.physicalId.slice(4)}`), cidrBlock: cidrOf(vpc), cidrBlockState: { state: 'associated' } }], 'item'),
    isDefault: vpc.attributes.IsDefault === true,
    // EC2 leaves the tag set out of an untagged VPC.
    tagSet: tags.length > 0 ? new XmlList(tags, 'item') : undefined,
  };
}

function describeVpcs(core: SandboxCore, region: string, input: QueryInput): { [key: string]: XmlValue } {
  const ids = strings(input.VpcId);
  const filters = filtersOf(input, FILTERS);
  const max = pageSize(input);
  let vpcs = vpcsIn(core, region);
  const missing = ids.find((id) => !vpcs.some((v) => v.physicalId === id));
  if (missing) fail('InvalidVpcID.NotFound', `The vpc ID '${missing}' does not exist`);
  if (ids.length > 0) vpcs = vpcs.filter((v) => ids.includes(v.physicalId));
  vpcs = applyFilters(vpcs, filters, (v, name) => filterValue(v, name, core));
  const { page, nextToken } = pageAfter(vpcs, (v) => v.physicalId, input, max);
  return { vpcSet: new XmlList(page.map((v) => vpcItem(core, v)), 'item'), nextToken };
}

/** An EC2 answer: `<ActionResponse xmlns=...><requestId/>...</ActionResponse>`, no Result wrapper. */
function ec2Response(action: string, body: { [key: string]: XmlValue }, requestId: string): SandboxResponse {
  const xml = document(`${action}Response`, EC2_NAMESPACE, { requestId, ...body });
  return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, body: xml };
}

/** EC2's error shape: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`. */
export function ec2Error(error: SandboxError, requestId: string): SandboxResponse {
  const xml = document('Response', undefined, { Errors: { Error: { Code: error.code, Message: error.message } }, RequestID: requestId });
  return { status: error.status, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, body: xml };
}

/** Handles one EC2 request. */
export async function handleEc2(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  const { action, input } = parseQuery(req.body.toString('utf8'));
  switch (action) {
    case 'DescribeVpcs':
      return ec2Response(action, describeVpcs(core, req.region, input), req.requestId);
    case 'DescribeInstances':
      return ec2Response(action, describeInstances(core, req.region, input), req.requestId);
    default:
      fail('InvalidAction', `The action ${action} is not valid for this web service. (The Berth sandbox implements DescribeVpcs and DescribeInstances.)`);
  }
}
