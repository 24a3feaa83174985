/**
 * Resources the sandbox records without an API of its own: VPC pieces, IAM, load balancers,
 * Cloud Map and DNS records (databases and caches: `rds.ts`, `elasticache.ts`). Ids,
 * ARNs and attributes are shaped like AWS's; every host name ends in `sandbox.berth.local` and
 * public IPs come from a documentation range.
 */
import { fail } from '../../errors';
import { SANDBOX_DNS_SUFFIX } from '../../identity';
import { hex, upperId } from '../../ids';
import { availabilityZones } from '../intrinsics';
import { requireVpcRoom } from '../../ec2/vpcs';
import { refuseSubnetInUse } from '../../network/providers';
import { checkCertificates, withListenerRules, withLoadBalancerRules, withTargetGroupRules } from './load-balancing';
import { recorded } from './recorded';
import { subnetZones } from './subnets';
import { findGeneric, generatedName, str, type ProviderContext, type ResourceProvider } from './types';

/** A managed policy ARN as IAM parses it: partition, `aws` or a 12-digit account, `policy/`, optional path, name. */
const MANAGED_POLICY_ARN = /^arn:aws(-cn|-us-gov)?:iam::(aws|\d{12}):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;

const ec2Arn = (kind: string) => (ctx: ProviderContext, id: string) => `arn:aws:ec2:${ctx.core.region}:${ctx.core.account}:${kind}/${id}`;
const idOf = (prefix: string) => () => `${prefix}-${hex(17)}`;

function ec2NotFound(kind: string, id: string, code: string): never {
  fail(code, `The ${kind} ID '${id}' does not exist`, 400);
}

function requireVpc(ctx: ProviderContext, vpcId: string | undefined): void {
  if (vpcId && !findGeneric(ctx.core, 'AWS::EC2::VPC', vpcId)) ec2NotFound('vpc', vpcId, 'InvalidVpcID.NotFound');
}

function azId(region: string, az: string): string {
  const short = region.replace(/^(\w\w)-(\w)\w*-(\d+)$/, '$1$2$3');
  return `${short}-az${'abcdef'.indexOf(az.slice(-1)) + 1}`;
}

/** Standalone ingress and egress rules behave alike: they need an existing group. */
const securityGroupRule = recorded({
  tagProperty: null,
  validate(ctx, props) {
    const group = str(props, 'GroupId');
    if (group && !findGeneric(ctx.core, 'AWS::EC2::SecurityGroup', group)) ec2NotFound('security group', group, 'InvalidGroup.NotFound');
  },
  physicalId: idOf('sgr'),
  arn: ec2Arn('security-group-rule'),
  attributes: (_c, id) => ({ Id: id }),
});

const recordedTargetGroup = recorded({
  nameProperty: 'Name',
  physicalId: (ctx, props) => `arn:aws:elasticloadbalancing:${ctx.core.region}:${ctx.core.account}:targetgroup/${str(props, 'Name') ?? generatedName(ctx, 32).replace(/-+$/, '')}/${hex(16)}`,
  arn: (_c, id) => id,
  attributes: (_ctx, arn) => {
    const [, name, id] = /targetgroup\/([^/]+)\/([0-9a-f]+)$/.exec(arn)!;
    return { TargetGroupArn: arn, TargetGroupName: name, TargetGroupFullName: `targetgroup/${name}/${id}`, LoadBalancerArns: [] };
  },
});

