/** deploy:* — start, approve, cancel, the running deployment (re-attached after a restart), history. */
import { deployments } from '../deploy/deployments';
import type { HandlersFor } from './handler-types';

export const deployHandlers = {
  'deploy:start': async ({ dir, mode, autoApprove, takeOver }, ctx) => deployments(ctx).start({ dir, mode, ...(autoApprove !== undefined ? { autoApprove } : {}), ...(takeOver ? { takeOver } : {}) }),
  'deploy:holder': async ({ dir }, ctx) => deployments(ctx).holder(dir),
  'deploy:approve': async ({ deploymentId }, ctx) => {
    deployments(ctx).approve(deploymentId);
    return null;
  },
  'deploy:cancel': async ({ deploymentId }, ctx) => {
    deployments(ctx).cancel(deploymentId);
    return null;
  },
  'deploy:active': async ({ dir }, ctx) => deployments(ctx).active(dir),
  'deploy:history': async ({ dir }, ctx) => deployments(ctx).history(dir),
  'deploy:rollbackCheck': async ({ dir, deploymentId }, ctx) => deployments(ctx).rollbackCheck(dir, deploymentId),
  'deploy:rollback': async ({ dir, deploymentId, autoApprove }, ctx) => deployments(ctx).rollback({ dir, deploymentId, ...(autoApprove !== undefined ? { autoApprove } : {}) }),
  'deploy:compare': async ({ dir, from, to }, ctx) => deployments(ctx).compare(dir, from, to),
} satisfies HandlersFor<'deploy'>;
