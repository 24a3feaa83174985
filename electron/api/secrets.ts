/** secrets:* — interim: filled in by its engine issue. */
import { notYet } from './not-yet';
import type { HandlersFor } from './handler-types';

export const secretsHandlers = {
  'secrets:list': async () => notYet('secrets:list'),
  'secrets:set': async () => notYet('secrets:set'),
  'secrets:generate': async () => notYet('secrets:generate'),
  'secrets:delete': async () => notYet('secrets:delete'),
  'secrets:reveal': async () => notYet('secrets:reveal'),
  'secrets:importEnv': async () => notYet('secrets:importEnv'),
  'secrets:importDefang': async () => notYet('secrets:importDefang'),
} satisfies HandlersFor<'secrets'>;
