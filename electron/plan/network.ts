/**
 * A VPC over two availability zones: public subnets behind an internet gateway, optional
 * private subnets (with a NAT gateway per zone when asked), an S3 gateway endpoint, and
 * optionally a DHCP options set whose domain name becomes every task's DNS search domain.
 * Each project stack gets one (its own network, as a compose project has); the bootstrap keeps
 * the one its image builds run in.
 */
import { azs, getAtt, ref, select, sub, tagList } from './cfn';
import type { TemplateBuilder } from './stack';

export interface NetworkOptions {
  /** `berth:project` tag value (undefined for the bootstrap's network). */
  project?: string;
  /** The `Name` tag prefix of the VPC, subnets and route tables. */
  name: string;
  /** The VPC's /16, e.g. `10.0.0.0/16`; subnets are /20s inside it. */
  cidr: string;
  privateSubnets: boolean;
  /** A NAT gateway per zone, so tasks in private subnets reach the internet. */
  nat: boolean;
  /** The DHCP domain name: bare names resolve under it (`db` → `db.<domain>`). */
  searchDomain?: string;
  /** Preview rows: which group they belong to, and why each piece exists. */
  note(description: string, why: string): { group: string; description: string; why: string };
}

/** Ids of what the network created, for the resources placed in it. */
export interface Network {
  vpc: unknown;
  publicSubnets: unknown[];
  privateSubnets: unknown[];
  /** Resources a task must wait for to reach the internet and resolve names. */
  ready: string[];
}

/** `10.80.0.0/16` + block n → `10.80.<16n>.0/20`. */
function subnetCidr(vpcCidr: string, block: number): string {
  const [a, b] = vpcCidr.split('.');
  return `${a}.${b}.${block * 16}.0/20`;
}

