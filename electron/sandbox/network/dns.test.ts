import { describe, expect, it } from 'vitest';
import { internetAccess } from '../testing/network';
import { CreateStackCommand, DeleteStackCommand, DescribeStackEventsCommand, DescribeStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { sandboxForSuite } from '../testing/clients';

/** A VPC with two subnets, a Cloud Map namespace, an `api` service with one task, and a `db` CNAME to RDS. */
function networkTemplate(options: { domain?: string; servers?: string[]; hostnames?: boolean; namespace?: string; env?: Record<string, string>; command?: string[] }) {
  const namespace = options.namespace ?? 'shop.internal';
  const resources: Record<string, unknown> = {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: options.hostnames ?? true } },
    SubnetA: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/20', AvailabilityZone: 'us-east-1a' } },
    SubnetB: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.16.0/20', AvailabilityZone: 'us-east-1b' } },
    ...internetAccess('Public', 'Vpc', ['SubnetA', 'SubnetB']),
    Namespace: { Type: 'AWS::ServiceDiscovery::PrivateDnsNamespace', Properties: { Name: namespace, Vpc: { Ref: 'Vpc' } } },
    ApiDiscovery: { Type: 'AWS::ServiceDiscovery::Service', Properties: { Name: 'api', NamespaceId: { 'Fn::GetAtt': ['Namespace', 'Id'] }, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] } } },
    DbSubnets: { Type: 'AWS::RDS::DBSubnetGroup', Properties: { DBSubnetGroupDescription: 'db', SubnetIds: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }] } },
    Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', EngineVersion: '16', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20', MasterUsername: 'shop', MasterUserPassword: 'long-enough-1', DBSubnetGroupName: { Ref: 'DbSubnets' } } },
    DbName: { Type: 'AWS::Route53::RecordSet', Properties: { HostedZoneId: { 'Fn::GetAtt': ['Namespace', 'HostedZoneId'] }, Name: `db.${namespace}.`, Type: 'CNAME', TTL: '60', ResourceRecords: [{ 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }] } },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/test/${AWS::StackName}' } } },
    Cluster: { Type: 'AWS::ECS::Cluster', Properties: {} },
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: { 'Fn::Sub': '${AWS::StackName}-web' },
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: '256',
        Memory: '512',
        ExecutionRoleArn: 'arn:aws:iam::000000000000:role/exec',
        ContainerDefinitions: [
          {
            Name: 'web',
            Image: 'nginx:1.27',
            Environment: Object.entries(options.env ?? {}).map(([Name, Value]) => ({ Name, Value })),
            Command: options.command,
            LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': { Ref: 'Logs' }, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'web' } },
          },
        ],
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      // Started after the database's name exists, as a task resolves it when it starts.
      DependsOn: ['DbName'],
      Properties: {
        Cluster: { Ref: 'Cluster' },
        TaskDefinition: { Ref: 'Task' },
        DesiredCount: 1,
        LaunchType: 'FARGATE',
        NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }], AssignPublicIp: 'ENABLED' } },
        ServiceRegistries: [{ RegistryArn: { 'Fn::GetAtt': ['ApiDiscovery', 'Arn'] } }],
      },
    },
  };
  if (options.domain !== undefined || options.servers) {
    resources.Dhcp = { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainName: options.domain, DomainNameServers: options.servers ?? ['AmazonProvidedDNS'] } };
    resources.DhcpAssociation = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: { Ref: 'Vpc' }, DhcpOptionsId: { Ref: 'Dhcp' } } };
  }
  return JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources });
}

