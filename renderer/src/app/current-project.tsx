/** Which project is open, shared by every screen; remembered for this window across reloads. */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

const KEY = 'berth.currentProject';

interface CurrentProject {
  dir: string | null;
  setDir(dir: string | null): void;
}

const Ctx = createContext<CurrentProject>({ dir: null, setDir: () => undefined });

export function CurrentProjectProvider({ children }: { children: ReactNode }) {
  const [dir, setDirState] = useState<string | null>(() => sessionStorage.getItem(KEY));
  const setDir = useCallback((next: string | null) => {
    if (next) sessionStorage.setItem(KEY, next);
    else sessionStorage.removeItem(KEY);
    setDirState(next);
  }, []);
  const value = useMemo(() => ({ dir, setDir }), [dir, setDir]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The open project's folder (or null) and a setter. */
export function useCurrentProject(): CurrentProject {
  return useContext(Ctx);
}