export function addNetwork(b: TemplateBuilder, options: NetworkOptions): Network {
  const { note, name } = options;
  const tags = tagList(options.project);
  const named = (suffix: string) => tagList(options.project, { Name: `${name}${suffix}` });
  const ready: string[] = [];
  b.add(
    'Vpc',
    { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: options.cidr, EnableDnsHostnames: true, EnableDnsSupport: true, Tags: named('') } },
    note('Private network (VPC) over two availability zones', options.project ? `${options.project}’s own network, as compose gives each project one: nothing else can reach it` : 'Where image builds run; private DNS needs DNS support on'),
  );
  b.add('InternetGateway', { Type: 'AWS::EC2::InternetGateway', Properties: { Tags: tags } }, note('Internet gateway', 'Lets the load balancer and public subnets reach the internet'));
  b.add(
    'InternetGatewayAttachment',
    { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('InternetGateway') } },
    note('Attaches the internet gateway to the VPC', 'Required before public routes work'),
  );
  b.add(
    'PublicRouteTable',
    { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc'), Tags: named('-public') } },
    note('Route table of the public subnets', 'Sends internet-bound traffic to the internet gateway'),
  );
  b.add(
    'PublicDefaultRoute',
    {
      Type: 'AWS::EC2::Route',
      DependsOn: 'InternetGatewayAttachment',
      Properties: { RouteTableId: ref('PublicRouteTable'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref('InternetGateway') },
    },
    note('Default route to the internet gateway', 'Public subnets reach the internet'),
  );
  ready.push('PublicDefaultRoute');
  const routeTables: unknown[] = [ref('PublicRouteTable')];
  for (const zone of [1, 2] as const) {
    const az = select(zone - 1, azs());
    b.add(
      `PublicSubnet${zone}`,
      {
        Type: 'AWS::EC2::Subnet',
        Properties: { VpcId: ref('Vpc'), AvailabilityZone: az, CidrBlock: subnetCidr(options.cidr, zone - 1), MapPublicIpOnLaunch: true, Tags: named(`-public-${zone}`) },
      },
      note(`Public subnet in availability zone ${zone}`, options.privateSubnets ? 'Hosts the load balancer (and the containers, except in high-availability mode)' : 'Image builds run here, with a public address to fetch base images'),
    );
    b.add(
      `PublicSubnet${zone}RouteTableAssociation`,
      { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(`PublicSubnet${zone}`), RouteTableId: ref('PublicRouteTable') } },
      note(`Routes for public subnet ${zone}`, 'Connects the subnet to the internet route'),
    );
    if (!options.privateSubnets) continue;
    b.add(
      `PrivateSubnet${zone}`,
      {
        Type: 'AWS::EC2::Subnet',
        Properties: { VpcId: ref('Vpc'), AvailabilityZone: az, CidrBlock: subnetCidr(options.cidr, 8 + zone - 1), MapPublicIpOnLaunch: false, Tags: named(`-private-${zone}`) },
      },
      note(`Private subnet in availability zone ${zone}`, 'Hosts databases and caches, and containers in high-availability mode'),
    );
    b.add(
      `PrivateRouteTable${zone}`,
      { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc'), Tags: named(`-private-${zone}`) } },
      note(`Route table of private subnet ${zone}`, 'One per zone so each zone uses its own NAT gateway'),
    );
    b.add(
      `PrivateSubnet${zone}RouteTableAssociation`,
      { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(`PrivateSubnet${zone}`), RouteTableId: ref(`PrivateRouteTable${zone}`) } },
      note(`Routes for private subnet ${zone}`, 'Connects the subnet to its route table'),
    );
    routeTables.push(ref(`PrivateRouteTable${zone}`));
    if (!options.nat) continue;
    b.add(
      `NatAddress${zone}`,
      { Type: 'AWS::EC2::EIP', DependsOn: 'InternetGatewayAttachment', Properties: { Domain: 'vpc', Tags: tags } },
      note(`Public IPv4 address of NAT gateway ${zone}`, 'A NAT gateway needs a fixed public address'),
    );
    b.add(
      `NatGateway${zone}`,
      { Type: 'AWS::EC2::NatGateway', Properties: { AllocationId: getAtt(`NatAddress${zone}`, 'AllocationId'), SubnetId: ref(`PublicSubnet${zone}`), Tags: tags } },
      note(`NAT gateway in availability zone ${zone}`, 'High-availability mode keeps containers in private subnets; they reach the internet through it'),
    );
    b.add(
      `PrivateDefaultRoute${zone}`,
      { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(`PrivateRouteTable${zone}`), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ref(`NatGateway${zone}`) } },
      note(`Default route of private subnet ${zone} through its NAT gateway`, 'Containers in private subnets can pull images and call APIs'),
    );
    ready.push(`PrivateDefaultRoute${zone}`);
  }
  b.add(
    'S3Endpoint',
    { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: ref('Vpc'), VpcEndpointType: 'Gateway', ServiceName: sub('com.amazonaws.${AWS::Region}.s3'), RouteTableIds: routeTables, Tags: tags } },
    note('S3 gateway endpoint', 'Image layers and build contexts reach S3 without the internet or NAT charges'),
  );
  if (options.searchDomain) {
    b.add(
      'DhcpOptions',
      { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainName: options.searchDomain, DomainNameServers: ['AmazonProvidedDNS'], Tags: tags } },
      note(`DNS search domain ${options.searchDomain}`, 'Every compose service name resolves as a bare host name (db, http://api:8000, proxy_pass http://app), from env, config files and code alike'),
    );
    b.add(
      'DhcpOptionsAssociation',
      { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('DhcpOptions') } },
      note('Gives the VPC its search domain', 'Tasks started after it look up bare names in the project’s private zone'),
    );
    ready.push('DhcpOptionsAssociation');
  }
  const subnets = (kind: 'Public' | 'Private') => (kind === 'Private' && !options.privateSubnets ? [] : [ref(`${kind}Subnet1`), ref(`${kind}Subnet2`)]);
  return { vpc: ref('Vpc'), publicSubnets: subnets('Public'), privateSubnets: subnets('Private'), ready };
}
