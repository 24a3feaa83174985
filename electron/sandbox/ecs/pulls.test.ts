/**
 * Image pulls as Fargate makes them: a way out of the VPC, Docker Hub's anonymous limit, and
 * the ECR pull-through cache importing an image on its first pull. Real SDK clients.
 */
import {
  CreatePullThroughCacheRuleCommand,
  DescribeImagesCommand,
  DescribePullThroughCacheRulesCommand,
  PullThroughCacheRuleAlreadyExistsException,
  SecretNotFoundException,
  UnsupportedUpstreamRegistryException,
  ValidatePullThroughCacheRuleCommand,
} from '@aws-sdk/client-ecr';
import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CreateClusterCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../index';
import { sandboxClients, type SandboxClients } from '../testing/clients';
import { physicalIdOf } from '../testing/stacks';
import { DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR } from './pulls';

const ACCOUNT_REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';

/** A VPC with a public subnet (internet gateway), a private one behind a NAT gateway, one with no way out; two execution roles. */
const network = JSON.stringify({
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.9.0.0/16' } },
    Igw: { Type: 'AWS::EC2::InternetGateway' },
    Attach: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Igw' } } },
    Public: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.9.0.0/24' } },
    Private: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.9.1.0/24' } },
    Isolated: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.9.2.0/24' } },
    PublicTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    PublicRoute: { Type: 'AWS::EC2::Route', DependsOn: 'Attach', Properties: { RouteTableId: { Ref: 'PublicTable' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'Igw' } } },
    PublicAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'Public' }, RouteTableId: { Ref: 'PublicTable' } } },
    NatIp: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
    Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'Public' }, AllocationId: { 'Fn::GetAtt': ['NatIp', 'AllocationId'] } } },
    PrivateTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    PrivateRoute: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PrivateTable' }, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: 'Nat' } } },
    PrivateAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'Private' }, RouteTableId: { Ref: 'PrivateTable' } } },
    IsolatedTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    IsolatedAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'Isolated' }, RouteTableId: { Ref: 'IsolatedTable' } } },
    PlainRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'plain-exec', AssumeRolePolicyDocument: trust() } },
    CacheRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'cache-exec',
        AssumeRolePolicyDocument: trust(),
        Policies: [
          {
            PolicyName: 'pull',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['ecr:BatchGetImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
                  Resource: ['arn:aws:ecr:us-east-1:000000000000:repository/berth-ecr-public/*', 'arn:aws:ecr:us-east-1:000000000000:repository/berth-docker-hub/*'],
                },
              ],
            },
          },
        ],
      },
    },
  },
});

function trust() {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
}

