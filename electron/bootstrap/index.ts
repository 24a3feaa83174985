/** Bootstrap stack engine: status and ensure, with the planner's template wired in. */
import type { BootstrapStatus } from '../../shared/domain/bootstrap';
import { bootstrapStatus as statusWith, ensureBootstrap as ensureWith, type BootstrapConnection, type BootstrapOptions } from './ensure';
import { plannedBootstrap } from './template';

export { BOOTSTRAP_STACK, type BootstrapConnection, type BootstrapOptions, type BootstrapTemplateSource } from './ensure';
export { plannedBootstrap } from './template';

/** The bootstrap stack in the connected account and region, and what ensure would do (planner's template). */
export async function bootstrapStatus(conn: BootstrapConnection, options: Partial<Pick<BootstrapOptions, 'source'>> = {}): Promise<BootstrapStatus> {
  return statusWith(conn, { source: options.source ?? plannedBootstrap });
}

/** Creates, updates, recovers or keeps the bootstrap stack (planner's template unless `source` is given). */
export async function ensureBootstrap(conn: BootstrapConnection, options: Partial<BootstrapOptions> = {}): Promise<BootstrapStatus> {
  return ensureWith(conn, { ...options, source: options.source ?? plannedBootstrap });
}
