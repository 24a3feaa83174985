/** logs:* — interim: filled in by its engine issue. */
import { notYet } from './not-yet';
import type { HandlersFor } from './handler-types';

export const logsHandlers = {
  'logs:start': async () => notYet('logs:start'),
  'logs:stop': async () => notYet('logs:stop'),
  'logs:fetch': async () => notYet('logs:fetch'),
} satisfies HandlersFor<'logs'>;
