/** inventory:* — interim: filled in by its engine issue. */
import { notYet } from './not-yet';
import type { HandlersFor } from './handler-types';

export const inventoryHandlers = {
  'inventory:list': async () => notYet('inventory:list'),
  'inventory:teardownProject': async () => notYet('inventory:teardownProject'),
  'inventory:teardownBootstrap': async () => notYet('inventory:teardownBootstrap'),
} satisfies HandlersFor<'inventory'>;
