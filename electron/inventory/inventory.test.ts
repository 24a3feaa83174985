import { DeleteStackCommand, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DeleteRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteParametersCommand, DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DeleteSecretCommand, DescribeSecretCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TeardownEvent } from '../../shared/domain/inventory';
import { createClients, destroyClients } from '../aws/clients';
import { fakeCloudFormation } from '../aws/testing/fake-cloudformation';
import { formatInventory } from '../cli/commands/ls';
import { regionInventory } from './list';
import { assertBootstrapRemovable, teardownBootstrap, teardownProject } from './teardown';

const clients = createClients({ region: 'us-east-1' }, async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }), 'test');
afterAll(() => destroyClients(clients));
const identity = { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/a', userId: 'u', principalKind: 'user' as const };
const conn = { clients, identity, target: { region: 'us-east-1' } };
const wait = { sleep: async () => undefined };
const berth = [{ Key: 'berth:managed-by', Value: 'berth' }];
const projectTags = (p: string) => [...berth, { Key: 'berth:project', Value: p }];

let cfn: ReturnType<typeof fakeCloudFormation>;
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const ecr = mockClient(ECRClient);
const secrets = mockClient(SecretsManagerClient);
const noSecret = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });

beforeEach(() => {
  tagging.reset();
  s3.reset();
  ssm.reset();
  ecr.reset();
  secrets.reset();
  secrets.on(DescribeSecretCommand).rejects(noSecret());
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
  s3.on(ListObjectsV2Command).resolves({});
  s3.on(ListObjectVersionsCommand).resolves({});
  ssm.on(DescribeParametersCommand).resolves({ Parameters: [] });
  ssm.on(DeleteParametersCommand).callsFake((i: { Names: string[] }) => ({ DeletedParameters: i.Names }));
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [] });
});
afterEach(() => cfn.mock.restore());

function seedBootstrap() {
  return cfn.seed('berth-bootstrap', 'CREATE_COMPLETE', {
    tags: berth,
    protection: true,
    outputs: { BucketName: 'berth-bucket', TemplateVersion: '1' },
    resources: [
      { logicalId: 'ArtifactBucket', type: 'AWS::S3::Bucket', physicalId: 'berth-bucket' },
      { logicalId: 'Cluster', type: 'AWS::ECS::Cluster', physicalId: 'berth' },
      { logicalId: 'BuildProjectAmd64', type: 'AWS::CodeBuild::Project', physicalId: 'berth-images-amd64' },
    ],
  });
}

