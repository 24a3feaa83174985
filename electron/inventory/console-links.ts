/** Links from a resource to its page in the AWS console (only for AWS itself, not custom endpoints). */

function regional(region: string, path: string): string {
  return `https://${region}.console.aws.amazon.com/${path}`;
}

/** The ARN's resource part after `prefix`, e.g. `service/cluster/name` → [`cluster`, `name`]. */
function arnParts(arn: string, prefix: string): string[] | undefined {
  const resource = arn.split(':').slice(5).join(':');
  return resource.startsWith(prefix) ? resource.slice(prefix.length).split('/') : undefined;
}

/** The console page of a CloudFormation resource, by type and physical id; undefined when there is none. */
export function resourceConsoleUrl(region: string, account: string, type: string, physicalId: string): string | undefined {
  const q = `region=${region}`;
  const id = encodeURIComponent(physicalId);
  switch (type) {
    case 'AWS::S3::Bucket':
      return `https://s3.console.aws.amazon.com/s3/buckets/${id}?${q}`;
    case 'AWS::ECS::Cluster':
      return regional(region, `ecs/v2/clusters/${id}?${q}`);
    case 'AWS::ECS::Service': {
      const parts = arnParts(physicalId, 'service/');
      return parts && parts.length === 2 ? regional(region, `ecs/v2/clusters/${parts[0]}/services/${parts[1]}?${q}`) : undefined;
    }
    case 'AWS::ECS::TaskDefinition': {
      const parts = arnParts(physicalId, 'task-definition/');
      const [family, revision] = (parts?.[0] ?? '').split(':');
      return family && revision ? regional(region, `ecs/v2/task-definitions/${family}/${revision}?${q}`) : undefined;
    }
    case 'AWS::CodeBuild::Project':
      return regional(region, `codesuite/codebuild/projects/${encodeURIComponent(physicalId)}/history?${q}`);
    case 'AWS::Logs::LogGroup':
      return regional(region, `cloudwatch/home?${q}#logsV2:log-groups/log-group/${encodeURIComponent(encodeURIComponent(physicalId))}`);
    case 'AWS::EC2::VPC':
      return regional(region, `vpcconsole/home?${q}#VpcDetails:VpcId=${id}`);
    case 'AWS::EC2::Subnet':
      return regional(region, `vpcconsole/home?${q}#SubnetDetails:subnetId=${id}`);
    case 'AWS::EC2::InternetGateway':
      return regional(region, `vpcconsole/home?${q}#InternetGateway:internetGatewayId=${id}`);
    case 'AWS::EC2::NatGateway':
      return regional(region, `vpcconsole/home?${q}#NatGatewayDetails:natGatewayId=${id}`);
    case 'AWS::EC2::RouteTable':
      return regional(region, `vpcconsole/home?${q}#RouteTableDetails:RouteTableId=${id}`);
    case 'AWS::EC2::SecurityGroup':
      return regional(region, `ec2/home?${q}#SecurityGroup:groupId=${id}`);
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      return regional(region, `ec2/home?${q}#LoadBalancer:loadBalancerArn=${id}`);
    case 'AWS::ElasticLoadBalancingV2::TargetGroup':
      return regional(region, `ec2/home?${q}#TargetGroup:targetGroupArn=${id}`);
    case 'AWS::IAM::Role':
      return `https://console.aws.amazon.com/iam/home#/roles/details/${id}`;
    case 'AWS::RDS::DBInstance':
      return regional(region, `rds/home?${q}#database:id=${id}`);
    case 'AWS::ElastiCache::ReplicationGroup':
    case 'AWS::ElastiCache::CacheCluster':
      return regional(region, `elasticache/home?${q}#/redis/${id}`);
    case 'AWS::ECR::Repository':
      return regional(region, `ecr/repositories/private/${account}/${physicalId}?${q}`);
    case 'AWS::ServiceDiscovery::PrivateDnsNamespace':
      return regional(region, `cloudmap/home?${q}#/namespaces/${id}`);
    case 'AWS::Events::Rule':
      return regional(region, `events/home?${q}#/eventbus/default/rules/${id}`);
    case 'AWS::SSM::Parameter':
      return regional(region, `systems-manager/parameters/${physicalId.replace(/^\//, '')}/description?${q}`);
    default:
      return undefined;
  }
}

/** The console page of a tagged resource found by ARN (ECR repositories, parameters, snapshots). */
export function arnConsoleUrl(region: string, account: string, arn: string): string | undefined {
  const [, , service, , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  if (service === 'ecr' && resource.startsWith('repository/')) return resourceConsoleUrl(region, account, 'AWS::ECR::Repository', resource.slice('repository/'.length));
  if (service === 'ssm' && resource.startsWith('parameter/')) return resourceConsoleUrl(region, account, 'AWS::SSM::Parameter', resource.slice('parameter'.length));
  if (service === 'rds' && resource.startsWith('snapshot:')) return regional(region, `rds/home?region=${region}#db-snapshot:id=${encodeURIComponent(resource.slice('snapshot:'.length))}`);
  if (service === 'elasticache' && resource.startsWith('snapshot:')) return regional(region, `elasticache/home?region=${region}#/snapshots/${encodeURIComponent(resource.slice('snapshot:'.length))}`);
  return undefined;
}
