/** sandbox:* — interim: filled in by its engine issue. */
import { notYet } from './not-yet';
import type { HandlersFor } from './handler-types';

export const sandboxHandlers = {
  'sandbox:status': async () => notYet('sandbox:status'),
  'sandbox:start': async () => notYet('sandbox:start'),
  'sandbox:stop': async () => notYet('sandbox:stop'),
  'sandbox:reset': async () => notYet('sandbox:reset'),
} satisfies HandlersFor<'sandbox'>;
