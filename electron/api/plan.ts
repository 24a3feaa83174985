/** plan:* — interim: filled in by its engine issue. */
import { notYet } from './not-yet';
import type { HandlersFor } from './handler-types';

export const planHandlers = {
  'plan:preview': async () => notYet('plan:preview'),
} satisfies HandlersFor<'plan'>;
