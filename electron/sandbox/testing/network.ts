/** Template fragments for sandbox tests whose tasks must pull images: a way out of the VPC, as Fargate needs. */

/** An internet gateway, a route table with a default route to it, and the subnets' associations (tasks also need a public IP). */
export function internetAccess(prefix: string, vpc: string, subnets: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    [`${prefix}Igw`]: { Type: 'AWS::EC2::InternetGateway' },
    [`${prefix}IgwAttachment`]: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: vpc }, InternetGatewayId: { Ref: `${prefix}Igw` } } },
    [`${prefix}Routes`]: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: vpc } } },
    [`${prefix}DefaultRoute`]: { Type: 'AWS::EC2::Route', DependsOn: `${prefix}IgwAttachment`, Properties: { RouteTableId: { Ref: `${prefix}Routes` }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: `${prefix}Igw` } } },
  };
  for (const subnet of subnets) out[`${prefix}${subnet}Routes`] = { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: subnet }, RouteTableId: { Ref: `${prefix}Routes` } } };
  return out;
}
