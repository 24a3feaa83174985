/**
 * AWS names in the words of a developer who knows Compose: resource types, stack statuses,
 * deploy phases and modes. Screens show these words and keep the AWS name for the hover.
 */
import type { DeployPhase } from '../../../shared/domain/deploy';
import type { DeploymentMode } from '../../../shared/domain/plan';

const RESOURCE_WORDS: Record<string, string> = {
  'AWS::CloudFormation::Stack': 'Resource group (stack)',
  'AWS::S3::Bucket': 'Storage bucket',
  'AWS::S3::BucketPolicy': 'Storage bucket access rules',
  'AWS::ECS::Cluster': 'Container cluster',
  'AWS::ECS::ClusterCapacityProviderAssociations': 'Cluster capacity settings',
  'AWS::ECS::Service': 'Running service',
  'AWS::ECS::TaskDefinition': 'Container definition',
  'AWS::ECR::Repository': 'Image registry',
  'AWS::ECR::PullThroughCacheRule': 'Public image cache',
  'AWS::CodeBuild::Project': 'Image builder',
  'AWS::EC2::VPC': 'Private network',
  'AWS::EC2::DHCPOptions': 'Network DNS settings',
  'AWS::EC2::VPCDHCPOptionsAssociation': 'Network DNS settings link',
  'AWS::CloudFormation::WaitCondition': 'One-off step (runs once)',
  'AWS::CloudFormation::WaitConditionHandle': 'One-off step signal',
  'AWS::EC2::Subnet': 'Network subnet',
  'AWS::EC2::InternetGateway': 'Internet gateway',
  'AWS::EC2::VPCGatewayAttachment': 'Internet gateway attachment',
  'AWS::EC2::RouteTable': 'Network routes',
  'AWS::EC2::Route': 'Network route',
  'AWS::EC2::SubnetRouteTableAssociation': 'Subnet routing',
  'AWS::EC2::VPCEndpoint': 'Private link to storage',
  'AWS::EC2::NatGateway': 'Outbound gateway (NAT)',
  'AWS::EC2::EIP': 'Fixed public address',
  'AWS::EC2::SecurityGroup': 'Firewall rules',
  'AWS::EC2::SecurityGroupIngress': 'Firewall rule',
  'AWS::EC2::SecurityGroupEgress': 'Firewall rule (outbound)',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Load balancer',
  'AWS::ElasticLoadBalancingV2::Listener': 'Load balancer port',
  'AWS::ElasticLoadBalancingV2::ListenerRule': 'Load balancer rule',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Load balancer target',
  'AWS::CertificateManager::Certificate': 'HTTPS certificate',
  'AWS::Logs::LogGroup': 'Log storage',
  'AWS::Logs::ResourcePolicy': 'Log write permission',
  'AWS::Events::Rule': 'Event forwarding rule',
  'AWS::IAM::Role': 'Permissions role',
  'AWS::IAM::Policy': 'Permissions policy',
  'AWS::ServiceDiscovery::PrivateDnsNamespace': 'Private DNS zone',
  'AWS::ServiceDiscovery::Service': 'Private DNS name',
  'AWS::Route53::RecordSet': 'DNS record',
  'AWS::RDS::DBInstance': 'Managed Postgres database',
  'AWS::RDS::DBSubnetGroup': 'Database network placement',
  'AWS::RDS::DBParameterGroup': 'Database settings',
  'AWS::ElastiCache::CacheCluster': 'Managed Redis',
  'AWS::ElastiCache::ReplicationGroup': 'Managed Redis (with failover)',
  'AWS::ElastiCache::SubnetGroup': 'Redis network placement',
  'AWS::SSM::Parameter': 'Stored setting',
};

