/** Read-only views of store lineages for tests (`sandbox.storeData`, `sandbox.snapshotOf`): never part of an AWS answer. */
import type { SandboxCore } from '../core';
import { dbSnapshotArn } from '../rds/store';
import { cacheSnapshotArn } from '../elasticache/store';
import { CACHE_SNAPSHOT, dataOf, DB_SNAPSHOT, findStore, storeVpc } from './lineage';

/** Which data a store holds, where it came from and which VPC it is in. */
export function storeDataOf(core: SandboxCore, idOrEndpoint: string): { dataId: string; restoredFrom?: string; vpcId?: string } | undefined {
  const store = findStore(core, idOrEndpoint);
  if (!store) return undefined;
  const data = dataOf(core, store);
  return { dataId: data.dataId, ...(data.restoredFrom ? { restoredFrom: data.restoredFrom } : {}), vpcId: storeVpc(core, store) };
}

/** What a snapshot captured (RDS first, then ElastiCache, by name or ARN). */
export function snapshotDataOf(core: SandboxCore, nameOrArn: string): { dataId: string; clientsAtSnapshot: number; source: string } | undefined {
  const byArn = nameOrArn.startsWith('arn:') ? core.state.resources.get(nameOrArn) : undefined;
  const found = byArn ?? core.state.resources.get(dbSnapshotArn(core, nameOrArn.toLowerCase())) ?? core.state.resources.get(cacheSnapshotArn(core, nameOrArn));
  if (!found?.snapshot || (found.type !== DB_SNAPSHOT && found.type !== CACHE_SNAPSHOT)) return undefined;
  const { dataId, clientsAtSnapshot, source } = found.snapshot;
  return { dataId, clientsAtSnapshot, source };
}
