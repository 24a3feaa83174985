/** inventory:* — what Berth owns in the account, and teardown of projects and the bootstrap. */
import { connectionManager } from '../aws/connection';
import { BOOTSTRAP_STACK } from '../bootstrap/ensure';
import { localProjectCost } from '../inventory/cost';
import { startTeardownOperation } from '../inventory/operations';
import { listInventory } from '../inventory/regions';
import { assertBootstrapRemovable, teardownBootstrap, teardownProject } from '../inventory/teardown';
import { projectStackName } from '../plan/names';
import type { HandlersFor } from './handler-types';

export const inventoryHandlers = {
  'inventory:list': async ({ allRegions }, ctx) =>
    listInventory(connectionManager(ctx).require(), { allRegions: allRegions ?? false, version: ctx.version, cost: localProjectCost(ctx.dataDir) }),
  'inventory:teardownProject': async ({ project, deleteConfig, deleteUploads, deleteVolumes, retain }, ctx) => {
    const conn = connectionManager(ctx).require();
    const { operationId } = startTeardownOperation(ctx, projectStackName(project), (onEvent) =>
      teardownProject(conn, { project, deleteConfig, deleteUploads, deleteVolumes: deleteVolumes === true, ...(retain ? { retain } : {}), onEvent }),
    );
    return { operationId };
  },
  'inventory:teardownBootstrap': async (_args, ctx) => {
    const conn = connectionManager(ctx).require();
    // Refused up front, so the caller gets TEARDOWN_BLOCKED with the list instead of an operation that fails.
    await assertBootstrapRemovable(conn);
    const { operationId } = startTeardownOperation(ctx, BOOTSTRAP_STACK, (onEvent) => teardownBootstrap(conn, { onEvent }));
    return { operationId };
  },
} satisfies HandlersFor<'inventory'>;
