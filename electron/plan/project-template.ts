/**
 * The project stack `berth-<project>` (DESIGN.md §2): its own VPC (search domain
 * `<project>.internal`, so bare service names resolve), log groups, state-change events, private
 * DNS, security groups, load balancer, one task definition and ECS service per container
 * service, RDS and ElastiCache for managed stores, and the outputs (URLs, endpoints).
 * The cluster and built image URIs arrive as Parameters (no Fn::ImportValue), so the
 * project stack never locks the bootstrap's outputs.
 */
import { createHash } from 'node:crypto';
import { quote } from 'shell-quote';
import type { DeploymentMode, PlannedResource, PlannedStack } from '../../shared/domain/plan';
import { imageBuildWords, type EnvValue, type Healthcheck, type ProjectModel } from '../../shared/domain/project';
import { raise } from '../../shared/result';
import { arn, ecsTaskRoleTrust, ecsTasksTrust, getAtt, policy, ref, sub, tagList, type PolicyStatement } from './cfn';
import { containerServices, planIngress, type IngressPlan, type TargetGroupPlan } from './ingress';
import { capacityFor, MODE_SETTINGS, replicasFor } from './modes';
import {
  configParameterName,
  derivedParameterName,
  ecsServiceName,
  idPart,
  imageParameterName,
  namespaceName,
  projectEventsLogGroupName,
  projectLogGroupName,
  projectParameterPrefix,
  projectRepositoryName,
  projectStackName,
  projectId,
  projectToken,
  taskFamilyName,
} from './names';
import { cachedReference, DOCKER_HUB_CACHE_PREFIX, PULL_THROUGH_CACHE_PREFIX, taskImage, type ImageCaches } from './images';
import { addOneOff, oneOffRevision, type OneOffPlan } from './one-off';
import { postgresFamily, postgresMajor, postgresSupportNote } from './postgres';
import { addNetwork } from './network';
import { networkServiceRules } from './network-ingress';
import { addNetworkLoadBalancer, networkAttachments, networkServiceIngress } from './network-load-balancer';
import { planSecretFiles } from './secret-files';
import { addFileSystem, serviceVolumes } from './volumes';
import { isValidFargateSize } from './sizing';
import { finishStack, TemplateBuilder } from './stack';
import { addGpuCapacity, addGpuInstanceRole, GPU_AMI_PARAMETER, gpuClusterName, gpuClusterPrefix, gpuInstanceFor } from './gpu';
import { configModelsParameter, gatewayModelTable, invokedModels, modelStatements } from './models';

/** Bootstrap outputs the project template takes as parameters, with their CloudFormation types. */
export const PROJECT_BOOTSTRAP_PARAMETERS = {
  ClusterName: 'String',
  ClusterArn: 'String',
} as const;

/** Every project's VPC has this range: projects never share a network, so their ranges may overlap. */
const PROJECT_VPC_CIDR = '10.0.0.0/16';

/** Template metadata the deploy pipeline reads back: which parameter carries which service's image. */
export const IMAGES_METADATA_KEY = 'berth:images';
/** Template metadata: the one-off services the pipeline runs while the stack waits for them. */
export const ONE_OFFS_METADATA_KEY = 'berth:one-offs';
/**
 * Template metadata: the snapshot each managed store was restored from when it moved into the
 * project's own network. CloudFormation needs the same DBSnapshotIdentifier / SnapshotName on
 * every later update, or it replaces the store with an empty one.
 */
export const RESTORED_METADATA_KEY = 'berth:restored-from';


const LOG_RETENTION_DAYS = 30;
/** Short so a rollout does not wait five minutes per task for connections to drain. */
const DEREGISTRATION_DELAY_SECONDS = '10';
const POSTGRES_STORAGE_GB = 20;

export interface ProjectTemplatePlan {
  stack: PlannedStack;
  resources: PlannedResource[];
  ingress: IngressPlan;
}

/** The SSM parameter ARN (as a CloudFormation expression) behind one environment secret. */
/** The Docker label on a container that names the config versions its task reads (a digest, never a value). */
export const CONFIG_DIGEST_LABEL = 'berth.config-digest';

/** `{{resolve:ssm-secure:name:version}}` once the version is known: a changed value changes the template, so CloudFormation updates what uses it. */
function secureReference(parameter: string, versions: Record<string, number> | undefined): string {
  const version = versions?.[parameter];
  return `{{resolve:ssm-secure:${parameter}${version !== undefined ? `:${version}` : ''}}}`;
}

/** sha256 over the parameters a task reads and their versions (`name@version`, sorted), 16 hex digits; undefined when it reads none. */
export function configDigest(parameters: readonly string[], versions: Record<string, number>): string | undefined {
  const lines = [...new Set(parameters)].sort().map((name) => `${name}@${versions[name] ?? 'unset'}`);
  return lines.length === 0 ? undefined : createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

function secretArn(project: string, service: string, variable: string, value: EnvValue): unknown {
  const name = value.kind === 'derived' ? derivedParameterName(project, service, variable) : configParameterName(project, (value as { name: string }).name);
  return arn('ssm', `parameter${name}`);
}

/** A container name ECS accepts (letters, digits, `-`, `_`). */
function containerName(service: string): string {
  return service.replace(/[^A-Za-z0-9_-]/g, '-');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** The compose healthcheck as ECS runs it (ECS bounds: interval 5–300 s, timeout 2–60, retries 1–10, start 0–300). */
function containerHealthCheck(health: Healthcheck | undefined): Record<string, unknown> | undefined {
  if (!health || health.test.length === 0 || health.test[0] === 'NONE') return undefined;
  const test = health.test[0] === 'CMD' || health.test[0] === 'CMD-SHELL' ? health.test : ['CMD-SHELL', health.test.join(' ')];
  return {
    Command: test,
    Interval: clamp(health.intervalSeconds, 5, 300),
    Timeout: clamp(health.timeoutSeconds, 2, 60),
    Retries: clamp(health.retries, 1, 10),
    StartPeriod: clamp(health.startPeriodSeconds, 0, 300),
  };
}


/** Redis engine and version ElastiCache offers for an image tag's version. */
function redisEngine(version: string): { engine: 'redis' | 'valkey'; version: string } {
  const match = /^(\d+)(?:\.(\d+))?/.exec(version);
  const major = match ? Number(match[1]) : 7;
  const minor = match?.[2];
  if (major >= 8) return { engine: 'valkey', version: '8.0' };
  if (major === 7) return { engine: 'redis', version: minor === '0' ? '7.0' : '7.1' };
  if (major === 6) return { engine: 'redis', version: minor === '0' ? '6.0' : '6.2' };
  if (major === 5) return { engine: 'redis', version: '5.0.6' };
  return { engine: 'redis', version: '7.1' };
}

/** A Postgres identifier RDS accepts for the master user or database name. */
function validPgName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name);
}