describe('regionInventory', () => {
  it('lists Berth stacks with resources and console links, things outside stacks, leftovers and snapshots', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    cfn.seed('berth-shop', 'UPDATE_COMPLETE', {
      tags: projectTags('shop'),
      body: JSON.stringify({ Metadata: { 'berth:mode': 'affordable' } }),
      resources: [{ logicalId: 'WebService', type: 'AWS::ECS::Service', physicalId: 'arn:aws:ecs:us-east-1:111122223333:service/berth/shop-web' }],
    });
    cfn.seed('someone-else', 'CREATE_COMPLETE', { tags: [{ Key: 'team', Value: 'x' }] });
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: 'arn:aws:ecr:us-east-1:111122223333:repository/berth/shop', Tags: projectTags('shop') },
        { ResourceARN: 'arn:aws:ssm:us-east-1:111122223333:parameter/Berth/gone/API_KEY', Tags: projectTags('gone') },
        { ResourceARN: 'arn:aws:rds:us-east-1:111122223333:snapshot:berth-gone-db-final', Tags: projectTags('gone') },
        // A snapshot may carry the tags of the stack whose store it copied: still a kept snapshot.
        { ResourceARN: 'arn:aws:elasticache:us-east-1:111122223333:snapshot:berth-shop-cache-move-20261202', Tags: [...projectTags('shop'), { Key: 'aws:cloudformation:stack-name', Value: 'berth-shop' }] },
        { ResourceARN: 'arn:aws:s3:::berth-bucket', Tags: [...berth, { Key: 'aws:cloudformation:stack-name', Value: 'berth-bootstrap' }] },
      ],
    });
    s3.on(ListObjectsV2Command, { Prefix: 'uploads/' }).resolves({ CommonPrefixes: [{ Prefix: 'uploads/shop/' }, { Prefix: 'uploads/gone/' }] });
    const inv = await regionInventory(conn, { cost: async (project, mode) => (project === 'shop' && mode === 'affordable' ? 12.5 : undefined) });
    expect(inv.account).toBe('111122223333');
    expect(inv.stacks.map((s) => [s.stackName, s.kind, s.project])).toEqual([
      ['berth-bootstrap', 'bootstrap', undefined],
      ['berth-shop', 'project', 'shop'],
    ]);
    const shop = inv.stacks[1]!;
    expect(shop.monthlyUsd).toBe(12.5);
    expect(shop.consoleUrl).toContain('cloudformation/home?region=us-east-1');
    expect(shop.resources[0]).toMatchObject({ logicalId: 'WebService', type: 'AWS::ECS::Service', consoleUrl: 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/berth/services/shop-web?region=us-east-1' });
    expect(inv.stacks[0]!.resources.find((r) => r.type === 'AWS::S3::Bucket')?.consoleUrl).toBe('https://s3.console.aws.amazon.com/s3/buckets/berth-bucket?region=us-east-1');
    // The image builders are the bootstrap's: listed with it, removed with it.
    expect(inv.stacks[0]!.resources.find((r) => r.type === 'AWS::CodeBuild::Project')?.consoleUrl).toBe('https://us-east-1.console.aws.amazon.com/codesuite/codebuild/projects/berth-images-amd64/history?region=us-east-1');
    expect(inv.outside.map((r) => [r.type, r.project])).toEqual([
      ['ecr:repository', 'shop'],
      ['s3:prefix', 'shop'],
    ]);
    expect(inv.outside[0]!.consoleUrl).toContain('ecr/repositories/private/111122223333/berth/shop');
    expect(inv.leftovers.map((r) => [r.type, r.project, r.leftover])).toEqual([
      ['ssm:parameter', 'gone', true],
      ['s3:prefix', 'gone', true],
    ]);
    expect(inv.snapshots).toEqual([
      { id: 'berth-gone-db-final', kind: 'database', project: 'gone' },
      { id: 'berth-shop-cache-move-20261202', kind: 'cache', project: 'shop' },
    ]);
  });

  it('gives no console links for a custom endpoint', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    const inv = await regionInventory({ ...conn, target: { region: 'us-east-1', endpoint: 'http://127.0.0.1:4599' } });
    expect(inv.stacks[0]!.consoleUrl).toBeUndefined();
    expect(inv.stacks[0]!.resources.every((r) => r.consoleUrl === undefined)).toBe(true);
    expect(cfn.mock.commandCalls(GetTemplateCommand)).toHaveLength(0);
  });

  it('lists every other stack when one cannot be read, and shows that one with its error', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    cfn.seed('berth-shop', 'UPDATE_COMPLETE', { tags: projectTags('shop'), resources: [{ logicalId: 'WebService', type: 'AWS::ECS::Service', physicalId: 'arn:aws:ecs:us-east-1:111122223333:service/berth/shop-web' }] });
    cfn.seed('berth-blog', 'CREATE_COMPLETE', { tags: projectTags('blog'), resources: [{ logicalId: 'Site', type: 'AWS::ECS::Service', physicalId: 'arn:aws:ecs:us-east-1:111122223333:service/berth/blog-site' }] });
    const denied = 'User: arn:aws:iam::111122223333:user/a is not authorized to perform: cloudformation:ListStackResources on resource: arn:aws:cloudformation:us-east-1:111122223333:stack/berth-shop/1';
    cfn.mock.on(ListStackResourcesCommand, { StackName: 'berth-shop' }).rejects(Object.assign(new Error(denied), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 }, $fault: 'client' }));
    const inv = await regionInventory(conn);
    expect(Object.fromEntries(inv.stacks.map((s) => [s.stackName, s.resources.length]))).toEqual({ 'berth-blog': 1, 'berth-bootstrap': 3, 'berth-shop': 0 });
    const shop = inv.stacks.find((s) => s.stackName === 'berth-shop')!;
    expect(shop.error).toBe(`Its resources could not be listed: Access denied: your credentials lack the permission cloudformation:ListStackResources on arn:aws:cloudformation:us-east-1:111122223333:stack/berth-shop/1. Ask an administrator to grant it to arn:aws:iam::111122223333:user/a, or use a profile that has it.`);
    expect(inv.stacks.find((s) => s.stackName === 'berth-blog')!.error).toBeUndefined();
    expect(formatInventory(inv).join('\n')).toContain(`berth-shop  UPDATE_COMPLETE  updated ${shop.lastUpdated}  0 resources\n    Its resources could not be listed: Access denied`);
  });
});

