/** bootstrap:* — interim: filled in by its engine issue. */
import { notYet } from './not-yet';
import type { HandlersFor } from './handler-types';

export const bootstrapHandlers = {
  'bootstrap:status': async () => notYet('bootstrap:status'),
  'bootstrap:ensure': async () => notYet('bootstrap:ensure'),
} satisfies HandlersFor<'bootstrap'>;
