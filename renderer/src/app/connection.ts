/** The current AWS connection (or sandbox); `useLiveUpdates` keeps it fresh. */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { ConnectionStatus } from '../../../shared/domain/connection';
import { api } from '../api';

export const CONNECTION_KEY = ['connection:status'] as const;

/** The connection status query. */
export function useConnection(): UseQueryResult<ConnectionStatus> {
  return useQuery({ queryKey: CONNECTION_KEY, queryFn: () => api['connection:status']({}) });
}

/** True when connected with a resolved identity. */
export function isConnected(status: ConnectionStatus | undefined): boolean {
  return Boolean(status?.target && status.identity);
}
