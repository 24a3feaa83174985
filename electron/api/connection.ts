/** connection:* — interim: filled in by its engine issue. */
import { notYet } from './not-yet';
import type { HandlersFor } from './handler-types';

export const connectionHandlers = {
  'connection:profiles': async () => notYet('connection:profiles'),
  'connection:connect': async () => notYet('connection:connect'),
  'connection:status': async () => notYet('connection:status'),
  'connection:disconnect': async () => notYet('connection:disconnect'),
  'connection:regions': async () => notYet('connection:regions'),
  'connection:ssoSignIn': async () => notYet('connection:ssoSignIn'),
  'connection:pin': async () => notYet('connection:pin'),
  'connection:movePin': async () => notYet('connection:movePin'),
  'connection:whoami': async () => notYet('connection:whoami'),
} satisfies HandlersFor<'connection'>;
