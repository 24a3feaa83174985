/** logs:* — live tails (batches arrive as `logs:batch`), stopping them, and one page of past lines. */
import { logTails } from '../logs/service';
import type { HandlersFor } from './handler-types';

export const logsHandlers = {
  'logs:start': async (query, ctx) => logTails(ctx).start(query),
  'logs:stop': async ({ tailId }, ctx) => {
    logTails(ctx).stop(tailId);
    return null;
  },
  'logs:fetch': async ({ query, limit }, ctx) => logTails(ctx).fetch(query, limit),
} satisfies HandlersFor<'logs'>;
