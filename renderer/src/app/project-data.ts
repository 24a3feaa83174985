/** The open project's model, kept fresh by `project:changed`, and its chosen deployment mode. */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { DEPLOYMENT_MODES, type DeploymentMode } from '../../../shared/domain/plan';
import type { LoadedProject } from '../../../shared/domain/project';
import { api } from '../api';

/** Query key of a loaded project. */
export function projectKey(dir: string | null): readonly unknown[] {
  return ['project:open', dir];
}

/** Loads (and watches) the project in `dir`; `useLiveUpdates` swaps in reloads. */
export function useLoadedProject(dir: string | null): UseQueryResult<LoadedProject> {
  return useQuery({
    queryKey: projectKey(dir),
    queryFn: () => api['project:open']({ dir: dir! }),
    enabled: Boolean(dir),
    staleTime: Infinity,
  });
}

const MODE_PREFIX = 'berth.mode:';
const modeListeners = new Set<() => void>();

function readMode(dir: string | null): DeploymentMode {
  const stored = dir ? localStorage.getItem(MODE_PREFIX + dir) : null;
  return (DEPLOYMENT_MODES as readonly string[]).includes(stored ?? '') ? (stored as DeploymentMode) : 'affordable';
}

/** The deployment mode picked for a project (remembered on this computer), and a setter. */
export function useProjectMode(dir: string | null): [DeploymentMode, (mode: DeploymentMode) => void] {
  const mode = useSyncExternalStore(
    (notify) => {
      modeListeners.add(notify);
      return () => modeListeners.delete(notify);
    },
    () => readMode(dir),
  );
  const setMode = useCallback(
    (next: DeploymentMode) => {
      if (!dir) return;
      localStorage.setItem(MODE_PREFIX + dir, next);
      for (const notify of modeListeners) notify();
    },
    [dir],
  );
  return [mode, setMode];
}
