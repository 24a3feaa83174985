/**
 * Runs one log tail for a query: starts it in main, folds its batches into a bounded buffer,
 * holds new lines back while paused, and stops the tail when the query changes or the screen closes.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { LogBatch, LogLine, LogQuery } from '../../../../shared/domain/logs';
import { api, onEvent, onReconnect } from '../../api';
import { LogBuffer } from './log-buffer';

/** The buffer's published version: re-renders only the component that asks, once per frame at most. */
export function useBufferVersion(buffer: LogBuffer): number {
  return useSyncExternalStore(buffer.subscribe, () => buffer.publishedVersion);
}

export interface LogTail {
  buffer: LogBuffer;
  status: LogBatch['status'] | 'starting';
  error: unknown;
  /** Lines received while paused, not shown yet. */
  held: number;
}

export function useLogTail(query: (LogQuery & { dir?: string }) | null, paused: boolean, capacity?: number): LogTail {
  const bufferRef = useRef<LogBuffer>(null);
  bufferRef.current ??= new LogBuffer(capacity);
  const buffer = bufferRef.current;
  const heldRef = useRef<LogLine[]>([]);
  const pausedRef = useRef(paused);
  const [held, setHeld] = useState(0);
  const [status, setStatus] = useState<LogTail['status']>('starting');
  const statusRef = useRef<LogTail['status']>('starting');
  const [error, setError] = useState<unknown>(null);
  const [restarts, setRestarts] = useState(0);
  const key = query ? JSON.stringify(query) : null;

  // Resuming shows what arrived meanwhile.
  useEffect(() => {
    pausedRef.current = paused;
    if (!paused && heldRef.current.length > 0) {
      buffer.push(heldRef.current);
      heldRef.current = [];
      setHeld(0);
      buffer.publish();
    }
  }, [paused, buffer]);

  // After main restarts its tails are gone: start again (the buffer skips lines it already has).
  useEffect(() => onReconnect(() => setRestarts((n) => n + 1)), []);

  useEffect(() => {
    if (!key) return;
    const parsed = JSON.parse(key) as LogQuery & { dir?: string };
    let tailId: string | null = null;
    let stopped = false;
    const early: LogBatch[] = [];
    setStatus('starting');
    statusRef.current = 'starting';
    setError(null);

    // Repaint at most once per animation frame, however fast batches arrive.
    let frame = 0;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        buffer.publish();
        if (pausedRef.current) setHeld(heldRef.current.length);
      });
    };
    const take = (batch: LogBatch) => {
      if (batch.status && batch.status !== statusRef.current) {
        statusRef.current = batch.status;
        setStatus(batch.status);
      }
      if (batch.lines.length === 0) return;
      if (pausedRef.current) {
        heldRef.current.push(...batch.lines);
        if (heldRef.current.length > buffer.capacity) heldRef.current.splice(0, heldRef.current.length - buffer.capacity);
      } else buffer.push(batch.lines);
      schedule();
    };
    const unsubscribe = onEvent('logs:batch', (batch) => {
      if (stopped) return;
      if (tailId === null) early.push(batch);
      else if (batch.tailId === tailId) take(batch);
    });
    api['logs:start'](parsed).then(
      (started) => {
        if (stopped) {
          void api['logs:stop']({ tailId: started.tailId }).catch(() => undefined);
          return;
        }
        tailId = started.tailId;
        setStatus((s) => (s === 'starting' ? 'live' : s));
        for (const batch of early.splice(0)) if (batch.tailId === tailId) take(batch);
      },
      (e: unknown) => {
        if (stopped) return;
        setError(e);
        setStatus('stopped');
      },
    );
    return () => {
      stopped = true;
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
      if (tailId) void api['logs:stop']({ tailId }).catch(() => undefined);
    };
  }, [key, buffer, restarts]);

  // A different query is a different log: start empty.
  useEffect(() => {
    buffer.clear();
    heldRef.current = [];
    setHeld(0);
    buffer.publish();
  }, [key, buffer]);

  return { buffer, status, error, held };
}
