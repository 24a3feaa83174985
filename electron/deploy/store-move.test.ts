import { CloudFormationClient, GetTemplateCommand, ListStackResourcesCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateSnapshotCommand, DescribeSnapshotsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CreateDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { webWithStores } from '../../tests/plan/fixtures';
import { deployedStores, moveSnapshotName, snapshotStores, startServices, stopServices, type MoveEnvironment } from './store-move';
import { awsError } from './testing/errors';

const creds = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const cfnMock = mockClient(CloudFormationClient);
const ecsMock = mockClient(ECSClient);
const rdsMock = mockClient(RDSClient);
const cacheMock = mockClient(ElastiCacheClient);
const env = (steps: string[] = []): MoveEnvironment => ({
  cloudformation: new CloudFormationClient(creds),
  ecs: new ECSClient(creds),
  rds: new RDSClient(creds),
  elasticache: new ElastiCacheClient(creds),
  stackName: 'berth-shop',
  project: 'shop',
  cluster: 'berth',
  onStep: (m) => steps.push(m),
  pollMs: 1,
  sleep: async () => undefined,
});

const sharedStack: Stack = {
  StackName: 'berth-shop',
  StackStatus: 'UPDATE_COMPLETE',
  CreationTime: new Date(),
  Parameters: [{ ParameterKey: 'ClusterName', ParameterValue: 'berth' }, { ParameterKey: 'PrivateSubnetIds', ParameterValue: 'subnet-1,subnet-2' }],
};
const ownStack: Stack = { ...sharedStack, Parameters: [{ ParameterKey: 'ClusterName', ParameterValue: 'berth' }] };

function seedStack(metadata: Record<string, unknown> = {}) {
  cfnMock.on(GetTemplateCommand).resolves({
    TemplateBody: JSON.stringify({
      Metadata: metadata,
      Resources: {
        DbDatabase: { Type: 'AWS::RDS::DBInstance' },
        CacheCache: { Type: 'AWS::ElastiCache::ReplicationGroup' },
        WebService: { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 2 } },
      },
    }),
  });
  cfnMock.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: 'DbDatabase', ResourceType: 'AWS::RDS::DBInstance', PhysicalResourceId: 'shop-db-1', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() },
      { LogicalResourceId: 'CacheCache', ResourceType: 'AWS::ElastiCache::ReplicationGroup', PhysicalResourceId: 'shop-cache-1', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() },
      { LogicalResourceId: 'WebService', ResourceType: 'AWS::ECS::Service', PhysicalResourceId: 'arn:aws:ecs:us-east-1:1:service/berth/shop-web', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() },
    ],
  });
}

beforeEach(() => {
  cfnMock.reset();
  ecsMock.reset();
  rdsMock.reset();
  cacheMock.reset();
});

describe('which stores move', () => {
  it('moves each managed store of a stack on the shared network, with a snapshot name RDS and ElastiCache accept', async () => {
    seedStack();
    const { moves, restores } = await deployedStores(new CloudFormationClient(creds), sharedStack, webWithStores(), '2026-12-02T10:11:12.000Z');
    expect(restores).toEqual({});
    expect([...moves].sort((a, b) => a.store.localeCompare(b.store))).toEqual([
      { store: 'cache', kind: 'redis', logicalId: 'CacheCache', physicalId: 'shop-cache-1', snapshot: 'berth-shop-cache-move-20261202101112' },
      { store: 'db', kind: 'postgres', logicalId: 'DbDatabase', physicalId: 'shop-db-1', snapshot: 'berth-shop-db-move-20261202101112' },
    ]);
  });

  it('moves nothing on the project’s own network, and keeps the snapshots an earlier move restored from', async () => {
    seedStack({ 'berth:restored-from': { db: 'berth-shop-db-move-1' } });
    const stores = await deployedStores(new CloudFormationClient(creds), ownStack, webWithStores(), '2026-12-02T10:11:12.000Z');
    expect(stores).toEqual({ restores: { db: 'berth-shop-db-move-1' }, moves: [] });
  });

  it('creates a store the old stack did not have instead of moving it, and reads nothing for a new stack', async () => {
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: {} }) });
    cfnMock.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
    expect((await deployedStores(new CloudFormationClient(creds), sharedStack, webWithStores(), '2026-12-02T10:11:12Z')).moves).toEqual([]);
    expect(await deployedStores(new CloudFormationClient(creds), undefined, webWithStores(), '2026-12-02T10:11:12Z')).toEqual({ restores: {}, moves: [] });
    expect(cfnMock.commandCalls(GetTemplateCommand)).toHaveLength(1);
  });

  it('names snapshots with letters, digits and single hyphens, starting with a letter', () => {
    for (const [project, store] of [['my_app', 'db'], ['a--b', 'redis.cache'], ['x', '_'.repeat(3)]] as const) {
      expect(moveSnapshotName(project, store, '2026-12-02T10:11:12Z')).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
    }
  });
});

