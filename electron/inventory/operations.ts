/**
 * Teardowns as background operations: the method returns an operationId at once, progress and
 * the end arrive as `teardown:event`s carrying it. One operation per target at a time.
 */
import { randomUUID } from 'node:crypto';
import type { TeardownEvent } from '../../shared/domain/inventory';
import { toAppError } from '../api/errors';
import type { AppContext } from '../api/context';
import type { TeardownOutcome } from './teardown';

interface Running {
  operationId: string;
  done: Promise<void>;
}

/**
 * Starts `work` for `target` unless an operation on it is already running (then returns that
 * one's id). Emits every event with the operationId, and a final `finished` event either way.
 */
export function startTeardownOperation(
  ctx: AppContext,
  target: string,
  work: (onEvent: (event: TeardownEvent) => void) => Promise<TeardownOutcome>,
): { operationId: string; done: Promise<void> } {
  const running = ctx.service('teardown.running', () => new Map<string, Running>());
  const existing = running.get(target);
  if (existing) return existing;
  const operationId = randomUUID();
  const emit = (event: TeardownEvent) => ctx.emit('teardown:event', { ...event, operationId });
  const done = (async () => {
    try {
      const outcome = await work(emit);
      emit({ type: 'finished', target, ok: true, message: outcome.message, leftBehind: outcome.leftBehind });
    } catch (error) {
      const appError = toAppError(error);
      emit({ type: 'finished', target, ok: false, message: appError.message, leftBehind: [] });
    } finally {
      running.delete(target);
    }
  })();
  const op = { operationId, done };
  running.set(target, op);
  return op;
}