describe('sandbox image pulls', () => {
  let sb: Sandbox;
  let c: SandboxClients;
  const subnets: Record<string, string> = {};
  let family = 0;

  beforeAll(async () => {
    sb = await startSandbox();
    c = sandboxClients(sb);
    await c.ecs.send(new CreateClusterCommand({ clusterName: 'pulls' }));
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: '/pulls' }));
    await c.cloudformation.send(new CreateStackCommand({ StackName: 'pulls-network', TemplateBody: network, Capabilities: ['CAPABILITY_NAMED_IAM'] }));
    await sb.settle();
    expect((await c.cloudformation.send(new DescribeStacksCommand({ StackName: 'pulls-network' }))).Stacks![0]!.StackStatus).toBe('CREATE_COMPLETE');
    for (const name of ['Public', 'Private', 'Isolated']) subnets[name] = await physicalIdOf({ c }, 'pulls-network', name);
    await c.ecr.send(new CreatePullThroughCacheRuleCommand({ ecrRepositoryPrefix: 'berth-ecr-public', upstreamRegistryUrl: 'public.ecr.aws' }));
  });
  afterAll(async () => {
    c.destroy();
    await sb.close();
  });

  /** The image was pulled and the container started (the simulated program may have exited since). */
  const started = (t: Task) => t.startedAt !== undefined && t.stopCode !== 'TaskFailedToStart';

  /** Runs one task of `image` in a subnet and returns it once the sandbox has settled. */
  async function run(image: string, subnet: string, options: { publicIp?: boolean; role?: string; secret?: string } = {}) {
    const registered = await c.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `pulls-${family++}`,
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn: `arn:aws:iam::000000000000:role/${options.role ?? 'plain-exec'}`,
        containerDefinitions: [
          {
            name: 'app',
            image,
            essential: true,
            ...(options.secret ? { secrets: [{ name: 'TOKEN', valueFrom: options.secret }] } : {}),
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/pulls', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'app' } },
          },
        ],
      }),
    );
    const started = await c.ecs.send(
      new RunTaskCommand({
        cluster: 'pulls',
        taskDefinition: registered.taskDefinition!.taskDefinitionArn!,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnets[subnet]!], assignPublicIp: options.publicIp ? 'ENABLED' : 'DISABLED' } },
      }),
    );
    await sb.settle();
    return (await c.ecs.send(new DescribeTasksCommand({ cluster: 'pulls', tasks: [started.tasks![0]!.taskArn!] }))).tasks![0]!;
  }

  it('fails a task with no way to the internet, as the ECS agent words it, for Docker Hub, ECR and SSM', async () => {
    const hub = await run('nginx:1.27', 'Isolated');
    expect(hub.lastStatus).toBe('STOPPED');
    expect(hub.stopCode).toBe('TaskFailedToStart');
    expect(hub.stoppedReason).toMatch(
      /^CannotPullContainerError: pull image manifest has been retried 5 time\(s\): failed to resolve ref docker\.io\/library\/nginx:1\.27: failed to do request: Head "https:\/\/registry-1\.docker\.io\/v2\/library\/nginx\/manifests\/1\.27": dial tcp [\d.]+:443: i\/o timeout$/,
    );
    const ecr = await run(`${ACCOUNT_REGISTRY}/berth-ecr-public/docker/library/nginx:1.27`, 'Isolated', { role: 'cache-exec' });
    expect(ecr.stoppedReason).toMatch(/^ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR\./);
    await c.ssm.send(new PutParameterCommand({ Name: '/pulls/TOKEN', Value: 'x', Type: 'SecureString' }));
    const ssm = await run('nginx:1.27', 'Isolated', { secret: 'arn:aws:ssm:us-east-1:000000000000:parameter/pulls/TOKEN' });
    expect(ssm.stoppedReason).toMatch(/^ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: .*i\/o timeout$/);
  });

  it('needs a public IP in a public subnet; a NAT gateway is enough in a private one', async () => {
    expect((await run('ghcr.io/acme/app:1', 'Public')).stoppedReason).toMatch(/^CannotPullContainerError: .*ghcr\.io.*i\/o timeout$/);
    expect(started(await run('ghcr.io/acme/app:1', 'Public', { publicIp: true }))).toBe(true);
    expect(started(await run('ghcr.io/acme/app:1', 'Private'))).toBe(true);
  });

  it('refuses anonymous Docker Hub pulls past the hourly limit of the NAT gateway’s one address; tasks with their own public IP are not held to it', async () => {
    const behindNat = [];
    for (let i = 0; i <= DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR; i++) behindNat.push(await run('bitnami/redis:7.4', 'Private'));
    expect(behindNat.slice(0, DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR).every(started)).toBe(true);
    expect(behindNat.at(-1)!.stoppedReason).toBe(
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/bitnami/redis:7.4: unexpected status from HEAD request to https://registry-1.docker.io/v2/bitnami/redis/manifests/7.4: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit',
    );
    expect(started(await run('bitnami/redis:7.4', 'Public', { publicIp: true }))).toBe(true);
  });

  it('imports an image through the pull-through cache on its first pull, with the execution role’s permission', async () => {
    const image = `${ACCOUNT_REGISTRY}/berth-ecr-public/docker/library/postgres:16`;
    const denied = await run(image, 'Private');
    expect(denied.stoppedReason).toMatch(/pull access denied.*ecr:CreateRepository on resource: arn:aws:ecr:us-east-1:000000000000:repository\/berth-ecr-public\/docker\/library\/postgres$/);
    const pulled = await run(image, 'Private', { role: 'cache-exec' });
    expect(started(pulled)).toBe(true);
    const images = await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'berth-ecr-public/docker/library/postgres' }));
    expect(images.imageDetails?.map((d) => d.imageTags)).toEqual([['16']]);
    // Under no rule's prefix, an image that is not in the registry is simply not found.
    expect((await run(`${ACCOUNT_REGISTRY}/elsewhere/postgres:16`, 'Private', { role: 'cache-exec' })).stoppedReason).toMatch(/^CannotPullContainerError: .*: not found$/);
  });

  it('refuses a Docker Hub rule without a credential or with a secret that is not there; signs in with the secret, past the anonymous limit', async () => {
    await expect(c.ecr.send(new CreatePullThroughCacheRuleCommand({ ecrRepositoryPrefix: 'hub', upstreamRegistryUrl: 'registry-1.docker.io' }))).rejects.toBeInstanceOf(UnsupportedUpstreamRegistryException);
    const missing = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ecr-pullthroughcache/nobody-AbCdEf';
    await expect(c.ecr.send(new CreatePullThroughCacheRuleCommand({ ecrRepositoryPrefix: 'hub', upstreamRegistryUrl: 'registry-1.docker.io', credentialArn: missing }))).rejects.toBeInstanceOf(SecretNotFoundException);
    const secret = await c.secretsManager.send(new CreateSecretCommand({ Name: 'ecr-pullthroughcache/berth-docker-hub', SecretString: JSON.stringify({ username: 'alice', accessToken: 'dckr_pat_x' }) }));
    await c.ecr.send(new CreatePullThroughCacheRuleCommand({ ecrRepositoryPrefix: 'berth-docker-hub', upstreamRegistryUrl: 'registry-1.docker.io', credentialArn: secret.ARN }));
    const rules = (await c.ecr.send(new DescribePullThroughCacheRulesCommand({ ecrRepositoryPrefixes: ['berth-docker-hub'] }))).pullThroughCacheRules!;
    expect(rules[0]).toMatchObject({ upstreamRegistry: 'docker-hub', credentialArn: secret.ARN });
    expect(await c.ecr.send(new ValidatePullThroughCacheRuleCommand({ ecrRepositoryPrefix: 'berth-docker-hub' }))).toMatchObject({ isValid: true });

    // Every task behind the NAT gateway pulls it: ECR signs in, so Docker Hub's anonymous limit does not apply.
    const image = `${ACCOUNT_REGISTRY}/berth-docker-hub/bitnami/redis:7.4`;
    const tasks = [];
    for (let i = 0; i <= DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR; i++) tasks.push(await run(image, 'Private', { role: 'cache-exec' }));
    expect(tasks.every(started)).toBe(true);
    expect((await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'berth-docker-hub/bitnami/redis' }))).imageDetails?.map((d) => d.imageTags)).toEqual([['7.4']]);

    // A secret without the keys ECR reads: validation says why, and a first pull is denied with it.
    await c.secretsManager.send(new PutSecretValueCommand({ SecretId: secret.ARN, SecretString: JSON.stringify({ user: 'alice', password: 'x' }) }));
    expect(await c.ecr.send(new ValidatePullThroughCacheRuleCommand({ ecrRepositoryPrefix: 'berth-docker-hub' }))).toMatchObject({ isValid: false, failure: 'The secret must hold the keys username and accessToken.' });
    expect((await run(`${ACCOUNT_REGISTRY}/berth-docker-hub/metabase/metabase:v0.50`, 'Private', { role: 'cache-exec' })).stoppedReason).toMatch(
      /pull access denied.*The authentication to the upstream registry registry-1\.docker\.io failed: The secret must hold the keys username and accessToken\./,
    );
  });

  it('refuses a second pull-through cache rule with a prefix already in use', async () => {
    await expect(c.ecr.send(new CreatePullThroughCacheRuleCommand({ ecrRepositoryPrefix: 'berth-ecr-public', upstreamRegistryUrl: 'public.ecr.aws' }))).rejects.toBeInstanceOf(PullThroughCacheRuleAlreadyExistsException);
  });
});
