/** deploy:* — interim: filled in by its engine issue. */
import { notYet } from './not-yet';
import type { HandlersFor } from './handler-types';

export const deployHandlers = {
  'deploy:start': async () => notYet('deploy:start'),
  'deploy:approve': async () => notYet('deploy:approve'),
  'deploy:cancel': async () => notYet('deploy:cancel'),
  'deploy:active': async () => notYet('deploy:active'),
  'deploy:history': async () => notYet('deploy:history'),
} satisfies HandlersFor<'deploy'>;