describe('teardownProject', () => {
  it('is refused while another machine deploys the project, naming who', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    cfn.seed('berth-shop', 'UPDATE_COMPLETE', { tags: projectTags('shop') });
    const now = new Date().toISOString();
    const holder = { deploymentId: 'd1', project: 'shop', identityArn: 'arn:aws:iam::111122223333:user/alex', host: 'alex-pc', berthVersion: '1.0.0', account: '111122223333', region: 'us-east-1', startedAt: now, heartbeatAt: now, phase: 'build' };
    s3.on(GetObjectCommand, { Key: 'locks/shop.json' }).resolves({ ETag: '"e1"', Body: { transformToString: async () => JSON.stringify(holder) } as never });
    await expect(teardownProject(conn, { project: 'shop', deleteConfig: false, deleteUploads: false, onEvent: () => undefined, wait })).rejects.toMatchObject({
      appError: { code: 'TEARDOWN_BLOCKED', message: expect.stringContaining('shop is being deployed by arn:aws:iam::111122223333:user/alex on alex-pc') },
    });
    expect(ecr.commandCalls(DeleteRepositoryCommand)).toHaveLength(0);
    expect(cfn.find('berth-shop')).toBeDefined();
  });

  it('deletes images, the stack, derived values, and reports config, uploads and snapshots left behind', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    cfn.seed('berth-shop', 'UPDATE_COMPLETE', { tags: projectTags('shop'), resources: [{ logicalId: 'Db', type: 'AWS::RDS::DBInstance' }] });
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [{ repositoryName: 'berth/shop' }, { repositoryName: 'berth/shop/cache' }, { repositoryName: 'berth/shopping' }],
    });
    ecr.on(DeleteRepositoryCommand).resolves({});
    ssm.on(DescribeParametersCommand).callsFake((i: { ParameterFilters: { Values: string[] }[] }) => {
      const path = i.ParameterFilters[0]!.Values[0]!;
      if (path === '/Berth/shop/_derived') return { Parameters: [{ Name: '/Berth/shop/_derived/web/DATABASE_URL' }] };
      if (path === '/Berth/shop') return { Parameters: [{ Name: '/Berth/shop/POSTGRES_PASSWORD' }] };
      return { Parameters: [] };
    });
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 1, Contents: [{ Key: 'uploads/shop/x.tgz' }] });
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ ResourceARN: 'arn:aws:rds:us-east-1:111122223333:snapshot:shop-db-final', Tags: projectTags('shop') }] });
    const events: TeardownEvent[] = [];
    const outcome = await teardownProject(conn, { project: 'shop', deleteConfig: false, deleteUploads: false, onEvent: (e) => events.push(e), wait });
    // The layer cache under the project's repository goes too; another project's repository stays.
    expect(ecr.commandCalls(DeleteRepositoryCommand).map((c) => c.args[0].input)).toEqual([
      { repositoryName: 'berth/shop/cache', force: true },
      { repositoryName: 'berth/shop', force: true },
    ]);
    expect(cfn.find('berth-shop')).toBeUndefined();
    expect(ssm.commandCalls(DeleteParametersCommand)[0]!.args[0].input.Names).toEqual(['/Berth/shop/_derived/web/DATABASE_URL']);
    expect(outcome.leftBehind).toEqual([
      '1 config value(s) under /Berth/shop/ (kept as asked)',
      's3://berth-bucket/uploads/shop/ (kept as asked)',
      's3://berth-bucket/deployments/shop/ (kept as asked)',
      's3://berth-bucket/releases/shop/ (kept as asked)',
      'RDS final snapshot shop-db-final (kept so your data survives; delete it in the RDS console when no longer needed)',
    ]);
    const steps = events.filter((e) => e.type === 'step' && e.state !== 'running').map((e) => e.type === 'step' && `${e.step}:${e.state}`);
    expect(steps).toEqual(['images:done', 'stack:done', 'config:skipped', 'uploads:skipped']);
    expect(events.some((e) => e.type === 'stack-event' && e.event.status === 'DELETE_COMPLETE')).toBe(true);
  });

  it('succeeds once the stack is gone even when the look for kept snapshots fails, and says so as a warning', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    cfn.seed('berth-shop', 'UPDATE_COMPLETE', { tags: projectTags('shop') });
    tagging.on(GetResourcesCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 }, $fault: 'client' }));
    const events: TeardownEvent[] = [];
    const outcome = await teardownProject(conn, { project: 'shop', deleteConfig: false, deleteUploads: false, onEvent: (e) => events.push(e), wait });
    expect(cfn.find('berth-shop')).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(outcome.message).toBe(
      'shop is torn down. Berth could not check for the snapshots and file systems the project kept (AWS is throttling requests. Berth retried and gave up; wait a minute and try again.); look for berth-shop in the RDS, ElastiCache and EFS consoles.',
    );
    const steps = events.filter((e) => e.type === 'step' && e.state !== 'running').map((e) => e.type === 'step' && `${e.step}:${e.state}`);
    expect(steps).toEqual(['images:skipped', 'stack:done', 'config:skipped', 'uploads:skipped', 'kept data:skipped']);
  });

  it('removes config and uploads (every version) when asked, and is harmless the second time', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    cfn.seed('berth-shop', 'UPDATE_COMPLETE', { tags: projectTags('shop') });
    ecr.on(DescribeRepositoriesCommand).resolvesOnce({ repositories: [{ repositoryName: 'berth/shop' }] }).resolves({ repositories: [] });
    ecr.on(DeleteRepositoryCommand).resolvesOnce({}).rejects(Object.assign(new Error('gone'), { name: 'RepositoryNotFoundException', $metadata: {} }));
    ssm.on(DescribeParametersCommand).callsFake((i: { ParameterFilters: { Values: string[] }[] }) =>
      i.ParameterFilters[0]!.Values[0] === '/Berth/shop' && ssm.commandCalls(DeleteParametersCommand).length === 0 ? { Parameters: [{ Name: '/Berth/shop/A' }] } : { Parameters: [] },
    );
    s3.on(ListObjectVersionsCommand, { Prefix: 'uploads/shop/' })
      .resolvesOnce({ Versions: [{ Key: 'uploads/shop/a', VersionId: 'v1' }], DeleteMarkers: [{ Key: 'uploads/shop/a', VersionId: 'v2' }] })
      .resolves({});
    s3.on(DeleteObjectsCommand).resolves({});
    const first = await teardownProject(conn, { project: 'shop', deleteConfig: true, deleteUploads: true, onEvent: () => undefined, wait });
    expect(first.leftBehind).toEqual([]);
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([
      { Key: 'uploads/shop/a', VersionId: 'v1' },
      { Key: 'uploads/shop/a', VersionId: 'v2' },
    ]);
    const events: TeardownEvent[] = [];
    const second = await teardownProject(conn, { project: 'shop', deleteConfig: true, deleteUploads: true, onEvent: (e) => events.push(e), wait });
    expect(second.ok).toBe(true);
    expect(events.filter((e) => e.type === 'step' && e.state === 'skipped').map((e) => e.type === 'step' && e.step)).toEqual(['images', 'stack', 'config', 'uploads']);
  });

  it('on DELETE_FAILED names the resource and reason, then deletes the rest when told to retain it', async () => {
    let attempt = 0;
    cfn = fakeCloudFormation({
      delete: () =>
        ++attempt === 1
          ? { status: 'DELETE_FAILED', failures: [{ logicalId: 'LogGroup', type: 'AWS::Logs::LogGroup', reason: 'Access denied for logs:DeleteLogGroup' }] }
          : { status: 'DELETE_COMPLETE' },
    });
    cfn.seed('berth-shop', 'UPDATE_COMPLETE', { tags: projectTags('shop') });
    ecr.on(DeleteRepositoryCommand).resolves({});
    const error = await teardownProject(conn, { project: 'shop', deleteConfig: false, deleteUploads: false, onEvent: () => undefined, wait }).catch((e) => e);
    expect(error.appError).toMatchObject({ code: 'DELETE_FAILED', details: { resource: 'LogGroup', reason: 'Access denied for logs:DeleteLogGroup', retainable: ['LogGroup'] } });
    expect(error.appError.message).toContain('retry the teardown, or retain LogGroup');
    const outcome = await teardownProject(conn, { project: 'shop', deleteConfig: false, deleteUploads: false, retain: ['LogGroup'], onEvent: () => undefined, wait });
    expect(cfn.mock.commandCalls(DeleteStackCommand)[1]!.args[0].input).toMatchObject({ RetainResources: ['LogGroup'] });
    expect(outcome.leftBehind).toContain('Retained resources of berth-shop: LogGroup');
  });
});