/** What makes two target groups "the same settings" for CreateTargetGroup (tags aside). */
function targetGroupSettings(props: Record<string, unknown>): string {
  const { Tags: _tags, ...settings } = props;
  void _tags;
  return JSON.stringify(Object.fromEntries(Object.entries(settings).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/**
 * Target group names are unique per account and region. CreateTargetGroup is idempotent: the same
 * name with the same settings returns the existing group; the same name with other settings is
 * refused with DuplicateTargetGroupName.
 */
const targetGroupProvider: ResourceProvider = {
  ...recordedTargetGroup,
  create(ctx, props) {
    const name = str(props, 'Name');
    const existing = name ? [...ctx.core.state.resources.values()].find((r) => r.type === 'AWS::ElasticLoadBalancingV2::TargetGroup' && r.attributes.TargetGroupName === name) : undefined;
    if (existing) {
      if (targetGroupSettings(existing.properties) === targetGroupSettings(props)) return { physicalId: existing.physicalId, attributes: existing.attributes };
      fail('DuplicateTargetGroupName', `A target group with the same name '${name}' exists, but with different settings`);
    }
    return recordedTargetGroup.create(ctx, props);
  },
};

export const infrastructureProviders: Record<string, ResourceProvider> = {
  'AWS::EC2::VPC': recorded({
    validate: (ctx) => requireVpcRoom(ctx),
    physicalId: idOf('vpc'),
    arn: ec2Arn('vpc'),
    attributes: (_ctx, id, props) => ({ VpcId: id, CidrBlock: str(props, 'CidrBlock') ?? '10.0.0.0/16', CidrBlockAssociations: [`vpc-cidr-assoc-${hex(17)}`], DefaultNetworkAcl: `acl-${hex(17)}`, DefaultSecurityGroup: `sg-${hex(17)}`, Ipv6CidrBlocks: [] }),
  }),
  'AWS::EC2::Subnet': recorded({
    validate(ctx, props) {
      requireVpc(ctx, str(props, 'VpcId'));
      const az = str(props, 'AvailabilityZone');
      const zones = availabilityZones(ctx.core.region);
      if (az && !zones.includes(az)) fail('InvalidParameterValue', `Value (${az}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.join(', ')}.`);
    },
    physicalId: idOf('subnet'),
    arn: ec2Arn('subnet'),
    beforeDelete: (ctx, resource) => refuseSubnetInUse(ctx.core, resource.physicalId),
    attributes: (ctx, id, props) => {
      const az = str(props, 'AvailabilityZone') ?? `${ctx.core.region}a`;
      return { SubnetId: id, VpcId: str(props, 'VpcId'), AvailabilityZone: az, AvailabilityZoneId: azId(ctx.core.region, az), CidrBlock: str(props, 'CidrBlock'), NetworkAclAssociationId: `aclassoc-${hex(17)}`, Ipv6CidrBlocks: [], OutpostArn: '', BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' } };
    },
  }),
  'AWS::EC2::InternetGateway': recorded({ physicalId: idOf('igw'), arn: ec2Arn('internet-gateway'), attributes: (_c, id) => ({ InternetGatewayId: id }) }),
  'AWS::EC2::VPCGatewayAttachment': recorded({
    tagProperty: null,
    validate: (ctx, props) => requireVpc(ctx, str(props, 'VpcId')),
    physicalId: (_c, props) => `IGW|${str(props, 'VpcId')}`,
    arn: (ctx, id) => `${ec2Arn('vpc-gateway-attachment')(ctx, id.replace('|', '-'))}`,
    refresh: () => ({}),
  }),
  'AWS::EC2::RouteTable': recorded({ validate: (ctx, props) => requireVpc(ctx, str(props, 'VpcId')), physicalId: idOf('rtb'), arn: ec2Arn('route-table'), attributes: (_c, id) => ({ RouteTableId: id }) }),
  'AWS::EC2::Route': recorded({
    tagProperty: null,
    physicalId: (_c, props) => `${str(props, 'RouteTableId')}|${str(props, 'DestinationCidrBlock') ?? str(props, 'DestinationIpv6CidrBlock') ?? str(props, 'DestinationPrefixListId')}`,
    arn: (ctx, id) => ec2Arn('route')(ctx, id.replace('|', '/')),
    attributes: (_c, _id, props) => ({ CidrBlock: str(props, 'DestinationCidrBlock') }),
  }),
  'AWS::EC2::SubnetRouteTableAssociation': recorded({ tagProperty: null, physicalId: idOf('rtbassoc'), arn: ec2Arn('route-table-association'), attributes: (_c, id) => ({ Id: id }) }),
  'AWS::EC2::VPCEndpoint': recorded({
    tagProperty: null,
    validate: (ctx, props) => requireVpc(ctx, str(props, 'VpcId')),
    physicalId: idOf('vpce'),
    arn: ec2Arn('vpc-endpoint'),
    attributes: (_c, id) => ({ Id: id, CreationTimestamp: new Date().toISOString(), DnsEntries: [], NetworkInterfaceIds: [] }),
  }),
  'AWS::EC2::NatGateway': recorded({ duration: 'natGateway', physicalId: idOf('nat'), arn: ec2Arn('natgateway'), attributes: (_c, id) => ({ NatGatewayId: id, EniId: `eni-${hex(17)}` }) }),
  'AWS::EC2::EIP': recorded({
    // 198.51.100.0/24 is reserved for documentation: never a real address.
    physicalId: () => `198.51.100.${1 + Math.floor(Math.random() * 254)}`,
    arn: (ctx, id) => ec2Arn('elastic-ip')(ctx, id),
    attributes: (_c, id) => ({ PublicIp: id, AllocationId: `eipalloc-${hex(17)}` }),
  }),
  'AWS::EC2::SecurityGroup': recorded({
    validate(ctx, props) {
      requireVpc(ctx, str(props, 'VpcId'));
      const rules = (Array.isArray(props.SecurityGroupIngress) ? props.SecurityGroupIngress.length : 0) + (Array.isArray(props.SecurityGroupEgress) ? props.SecurityGroupEgress.length : 0);
      if (rules > 60) fail('RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.');
    },
    physicalId: idOf('sg'),
    arn: ec2Arn('security-group'),
    attributes: (_c, id, props) => ({ GroupId: id, Id: id, VpcId: str(props, 'VpcId') }),
  }),
  'AWS::EC2::SecurityGroupIngress': securityGroupRule,
  'AWS::EC2::SecurityGroupEgress': securityGroupRule,
  'AWS::IAM::Role': recorded({
    nameProperty: 'RoleName',
    validate(_ctx, props) {
      // IAM refuses a malformed policy ARN with InvalidInput: "ARN <arn> is not valid."
      const arns = Array.isArray(props.ManagedPolicyArns) ? props.ManagedPolicyArns : [];
      for (const arn of arns) if (typeof arn !== 'string' || !MANAGED_POLICY_ARN.test(arn)) fail('InvalidInput', `ARN ${String(arn)} is not valid.`);
    },
    physicalId: (ctx, props) => str(props, 'RoleName') ?? generatedName(ctx, 64),
    arn: (ctx, id, props) => `arn:aws:iam::${ctx.core.account}:role${str(props, 'Path') ?? '/'}${id}`,
    attributes: (ctx, id, props) => ({ Arn: `arn:aws:iam::${ctx.core.account}:role${str(props, 'Path') ?? '/'}${id}`, RoleId: `AROA${upperId(17)}` }),
  }),
  'AWS::IAM::Policy': recorded({
    tagProperty: null,
    physicalId: (ctx) => `${ctx.stack.name.slice(0, 5)}-${ctx.logicalId.slice(0, 5)}-${upperId(12)}`,
    arn: (ctx, id) => `arn:aws:iam::${ctx.core.account}:inline-policy/${id}`,
    attributes: (_c, id) => ({ Id: id }),
  }),
  'AWS::ElasticLoadBalancingV2::LoadBalancer': withLoadBalancerRules(recorded({
    duration: 'loadBalancer',
    nameProperty: 'Name',
    validate(ctx, props) {
      const zones = subnetZones(ctx, props.Subnets);
      if (zones && new Set(zones).size < 2 && str(props, 'Type') !== 'network') fail('ValidationError', 'At least two subnets in two different Availability Zones must be specified');
    },
    physicalId: (ctx, props) => {
      const name = str(props, 'Name') ?? generatedName(ctx, 32).replace(/-+$/, '');
      return `arn:aws:elasticloadbalancing:${ctx.core.region}:${ctx.core.account}:loadbalancer/${str(props, 'Type') === 'network' ? 'net' : 'app'}/${name}/${hex(16)}`;
    },
    arn: (_c, id) => id,
    attributes: (ctx, arn, props) => {
      const [, kind, name, id] = /loadbalancer\/(app|net)\/([^/]+)\/([0-9a-f]+)$/.exec(arn)!;
      const internal = str(props, 'Scheme') === 'internal' ? 'internal-' : '';
      return {
        LoadBalancerArn: arn,
        LoadBalancerName: name,
        LoadBalancerFullName: `${kind}/${name}/${id}`,
        DNSName: `${internal}${name}-${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}.${ctx.core.region}.elb.${SANDBOX_DNS_SUFFIX}`,
        CanonicalHostedZoneID: 'ZSANDBOXBERTHELB',
      };
    },
    refresh: (_c, _id, props) => ({ SecurityGroups: Array.isArray(props.SecurityGroups) ? props.SecurityGroups : [] }),
  })),
  'AWS::ElasticLoadBalancingV2::TargetGroup': withTargetGroupRules(targetGroupProvider),
  'AWS::ElasticLoadBalancingV2::Listener': withListenerRules(recorded({
    validate(ctx, props) {
      const lb = str(props, 'LoadBalancerArn') ?? '';
      if (!findGeneric(ctx.core, 'AWS::ElasticLoadBalancingV2::LoadBalancer', lb)) fail('LoadBalancerNotFound', `One or more load balancers not found`);
      if (str(props, 'Protocol') === 'HTTPS' && !(Array.isArray(props.Certificates) && props.Certificates.length > 0)) fail('ValidationError', 'A certificate must be specified for HTTPS listeners');
    },
    physicalId: (_ctx, props) => `${str(props, 'LoadBalancerArn')!.replace(':loadbalancer/', ':listener/')}/${hex(16)}`,
    arn: (_c, id) => id,
    attributes: (_c, id) => ({ ListenerArn: id }),
  })),
  'AWS::ElasticLoadBalancingV2::ListenerRule': recorded({
    tagProperty: null,
    physicalId: (_ctx, props) => `${str(props, 'ListenerArn')!.replace(':listener/', ':listener-rule/')}/${hex(16)}`,
    arn: (_c, id) => id,
    attributes: (_c, id) => ({ RuleArn: id, IsDefault: false }),
  }),
  'AWS::ElasticLoadBalancingV2::ListenerCertificate': recorded({
    tagProperty: null,
    validate: (ctx, props) => checkCertificates(ctx.core, props.Certificates),
    physicalId: (ctx) => generatedName(ctx),
    arn: (ctx, id) => `arn:aws:elasticloadbalancing:${ctx.core.region}:${ctx.core.account}:listener-certificate/${id}`,
  }),
  'AWS::ServiceDiscovery::PrivateDnsNamespace': recorded({
    duration: 'cloudMap',
    validate: (ctx, props) => requireVpc(ctx, str(props, 'Vpc')),
    physicalId: () => `ns-${hex(16)}`,
    arn: (ctx, id) => `arn:aws:servicediscovery:${ctx.core.region}:${ctx.core.account}:namespace/${id}`,
    attributes: (ctx, id) => ({ Id: id, Arn: `arn:aws:servicediscovery:${ctx.core.region}:${ctx.core.account}:namespace/${id}`, HostedZoneId: `Z${upperId(20)}` }),
  }),
  'AWS::ServiceDiscovery::Service': recorded({
    physicalId: () => `srv-${hex(16)}`,
    arn: (ctx, id) => `arn:aws:servicediscovery:${ctx.core.region}:${ctx.core.account}:service/${id}`,
    attributes: (ctx, id) => ({ Id: id, Arn: `arn:aws:servicediscovery:${ctx.core.region}:${ctx.core.account}:service/${id}` }),
    refresh: (ctx, _id, props) => ({ Name: str(props, 'Name') ?? ctx.logicalId }),
  }),
};