describe('sandbox DNS: names resolve as the VPC resolver answers them', () => {
  // Each test's stack has VPCs of its own: an account that raised "VPCs per Region" past AWS's 5.
  const s = sandboxForSuite('berth-dns-', { quotas: { vpc: { 'L-F678F1CE': 20 } } });

  async function stackWithTask(name: string, options: Parameters<typeof networkTemplate>[0]): Promise<{ task: string; privateIp: string }> {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: networkTemplate(options) }));
    await s.sb.settle();
    const stack = (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
    const failed = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED');
    expect(stack.StackStatus, `${failed?.LogicalResourceId}: ${failed?.ResourceStatusReason}`).toBe('CREATE_COMPLETE');
    const cluster = (await s.c.cloudformation.send(new DescribeStackResourcesCommand({ StackName: name, LogicalResourceId: 'Cluster' }))).StackResources![0]!.PhysicalResourceId!;
    const task = (await s.c.ecs.send(new ListTasksCommand({ cluster }))).taskArns![0]!;
    const resolved = s.sb.resolveFromTask(task, 'api');
    return { task, privateIp: resolved.addresses?.[0] ?? '' };
  }

  it('answers a bare service name through the DHCP options search domain, with the task’s address in its subnet', async () => {
    const { task, privateIp } = await stackWithTask('dns-search', { domain: 'shop.internal', env: { API_URL: 'http://api:8000/v1', DB_HOST: 'db', POSTGRES_USER: 'django' } });
    expect(privateIp).toMatch(/^10\.0\.(\d|1[0-9]|2\d|3[01])\.\d+$/);
    expect(s.sb.resolveFromTask(task, 'api')).toMatchObject({ answer: 'service', fqdn: 'api.shop.internal', addresses: [privateIp] });
    expect(s.sb.resolveFromTask(task, 'db')).toMatchObject({ answer: 'database', fqdn: 'db.shop.internal', cname: expect.stringContaining('.rds.') });
    expect(s.sb.resolveFromTask(task, 'cache')).toMatchObject({ answer: 'nxdomain' });
    expect(s.sb.resolveFromTask(task, 'api.openai.com')).toMatchObject({ answer: 'public' });
  });

  it('reports, when a task starts, how each host in its env and command resolved — and never the plain word that is no host', async () => {
    const { task } = await stackWithTask('dns-report', { domain: 'shop.internal', env: { DB_HOST: 'db', POSTGRES_USER: 'django' }, command: ['nginx', '-g', 'daemon off;', '--upstream', 'http://api:8000'] });
    const report = s.sb.taskResolutions(task).web!;
    expect(report.map((r) => [r.name, r.answer])).toEqual([
      ['db', 'database'],
      ['api', 'service'],
    ]);
    const logs = await s.c.logs.send(new FilterLogEventsCommand({ logGroupName: '/test/dns-report' }));
    const dnsLines = logs.events!.map((e) => e.message!).filter((m) => m.includes('DNS:'));
    expect(dnsLines.some((m) => /DNS: db → db\.shop\.internal → CNAME .*\(RDS DB instance /.test(m))).toBe(true);
  });

  it('does not answer a bare name without the search domain (default DHCP options): only the full name resolves', async () => {
    const { task } = await stackWithTask('dns-default', {});
    expect(s.sb.resolveFromTask(task, 'api')).toMatchObject({ answer: 'nxdomain', target: expect.stringContaining('ec2.internal') });
    expect(s.sb.resolveFromTask(task, 'api.shop.internal')).toMatchObject({ answer: 'service' });
  });

  it('does not answer private zones when the VPC has DNS hostnames off, or uses its own DNS servers', async () => {
    const off = await stackWithTask('dns-hostnames-off', { domain: 'shop.internal', hostnames: false });
    expect(s.sb.resolveFromTask(off.task, 'api')).toMatchObject({ answer: 'nxdomain' });
    const custom = await stackWithTask('dns-custom-servers', { domain: 'shop.internal', servers: ['10.0.0.10'] });
    expect(s.sb.resolveFromTask(custom.task, 'api')).toMatchObject({ answer: 'nxdomain' });
  });

  it('answers a zone only inside its own VPC: another VPC’s task cannot resolve it, even by its full name', async () => {
    const a = await stackWithTask('dns-project-a', { domain: 'alpha.internal', namespace: 'alpha.internal' });
    const b = await stackWithTask('dns-project-b', { domain: 'beta.internal', namespace: 'beta.internal' });
    expect(s.sb.resolveFromTask(a.task, 'api')).toMatchObject({ answer: 'service', addresses: [a.privateIp] });
    expect(s.sb.resolveFromTask(b.task, 'api')).toMatchObject({ answer: 'service', addresses: [b.privateIp] });
    expect(s.sb.resolveFromTask(b.task, 'api.alpha.internal')).toMatchObject({ answer: 'nxdomain' });
  });

  it('accepts several space-separated DHCP domains, as EC2 documents, and deletes options with their VPC', async () => {
    // EC2 documents no character rule for domain-name, so the sandbox invents none.
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'dns-two-domains', TemplateBody: networkTemplate({ domain: 'one.internal two.internal' }) }));
    await s.sb.settle();
    const stack = (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: 'dns-two-domains' }))).Stacks![0]!;
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    await s.c.cloudformation.send(new DeleteStackCommand({ StackName: 'dns-two-domains' }));
    await s.c.cloudformation.send(new DeleteStackCommand({ StackName: 'dns-search' }));
    await s.sb.settle();
    await expect(s.c.cloudformation.send(new DescribeStacksCommand({ StackName: 'dns-search' }))).rejects.toThrow(/does not exist/);
  });
});