/** "Load balancer" for `AWS::ElasticLoadBalancingV2::LoadBalancer`; a readable fallback for unknown types. */
export function resourceWords(type: string): string {
  const known = RESOURCE_WORDS[type];
  if (known) return known;
  const last = type.split('::').pop() ?? type;
  return last.replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** A stack or resource status in words: `CREATE_IN_PROGRESS` → "Creating". */
export function statusWords(status: string): string {
  const map: Record<string, string> = {
    CREATE_IN_PROGRESS: 'Creating',
    CREATE_COMPLETE: 'Created',
    CREATE_FAILED: 'Could not create',
    UPDATE_IN_PROGRESS: 'Updating',
    UPDATE_COMPLETE: 'Up to date',
    UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'Cleaning up after update',
    UPDATE_FAILED: 'Could not update',
    UPDATE_ROLLBACK_IN_PROGRESS: 'Undoing a failed update',
    UPDATE_ROLLBACK_COMPLETE: 'Failed update undone',
    UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: 'Cleaning up after undo',
    UPDATE_ROLLBACK_FAILED: 'Could not undo the update',
    ROLLBACK_IN_PROGRESS: 'Undoing a failed creation',
    ROLLBACK_COMPLETE: 'Failed creation undone',
    ROLLBACK_FAILED: 'Could not undo the creation',
    DELETE_IN_PROGRESS: 'Deleting',
    DELETE_COMPLETE: 'Deleted',
    DELETE_FAILED: 'Could not delete',
    DELETE_SKIPPED: 'Kept (not deleted)',
    REVIEW_IN_PROGRESS: 'Waiting for review',
    IMPORT_COMPLETE: 'Imported',
  };
  return map[status] ?? status.toLowerCase().replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Colour for a status badge: green done, blue in progress, red failed, yellow rolled back. */
export function statusColor(status: string): string {
  if (/FAILED/.test(status)) return 'red';
  if (/ROLLBACK/.test(status)) return 'yellow';
  if (/IN_PROGRESS/.test(status)) return 'blue';
  if (/COMPLETE/.test(status)) return 'green';
  return 'gray';
}

/** True for a stack or resource status that ended badly. */
export function isFailureStatus(status: string): boolean {
  return /FAILED|ROLLBACK_COMPLETE|ROLLBACK_IN_PROGRESS/.test(status);
}

export const PHASE_WORDS: Record<DeployPhase, { label: string; description: string }> = {
  validate: { label: 'Check files', description: 'Read and validate the compose files' },
  connection: { label: 'Check account', description: 'Same account and region as last time' },
  config: { label: 'Check secrets', description: 'Every required config value is set' },
  bootstrap: { label: 'Prepare account', description: 'Shared network, cluster and storage (once per region)' },
  package: { label: 'Package sources', description: 'Pack each build folder' },
  upload: { label: 'Upload sources', description: 'Send changed build folders to your storage bucket' },
  build: { label: 'Build images', description: 'Build container images inside your account' },
  secrets: { label: 'Write settings', description: 'Compute connection strings that hold secrets' },
  stack: { label: 'Create resources', description: 'Apply the changes to your cloud resources' },
  rollout: { label: 'Start services', description: 'Wait until the new containers are healthy' },
  record: { label: 'Save record', description: 'Keep what was deployed, for history' },
};

export const MODE_WORDS: Record<DeploymentMode, { label: string; description: string }> = {
  affordable: { label: 'Affordable', description: 'Spare-capacity containers (may be interrupted), smallest database. Cheapest.' },
  balanced: { label: 'Balanced', description: 'Regular containers, small database. Good for most apps.' },
  high_availability: { label: 'High availability', description: 'At least two copies of each service, private network, databases with failover.' },
};

/** Duration between two ISO times in words: "42 s", "3 min 5 s". */
export function durationWords(startIso: string, endIso?: string): string {
  const start = Date.parse(startIso);
  const end = endIso ? Date.parse(endIso) : Date.now();
  if (Number.isNaN(start) || Number.isNaN(end)) return '';
  const seconds = Math.max(0, Math.round((end - start) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

/** A local date and time for an ISO string (unchanged when it does not parse). */
export function localTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** US dollars per month: "$12.40". */
export function usd(amount: number): string {
  const text = `$${Math.abs(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return amount < 0 ? `−${text}` : text;
}

/** The last folder name of a path. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** A path relative to a folder when it lies inside it. */
export function relativeTo(dir: string, path: string): string {
  const prefix = dir.endsWith('/') || dir.endsWith('\\') ? dir : dir + (dir.includes('\\') && !dir.includes('/') ? '\\' : '/');
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}
