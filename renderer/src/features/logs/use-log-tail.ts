/**
 * Runs one log tail for a query: starts it in main, folds its batches into a bounded buffer,
 * holds new lines back while paused, and stops the tail when the query changes or the screen closes.
 */
import { useEffect, useRef, useState } from 'react';
import type { LogBatch, LogLine, LogQuery } from '../../../../shared/domain/logs';
import { api, onEvent, onReconnect } from '../../api';
import { LogBuffer } from './log-buffer';

export interface LogTail {
  buffer: LogBuffer;
  version: number;
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
  const [version, setVersion] = useState(0);
  const [held, setHeld] = useState(0);
  const [status, setStatus] = useState<LogTail['status']>('starting');
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
      setVersion(buffer.version);
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
    setError(null);

    // Repaint at most once per animation frame, however fast batches arrive.
    let frame = 0;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion(buffer.version);
        setHeld(heldRef.current.length);
      });
    };
    const take = (batch: LogBatch) => {
      if (batch.status) setStatus(batch.status);
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
    setVersion(buffer.version);
  }, [key, buffer]);

  return { buffer, version, status, error, held };
}