describe('the move itself', () => {
  it('stops every service and waits until no task runs, then starts them with the template’s count', async () => {
    seedStack();
    const arn = 'arn:aws:ecs:us-east-1:1:service/berth/shop-web';
    ecsMock.on(UpdateServiceCommand).resolves({});
    ecsMock
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [{ serviceArn: arn, status: 'ACTIVE', desiredCount: 0, runningCount: 2, pendingCount: 0 }] })
      .resolves({ services: [{ serviceArn: arn, status: 'ACTIVE', desiredCount: 0, runningCount: 0, pendingCount: 0 }] });
    const steps: string[] = [];
    await stopServices(env(steps));
    expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'berth', service: arn, desiredCount: 0 }]);
    expect(ecsMock.commandCalls(DescribeServicesCommand).length).toBeGreaterThanOrEqual(2);
    expect(steps[0]).toMatch(/Stopping 1 service so that nothing writes/);

    ecsMock.reset();
    ecsMock.on(UpdateServiceCommand).resolves({});
    ecsMock
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [{ serviceArn: arn, status: 'ACTIVE', desiredCount: 0, runningCount: 0 }] })
      .resolves({ services: [{ serviceArn: arn, status: 'ACTIVE', desiredCount: 2, runningCount: 2, pendingCount: 0 }] });
    await startServices(env());
    expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input.desiredCount)).toEqual([2]);
  });

  it('leaves services that already run their count alone', async () => {
    seedStack();
    ecsMock.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: 'arn:aws:ecs:us-east-1:1:service/berth/shop-web', status: 'ACTIVE', desiredCount: 2, runningCount: 2 }] });
    await startServices(env());
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('snapshots the database and the cache with the project’s tags and waits until both are available', async () => {
    rdsMock.on(CreateDBSnapshotCommand).resolves({});
    rdsMock.on(DescribeDBSnapshotsCommand).resolvesOnce({ DBSnapshots: [{ Status: 'creating' }] }).resolves({ DBSnapshots: [{ Status: 'available' }] });
    // A resumed deploy finds the cache snapshot it started.
    cacheMock.on(CreateSnapshotCommand).rejects(awsError('SnapshotAlreadyExistsFault', 'Snapshot berth-shop-cache-move-1 already exists.'));
    cacheMock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotStatus: 'available' }] });
    const moves = [
      { store: 'db', kind: 'postgres' as const, logicalId: 'DbDatabase', physicalId: 'shop-db-1', snapshot: 'berth-shop-db-move-1' },
      { store: 'cache', kind: 'redis' as const, logicalId: 'CacheCache', physicalId: 'shop-cache-1', snapshot: 'berth-shop-cache-move-1' },
    ];
    await snapshotStores(env(), moves);
    expect(rdsMock.commandCalls(CreateDBSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBInstanceIdentifier: 'shop-db-1',
      DBSnapshotIdentifier: 'berth-shop-db-move-1',
      Tags: expect.arrayContaining([{ Key: 'berth:project', Value: 'shop' }]),
    });
    expect(rdsMock.commandCalls(DescribeDBSnapshotsCommand)).toHaveLength(2);
  });

  it('stops with the store named when a snapshot fails, and passes on other errors', async () => {
    rdsMock.on(CreateDBSnapshotCommand).resolves({});
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ Status: 'failed' }] });
    const move = { store: 'db', kind: 'postgres' as const, logicalId: 'DbDatabase', physicalId: 'shop-db-1', snapshot: 'berth-shop-db-move-1' };
    await expect(snapshotStores(env(), [move])).rejects.toMatchObject({ code: 'STORE_MOVE_FAILED', message: expect.stringContaining('The snapshot berth-shop-db-move-1 of db failed') });
    rdsMock.on(CreateDBSnapshotCommand).rejects(awsError('InvalidDBInstanceState', 'Instance shop-db-1 is not currently in the available state.'));
    await expect(snapshotStores(env(), [move])).rejects.toThrow(/not currently in the available state/);
  });
});
