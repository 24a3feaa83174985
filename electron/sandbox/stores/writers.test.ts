/**
 * What a snapshot knows about who could still write: running tasks in the store's VPC whose
 * containers name the store count; a task in another VPC does not; after the service is scaled
 * to 0 a snapshot is taken with no writer.
 */
import { describe, expect, it } from 'vitest';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateDBSnapshotCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateSnapshotCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { sandboxClientConfig } from '../index';
import { sandboxForSuite } from '../testing/clients';
import { physicalIdOf, runStack } from '../testing/stacks';
import { storeTemplate } from '../cloudformation/fixtures/store-templates';

describe('sandbox snapshots: clients writing at the time of the snapshot', () => {
  const s = sandboxForSuite('berth-sandbox-writers-');

  async function snapshots(suffix: string): Promise<[number | undefined, number | undefined]> {
    const [db, cache] = [await physicalIdOf(s, 'busy', 'Db'), await physicalIdOf(s, 'busy', 'Cache')];
    await new RDSClient(sandboxClientConfig(s.sb)).send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: db, DBSnapshotIdentifier: `db-${suffix}` }));
    await new ElastiCacheClient(sandboxClientConfig(s.sb)).send(new CreateSnapshotCommand({ ReplicationGroupId: cache, SnapshotName: `cache-${suffix}` }));
    return [s.sb.snapshotOf(`db-${suffix}`)?.clientsAtSnapshot, s.sb.snapshotOf(`cache-${suffix}`)?.clientsAtSnapshot];
  }

  it('counts the running tasks of the store’s VPC that name it, not those of another VPC', async () => {
    expect(await runStack(s, 'busy', storeTemplate({ writers: { A: 2, B: 1 } }))).toEqual({ status: 'CREATE_COMPLETE', failed: [] });
    expect(await snapshots('busy')).toEqual([2, 2]);
  });

  it('counts none once the service is scaled to 0 and its tasks have stopped', async () => {
    const cluster = await physicalIdOf(s, 'busy', 'Cluster');
    await s.c.ecs.send(new UpdateServiceCommand({ cluster, service: await physicalIdOf(s, 'busy', 'ServiceA'), desiredCount: 0 }));
    await s.sb.settle();
    expect(await snapshots('quiet')).toEqual([0, 0]);
    // What the snapshot holds is still the store's data.
    expect(s.sb.snapshotOf('db-quiet')!.dataId).toBe(s.sb.storeData(await physicalIdOf(s, 'busy', 'Db'))!.dataId);
  });
});
