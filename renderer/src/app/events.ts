/** React hooks over the contract's events. */
import { useEffect, useRef } from 'react';
import type { EventName, PayloadOf } from '../../../shared/contract';
import { onEvent } from '../api';

/** Calls `callback` for every `event` while the component is mounted (the latest callback wins). */
export function useEvent<E extends EventName>(event: E, callback: (payload: PayloadOf<E>) => void): void {
  const latest = useRef(callback);
  useEffect(() => {
    latest.current = callback;
  });
  useEffect(() => onEvent(event, (payload) => latest.current(payload)), [event]);
}
