/** bootstrap:* — the shared `berth-bootstrap` stack: status and ensure (events as `bootstrap:event`). */
import { connectionManager } from '../aws/connection';
import { bootstrapStatus, ensureBootstrap } from '../bootstrap';
import type { HandlersFor } from './handler-types';

export const bootstrapHandlers = {
  'bootstrap:status': async (_args, ctx) => bootstrapStatus(connectionManager(ctx).require()),
  'bootstrap:ensure': async ({ confirmRecover }, ctx) =>
    ensureBootstrap(connectionManager(ctx).require(), {
      ...(confirmRecover !== undefined ? { confirmRecover } : {}),
      onEvent: (event) => ctx.emit('bootstrap:event', event),
    }),
} satisfies HandlersFor<'bootstrap'>;
