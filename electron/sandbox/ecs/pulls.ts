/**
 * Image pulls as Fargate makes them, before any container starts:
 * - the task's ENI needs a way out: a default route to an attached internet gateway plus a
 *   public IP, a default route to a NAT gateway, or (for ECR only) the ECR and S3 VPC endpoints;
 * - Docker Hub answers anonymous pulls 10 times an hour per public IP, then `toomanyrequests`;
 * - an image under a pull-through cache prefix that is not cached yet is imported from
 *   upstream, which needs `ecr:BatchImportUpstreamImage` (and `ecr:CreateRepository` for a new
 *   repository) in the execution role; the repository and image then exist in the account.
 * Failures use the words the ECS agent writes into `stoppedReason`.
 */
import { genericsOf } from '../cloudformation/providers/types';
import { createHash } from 'node:crypto';
import type { SandboxCore } from '../core';
import { createRepository, findImage, putImage } from '../ecr';
import type { EcrPullThroughCacheRule, EcsTask, EcsTaskDefinition, GenericResource } from '../state';
import { upstreamSignInProblem } from '../ecr/pull-through';
import { isAccountRegistry, parseImageReference } from '../codebuild/images';
import { roleAllows as inlinePoliciesAllow } from '../iam/policy';

/** Docker Hub's anonymous pull limit per IPv4 address (docs.docker.com, "Pull usage and limits"). */
export const DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR = 10;
const HOUR_MS = 3_600_000;

/** Anonymous Docker Hub pulls by public IP (in memory: a sandbox restart forgives them, as an hour would). */
const dockerHubPulls = new WeakMap<SandboxCore, Map<string, number[]>>();

type Egress = { kind: 'internet'; ip: string } | { kind: 'none'; ecrEndpoints: boolean; ssmEndpoint: boolean; privateIp: string };


/** A stable made-up public address for something (a task's public IP, a NAT gateway's Elastic IP). */
function publicIp(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  return `${3 + (h[0]! % 50)}.${h[1]}.${h[2]}.${1 + (h[3]! % 254)}`;
}

/** The route table a subnet uses: its explicit association, else its VPC's main table (which Berth never gives a default route). */
function defaultRoute(core: SandboxCore, subnetId: string): GenericResource | undefined {
  const table = genericsOf(core, 'AWS::EC2::SubnetRouteTableAssociation').find((a) => a.properties.SubnetId === subnetId)?.properties.RouteTableId;
  if (!table) return undefined;
  return genericsOf(core, 'AWS::EC2::Route').find((r) => r.properties.RouteTableId === table && r.properties.DestinationCidrBlock === '0.0.0.0/0');
}

function attachedGateway(core: SandboxCore, gatewayId: unknown, vpcId: unknown): boolean {
  return genericsOf(core, 'AWS::EC2::VPCGatewayAttachment').some((a) => a.properties.InternetGatewayId === gatewayId && a.properties.VpcId === vpcId);
}

/** True when a subnet's default route leads to an internet gateway attached to its VPC. */
function routesToInternet(core: SandboxCore, subnet: GenericResource): boolean {
  const route = defaultRoute(core, subnet.physicalId);
  return typeof route?.properties.GatewayId === 'string' && attachedGateway(core, route.properties.GatewayId, subnet.properties.VpcId);
}

/** True when the VPC has an endpoint for every service suffix (ECR needs ecr.api, ecr.dkr and S3, where the layers are). */
function hasEndpoints(core: SandboxCore, vpcId: unknown, suffixes: string[]): boolean {
  const services = genericsOf(core, 'AWS::EC2::VPCEndpoint').filter((e) => e.properties.VpcId === vpcId).map((e) => String(e.properties.ServiceName ?? ''));
  return suffixes.every((suffix) => services.some((s) => s.endsWith(suffix)));
}

/**
 * How the task reaches the internet, judged from its first subnet (Fargate places the ENI in one of
 * them). On EC2 the agent pulls images and secrets over the instance's network: its subnet and
 * address decide (an awsvpc task's own ENI never has a public IP there).
 */
export function taskEgress(core: SandboxCore, task: EcsTask): Egress {
  const instance = task.ec2InstanceId ? core.state.ec2.instances.get(task.ec2InstanceId) : undefined;
  const subnetId = instance ? instance.subnetId : task.network?.subnets[0];
  const addressed = instance ? instance.publicIp !== undefined : task.network?.assignPublicIp === true;
  const own = instance ? { seed: instance.id, ip: instance.publicIp, privateIp: instance.privateIp } : { seed: task.id, ip: undefined, privateIp: task.privateIp };
  const subnet = subnetId ? genericsOf(core, 'AWS::EC2::Subnet').find((s) => s.physicalId === subnetId) : undefined;
  // A subnet the sandbox did not create (a test's made-up id): nothing to judge by.
  if (!subnet) return { kind: 'internet', ip: own.ip ?? publicIp(own.seed) };
  const route = defaultRoute(core, subnet.physicalId);
  if (typeof route?.properties.GatewayId === 'string' && attachedGateway(core, route.properties.GatewayId, subnet.properties.VpcId) && addressed) {
    return { kind: 'internet', ip: own.ip ?? publicIp(own.seed) };
  }
  if (typeof route?.properties.NatGatewayId === 'string') {
    const nat = genericsOf(core, 'AWS::EC2::NatGateway').find((n) => n.physicalId === route.properties.NatGatewayId);
    const natSubnet = nat && genericsOf(core, 'AWS::EC2::Subnet').find((s) => s.physicalId === nat.properties.SubnetId);
    if (nat && natSubnet && routesToInternet(core, natSubnet)) {
      const eip = genericsOf(core, 'AWS::EC2::EIP').find((e) => e.attributes.AllocationId === nat.properties.AllocationId);
      return { kind: 'internet', ip: typeof eip?.attributes.PublicIp === 'string' ? eip.attributes.PublicIp : publicIp(nat.physicalId) };
    }
  }
  return { kind: 'none', ecrEndpoints: hasEndpoints(core, subnet.properties.VpcId, ['.ecr.api', '.ecr.dkr', '.s3']), ssmEndpoint: hasEndpoints(core, subnet.properties.VpcId, ['.ssm']), privateIp: own.privateIp };
}

