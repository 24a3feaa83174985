/**
 * The handler map: one module per domain, merged here. `satisfies Handlers` makes a
 * missing or misspelled method a type error. The IPC shell and the web bridge both serve this.
 */
import { appHandlers } from './app';
import { bootstrapHandlers } from './bootstrap';
import { connectionHandlers } from './connection';
import { deployHandlers } from './deploy';
import type { Handlers } from './handler-types';
import { inventoryHandlers } from './inventory';
import { logsHandlers } from './logs';
import { planHandlers } from './plan';
import { projectHandlers } from './project';
import { sandboxHandlers } from './sandbox';
import { secretsHandlers } from './secrets';

export const handlers = {
  ...appHandlers,
  ...projectHandlers,
  ...connectionHandlers,
  ...sandboxHandlers,
  ...planHandlers,
  ...secretsHandlers,
  ...bootstrapHandlers,
  ...deployHandlers,
  ...logsHandlers,
  ...inventoryHandlers,
} satisfies Handlers;