describe('teardownBootstrap', () => {
  it('is refused while a project stack exists, listing it', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    cfn.seed('berth-shop', 'UPDATE_COMPLETE', { tags: projectTags('shop') });
    await expect(assertBootstrapRemovable(conn)).rejects.toMatchObject({ appError: { code: 'TEARDOWN_BLOCKED', details: { stacks: ['berth-shop'] } } });
    await expect(teardownBootstrap(conn, { onEvent: () => undefined, wait })).rejects.toMatchObject({ appError: { code: 'TEARDOWN_BLOCKED' } });
  });

  it('empties the bucket of every version, lifts termination protection, deletes the stack; twice is harmless', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    s3.on(ListObjectVersionsCommand).resolvesOnce({ Versions: [{ Key: 'deployments/x.json', VersionId: '1' }] }).resolves({});
    s3.on(DeleteObjectsCommand).resolves({});
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [{ repositoryName: 'berth-ecr-public/docker/library/nginx' }, { repositoryName: 'berth-docker-hub/metabase/metabase' }, { repositoryName: 'mine' }],
    });
    // A Docker Hub account is stored: the secret goes too, at once (no recovery window to block a new one).
    const secretArn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-pullthroughcache/berth-docker-hub-AbCdEf';
    secrets.on(DescribeSecretCommand).resolvesOnce({ ARN: secretArn, Name: 'ecr-pullthroughcache/berth-docker-hub', Tags: [{ Key: 'berth:docker-hub-user', Value: 'alice' }] }).rejects(noSecret());
    secrets.on(DeleteSecretCommand).resolves({ ARN: secretArn });
    const outcome = await teardownBootstrap(conn, { onEvent: () => undefined, wait });
    expect(cfn.find('berth-bootstrap')).toBeUndefined();
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(1);
    expect(secrets.commandCalls(DeleteSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: 'ecr-pullthroughcache/berth-docker-hub', ForceDeleteWithoutRecovery: true }]);
    expect(outcome.leftBehind).toEqual([expect.stringContaining('1 image cache repository under berth-ecr-public/'), expect.stringContaining('1 image cache repository under berth-docker-hub/')]);
    const events: TeardownEvent[] = [];
    await teardownBootstrap(conn, { onEvent: (e) => events.push(e), wait });
    expect(events.filter((e) => e.type === 'step' && e.state === 'skipped')).toHaveLength(3);
    expect(secrets.commandCalls(DeleteSecretCommand)).toHaveLength(1);
  });

  it('reports objects the bucket refused to delete', async () => {
    cfn = fakeCloudFormation();
    seedBootstrap();
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'k', VersionId: '1' }] });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'k', Code: 'AccessDenied', Message: 'Access Denied' }] });
    await expect(teardownBootstrap(conn, { onEvent: () => undefined, wait })).rejects.toMatchObject({ appError: { code: 'DELETE_FAILED' } });
    expect(cfn.find('berth-bootstrap')).toBeDefined();
  });
});