/** Docker Hub's host and path for a reference (`nginx` → registry-1.docker.io, library/nginx). */
function dockerHubPath(repository: string): string {
  return repository.includes('/') ? repository : `library/${repository}`;
}

/** Counts one anonymous Docker Hub pull from `ip`; false past the hourly limit. */
function takeDockerHubPull(core: SandboxCore, ip: string, now: number): boolean {
  let byIp = dockerHubPulls.get(core);
  if (!byIp) dockerHubPulls.set(core, (byIp = new Map()));
  const recent = (byIp.get(ip) ?? []).filter((t) => now - t < HOUR_MS);
  if (recent.length >= DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR) {
    byIp.set(ip, recent);
    return false;
  }
  byIp.set(ip, [...recent, now]);
  return true;
}

/** Does the execution role allow `action` on `arn`? (Only the role's inline policies; no condition keys.) */
function roleAllows(core: SandboxCore, td: EcsTaskDefinition, action: string, arn: string): boolean {
  return inlinePoliciesAllow(core, String(td.body.executionRoleArn ?? ''), action, arn);
}

/** Why `image` cannot be pulled into the task, in the agent's words; undefined once it is pulled. */
export function pullFailure(core: SandboxCore, td: EcsTaskDefinition, task: EcsTask, image: string, now = Date.now()): string | undefined {
  const ref = parseImageReference(image);
  const egress = taskEgress(core, task);
  const ecr = ref.host.includes('.dkr.ecr.');
  if (egress.kind === 'none' && !(ecr && egress.ecrEndpoints)) {
    if (ecr) {
      return `ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post "https://api.ecr.${core.region}.amazonaws.com/": dial tcp ${egress.privateIp}:443: i/o timeout`;
    }
    const host = ref.host === 'docker.io' ? 'registry-1.docker.io' : ref.host;
    const path = ref.host === 'docker.io' ? dockerHubPath(ref.repository) : ref.repository;
    return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ref.host}/${path}:${ref.tag ?? ref.digest}: failed to do request: Head "https://${host}/v2/${path}/manifests/${ref.digest ?? ref.tag}": dial tcp ${publicIp(host)}:443: i/o timeout`;
  }
  if (ref.host === 'docker.io' && egress.kind === 'internet' && !takeDockerHubPull(core, egress.ip, now)) {
    const path = dockerHubPath(ref.repository);
    return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/${path}:${ref.tag ?? ref.digest}: unexpected status from HEAD request to https://registry-1.docker.io/v2/${path}/manifests/${ref.digest ?? ref.tag}: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit`;
  }
  if (!ecr) return undefined;
  const notFound = `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${image}: ${image}: not found`;
  if (!isAccountRegistry(ref.host, core.account)) return notFound;
  const repo = core.state.ecr.repositories.get(ref.repository);
  if (repo && findImage(repo, ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag })) return undefined;
  const rule = [...core.state.ecr.pullThroughCacheRules.values()].find((r) => ref.repository.startsWith(`${r.prefix}/`));
  if (!rule) return notFound;
  return importUpstream(core, td, rule, ref, repo !== undefined, image);
}

/** The first pull of a cached image: ECR creates the repository and imports the image from upstream, as the caller. */
function importUpstream(core: SandboxCore, td: EcsTaskDefinition, rule: EcrPullThroughCacheRule, ref: ReturnType<typeof parseImageReference>, repoExists: boolean, image: string): string | undefined {
  const repoArn = `arn:aws:ecr:${core.region}:${core.account}:repository/${ref.repository}`;
  const denied = (action: string) =>
    `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${image}: pull access denied, repository does not exist or may require authorization: the execution role is not authorized to perform: ${action} on resource: ${repoArn}`;
  if (!repoExists && !roleAllows(core, td, 'ecr:CreateRepository', repoArn)) return denied('ecr:CreateRepository');
  if (!roleAllows(core, td, 'ecr:BatchImportUpstreamImage', repoArn)) return denied('ecr:BatchImportUpstreamImage');
  // ECR signs in upstream with the rule's secret (the task's own address never reaches Docker Hub).
  const signIn = upstreamSignInProblem(core, rule);
  if (signIn) {
    return `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${image}: pull access denied, repository does not exist or may require authorization: denied: The authentication to the upstream registry ${rule.upstreamUrl} failed: ${signIn} Verify the credentials in the Secrets Manager secret.`;
  }
  if (!repoExists) createRepository(core, ref.repository);
  // The sandbox has no copy of the upstream registry: the imported manifest stands for it, named by reference.
  putImage(core, ref.repository, JSON.stringify({ schemaVersion: 2, upstream: `${ref.repository}:${ref.tag ?? ref.digest}` }), ref.tag, 50_000_000);
  return undefined;
}
