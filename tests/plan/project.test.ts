/** The project template per mode: what DESIGN.md §2 lists, deterministic, within the limits. */
/* eslint-disable @typescript-eslint/no-explicit-any -- templates are free-form JSON; the tests walk them by path */
import { parse } from 'shell-quote';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_OUTPUTS, buildBootstrapTemplate } from '../../electron/plan/bootstrap';
import { derivedParameterName, idPart, imageParameterName, projectStackName, projectToken } from '../../electron/plan/names';
import { planProject, projectStackParameters } from '../../electron/plan/project';
import { checkSecurityGroupRules } from '../../electron/plan/ingress';
import { estimateCost } from '../../electron/plan/cost';
import { buildProjectTemplate, configDigest, railpackCommand } from '../../electron/plan/project-template';
import type { CfnResource, CfnTemplate, DeploymentMode } from '../../shared/domain/plan';
import type { ProjectModel } from '../../shared/domain/project';
import { AppErrorException } from '../../shared/result';
import { apiWithSidecar, config, gameWithHttp, manyServices, project, service, staticSite, webWithStores, withDomains, workersOnly } from './fixtures';

const MODES: DeploymentMode[] = ['affordable', 'balanced', 'high_availability'];

function template(p: ProjectModel, mode: DeploymentMode = 'balanced'): CfnTemplate {
  return buildProjectTemplate(p, mode).stack.template;
}
function props(t: CfnTemplate, id: string): Record<string, any> {
  const r = t.Resources[id];
  if (!r) throw new Error(`no resource ${id} (have ${Object.keys(t.Resources).join(', ')})`);
  return r.Properties as Record<string, any>;
}
function ofType(t: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}
function errorOf(fn: () => unknown): AppErrorException {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppErrorException) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('project template', () => {
  it('has the shared resources: log groups, state-change rule, namespace, security groups, execution role', () => {
    const t = template(webWithStores());
    expect(props(t, 'LogGroup').LogGroupName).toBe('/berth/shop');
    expect(props(t, 'Namespace').Name).toBe('shop.internal');
    expect(props(t, 'Namespace').Vpc).toEqual({ Ref: 'Vpc' });
    const rule = props(t, 'StateChangeRule');
    expect(rule.EventPattern.source).toEqual(['aws.ecs']);
    expect(rule.EventPattern['detail-type']).toContain('ECS Task State Change');
    expect(rule.Targets[0].Arn['Fn::Sub']).toContain('log-group:${EventsLogGroup}');
    // Exactly this project's services and task families: by the token they all end with, never a prefix.
    const token = projectToken('shop');
    expect(props(t, 'WebService').ServiceName).toBe(`shop-web-${token}`);
    expect(props(t, 'WebTaskDefinition').Family).toBe(`berth-shop-web-${token}`);
    expect(rule.EventPattern.$or).toEqual([
      { detail: { clusterArn: [{ Ref: 'ClusterArn' }], group: [{ wildcard: `service:*-${token}` }, { wildcard: `family:*-${token}` }] } },
      { resources: [{ wildcard: { 'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/\${ClusterName}/*-${token}` } }] },
    ]);
    expect(JSON.stringify(rule.EventPattern)).not.toContain('prefix');
    expect(Object.keys(t.Resources)).toEqual(expect.arrayContaining(['LoadBalancerSecurityGroup', 'ServiceSecurityGroup', 'StoreSecurityGroup', 'ExecutionRole']));
  });

  it('gives each service its own task role, trusted by ECS tasks of this account only, with its x-defang-policies', () => {
    const policies = ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::123456789012:policy/app-queue'];
    const p = project('calls', [service('api', { image: 'ghcr.io/example/api:1', policies }), service('web', { image: 'nginx:1.27' })]);
    const plan = buildProjectTemplate(p, 'balanced');
    const t = plan.stack.template;
    for (const name of ['Api', 'Web']) {
      const role = props(t, `${name}TaskRole`);
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Action: ['sts:AssumeRole'],
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*' } },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        },
      ]);
      expect(role.Policies).toBeUndefined();
      expect(props(t, `${name}TaskDefinition`).TaskRoleArn).toEqual({ 'Fn::GetAtt': [`${name}TaskRole`, 'Arn'] });
    }
    expect(props(t, 'ApiTaskRole').ManagedPolicyArns).toEqual(policies);
    expect(props(t, 'WebTaskRole').ManagedPolicyArns).toBeUndefined();
    const rows = plan.resources.filter((r) => r.type === 'AWS::IAM::Role' && r.logicalId.endsWith('TaskRole'));
    expect(rows.find((r) => r.logicalId === 'ApiTaskRole')!.description).toBe(`Task role of api with ${policies.join(', ')}`);
    expect(rows.find((r) => r.logicalId === 'WebTaskRole')!.description).toBe('Task role of web (no AWS permissions)');
  });

  it('gives the project its own VPC whose DHCP options make <project>.internal the search domain, and starts services after it', () => {
    const t = template(webWithStores(), 'balanced');
    expect(props(t, 'Vpc')).toEqual(expect.objectContaining({ CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true }));
    expect(props(t, 'DhcpOptions')).toEqual(expect.objectContaining({ DomainName: 'shop.internal', DomainNameServers: ['AmazonProvidedDNS'] }));
    expect(props(t, 'DhcpOptionsAssociation')).toEqual({ VpcId: { Ref: 'Vpc' }, DhcpOptionsId: { Ref: 'DhcpOptions' } });
    for (const [, group] of ofType(t, 'AWS::EC2::SecurityGroup')) expect((group.Properties as any).VpcId).toEqual({ Ref: 'Vpc' });
    expect(props(t, 'DatabaseSubnetGroup').SubnetIds).toEqual([{ Ref: 'PrivateSubnet1' }, { Ref: 'PrivateSubnet2' }]);
    expect(t.Resources.WebService!.DependsOn).toEqual(expect.arrayContaining(['DhcpOptionsAssociation', 'PublicDefaultRoute']));
    // NAT gateways (one per zone) only where the services sit in private subnets.
    const nat = (mode: 'affordable' | 'balanced' | 'high_availability') => ofType(template(webWithStores(), mode), 'AWS::EC2::NatGateway').length;
    expect([nat('affordable'), nat('balanced'), nat('high_availability')]).toEqual([0, 0, 2]);
    expect(template(webWithStores(), 'high_availability').Resources.WebService!.DependsOn).toEqual(expect.arrayContaining(['PrivateDefaultRoute1', 'PrivateDefaultRoute2']));
  });

  it('takes bootstrap ids and built images as parameters, never Fn::ImportValue', () => {
    const t = template(webWithStores());
    expect(Object.keys(t.Parameters!).sort()).toEqual(['ClusterArn', 'ClusterName', 'WebImage']);
    expect(JSON.stringify(t)).not.toContain('Fn::ImportValue');
    const worker = props(t, 'WorkerTaskDefinition').ContainerDefinitions[0];
    expect(worker.Image).toBe('ghcr.io/example/worker:1.2');
    expect(props(t, 'WebTaskDefinition').ContainerDefinitions[0].Image).toEqual({ Ref: 'WebImage' });
  });

  it('opens security groups only as DESIGN.md says', () => {
    const t = template(webWithStores());
    expect(props(t, 'LoadBalancerSecurityGroup').SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 })]);
    expect(props(t, 'ServiceSecurityGroup').SecurityGroupIngress).toEqual([
      expect.objectContaining({ FromPort: 8000, ToPort: 8000, SourceSecurityGroupId: { 'Fn::GetAtt': ['LoadBalancerSecurityGroup', 'GroupId'] } }),
    ]);
    expect(props(t, 'ServiceSecurityGroupSelfIngress')).toEqual(expect.objectContaining({ IpProtocol: '-1', SourceSecurityGroupId: { 'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId'] } }));
    const store = props(t, 'StoreSecurityGroup').SecurityGroupIngress;
    expect(store.map((r: any) => r.FromPort)).toEqual([5432, 6379]);
    for (const r of store) expect(r.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': ['ServiceSecurityGroup', 'GroupId'] });
  });

  it('puts the compose healthcheck path on the target group, with a short deregistration delay', () => {
    const t = template(webWithStores());
    const tg = props(t, 'WebTargetGroup8000');
    expect(tg).toEqual(expect.objectContaining({ TargetType: 'ip', Port: 8000, HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10 }));
    expect(tg.TargetGroupAttributes).toEqual([{ Key: 'deregistration_delay.timeout_seconds', Value: '10' }]);
    expect(props(t, 'Listener80').DefaultActions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: 'WebTargetGroup8000' } }]);
    const svc = t.Resources.WebService!;
    expect(svc.DependsOn).toContain('Listener80');
    expect((svc.Properties as any).HealthCheckGracePeriodSeconds).toBe(80);
  });

  it('passes config and derived values as SSM ARNs under /Berth/<project>/, literals as environment', () => {
    const t = template(webWithStores());
    const c = props(t, 'WebTaskDefinition').ContainerDefinitions[0];
    expect(c.Environment).toEqual([
      { Name: 'DEBUG', Value: 'false' },
      { Name: 'REDIS_URL', Value: 'redis://cache:6379' },
    ]);
    expect(c.Secrets).toEqual([
      { Name: 'DATABASE_URL', ValueFrom: { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${derivedParameterName('shop', 'web', 'DATABASE_URL')}` } },
      { Name: 'SECRET_KEY', ValueFrom: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/Berth/shop/SECRET_KEY' } },
    ]);
    expect(derivedParameterName('shop', 'web', 'DATABASE_URL')).toBe('/Berth/shop/_derived/web/DATABASE_URL');
    expect(c.LogConfiguration).toEqual({ LogDriver: 'awslogs', Options: { 'awslogs-group': { Ref: 'LogGroup' }, 'awslogs-region': { Ref: 'AWS::Region' }, 'awslogs-stream-prefix': 'web' } });
    expect(c.HealthCheck).toEqual({ Command: ['CMD', 'curl', '-f', 'http://localhost:8000/health'], Interval: 10, Timeout: 5, Retries: 3, StartPeriod: 20 });
  });

  it('lets the execution role read only /Berth/<project>/* and pull only berth/<project>', () => {
    const statements = props(template(webWithStores()), 'ExecutionRole').Policies[0].PolicyDocument.Statement;
    const ssm = statements.find((s: any) => s.Action.includes('ssm:GetParameters'));
    expect(ssm.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/Berth/shop/*' }]);
    const pull = statements.find((s: any) => s.Action.includes('ecr:BatchGetImage'));
    expect(pull.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/berth/shop' }]);
    for (const s of statements) for (const a of s.Action) expect(a).not.toContain('*');
  });

  it('pulls Docker Hub’s official images and ECR Public’s through the account’s pull-through cache; other images as written', () => {
    const p = project('hub', [
      service('web', { image: 'nginx:1.27' }),
      service('search', { image: 'docker.io/library/elasticsearch@sha256:abc' }),
      service('busy', { image: 'public.ecr.aws/docker/library/busybox' }),
      service('meta', { image: 'metabase/metabase:v0.50' }),
      service('gh', { image: 'ghcr.io/acme/app:1' }),
    ]);
    const t = template(p);
    const image = (s: string) => props(t, `${idPart(s)}TaskDefinition`).ContainerDefinitions[0].Image;
    const cached = (path: string) => ({ 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/berth-ecr-public/${path}` });
    expect(image('web')).toEqual(cached('docker/library/nginx:1.27'));
    expect(image('search')).toEqual(cached('docker/library/elasticsearch@sha256:abc'));
    expect(image('busy')).toEqual(cached('docker/library/busybox:latest'));
    expect(image('meta')).toBe('metabase/metabase:v0.50');
    expect(image('gh')).toBe('ghcr.io/acme/app:1');
    const statements = props(t, 'ExecutionRole').Policies[0].PolicyDocument.Statement;
    expect(statements.find((s: any) => s.Sid === 'PullThroughCache')).toEqual({
      Sid: 'PullThroughCache',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository', 'ecr:GetDownloadUrlForLayer'],
      Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/berth-ecr-public/*' }],
    });
    expect(statements.find((s: any) => s.Sid === 'EcrLogin')).toBeDefined();
    // Only other registries' images: no ECR permissions at all.
    const plain = props(template(project('gh', [service('gh', { image: 'ghcr.io/acme/app:1' })])), 'ExecutionRole').Policies[0].PolicyDocument.Statement;
    expect(plain.map((s: any) => s.Sid)).toEqual(['ReadProjectConfig', 'WriteLogs']);
  });

  it('pulls other Docker Hub images through the Docker Hub cache once the user stored Docker Hub credentials, with the role scoped to that prefix too', () => {
    const p = project('hub', [service('web', { image: 'nginx:1.27' }), service('meta', { image: 'metabase/metabase:v0.50' }), service('tool', { image: 'docker.io/acme/tool@sha256:def' })]);
    const t = buildProjectTemplate(p, 'affordable', undefined, {}, {}, undefined, {}, { dockerHub: true }).stack.template;
    const image = (s: string) => props(t, `${idPart(s)}TaskDefinition`).ContainerDefinitions[0].Image;
    const account = (path: string) => ({ 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/${path}` });
    expect(image('web')).toEqual(account('berth-ecr-public/docker/library/nginx:1.27'));
    expect(image('meta')).toEqual(account('berth-docker-hub/metabase/metabase:v0.50'));
    expect(image('tool')).toEqual(account('berth-docker-hub/acme/tool@sha256:def'));
    const statement = props(t, 'ExecutionRole').Policies[0].PolicyDocument.Statement.find((s: any) => s.Sid === 'PullThroughCache');
    expect(statement.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/berth-ecr-public/*' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/berth-docker-hub/*' },
    ]);
    // Only a non-official Docker Hub image: the role reaches the Docker Hub cache alone.
    const only = buildProjectTemplate(project('m', [service('meta', { image: 'metabase/metabase' })]), 'affordable', undefined, {}, {}, undefined, {}, { dockerHub: true }).stack.template;
    expect(props(only, 'ExecutionRole').Policies[0].PolicyDocument.Statement.find((s: any) => s.Sid === 'PullThroughCache').Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/berth-docker-hub/*' },
    ]);
  });

  it('says in the preview where each image comes from, and adds the Docker Hub cache to the bootstrap when credentials are stored', () => {
    const p = project('hub', [service('web', { image: 'nginx:1.27' }), service('meta', { image: 'metabase/metabase:v0.50' }), service('gh', { image: 'ghcr.io/acme/app:1' })]);
    const anonymous = planProject(p, { mode: 'affordable', region: 'us-east-1', preflight: false });
    expect(anonymous.images).toEqual([
      { service: 'gh', image: 'ghcr.io/acme/app:1', source: 'direct' },
      { service: 'meta', image: 'metabase/metabase:v0.50', source: 'docker-hub-anonymous' },
      { service: 'web', image: 'nginx:1.27', source: 'ecr-public-cache' },
    ]);
    expect(anonymous.stacks[0]!.template.Resources.DockerHubPullThroughCacheRule).toBeUndefined();
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/berth-docker-hub-AbC123';
    const signedIn = planProject(p, { mode: 'affordable', region: 'us-east-1', preflight: false, dockerHubCredentialArn: arn });
    expect(signedIn.images.find((i) => i.service === 'meta')!.source).toBe('docker-hub-cache');
    expect(signedIn.stacks[0]!.template.Resources.DockerHubPullThroughCacheRule!.Properties).toEqual({ EcrRepositoryPrefix: 'berth-docker-hub', UpstreamRegistry: 'docker-hub', UpstreamRegistryUrl: 'registry-1.docker.io', CredentialArn: arn });
    expect(signedIn.resources.some((r) => r.logicalId === 'DockerHubPullThroughCacheRule')).toBe(true);
  });

  it('pins the database password to its SSM version and labels each task with a digest of the config versions it reads', () => {
    const versions = { '/Berth/shop/POSTGRES_PASSWORD': 3, '/Berth/shop/_derived/web/DATABASE_URL': 2, '/Berth/shop/SECRET_KEY': 1 };
    const t = buildProjectTemplate(webWithStores(), 'balanced', undefined, {}, {}, versions).stack.template;
    expect(props(t, 'DbDatabase').MasterUserPassword).toBe('{{resolve:ssm-secure:/Berth/shop/POSTGRES_PASSWORD:3}}');
    const labels = (id: string, tt: CfnTemplate) => props(tt, id).ContainerDefinitions.at(-1).DockerLabels;
    const digest = labels('WebTaskDefinition', t)['berth.config-digest'];
    expect(digest).toBe(configDigest(['/Berth/shop/_derived/web/DATABASE_URL', '/Berth/shop/SECRET_KEY'], versions));
    expect(digest).toMatch(/^[0-9a-f]{16}$/);
    // A new version of what the task reads changes its task definition; without versions (a preview), no label and no pin.
    const next = buildProjectTemplate(webWithStores(), 'balanced', undefined, {}, {}, { ...versions, '/Berth/shop/SECRET_KEY': 2 }).stack.template;
    expect(labels('WebTaskDefinition', next)['berth.config-digest']).not.toBe(digest);
    // A task that reads no config gets no label.
    expect(labels('WorkerTaskDefinition', t)).toBeUndefined();
    expect(labels('WebTaskDefinition', template(webWithStores()))).toBeUndefined();
    expect(props(template(webWithStores()), 'DbDatabase').MasterUserPassword).toBe('{{resolve:ssm-secure:/Berth/shop/POSTGRES_PASSWORD}}');
  });

  it('lets CloudFormation validate a certificate through the account’s hosted zone when there is one, and says how in the preview', () => {
    const p = withDomains();
    const domain = p.services.find((s) => s.domainname)!.domainname!;
    const withZone = planProject(p, { mode: 'balanced', region: 'us-east-1', preflight: false, hostedZones: { [domain]: { id: 'Z123', name: domain.split('.').slice(-2).join('.') } } });
    const cert = (preview: typeof withZone) => Object.values(preview.stacks[1]!.template.Resources).find((r) => r.Type === 'AWS::CertificateManager::Certificate' && (r.Properties as any).DomainName === domain)!.Properties as any;
    expect(cert(withZone).DomainValidationOptions).toEqual([{ DomainName: domain, HostedZoneId: 'Z123' }]);
    expect(withZone.certificates.find((c) => c.domain === domain)).toMatchObject({ validation: 'automatic', zone: { id: 'Z123' } });
    const noZone = planProject(p, { mode: 'balanced', region: 'us-east-1', preflight: false, hostedZones: { [domain]: null } });
    expect(cert(noZone).DomainValidationOptions).toBeUndefined();
    expect(noZone.certificates.find((c) => c.domain === domain)!.validation).toBe('manual');
    expect(planProject(p, { mode: 'balanced', region: 'us-east-1', preflight: false }).certificates.find((c) => c.domain === domain)!.validation).toBe('unknown');
  });

  it('makes RDS with the ssm-secure password, Snapshot policies and the mode’s size; CNAMEs in the namespace', () => {
    for (const mode of MODES) {
      const t = template(webWithStores(), mode);
      const db = t.Resources.DbDatabase!;
      expect(db.DeletionPolicy).toBe('Snapshot');
      expect(db.UpdateReplacePolicy).toBe('Snapshot');
      const p = db.Properties as any;
      expect(p.MasterUserPassword).toBe('{{resolve:ssm-secure:/Berth/shop/POSTGRES_PASSWORD}}');
      expect(p).toEqual(expect.objectContaining({ Engine: 'postgres', EngineVersion: '16', StorageEncrypted: true, PubliclyAccessible: false, MasterUsername: 'shop', DBName: 'shop' }));
      expect(p.MultiAZ).toBe(mode === 'high_availability');
      expect(p.DBInstanceClass).toBe(mode === 'affordable' ? 'db.t4g.micro' : 'db.t4g.small');
      expect(t.Resources.CacheCache).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
      const cache = props(t, 'CacheCache');
      expect(cache.NumCacheClusters).toBe(mode === 'high_availability' ? 2 : 1);
      expect(cache.AutomaticFailoverEnabled).toBe(mode === 'high_availability');
      expect(cache.EngineVersion).toBe('7.1');
      expect(props(t, 'DbDnsRecord')).toEqual(expect.objectContaining({ Name: 'db.shop.internal.', Type: 'CNAME', ResourceRecords: [{ 'Fn::GetAtt': ['DbDatabase', 'Endpoint.Address'] }] }));
      expect(props(t, 'CacheDnsRecord').ResourceRecords).toEqual([{ 'Fn::GetAtt': ['CacheCache', 'PrimaryEndPoint.Address'] }]);
      expect(Object.keys(t.Outputs!)).toEqual(expect.arrayContaining(['DbEndpoint', 'CacheEndpoint', 'WebUrl80', 'LoadBalancerDnsName']));
    }
  });

  it('restores stores moved into the project’s network from their snapshots, in new subnet groups, and records the snapshots', () => {
    const plan = buildProjectTemplate(webWithStores(), 'balanced', '2026-12-01', {}, { db: 'berth-shop-db-move-1', cache: 'berth-shop-cache-move-1' });
    const t = plan.stack.template;
    const db = props(t, 'DbDatabase');
    expect(db.DBSnapshotIdentifier).toBe('berth-shop-db-move-1');
    // CloudFormation takes these from the snapshot and refuses them beside DBSnapshotIdentifier.
    for (const key of ['MasterUsername', 'MasterUserPassword', 'DBName', 'StorageEncrypted']) expect(db, key).not.toHaveProperty(key);
    // A subnet group cannot change VPC: the restored stores get new ones.
    expect(db.DBSubnetGroupName).toEqual({ Ref: 'ProjectDatabaseSubnetGroup' });
    expect(props(t, 'CacheCache')).toEqual(expect.objectContaining({ SnapshotName: 'berth-shop-cache-move-1', CacheSubnetGroupName: { Ref: 'ProjectCacheSubnetGroup' } }));
    expect(t.Resources.DatabaseSubnetGroup).toBeUndefined();
    expect(t.Metadata!['berth:restored-from']).toEqual({ db: 'berth-shop-db-move-1', cache: 'berth-shop-cache-move-1' });
    expect(plan.resources.find((r) => r.logicalId === 'DbDatabase')!.why).toContain('Restored from snapshot berth-shop-db-move-1');

    const fresh = template(webWithStores());
    expect(props(fresh, 'DbDatabase')).toEqual(expect.objectContaining({ StorageEncrypted: true, MasterUsername: 'shop', DBSubnetGroupName: { Ref: 'DatabaseSubnetGroup' } }));
    expect(props(fresh, 'DbDatabase')).not.toHaveProperty('DBSnapshotIdentifier');
    expect(fresh.Metadata!['berth:restored-from']).toBeUndefined();
  });

  it('joins a command list into one quoted string for a Railpack image, which runs it with bash -c', () => {
    // bash reads each word back as it was written.
    for (const command of [['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'], ['echo', 'it works; really', '$HOME']]) {
      const joined = railpackCommand(command)!;
      expect(joined).toHaveLength(1);
      expect(parse(joined[0]!)).toEqual(command);
    }
    expect(railpackCommand(['npm start'])).toEqual(['npm start']);
    expect(railpackCommand(undefined)).toBeUndefined();
  });

  it('gives each database a parameter group of its major with TLS optional, and says so in the preview', () => {
    const plan = buildProjectTemplate(webWithStores(), 'balanced', '2026-12-01');
    const t = plan.stack.template;
    expect(props(t, 'DbDatabaseParameters')).toEqual(expect.objectContaining({ Family: 'postgres16', Parameters: { 'rds.force_ssl': '0' } }));
    expect(props(t, 'DbDatabase').DBParameterGroupName).toEqual({ Ref: 'DbDatabaseParameters' });
    const row = plan.resources.find((r) => r.logicalId === 'DbDatabase')!;
    expect(row.description).toBe('PostgreSQL 16 on RDS (db.t4g.small), TLS optional');
    expect(row.why).toContain('without TLS');
    expect(row.why).not.toContain('Extended Support');
    expect(plan.resources.find((r) => r.logicalId === 'DbDatabaseParameters')!.description).toContain('rds.force_ssl = 0');
  });

  it('warns that a major past RDS standard support runs on billed Extended Support, and refuses a major RDS does not offer', () => {
    const withPostgres = (image: string, version: string) => {
      const p = webWithStores();
      const db = p.services.find((s) => s.name === 'db')!;
      db.image = image;
      db.managed = { ...db.managed!, version };
      db.source = { file: '/projects/shop/compose.yaml', line: 12, column: 3 };
      db.imageSource = { file: '/projects/shop/compose.yaml', line: 13, column: 12 };
      return p;
    };
    const old = buildProjectTemplate(withPostgres('postgres:13', '13'), 'balanced', '2026-12-01');
    expect(props(old.stack.template, 'DbDatabaseParameters').Family).toBe('postgres13');
    const why = old.resources.find((r) => r.logicalId === 'DbDatabase')!.why;
    expect(why).toContain('PostgreSQL 13 left RDS standard support on 2026-02-28');
    expect(why).toContain('$0.100 per vCPU-hour');
    // The same major was in standard support before its end date.
    expect(buildProjectTemplate(withPostgres('postgres:13', '13'), 'balanced', '2026-01-31').resources.find((r) => r.logicalId === 'DbDatabase')!.why).not.toContain('Extended Support');
    for (const [image, version] of [['postgres:9.6', '9.6'], ['postgres:10', '10'], ['postgres:19', '19']] as const) {
      const error = errorOf(() => buildProjectTemplate(withPostgres(image, version), 'balanced', '2026-12-01'));
      expect(error.code).toBe('PLAN_INVALID');
      expect(error.message).toContain(`db (/projects/shop/compose.yaml:12) asks for PostgreSQL ${version.split('.')[0]} (image ${image}), which Amazon RDS does not offer`.replace(':12)', ':13)'));
    }
  });

  it('runs services per mode: Spot in affordable (amd64 only), replicas ≥ 2 and private subnets in high availability', () => {
    const capacity = (t: CfnTemplate, id: string) => props(t, id).CapacityProviderStrategy[0].CapacityProvider;
    const aff = template(webWithStores(), 'affordable');
    expect(capacity(aff, 'WebService')).toBe('FARGATE_SPOT');
    expect(capacity(aff, 'WorkerService')).toBe('FARGATE'); // arm64: Fargate Spot has no arm64 capacity
    expect(props(aff, 'WebService').NetworkConfiguration.AwsvpcConfiguration).toEqual(expect.objectContaining({ AssignPublicIp: 'ENABLED', Subnets: [{ Ref: 'PublicSubnet1' }, { Ref: 'PublicSubnet2' }] }));
    expect(props(aff, 'WebService').DesiredCount).toBe(1);
    const ha = template(webWithStores(), 'high_availability');
    expect(capacity(ha, 'WebService')).toBe('FARGATE');
    expect(props(ha, 'WebService').DesiredCount).toBe(2);
    expect(props(ha, 'WebService').NetworkConfiguration.AwsvpcConfiguration).toEqual(expect.objectContaining({ AssignPublicIp: 'DISABLED', Subnets: [{ Ref: 'PrivateSubnet1' }, { Ref: 'PrivateSubnet2' }] }));
    const jobs = template(workersOnly(), 'high_availability');
    expect(props(jobs, 'SchedulerService').DesiredCount).toBe(0); // written as 0: stays stopped
    expect(props(jobs, 'ConsumerService').DesiredCount).toBe(3);
    for (const [, svc] of ofType(ha, 'AWS::ECS::Service')) {
      expect((svc.Properties as any).DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
      expect((svc.Properties as any).ServiceRegistries).toHaveLength(1);
    }
  });

  it('orders creation by depends_on: the names of stores and the services a service depends on exist first', () => {
    const t = template(webWithStores());
    const network = ['DhcpOptionsAssociation', 'PublicDefaultRoute'];
    expect(t.Resources.WebService!.DependsOn).toEqual(['CacheDnsRecord', 'DbDnsRecord', 'DhcpOptionsAssociation', 'Listener80', 'PublicDefaultRoute', 'WorkerService']);
    expect(t.Resources.WorkerService!.DependsOn).toEqual(['CacheDnsRecord', ...network]);
  });

  it('serves domains over HTTPS with ACM certificates, host rules and an HTTP→HTTPS redirect', () => {
    const t = template(withDomains());
    expect(ofType(t, 'AWS::CertificateManager::Certificate').map(([, r]) => (r.Properties as any).DomainName).sort()).toEqual(['api.example.com', 'app.example.com']);
    const https = props(t, 'HttpsListener');
    expect(https).toEqual(expect.objectContaining({ Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: { Ref: 'ApiCertificate' } }] }));
    expect(props(t, 'AppListenerCertificate').Certificates).toEqual([{ CertificateArn: { Ref: 'AppCertificate' } }]);
    expect(props(t, 'ApiHostRule').Conditions).toEqual([{ Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } }]);
    expect(props(t, 'HttpRedirectListener').DefaultActions[0].RedirectConfig).toEqual(expect.objectContaining({ Protocol: 'HTTPS', Port: '443' }));
    expect(props(t, 'ApiTargetGroup50051')).toEqual(expect.objectContaining({ ProtocolVersion: 'GRPC', Matcher: { GrpcCode: '0-99' } }));
    expect(props(t, 'LoadBalancerSecurityGroup').SecurityGroupIngress.map((r: any) => r.FromPort)).toEqual([80, 443, 3000, 50051]);
    expect(t.Outputs!.AppHttpsUrl!.Value).toBe('https://app.example.com');
    const api = props(t, 'ApiTaskDefinition');
    expect(api.RuntimePlatform.CpuArchitecture).toBe('ARM64');
    expect(api.ContainerDefinitions[0]).toEqual(
      expect.objectContaining({ EntryPoint: ['/srv/api'], User: '1000:1000', WorkingDirectory: '/srv', ReadonlyRootFilesystem: true, StopTimeout: 30, LinuxParameters: { InitProcessEnabled: true } }),
    );
  });

  it('makes no load balancer when nothing is published, and keeps host/udp ports private', () => {
    const jobs = template(workersOnly());
    expect(ofType(jobs, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toEqual([]);
    expect(Object.keys(jobs.Resources)).not.toContain('LoadBalancerSecurityGroup');
    expect(props(jobs, 'ServiceSecurityGroup').SecurityGroupIngress).toEqual([]);
    const api = template(apiWithSidecar());
    expect(ofType(api, 'AWS::ElasticLoadBalancingV2::Listener').map(([id]) => id)).toEqual(['Listener8080']);
    expect(props(api, 'ApiTaskDefinition').ContainerDefinitions[0].PortMappings).toEqual([
      { ContainerPort: 8080, Protocol: 'tcp' },
      { ContainerPort: 9090, Protocol: 'tcp' },
      { ContainerPort: 8125, Protocol: 'udp' },
    ]);
    // ECS bounds: interval ≤ 300, timeout ≤ 60, retries ≤ 10, start period ≤ 300.
    expect(props(api, 'ApiTaskDefinition').ContainerDefinitions[0].HealthCheck).toEqual(expect.objectContaining({ Interval: 300, Timeout: 60, Retries: 10, StartPeriod: 300 }));
    // `metrics_api` is not `metrics-api`: the stack name says so with the project's hash.
    expect(buildProjectTemplate(apiWithSidecar(), 'balanced').stack.stackName).toMatch(/^berth-metrics-api--[0-9a-f]{8}$/);
  });

  it('tags every resource that takes tags with berth:managed-by and berth:project', () => {
    const t = template(withDomains());
    for (const [id, r] of Object.entries(t.Resources)) {
      const tags = (r.Properties as any)?.Tags;
      if (!tags) continue;
      expect(tags, id).toEqual(expect.arrayContaining([{ Key: 'berth:managed-by', Value: 'berth' }, { Key: 'berth:project', Value: 'brand' }]));
    }
  });

  it('maps service names to logical ids one-to-one, hashing unusual spellings', () => {
    expect(idPart('web')).toBe('Web');
    expect(idPart('redis-service')).toBe('RedisService');
    expect(idPart('redis_service')).not.toBe(idPart('redis-service'));
    expect(idPart('a-1')).not.toBe(idPart('a1'));
    expect(idPart('1st')).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    expect(imageParameterName('my_app')).toMatch(/^MyApp[0-9A-F]{6}Image$/);
  });

  it('refuses two services publishing the same port', () => {
    const clash = project('clash', [
      service('a', { image: 'nginx', ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }] }),
      service('b', { image: 'nginx', ports: [{ target: 81, published: 8080, protocol: 'tcp', mode: 'ingress' }] }),
    ]);
    const error = errorOf(() => template(clash));
    expect(error.code).toBe('PLAN_INVALID');
    expect(error.message).toContain('8080');
  });

  it('refuses a size that is not a Fargate size', () => {
    const odd = project('odd', [service('a', { image: 'nginx', size: { cpu: 256, memory: 4096 } })]);
    expect(errorOf(() => template(odd)).code).toBe('PLAN_INVALID');
  });
});

describe('UDP and raw TCP ports: the network load balancer', () => {
  const t = () => template(gameWithHttp());

  it('keeps HTTP on the ALB and puts UDP, raw TCP and well-known non-HTTP ports on an internet-facing NLB in the public subnets', () => {
    const lbs = Object.fromEntries(ofType(t(), 'AWS::ElasticLoadBalancingV2::LoadBalancer').map(([id, r]) => [id, (r.Properties as any).Type]));
    expect(lbs).toEqual({ LoadBalancer: 'application', NetworkLoadBalancer: 'network' });
    const nlb = props(t(), 'NetworkLoadBalancer');
    expect(nlb).toMatchObject({ Scheme: 'internet-facing', Subnets: [{ Ref: 'PublicSubnet1' }, { Ref: 'PublicSubnet2' }], SecurityGroups: [{ 'Fn::GetAtt': ['NetworkLoadBalancerSecurityGroup', 'GroupId'] }] });
    const listeners = ofType(t(), 'AWS::ElasticLoadBalancingV2::Listener').map(([id, r]) => [id, (r.Properties as any).Protocol, (r.Properties as any).LoadBalancerArn.Ref]);
    expect(listeners).toEqual([
      ['Listener80', 'HTTP', 'LoadBalancer'],
      ['NetworkListener53', 'TCP_UDP', 'NetworkLoadBalancer'],
      ['NetworkListener1883', 'TCP', 'NetworkLoadBalancer'],
      ['NetworkListener19132', 'UDP', 'NetworkLoadBalancer'],
      ['NetworkListener25575', 'TCP', 'NetworkLoadBalancer'],
      ['NetworkListener64738', 'UDP', 'NetworkLoadBalancer'],
    ]);
  });

  it('gives each network port its own target group of the same protocol, health-checked over TCP (never UDP)', () => {
    const groups = Object.fromEntries(ofType(t(), 'AWS::ElasticLoadBalancingV2::TargetGroup').map(([id, r]) => [id, r.Properties as any]));
    expect(Object.keys(groups).sort()).toEqual(['BrokerNetworkTargetGroup1883', 'DnsNetworkTargetGroup53', 'GameNetworkTargetGroup19132', 'GameNetworkTargetGroup25575', 'GameTargetGroup8080', 'VoiceNetworkTargetGroup64738']);
    expect(groups.DnsNetworkTargetGroup53).toMatchObject({ Protocol: 'TCP_UDP', TargetType: 'ip', Port: 53, HealthCheckProtocol: 'TCP', HealthCheckPort: 'traffic-port' });
    // A UDP port is checked on a TCP port of the same service; a UDP-only service on its own port number.
    expect(groups.GameNetworkTargetGroup19132).toMatchObject({ Protocol: 'UDP', HealthCheckProtocol: 'TCP', HealthCheckPort: '8080', HealthCheckIntervalSeconds: 20 });
    expect(groups.VoiceNetworkTargetGroup64738).toMatchObject({ Protocol: 'UDP', HealthCheckProtocol: 'TCP', HealthCheckPort: 'traffic-port' });
    expect(groups.BrokerNetworkTargetGroup1883).toMatchObject({ Protocol: 'TCP', HealthCheckProtocol: 'TCP' });
    for (const [id, g] of Object.entries(groups)) {
      if (!id.includes('Network')) continue;
      // Paths and matchers are refused for TCP health checks.
      expect(g.HealthCheckPath).toBeUndefined();
      expect(g.Matcher).toBeUndefined();
      expect(g.TargetGroupAttributes).toEqual([{ Key: 'deregistration_delay.timeout_seconds', Value: '10' }]);
    }
    expect(groups.GameTargetGroup8080).toMatchObject({ Protocol: 'HTTP', HealthCheckPath: '/status' });
  });

  it('attaches a service to its ALB and NLB target groups and starts it after their listeners', () => {
    const game = t().Resources.GameService!;
    expect((game.Properties as any).LoadBalancers).toEqual([
      { ContainerName: 'game', ContainerPort: 8080, TargetGroupArn: { Ref: 'GameTargetGroup8080' } },
      { ContainerName: 'game', ContainerPort: 19132, TargetGroupArn: { Ref: 'GameNetworkTargetGroup19132' } },
      { ContainerName: 'game', ContainerPort: 25575, TargetGroupArn: { Ref: 'GameNetworkTargetGroup25575' } },
    ]);
    expect(game.DependsOn).toEqual(expect.arrayContaining(['Listener80', 'NetworkListener19132', 'NetworkListener25575']));
    expect((t().Resources.VoiceService!.Properties as any).HealthCheckGracePeriodSeconds).toBe(60);
    expect(props(t(), 'DnsTaskDefinition').ContainerDefinitions[0].PortMappings).toEqual([
      { ContainerPort: 53, Protocol: 'tcp' },
      { ContainerPort: 53, Protocol: 'udp' },
    ]);
  });

  it('opens the NLB to the internet and the services to the NLB with the right protocol, health-check ports included', () => {
    expect(props(t(), 'NetworkLoadBalancerSecurityGroup').SecurityGroupIngress.map((r: any) => `${r.FromPort}/${r.IpProtocol} ${r.CidrIp}`)).toEqual([
      '53/tcp 0.0.0.0/0',
      '53/udp 0.0.0.0/0',
      '1883/tcp 0.0.0.0/0',
      '19132/udp 0.0.0.0/0',
      '25575/tcp 0.0.0.0/0',
      '64738/udp 0.0.0.0/0',
    ]);
    const fromNlb = props(t(), 'ServiceSecurityGroup').SecurityGroupIngress.filter((r: any) => r.SourceSecurityGroupId['Fn::GetAtt'][0] === 'NetworkLoadBalancerSecurityGroup');
    expect(fromNlb.map((r: any) => `${r.FromPort}/${r.IpProtocol}`)).toEqual(['53/tcp', '53/udp', '1883/tcp', '8080/tcp', '19132/udp', '25575/tcp', '64738/tcp', '64738/udp']);
    expect(props(t(), 'LoadBalancerSecurityGroup').SecurityGroupIngress.map((r: any) => r.FromPort)).toEqual([80]);
  });

  it('outputs <dns>:<port> addresses, lists them with their protocol, and prices the NLB in every mode', () => {
    const outputs = t().Outputs!;
    expect(outputs.DnsAddress53).toEqual({ Value: { 'Fn::Sub': '${NetworkLoadBalancer.DNSName}:53' }, Description: 'dns port 53 over TCP and UDP' });
    expect(outputs.GameAddress19132!.Description).toBe('game port 19132 over UDP');
    const preview = planProject(gameWithHttp(), { mode: 'balanced', region: 'us-east-1', preflight: false });
    expect(preview.urls).toContain('<network-load-balancer-dns>:19132 (UDP) → game:19132');
    expect(preview.urls).toContain('<network-load-balancer-dns>:53 (TCP and UDP) → dns:53');
    expect(preview.resources.find((r) => r.logicalId === 'GameNetworkTargetGroup19132')?.why).toContain('AWS cannot check health over UDP');
    expect(preview.graph.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['alb', 'nlb']));
    for (const mode of MODES) {
      const lines = estimateCost(gameWithHttp(), mode, 'us-east-1').lines;
      expect(lines.find((l) => l.item === 'Network load balancer')?.monthlyUsd).toBe(16.43);
      expect(lines.find((l) => l.item === 'Network load balancer capacity units')?.monthlyUsd).toBe(4.38);
    }
    const httpOnly = estimateCost(webWithStores(), 'balanced', 'us-east-1').lines.map((l) => l.item);
    expect(httpOnly).not.toContain('Network load balancer');
  });

  it('refuses what AWS cannot do: a sixth target group on one service, a domain on UDP only, 51 NLB listeners', () => {
    const six = project('six', [service('game', { image: 'x', ports: Array.from({ length: 6 }, (_, i) => ({ target: 27015 + i, protocol: 'udp' as const, mode: 'ingress' as const })) })]);
    expect(errorOf(() => template(six)).message).toBe('game has 6 public ports; an ECS service can be attached to at most 5 target groups.');
    const domain = project('dom', [service('voice', { image: 'x', domainname: 'voice.example.com', ports: [{ target: 64738, protocol: 'udp', mode: 'ingress' }] })]);
    expect(errorOf(() => template(domain)).message).toContain('HTTPS for a domain needs an HTTP port');
    const raw = (n: number, protocol: 'tcp' | 'udp') =>
      project('many', Array.from({ length: Math.ceil(n / 5) }, (_, k) => service(`g${k}`, { image: 'x', ports: Array.from({ length: Math.min(5, n - 5 * k) }, (_, i) => ({ target: 30000 + 5 * k + i, protocol, mode: 'ingress' as const, ...(protocol === 'tcp' ? { appProtocol: 'tcp' as const } : {}) })) })));
    expect(ofType(template(raw(50, 'tcp')), 'AWS::ElasticLoadBalancingV2::Listener')).toHaveLength(50);
    expect(errorOf(() => template(raw(51, 'tcp'))).message).toContain('51 network load balancer listeners');
    // UDP-only ports need a UDP rule and a TCP health-check rule each on the services' group.
    expect(errorOf(() => template(raw(30, 'udp'))).message).toBe('The services security group would need 61 inbound rules; a security group allows 60.');
  });
});

describe('limits', () => {
  it('marks a template over 51,200 bytes for upload and keeps a small one inline', () => {
    expect(buildProjectTemplate(staticSite(), 'balanced').stack.needsUpload).toBe(false);
    const big = buildProjectTemplate(manyServices(30), 'balanced').stack;
    expect(big.bytes).toBeGreaterThan(51_200);
    expect(big.needsUpload).toBe(true);
    expect(big.bytes).toBe(Buffer.byteLength(big.body));
  });

  it('plans 100 services, and names the count when a project needs more than 500 resources', () => {
    expect(buildProjectTemplate(manyServices(100), 'balanced').stack.resourceCount).toBeLessThanOrEqual(500);
    const error = errorOf(() => buildProjectTemplate(manyServices(170), 'balanced'));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(/would hold \d{3} resources; CloudFormation allows 500/);
    expect(error.appError.details).toEqual(expect.objectContaining({ limit: 500 }));
  });

  /** `n` public HTTP ports, five per service. */
  const publicPorts = (n: number) =>
    Array.from({ length: Math.ceil(n / 5) }, (_, k) =>
      service(`web${k}`, { image: 'nginx', ports: Array.from({ length: Math.min(5, n - 5 * k) }, (_, i) => ({ target: 8000 + 5 * k + i, protocol: 'tcp' as const, mode: 'ingress' as const })) }),
    );

  it('allows 50 listeners and refuses 51', () => {
    // Five public ports per service, the most ECS attaches to one service.
    const ports = (n: number) => project('ports', publicPorts(n));
    expect(ofType(template(ports(50)), 'AWS::ElasticLoadBalancingV2::Listener')).toHaveLength(50);
    const error = errorOf(() => template(ports(51)));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('51 load balancer listeners');
  });

  it('counts security group rules against the quota of 60', () => {
    expect(() => checkSecurityGroupRules('services', 60)).not.toThrow();
    const error = errorOf(() => checkSecurityGroupRules('services', 61));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('61 inbound rules');
    // At the listener limit the load balancer's group holds one rule per listener, under the quota.
    const ports = project('ports', publicPorts(50));
    expect(props(template(ports), 'LoadBalancerSecurityGroup').SecurityGroupIngress).toHaveLength(50);
    expect(props(template(ports), 'ServiceSecurityGroup').SecurityGroupIngress).toHaveLength(50);
  });
});

describe('determinism', () => {
  it('gives identical bytes run to run, whatever order the services come in', () => {
    for (const mode of MODES) {
      const a = planProject(webWithStores(), { mode, region: 'eu-west-1', preflight: false });
      const b = planProject(webWithStores(), { mode, region: 'eu-west-1', preflight: false });
      expect(a.stacks.map((s) => s.body)).toEqual(b.stacks.map((s) => s.body));
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      const shuffled = { ...webWithStores(), services: [...webWithStores().services].reverse() };
      const c = planProject(shuffled, { mode, region: 'eu-west-1', preflight: false });
      expect(c.stacks.map((s) => s.body)).toEqual(a.stacks.map((s) => s.body));
    }
  });

  it('keeps keys sorted in the body, so an unchanged project diffs to nothing', () => {
    const body = buildProjectTemplate(webWithStores(), 'balanced').stack.body;
    const parsed = JSON.parse(body);
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(Object.keys(parsed.Resources)).toEqual([...Object.keys(parsed.Resources)].sort());
  });
});

describe('secrets never reach templates or the preview', () => {
  it('keeps a canary config value out of every template and the preview', () => {
    const canary = 'canary-7f3a9c1e-do-not-leak';
    const previous = process.env.SECRET_KEY;
    process.env.SECRET_KEY = canary;
    process.env.POSTGRES_PASSWORD = canary;
    try {
      const p = webWithStores();
      p.services[0]!.environment.API_KEY = config('API_KEY');
      for (const mode of MODES) {
        const preview = planProject(p, { mode, region: 'us-east-1', preflight: false, images: { web: '123.dkr.ecr.us-east-1.amazonaws.com/berth/shop:abc' } });
        expect(JSON.stringify(preview)).not.toContain(canary);
      }
    } finally {
      if (previous === undefined) delete process.env.SECRET_KEY;
      else process.env.SECRET_KEY = previous;
      delete process.env.POSTGRES_PASSWORD;
    }
  });
});

describe('stack parameters for the deploy pipeline', () => {
  const outputs = Object.fromEntries(BOOTSTRAP_OUTPUTS.map((name) => [name, `value-of-${name}`]));

  it('maps bootstrap outputs and images to the parameters the template declares', () => {
    const stack = buildProjectTemplate(webWithStores(), 'balanced').stack;
    expect(projectStackParameters(outputs, { web: 'repo:web-abc' }, stack)).toEqual([
      { ParameterKey: 'ClusterArn', ParameterValue: 'value-of-ClusterArn' },
      { ParameterKey: 'ClusterName', ParameterValue: 'value-of-ClusterName' },
      { ParameterKey: 'WebImage', ParameterValue: 'repo:web-abc' },
    ]);
  });

  it('names what is missing', () => {
    const stack = buildProjectTemplate(webWithStores(), 'balanced').stack;
    const error = errorOf(() => projectStackParameters(outputs, {}, stack));
    expect(error.message).toContain('the image of web');
    expect(errorOf(() => projectStackParameters({}, { web: 'x' }, stack)).message).toContain('bootstrap output ClusterArn');
  });

  it('uses bootstrap output names the bootstrap template really has', () => {
    const boot = buildBootstrapTemplate({}).template;
    for (const name of Object.keys(template(webWithStores()).Parameters!)) {
      if (name.endsWith('Image')) continue;
      expect(Object.keys(boot.Outputs!)).toContain(name);
    }
    expect(projectStackName(webWithStores().name)).toBe('berth-shop');
  });
});
