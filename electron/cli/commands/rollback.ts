/** `berth rollback [DEPLOYMENT_ID]`: puts an earlier successful deployment back, through the same review as a deploy. */
import { deployments } from '../../deploy/deployments';
import { projectConfigNeeds } from '../../secrets/project';
import { UsageError, type Command } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, describeConnection, PROJECT_OPTION, projectDirFrom, withAwsErrors } from './aws-options';
import { followDeployment } from './up';

export const rollbackCommand: Command = withAwsErrors({
  name: 'rollback',
  usage: 'berth rollback [DEPLOYMENT_ID] [--project DIR] [--yes] [--detach] [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'Put an earlier deployment back (its template, images and config values): by default the newest successful one that differs from what runs now',
  options: {
    ...PROJECT_OPTION,
    ...CONNECTION_OPTIONS,
    yes: { type: 'boolean', short: 'y', description: 'Apply the changes without asking' },
    detach: { type: 'boolean', description: 'Return once the stack change is under way' },
  },
  async run(run) {
    if (run.positionals.length > 1) throw new UsageError('rollback takes at most one deployment id (the project folder is --project DIR)');
    const deploymentId = run.positionals[0];
    const dir = projectDirFrom(run);
    const project = await projectConfigNeeds(dir);
    const { status } = await connectFromOptions(run);
    const service = deployments(run.context());
    return followDeployment(
      run,
      async () => {
        const started = await service.rollback({ dir, autoApprove: run.options.yes === true, ...(deploymentId ? { deploymentId } : {}) });
        if (!run.json) run.io.err(`Rolling ${project.name} back to deployment ${started.target} in ${describeConnection(status)}`);
        return started;
      },
      project.name,
    );
  },
});
