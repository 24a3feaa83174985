/** The inventory of one region, or of every region Berth deploys to. */
import type { Inventory } from '../../shared/domain/inventory';
import { createClients, destroyClients } from '../aws/clients';
import type { ActiveConnection } from '../aws/connection';
import { isAwsError, mapAwsError } from '../aws/errors';
import { BERTH_REGIONS } from '../aws/regions';
import { regionInventory, type InventoryOptions } from './list';

export interface ListInventoryOptions extends InventoryOptions {
  allRegions?: boolean;
  /** For the user agent of the extra clients. */
  version: string;
  /** Regions scanned at once. */
  concurrency?: number;
}

function isEmpty(inv: Inventory): boolean {
  return inv.stacks.length === 0 && inv.outside.length === 0 && inv.leftovers.length === 0 && inv.snapshots.length === 0;
}

/**
 * The connection's region, or with `allRegions` every region Berth offers that has something
 * (regions not enabled for the account are skipped). A custom endpoint serves one region, so
 * only that one is scanned.
 */
export async function listInventory(conn: ActiveConnection, options: ListInventoryOptions): Promise<Inventory[]> {
  const here = await regionInventory(conn, options);
  if (!options.allRegions || conn.target.endpoint !== undefined) return [here];
  const others = BERTH_REGIONS.filter((r) => r !== conn.target.region);
  const results: Inventory[] = [];
  let next = 0;
  const worker = async () => {
    while (next < others.length) {
      const region = others[next++]!;
      const target = { ...conn.target, region };
      const clients = createClients(target, conn.credentials, options.version);
      try {
        const inv = await regionInventory({ clients, identity: conn.identity, target }, options);
        if (!isEmpty(inv)) results.push(inv);
      } catch (error) {
        const code = isAwsError(error) ? mapAwsError(error).code : undefined;
        // Opt-in regions that are not enabled refuse the credentials: nothing of Berth's can be there.
        if (code !== 'REGION_NOT_ENABLED' && code !== 'CREDENTIALS_MISSING') throw error;
      } finally {
        destroyClients(clients);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  results.sort((a, b) => a.region.localeCompare(b.region));
  return [here, ...results];
}
