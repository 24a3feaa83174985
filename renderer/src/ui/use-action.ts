/**
 * A button's async action with pending and error state, without a query cache: for calls whose
 * arguments must not be kept anywhere (secret values), unlike react-query's mutation variables.
 */
import { useCallback, useState } from 'react';

export interface Action {
  pending: boolean;
  error: unknown;
  run(fn: () => Promise<unknown>): Promise<boolean>;
  reset(): void;
}

/** Runs one async step at a time; resolves true when it succeeded. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setPending(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setPending(false);
    }
  }, []);
  const reset = useCallback(() => setError(null), []);
  return { pending, error, run, reset };
}
