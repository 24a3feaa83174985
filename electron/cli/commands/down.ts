/** `berth down [DIR] --yes`: tears the project down (images, stack; optionally config and uploads). */
import { teardownProject } from '../../inventory/teardown';
import { projectStackName } from '../../plan/names';
import { projectConfigNeeds } from '../../secrets/project';
import { UsageError, type Command } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, describeConnection, PROJECT_OPTION, projectDirFrom, withAwsErrors } from './aws-options';
import { printOutcome, printTeardownEvent } from './teardown-output';

export const downCommand: Command = withAwsErrors({
  name: 'down',
  usage: 'berth down [DIR] --yes [--delete-config] [--delete-uploads] [--retain LOGICAL_ID]... [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'Tear the project down: its images and stack (RDS final snapshots are kept and listed)',
  options: {
    ...PROJECT_OPTION,
    ...CONNECTION_OPTIONS,
    yes: { type: 'boolean', description: 'Confirm: this deletes the project’s running services and data stores' },
    'delete-config': { type: 'boolean', description: 'Also delete the project’s config values' },
    'delete-uploads': { type: 'boolean', description: 'Also delete build contexts, deployment records and releases from the bucket (nothing of the project can be rolled back to afterwards)' },
    retain: { type: 'string', multiple: true, description: 'After a failed delete: keep this resource (logical id) and delete the rest' },
  },
  async run(run) {
    if (run.positionals.length > 1) throw new UsageError('down takes at most one project folder');
    if (run.options.yes !== true) throw new UsageError('Tearing down deletes the deployed project. Pass --yes to confirm.');
    const retain = (run.options.retain as string[] | undefined) ?? [];
    for (const id of retain) if (!/^[A-Za-z0-9]{1,255}$/.test(id)) throw new UsageError(`--retain takes a logical id (letters and digits): ${id}`);
    const project = await projectConfigNeeds(projectDirFrom(run, true));
    const { conn, status } = await connectFromOptions(run);
    if (!run.json) run.io.err(`Tearing down ${project.name} from ${describeConnection(status)}`);
    const outcome = await teardownProject(conn, {
      project: project.name,
      deleteConfig: run.options['delete-config'] === true,
      deleteUploads: run.options['delete-uploads'] === true,
      ...(retain.length ? { retain } : {}),
      onEvent: (event) => printTeardownEvent(run, event),
    });
    printOutcome(run, projectStackName(project.name), outcome);
    return 0;
  },
});
