/** Monthly cost of a deployed project: the planner's estimate for the local project it came from. */
import type { DeploymentMode } from '../../shared/domain/plan';
import { loadProject } from '../compose/load';
import { estimateCost } from '../plan/cost';
import { listRecent } from '../projects/recent';
import type { ProjectCost } from './list';

/**
 * Finds the project among the recently opened folders and prices it in the mode it was deployed
 * in. A project not opened on this machine has no estimate (its compose file is not here).
 */
export function localProjectCost(dataDir: string): ProjectCost {
  return async (project: string, mode: DeploymentMode, region: string) => {
    for (const recent of await listRecent(dataDir)) {
      if (recent.name !== project) continue;
      const loaded = await loadProject(recent.dir);
      if (loaded.project?.name === project) return estimateCost(loaded.project, mode, region).monthlyUsd;
    }
    return undefined;
  };
}