function sortedByName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Builds the project template for one mode. Pure: the same project and mode give the same bytes. */
export function buildProjectTemplate(
  project: ProjectModel,
  mode: DeploymentMode,
  today = new Date().toISOString().slice(0, 10),
  images: Record<string, string> = {},
  /** Store name → the snapshot it was (or is being) restored from; see RESTORED_METADATA_KEY. */
  restores: Record<string, string> = {},
  /** SSM parameter name → its current version (known when connected): pins the database password and marks what each task reads. */
  configVersions?: Record<string, number>,
  /** Domain → the account's public hosted zone id for it: CloudFormation then writes the certificate's validation record. */
  hostedZones: Record<string, string> = {},
  /** The pull-through caches the bootstrap has beyond ECR Public's (Docker Hub, with the user's credentials). */
  caches: ImageCaches = {},
  /** The region the stack goes to: which inference profiles its model calls use. */
  region = 'us-east-1',
): ProjectTemplatePlan {
  const settings = MODE_SETTINGS[mode];
  const p = project.name;
  const tags = tagList(p);
  const b = new TemplateBuilder('project');
  const ingress = planIngress(project);
  const services = sortedByName(containerServices(project));
  const stores = sortedByName(project.services.filter((s) => s.managed));
  const serviceNames = new Set(project.services.map((s) => s.name));
  const shared = (description: string, why: string) => ({ group: 'shared', description, why });
  const own = (service: string, description: string, why: string) => ({ group: service, description, why });

  const gpuServices = services.filter((s) => s.gpu);
  for (const s of gpuServices) {
    if (s.oneOff) raise('PLAN_INVALID', `${s.name} reserves a GPU but runs once before other services; one-off tasks run on Fargate, which has no GPUs.`, { service: s.name });
    if (!gpuInstanceFor(s.gpu!)) raise('PLAN_INVALID', `${s.name} asks for ${s.gpu!.count} GPU${s.gpu!.count === 1 ? '' : 's'}, ${s.gpu!.cpu / 1024} vCPU and ${s.gpu!.memory} MiB, which no GPU instance type Berth uses holds (the largest is g4dn.metal: 8 GPUs, 96 vCPU, 384 GiB).`, { service: s.name });
  }
  for (const s of services) {
    if (s.gpu) continue;
    if (!isValidFargateSize(s.size)) {
      raise('PLAN_INVALID', `${s.name} asks for ${s.size.cpu} CPU units and ${s.size.memory} MiB, which is not a Fargate size.`, { service: s.name, size: s.size });
    }
  }

  // ---------------------------------------------------------------- parameters
  for (const [name, type] of Object.entries(PROJECT_BOOTSTRAP_PARAMETERS)) {
    b.parameter(name, { Type: type, Description: `From the berth-bootstrap stack output ${name}` });
  }
  const imageParameters: Record<string, string> = {};
  for (const s of services) {
    if (!s.build) continue;
    imageParameters[s.name] = b.parameter(imageParameterName(s.name), { Type: 'String', Description: `Image URI of ${s.name}, built by Berth` });
  }

  // ---------------------------------------------------------------- network
  const network = addNetwork(b, {
    project: p,
    name: `berth-${p}`,
    cidr: PROJECT_VPC_CIDR,
    privateSubnets: true,
    // GPU tasks run on EC2, where awsvpc tasks get no public address: they reach the internet through NAT.
    nat: settings.privateSubnets || gpuServices.length > 0,
    searchDomain: namespaceName(p),
    note: (description, why) => shared(description, why),
  });
  const subnets = settings.privateSubnets ? network.privateSubnets : network.publicSubnets;

  // ---------------------------------------------------------------- logs and events
  b.add(
    'LogGroup',
    { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: projectLogGroupName(p), RetentionInDays: LOG_RETENTION_DAYS, Tags: tags } },
    shared(`Log group ${projectLogGroupName(p)}`, `Every container’s output, one stream per task, kept ${LOG_RETENTION_DAYS} days`),
  );
  b.add(
    'EventsLogGroup',
    { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: projectEventsLogGroupName(p), RetentionInDays: LOG_RETENTION_DAYS, Tags: tags } },
    shared(`Log group ${projectEventsLogGroupName(p)}`, 'Keeps task and deployment state changes (why a task stopped) after the tasks are gone'),
  );
  // Every ECS service and task family of this project, and of no other, ends with its token.
  const token = `-${projectToken(p)}`;
  if (gpuServices.length > 0) {
    b.parameter('GpuAmiId', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: GPU_AMI_PARAMETER, Description: 'The ECS GPU-optimised AMI (AWS’s public parameter, read at each deploy)' });
    addGpuInstanceRole((id, resource, note) => b.add(id, resource, note), { tags, shared });
  }
  // Each GPU service has its own cluster (see gpuClusterName).
  const gpuClusterArns = gpuServices.map((s) => getAtt(`${idPart(s.name)}GpuCluster`, 'Arn'));
  b.add(
    'StateChangeRule',
    {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: `ECS task and service state changes of ${p}`,
        State: 'ENABLED',
        EventPattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Deployment State Change', 'ECS Service Action', 'ECS Task State Change'],
          $or: [
            { detail: { clusterArn: [ref('ClusterArn'), ...gpuClusterArns], group: [{ wildcard: `service:*${token}` }, { wildcard: `family:*${token}` }] } },
            { resources: [{ wildcard: sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/\${ClusterName}/*${token}`) }] },
            ...(gpuServices.length > 0 ? [{ resources: [{ wildcard: sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/${gpuClusterPrefix(projectId(p))}*/*${token}`) }] }] : []),
          ],
        },
        Targets: [{ Id: 'events-log', Arn: sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${EventsLogGroup}') }],
        Tags: tags,
      },
    },
    shared('EventBridge rule for task and deployment state changes', 'Sends them to the events log group, where Logs and Deploy show them'),
  );

  // ---------------------------------------------------------------- private DNS
  b.add(
    'Namespace',
    {
      Type: 'AWS::ServiceDiscovery::PrivateDnsNamespace',
      Properties: { Name: namespaceName(p), Vpc: network.vpc, Description: `Private DNS of ${p}`, Tags: tags },
    },
    shared(`Private DNS zone ${namespaceName(p)}`, 'Services find each other (and the database and cache) by name, as in compose'),
  );

  // ---------------------------------------------------------------- security groups
  const hasAlb = ingress.listeners.length > 0;
  if (hasAlb) {
    b.add(
      'LoadBalancerSecurityGroup',
      {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: `${p}: load balancer, open to the internet on published ports`,
          VpcId: network.vpc,
          SecurityGroupIngress: ingress.listeners.map((l) => ({ IpProtocol: 'tcp', FromPort: l.port, ToPort: l.port, CidrIp: '0.0.0.0/0', Description: `Port ${l.port} from the internet` })),
          Tags: tags,
        },
      },
      shared('Firewall of the load balancer', `Lets the internet reach the published port${ingress.listeners.length > 1 ? 's' : ''} ${ingress.listeners.map((l) => l.port).join(', ')} only`),
    );
  }
  // Stores admit the services' group, so it exists whenever there is a service or a store.
  if (services.length > 0 || stores.length > 0) {
    b.add(
      'ServiceSecurityGroup',
      {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: `${p}: services, reachable from the load balancer and each other`,
          VpcId: network.vpc,
          SecurityGroupIngress: [
            ...ingress.servicePorts.map((port) => ({
              IpProtocol: 'tcp',
              FromPort: port,
              ToPort: port,
              SourceSecurityGroupId: getAtt('LoadBalancerSecurityGroup', 'GroupId'),
              Description: `Port ${port} from the load balancer`,
            })),
            ...networkServiceIngress(networkServiceRules(ingress.network)),
          ],
          Tags: tags,
        },
      },
      shared('Firewall of the services', 'Only the load balancer (on container ports) and the project’s own services may connect'),
    );
  }
  if (services.length > 0) {
    b.add(
      'ServiceSecurityGroupSelfIngress',
      {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: {
          GroupId: getAtt('ServiceSecurityGroup', 'GroupId'),
          SourceSecurityGroupId: getAtt('ServiceSecurityGroup', 'GroupId'),
          IpProtocol: '-1',
          Description: `Traffic between the services of ${p}`,
        },
      },
      shared('Rule letting the services talk to each other', 'Compose services reach each other on any port, as on a compose network'),
    );
  }
  const storePorts = [...new Set(stores.map((s) => s.managed!.port))].sort((a, b) => a - b);
  if (stores.length > 0) {
    b.add(
      'StoreSecurityGroup',
      {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: `${p}: databases and caches, reachable from the services only`,
          VpcId: network.vpc,
          SecurityGroupIngress: storePorts.map((port) => ({
            IpProtocol: 'tcp',
            FromPort: port,
            ToPort: port,
            SourceSecurityGroupId: getAtt('ServiceSecurityGroup', 'GroupId'),
            Description: `Port ${port} from the services`,
          })),
          Tags: tags,
        },
      },
      shared('Firewall of the database and cache', `Only the project’s services may connect, on ${storePorts.join(' and ')}`),
    );
  }

  // ---------------------------------------------------------------- named volumes
  const fileSystem = services.length > 0 ? addFileSystem(b, p, project.volumes ?? [], network, tags, shared) : undefined;

  // ---------------------------------------------------------------- load balancer
  const targetGroupIds = new Map<TargetGroupPlan, string>();
  const listenerIdsByTarget = new Map<TargetGroupPlan, string[]>();
  const linkListener = (target: TargetGroupPlan, id: string) => listenerIdsByTarget.set(target, [...(listenerIdsByTarget.get(target) ?? []), id]);
  if (hasAlb) {
    b.add(
      'LoadBalancer',
      {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: {
          Type: 'application',
          Scheme: 'internet-facing',
          IpAddressType: 'ipv4',
          Subnets: network.publicSubnets,
          SecurityGroups: [getAtt('LoadBalancerSecurityGroup', 'GroupId')],
          Tags: tags,
        },
      },
      shared('Application load balancer', 'The one public entry point: routes each published port to its service'),
    );
    for (const target of ingress.targetGroups) {
      const service = project.services.find((s) => s.name === target.service)!;
      const health = service.healthcheck;
      const interval = clamp(health?.intervalSeconds ?? 15, 5, 300);
      const grpc = target.appProtocol === 'grpc' && ingress.domains.some((d) => d.target === target);
      const id = `${idPart(target.service)}TargetGroup${target.containerPort}`;
      b.add(
        id,
        {
          Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
          Properties: {
            TargetType: 'ip',
            Protocol: 'HTTP',
            ProtocolVersion: grpc ? 'GRPC' : 'HTTP1',
            Port: target.containerPort,
            VpcId: network.vpc,
            HealthCheckPath: grpc ? '/AWS.ALB/healthcheck' : target.healthPath,
            HealthCheckIntervalSeconds: interval,
            HealthCheckTimeoutSeconds: clamp(health?.timeoutSeconds ?? 5, 2, Math.min(120, interval - 1)),
            HealthyThresholdCount: 2,
            UnhealthyThresholdCount: clamp(health?.retries ?? 3, 2, 10),
            Matcher: grpc ? { GrpcCode: '0-99' } : { HttpCode: '200-399' },
            TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: DEREGISTRATION_DELAY_SECONDS }],
            Tags: tags,
          },
        },
        own(
          target.service,
          `Target group for ${target.service} port ${target.containerPort}`,
          `The load balancer sends traffic to healthy ${target.service} tasks, checking ${grpc ? 'gRPC health' : `GET ${target.healthPath}`}`,
        ),
      );
      targetGroupIds.set(target, id);
    }
    const certificates: string[] = [];
    for (const domain of ingress.domains) {
      const id = `${idPart(domain.service)}Certificate`;
      const zone = hostedZones[domain.domain];
      b.add(
        id,
        {
          Type: 'AWS::CertificateManager::Certificate',
          Properties: {
            DomainName: domain.domain,
            ValidationMethod: 'DNS',
            DomainValidationOptions: zone ? [{ DomainName: domain.domain, HostedZoneId: zone }] : undefined,
            Tags: tags,
          },
        },
        own(
          domain.service,
          `TLS certificate for ${domain.domain}`,
          zone ? `HTTPS for the service’s domain, validated through your hosted zone ${zone}` : 'HTTPS for the service’s domain; the deploy shows the validation CNAME to add where the domain’s DNS is served',
        ),
      );
      certificates.push(id);
    }
    for (const listener of ingress.listeners) {
      const id = listener.protocol === 'HTTPS' ? 'HttpsListener' : listener.action.kind === 'redirect-https' ? 'HttpRedirectListener' : `Listener${listener.port}`;
      let action: Record<string, unknown>;
      let description: string;
      if (listener.action.kind === 'forward') {
        action = { Type: 'forward', TargetGroupArn: ref(targetGroupIds.get(listener.action.target)!) };
        linkListener(listener.action.target, id);
        description = `Sends port ${listener.port} to ${listener.action.target.service}:${listener.action.target.containerPort}`;
      } else if (listener.action.kind === 'redirect-https') {
        action = { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } };
        description = 'Redirects plain HTTP on port 80 to HTTPS';
      } else {
        action = { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' } };
        description = `Serves HTTPS on 443 for ${ingress.domains.map((d) => d.domain).join(', ')}`;
      }
      const properties: Record<string, unknown> = {
        LoadBalancerArn: ref('LoadBalancer'),
        Port: listener.port,
        Protocol: listener.protocol,
        DefaultActions: [action],
        // No Tags: CloudFormation's Listener schema took them only recently (cfn-lint 1.51 refuses them, E3002); the listener goes with its tagged load balancer.
      };
      if (listener.protocol === 'HTTPS') {
        properties.Certificates = [{ CertificateArn: ref(certificates[0]!) }];
        properties.SslPolicy = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
      }
      b.add(id, { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: properties }, shared(`Load balancer listener on port ${listener.port} (${listener.protocol})`, description));
    }
    ingress.domains.forEach((domain, index) => {
      const id = `${idPart(domain.service)}HostRule`;
      b.add(
        id,
        {
          Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
          Properties: {
            ListenerArn: ref('HttpsListener'),
            Priority: index + 1,
            Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [domain.domain] } }],
            Actions: [{ Type: 'forward', TargetGroupArn: ref(targetGroupIds.get(domain.target)!) }],
            Tags: tags,
          },
        },
        own(domain.service, `HTTPS rule for ${domain.domain}`, `Requests for ${domain.domain} go to ${domain.service}`),
      );
      linkListener(domain.target, id);
      if (index > 0) {
        b.add(
          `${idPart(domain.service)}ListenerCertificate`,
          {
            Type: 'AWS::ElasticLoadBalancingV2::ListenerCertificate',
            Properties: { ListenerArn: ref('HttpsListener'), Certificates: [{ CertificateArn: ref(certificates[index]!) }] },
          },
          own(domain.service, `Adds the ${domain.domain} certificate to the HTTPS listener`, 'One HTTPS port serves several domains'),
        );
      }
    });
    b.output('LoadBalancerDnsName', getAtt('LoadBalancer', 'DNSName'), 'DNS name of the load balancer');
  }

  addNetworkLoadBalancer(b, { project: p, plan: ingress.network, services, vpc: network.vpc, publicSubnets: network.publicSubnets, tags, shared, own });

  // ---------------------------------------------------------------- IAM
  const hasBuilt = Object.keys(imageParameters).length > 0;
  const statements: PolicyStatement[] = [
    { Sid: 'ReadProjectConfig', Effect: 'Allow', Action: ['ssm:GetParameters'], Resource: [arn('ssm', `parameter${projectParameterPrefix(p)}*`)] },
    { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [getAtt('LogGroup', 'Arn')] },
  ];
  // Docker Hub's official images, ECR Public's and the secret-file writer come through the pull-through cache.
  const cachedPrefixes = new Set(services.flatMap((s) => [...(!s.build ? [cachedReference(s.image!, caches)] : []), ...((s.secretFiles ?? []).length > 0 ? [PULL_THROUGH_CACHE_PREFIX] : [])]).flatMap((r) => (r ? [r.split('/')[0]!] : [])));
  const hasCached = cachedPrefixes.size > 0;
  if (hasBuilt || hasCached) {
    // GetAuthorizationToken has no resource-level permissions: AWS requires "*" here.
    statements.push({ Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' });
  }
  if (hasBuilt) {
    statements.push({
      Sid: 'PullProjectImages',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: [arn('ecr', `repository/${projectRepositoryName(p)}`)],
    });
  }
  if (hasCached) {
    // The first pull of an image imports it from upstream into a repository ECR creates for it.
    statements.push({
      Sid: 'PullThroughCache',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository', 'ecr:GetDownloadUrlForLayer'],
      Resource: [PULL_THROUGH_CACHE_PREFIX, DOCKER_HUB_CACHE_PREFIX].filter((prefix) => cachedPrefixes.has(prefix)).map((prefix) => arn('ecr', `repository/${prefix}/*`)),
    });
  }
  if (services.length > 0) {
    b.add(
      'ExecutionRole',
      {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: ecsTasksTrust(), Policies: [{ PolicyName: 'start-tasks', PolicyDocument: policy(statements) }], Tags: tags },
      },
      shared('Role ECS uses to start the project’s tasks', `Pulls the project’s images, writes its logs, and reads only ${projectParameterPrefix(p)}* secrets`),
    );
  }

  // ---------------------------------------------------------------- managed stores
  // A subnet group cannot move to another VPC: stores restored into the project's network get new ones.
  const moved = Object.keys(restores).length > 0;
  const databaseSubnetGroup = moved ? 'ProjectDatabaseSubnetGroup' : 'DatabaseSubnetGroup';
  const cacheSubnetGroup = moved ? 'ProjectCacheSubnetGroup' : 'CacheSubnetGroup';
  if (stores.some((s) => s.managed!.kind === 'postgres')) {
    b.add(
      databaseSubnetGroup,
      {
        Type: 'AWS::RDS::DBSubnetGroup',
        Properties: { DBSubnetGroupDescription: `${p}: private subnets for databases`, SubnetIds: network.privateSubnets, Tags: tags },
      },
      shared('Database subnet group', 'Keeps the database in the private subnets of both zones'),
    );
  }
  if (stores.some((s) => s.managed!.kind === 'redis')) {
    b.add(
      cacheSubnetGroup,
      { Type: 'AWS::ElastiCache::SubnetGroup', Properties: { Description: `${p}: private subnets for caches`, SubnetIds: network.privateSubnets, Tags: tags } },
      shared('Cache subnet group', 'Keeps the cache in the private subnets of both zones'),
    );
  }
  const storeResource = new Map<string, string>();
  for (const store of stores) {
    const managed = store.managed!;
    const part = idPart(store.name);
    let address: unknown;
    let endpoint: string;
    if (managed.kind === 'postgres') {
      const user = managed.user ?? 'postgres';
      if (!validPgName(user)) {
        raise('PLAN_INVALID', `POSTGRES_USER "${user}" of ${store.name} is not a name RDS accepts: use letters, digits and _ and start with a letter.`, { service: store.name });
      }
      const database = managed.database ?? user;
      if (!validPgName(database)) {
        raise('PLAN_INVALID', `POSTGRES_DB "${database}" of ${store.name} is not a name RDS accepts: use letters, digits and _ and start with a letter.`, { service: store.name });
      }
      const passwordConfig = managed.passwordConfig ?? 'POSTGRES_PASSWORD';
      const id = `${part}Database`;
      const major = postgresMajor(store);
      // RDS PostgreSQL 15+ sets rds.force_ssl = 1 in its default group, refusing clients that do not try TLS
      // (node-postgres, pgbouncer by default). Compose's postgres accepts them, so this group allows both.
      b.add(
        `${part}DatabaseParameters`,
        {
          Type: 'AWS::RDS::DBParameterGroup',
          Properties: {
            Family: postgresFamily(major),
            Description: `${p} ${store.name}: TLS optional, as the compose postgres image`,
            Parameters: { 'rds.force_ssl': '0' },
            Tags: tags,
          },
        },
        own(
          store.name,
          `Database settings for ${store.name}: TLS optional (rds.force_ssl = 0)`,
          'Apps connect as they did on the compose network, with or without TLS; the database is reachable only from the project’s services',
        ),
      );
      const supportNote = postgresSupportNote(store, major, today);
      const restoredFrom = restores[store.name];
      b.add(
        id,
        {
          Type: 'AWS::RDS::DBInstance',
          DeletionPolicy: 'Snapshot',
          UpdateReplacePolicy: 'Snapshot',
          Properties: {
            Engine: 'postgres',
            EngineVersion: String(major),
            DBParameterGroupName: ref(`${part}DatabaseParameters`),
            DBInstanceClass: settings.postgresInstanceClass,
            AllocatedStorage: String(POSTGRES_STORAGE_GB),
            StorageType: 'gp3',
            PubliclyAccessible: false,
            MultiAZ: settings.postgresMultiAz,
            BackupRetentionPeriod: settings.postgresBackupDays,
            CopyTagsToSnapshot: true,
            DeletionProtection: false,
            AutoMinorVersionUpgrade: true,
            Port: String(managed.port),
            // A restored database keeps the user, password, name and encryption of its snapshot (CloudFormation refuses them).
            ...(restoredFrom
              ? { DBSnapshotIdentifier: restoredFrom }
              : {
                  StorageEncrypted: true,
                  MasterUsername: user,
                  // A dynamic reference: CloudFormation reads the SecureString itself, the template never holds it.
                  MasterUserPassword: secureReference(configParameterName(p, passwordConfig), configVersions),
                  ...(database === 'postgres' ? {} : { DBName: database }),
                }),
            DBSubnetGroupName: ref(databaseSubnetGroup),
            VPCSecurityGroups: [getAtt('StoreSecurityGroup', 'GroupId')],
            Tags: tags,
          },
        },
        own(
          store.name,
          `PostgreSQL ${major} on RDS (${settings.postgresInstanceClass}${settings.postgresMultiAz ? ', Multi-AZ' : ''}), TLS optional`,
          `${restoredFrom ? `Restored from snapshot ${restoredFrom} in the project’s own network. ` : ''}Replaces the ${store.name} container with a managed, encrypted, backed-up database; a snapshot is kept when it is deleted or replaced. Clients may connect without TLS, as to the compose postgres, or with it (sslmode=require)${supportNote ? `. ${supportNote}` : ''}`,
        ),
      );
      address = getAtt(id, 'Endpoint.Address');
      endpoint = `\${${id}.Endpoint.Address}:\${${id}.Endpoint.Port}`;
      storeResource.set(store.name, id);
    } else {
      const { engine, version } = redisEngine(managed.version);
      const id = `${part}Cache`;
      const failover = settings.redisNodes > 1;
      b.add(
        id,
        {
          Type: 'AWS::ElastiCache::ReplicationGroup',
          // As for databases: a final snapshot when the cache is deleted or replaced (queues and sessions live here too).
          DeletionPolicy: 'Snapshot',
          UpdateReplacePolicy: 'Snapshot',
          Properties: {
            ReplicationGroupDescription: `${p} ${store.name}`,
            Engine: engine,
            EngineVersion: version,
            CacheNodeType: settings.redisNodeType,
            NumCacheClusters: settings.redisNodes,
            AutomaticFailoverEnabled: failover,
            MultiAZEnabled: failover,
            AtRestEncryptionEnabled: true,
            // Apps connect with plain redis:// as they did in compose; the network is private.
            TransitEncryptionEnabled: false,
            Port: managed.port,
            ...(restores[store.name] ? { SnapshotName: restores[store.name] } : {}),
            CacheSubnetGroupName: ref(cacheSubnetGroup),
            SecurityGroupIds: [getAtt('StoreSecurityGroup', 'GroupId')],
            Tags: tags,
          },
        },
        own(
          store.name,
          `${engine === 'valkey' ? 'Valkey' : 'Redis'} ${version} on ElastiCache (${settings.redisNodes} × ${settings.redisNodeType})`,
          `${restores[store.name] ? `Restored from snapshot ${restores[store.name]} in the project’s own network. ` : ''}Replaces the ${store.name} container with a managed cache${failover ? ' with automatic failover' : ''}; a snapshot is kept when it is deleted or replaced`,
        ),
      );
      address = getAtt(id, 'PrimaryEndPoint.Address');
      endpoint = `\${${id}.PrimaryEndPoint.Address}:\${${id}.PrimaryEndPoint.Port}`;
      storeResource.set(store.name, id);
    }
    b.add(
      `${part}DnsRecord`,
      {
        Type: 'AWS::Route53::RecordSet',
        Properties: {
          HostedZoneId: getAtt('Namespace', 'HostedZoneId'),
          Name: `${store.name}.${namespaceName(p)}.`,
          Type: 'CNAME',
          TTL: '60',
          ResourceRecords: [address],
        },
      },
      own(store.name, `DNS name ${store.name}.${namespaceName(p)}`, `Services keep using the host name ${store.name}, as in compose`),
    );
    b.output(`${part}Endpoint`, sub(endpoint), `${store.name} endpoint (also ${store.name}.${namespaceName(p)})`);
  }

  // ---------------------------------------------------------------- container services
  const oneOffs = new Map<string, OneOffPlan>();
  for (const s of services) {
    if (!s.oneOff) continue;
    const revision = oneOffRevision(s, images[s.name]);
    const part = idPart(s.name);
    oneOffs.set(s.name, {
      service: s.name,
      container: containerName(s.name),
      taskDefinition: `${part}TaskDefinition`,
      handle: `${part}OneOffHandle${revision}`,
      waitCondition: `${part}OneOffDone${revision}`,
      subnets: (settings.privateSubnets ? ['PrivateSubnet1', 'PrivateSubnet2'] : ['PublicSubnet1', 'PublicSubnet2']),
      securityGroup: 'ServiceSecurityGroup',
      assignPublicIp: !settings.privateSubnets,
      logGroup: projectLogGroupName(p),
    });
  }
  for (const s of services) {
    const part = idPart(s.name);
    const container = containerName(s.name);
    const environment: { Name: string; Value: unknown }[] = [];
    const secrets: { Name: string; ValueFrom: unknown }[] = [];
    const reads: string[] = [];
    for (const variable of Object.keys(s.environment).sort()) {
      const value = s.environment[variable]!;
      if (value.kind === 'literal') environment.push({ Name: variable, Value: value.value });
      else {
        secrets.push({ Name: variable, ValueFrom: secretArn(p, s.name, variable, value) });
        reads.push(value.kind === 'derived' ? derivedParameterName(p, s.name, variable) : configParameterName(p, (value as { name: string }).name));
      }
    }
    const models = invokedModels(s, region);
    const configModels = (s.llm?.configModels ?? []).length > 0 ? b.parameter(configModelsParameter(part), { Type: 'CommaDelimitedList', Description: `Bedrock ARNs of the models ${s.name}'s config values name (${s.llm!.configModels!.join(', ')}), checked by Berth at deploy` }) : undefined;
    // Bedrock and GPU tasks learn their region as Fargate tells it, also on EC2 (whose agent may not).
    const present = new Set(environment.map((e) => e.Name));
    if (s.llm || s.gpu) for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) if (!present.has(name)) environment.push({ Name: name, Value: ref('AWS::Region') });
    if (s.llm?.gateway) {
      environment.push({ Name: 'BERTH_MODELS', Value: gatewayModelTable(models) }, { Name: 'PORT', Value: String(s.ports[0]?.target ?? 80) });
    }
    environment.sort((x, y) => x.Name.localeCompare(y.Name));
    const arm = s.platform === 'linux/arm64';
    const definition: Record<string, unknown> = {
      Name: container,
      Image: s.build ? ref(imageParameters[s.name]!) : taskImage(s.image!, caches),
      Essential: true,
      // A one-off is reached by no one: no ports, no health check; it runs and exits.
      PortMappings: s.ports.length > 0 && !s.oneOff ? s.ports.map((port) => ({ ContainerPort: port.target, Protocol: port.protocol })) : undefined,
      Environment: environment.length > 0 ? environment : undefined,
      Secrets: secrets.length > 0 ? secrets : undefined,
      Command: s.build?.builder === 'railpack' && !s.entrypoint ? railpackCommand(s.command) : s.command,
      EntryPoint: s.entrypoint,
      HealthCheck: s.oneOff ? undefined : containerHealthCheck(s.healthcheck),
      ResourceRequirements: s.gpu ? [{ Type: 'GPU', Value: String(s.gpu.count) }] : undefined,
      User: s.user,
      WorkingDirectory: s.workingDir,
      ReadonlyRootFilesystem: s.readOnly,
      LinuxParameters: s.init ? { InitProcessEnabled: true } : undefined,
      StopTimeout: s.stopGracePeriodSeconds === undefined ? undefined : clamp(s.stopGracePeriodSeconds, 2, 120),
      LogConfiguration: {
        LogDriver: 'awslogs',
        Options: { 'awslogs-group': ref('LogGroup'), 'awslogs-region': ref('AWS::Region'), 'awslogs-stream-prefix': container },
      },
    };
    if (!s.build && !s.image) raise('PLAN_INVALID', `${s.name} has neither an image nor a build section.`, { service: s.name });
    const secretFiles = planSecretFiles(p, s, project.secrets ?? [], { 'awslogs-group': ref('LogGroup'), 'awslogs-region': ref('AWS::Region') });
    if (secretFiles) definition.DependsOn = secretFiles.dependsOn;
    // A changed config value changes the task definition, so ECS starts tasks that read it anew.
    const digest = configVersions ? configDigest([...reads, ...(secretFiles?.parameters ?? [])], configVersions) : undefined;
    if (digest) definition.DockerLabels = { [CONFIG_DIGEST_LABEL]: digest };
    const volumes = serviceVolumes(s, fileSystem);
    const mountPoints = [...(secretFiles?.mountPoints ?? []), ...volumes.mountPoints];
    if (mountPoints.length > 0) definition.MountPoints = mountPoints;
    const taskVolumes = [...(secretFiles?.volumes ?? []), ...volumes.volumes];
    const policies = s.policies ?? [];
    const bedrock = modelStatements(models, configModels);
    const inline = [
      ...(volumes.statements.length > 0 ? [{ PolicyName: 'mount-volumes', PolicyDocument: policy(volumes.statements) }] : []),
      ...(bedrock.length > 0 ? [{ PolicyName: 'invoke-models', PolicyDocument: policy(bedrock) }] : []),
    ];
    const modelWords = models.map((m) => m.invokeId);
    const roleWhat = [policies.length > 0 ? policies.join(', ') : '', modelWords.length > 0 || configModels ? `Bedrock access to ${[...modelWords, ...(configModels ? [`the models in ${s.llm!.configModels!.join(', ')}`] : [])].join(', ')}` : ''].filter(Boolean);
    b.add(
      `${part}TaskRole`,
      {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: ecsTaskRoleTrust(),
          ManagedPolicyArns: policies.length > 0 ? policies : undefined,
          // Mounting its volumes is the one AWS call ECS makes as the task itself; its models are the ones the code may call.
          Policies: inline.length > 0 ? inline : undefined,
          Tags: tags,
        },
      },
      own(
        s.name,
        roleWhat.length > 0 ? `Task role of ${s.name} with ${roleWhat.join('; ')}` : `Task role of ${s.name} (no AWS permissions)`,
        roleWhat.length > 0
          ? `The AWS identity ${s.name}’s code calls AWS with: exactly ${[policies.length > 0 ? 'the managed policies of its x-defang-policies' : '', modelWords.length > 0 || configModels ? 'invoking the Bedrock models it uses (by ARN, nothing else in Bedrock)' : ''].filter(Boolean).join(' and ')}`
          : `The AWS identity ${s.name}’s code runs as: it may call no AWS API until x-defang-policies names managed policies`,
      ),
    );
    b.add(
      `${part}TaskDefinition`,
      {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: taskFamilyName(p, containerName(s.name)),
          RequiresCompatibilities: [s.gpu ? 'EC2' : 'FARGATE'],
          NetworkMode: 'awsvpc',
          Cpu: String(s.gpu ? s.gpu.cpu : s.size.cpu),
          Memory: String(s.gpu ? s.gpu.memory : s.size.memory),
          RuntimePlatform: { CpuArchitecture: arm ? 'ARM64' : 'X86_64', OperatingSystemFamily: 'LINUX' },
          ExecutionRoleArn: getAtt('ExecutionRole', 'Arn'),
          TaskRoleArn: getAtt(`${part}TaskRole`, 'Arn'),
          ContainerDefinitions: secretFiles ? [secretFiles.init, definition] : [definition],
          Volumes: taskVolumes.length > 0 ? taskVolumes : undefined,
          Tags: tags,
        },
      },
      own(
        s.name,
        s.gpu ? `Task definition: ${s.gpu.count} GPU${s.gpu.count === 1 ? '' : 's'}, ${s.gpu.cpu / 1024} vCPU, ${s.gpu.memory / 1024} GB, amd64, on EC2` : `Task definition: ${s.size.cpu / 1024} vCPU, ${s.size.memory / 1024} GB, ${arm ? 'arm64' : 'amd64'}`,
        `How to run ${s.name}: ${s.build ? `the image ${imageBuildWords(s.build)}` : s.image}, its environment, ${secrets.length} secret${secrets.length === 1 ? '' : 's'} read from SSM${secretFiles ? `, ${s.secretFiles!.length} secret file${s.secretFiles!.length === 1 ? '' : 's'} in /run/secrets (${s.secretFiles!.map((f) => f.path.slice('/run/secrets/'.length)).join(', ')}) written before it starts` : ''}${(s.volumes ?? []).length > 0 ? `, volumes ${s.volumes!.map((v) => `${v.volume} at ${v.path}${v.readOnly ? ' (read-only)' : ''}`).join(', ')} on EFS` : ''}, logs`,
      ),
    );
    const serviceDependencies = (): Set<string> => {
      // Tasks take their DNS search domain and routes when they start: the network comes first.
      const ids = new Set<string>(network.ready);
      // A task mounts its volumes as it starts: their mount targets must be there.
      if (fileSystem && (s.volumes ?? []).length > 0) for (const id of fileSystem.ready) ids.add(id);
      for (const dep of s.dependsOn) {
        if (!serviceNames.has(dep) || dep === s.name) continue;
        ids.add(storeResource.has(dep) ? `${idPart(dep)}DnsRecord` : (oneOffs.get(dep)?.waitCondition ?? `${idPart(dep)}Service`));
      }
      return ids;
    };
    const oneOff = oneOffs.get(s.name);
    if (oneOff) {
      addOneOff(b, oneOff, [...serviceDependencies()], s, own);
      continue;
    }
    b.add(
      `${part}Discovery`,
      {
        Type: 'AWS::ServiceDiscovery::Service',
        Properties: {
          Name: s.name,
          NamespaceId: getAtt('Namespace', 'Id'),
          DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }], RoutingPolicy: 'MULTIVALUE' },
          HealthCheckCustomConfig: { FailureThreshold: 1 },
          Tags: tags,
        },
      },
      own(s.name, `DNS name ${s.name}.${namespaceName(p)}`, `Other services reach ${s.name} by name; ECS keeps the addresses current`),
    );
    const targets = ingress.targetGroups.filter((t) => t.service === s.name);
    const dependsOn = serviceDependencies();
    for (const t of targets) for (const l of listenerIdsByTarget.get(t) ?? []) dependsOn.add(l);
    const nlb = networkAttachments(ingress.network, s.name, container);
    for (const l of nlb.listeners) dependsOn.add(l);
    const loadBalancers = [...targets.map((t) => ({ ContainerName: container, ContainerPort: t.containerPort, TargetGroupArn: ref(targetGroupIds.get(t)!) })), ...nlb.loadBalancers];
    const replicas = replicasFor(mode, s.replicas);
    // A GPU task first waits for its instance to boot and its (large) image to pull.
    const grace = loadBalancers.length > 0 ? (s.gpu ? 600 : 60) + clamp(s.healthcheck?.startPeriodSeconds ?? 0, 0, 300) : undefined;
    const gpuCapacity = s.gpu
      ? addGpuCapacity((id, resource, note) => b.add(id, resource, note), {
          part,
          service: s.name,
          clusterName: gpuClusterName(projectId(p), s.name),
          instance: gpuInstanceFor(s.gpu)!,
          maxInstances: Math.max(replicas, 1),
          subnets: network.privateSubnets,
          securityGroup: getAtt('ServiceSecurityGroup', 'GroupId'),
          ready: network.ready,
          tags,
          own: (description, why) => own(s.name, description, why),
        })
      : undefined;
    if (gpuCapacity) dependsOn.add(gpuCapacity.association);
    const capacity = capacityFor(mode, s.platform);
    b.add(
      `${part}Service`,
      {
        Type: 'AWS::ECS::Service',
        DependsOn: dependsOn.size > 0 ? [...dependsOn].sort() : undefined,
        Properties: {
          ServiceName: ecsServiceName(p, containerName(s.name)),
          Cluster: gpuCapacity ? ref(gpuCapacity.cluster) : ref('ClusterName'),
          TaskDefinition: ref(`${part}TaskDefinition`),
          DesiredCount: replicas,
          CapacityProviderStrategy: [{ CapacityProvider: gpuCapacity ? ref(gpuCapacity.capacityProvider) : capacity, Weight: 1 }],
          DeploymentConfiguration: {
            DeploymentCircuitBreaker: { Enable: true, Rollback: true },
            // A GPU service is replaced in place (the old task stops before the new one starts), so it never needs more GPU instances than replicas, nor more GPU quota.
            MinimumHealthyPercent: gpuCapacity ? (replicas > 1 ? 50 : 0) : 100,
            MaximumPercent: gpuCapacity ? 100 : 200,
          },
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              // EC2 tasks in awsvpc mode cannot have a public address: GPU tasks sit in the private subnets behind NAT.
              AssignPublicIp: settings.privateSubnets || gpuCapacity ? 'DISABLED' : 'ENABLED',
              Subnets: gpuCapacity ? network.privateSubnets : subnets,
              SecurityGroups: [getAtt('ServiceSecurityGroup', 'GroupId')],
            },
          },
          ServiceRegistries: [{ RegistryArn: getAtt(`${part}Discovery`, 'Arn') }],
          LoadBalancers: loadBalancers.length > 0 ? loadBalancers : undefined,
          HealthCheckGracePeriodSeconds: grace,
          PropagateTags: 'SERVICE',
          EnableECSManagedTags: true,
          Tags: tags,
        },
      },
      own(
        s.name,
        gpuCapacity
          ? `ECS service: ${replicas} task${replicas === 1 ? '' : 's'} on ${gpuInstanceFor(s.gpu!)!.type} GPU instances in private subnets`
          : `ECS service: ${replicas} task${replicas === 1 ? '' : 's'} on ${capacity === 'FARGATE_SPOT' ? 'Fargate Spot' : 'Fargate'}${settings.privateSubnets ? ' in private subnets' : ''}`,
        'Keeps the tasks running; a failed rollout stops and rolls back by itself (circuit breaker)',
      ),
    );
  }

  // ---------------------------------------------------------------- outputs: URLs
  for (const listener of ingress.listeners) {
    if (listener.action.kind !== 'forward') continue;
    const target = listener.action.target;
    b.output(
      `${idPart(target.service)}Url${listener.port}`,
      sub(`http://\${LoadBalancer.DNSName}${listener.port === 80 ? '' : `:${listener.port}`}`),
      `${target.service} port ${target.containerPort}`,
    );
  }
  for (const domain of ingress.domains) {
    b.output(`${idPart(domain.service)}HttpsUrl`, `https://${domain.domain}`, `${domain.service} over HTTPS (point ${domain.domain} at LoadBalancerDnsName)`);
  }

  const template = b.template(`Berth project ${p} (${mode})`, {
    'berth:project': p,
    'berth:mode': mode,
    [IMAGES_METADATA_KEY]: imageParameters,
    ...(oneOffs.size > 0 ? { [ONE_OFFS_METADATA_KEY]: Object.fromEntries(oneOffs) } : {}),
    ...(moved ? { [RESTORED_METADATA_KEY]: restores } : {}),
  });
  return { stack: finishStack(projectStackName(p), template), resources: b.planned(), ingress };
}

/**
 * Railpack images start with `bash -c <command>`: a compose command list becomes one shell string,
 * quoted so that each word stays one word (as Defang does).
 */
export function railpackCommand(command: readonly string[] | undefined): string[] | undefined {
  if (!command || command.length <= 1) return command ? [...command] : undefined;
  return [quote([...command])];
}
