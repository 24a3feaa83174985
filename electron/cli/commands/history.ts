/** `berth history [DIR]`: past deployments of the project, newest first. */
import type { DeploymentRecord } from '../../../shared/domain/deploy';
import { deployments } from '../../deploy/deployments';
import { formatComparison } from '../../deploy/compare';
import { UsageError, type Command, type CommandRun } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, PROJECT_OPTION, projectDirFrom, withAwsErrors } from './aws-options';

function duration(r: DeploymentRecord): string {
  if (!r.finishedAt) return '';
  const s = Math.round((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export const historyCommand: Command = withAwsErrors({
  name: 'history',
  usage: 'berth history [DIR] [--offline] | berth history --diff A B [--project DIR]  [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'List the project’s deployments (when, mode, outcome, URLs or the cause of a failure), or compare two of them',
  options: {
    ...PROJECT_OPTION,
    ...CONNECTION_OPTIONS,
    offline: { type: 'boolean', description: 'Only this machine’s records (do not read the bucket)' },
    diff: { type: 'boolean', description: 'Compare deployments A and B: services, images, config names, compose files, resources' },
  },
  async run(run) {
    if (run.options.diff === true) return compare(run);
    if (run.positionals.length > 1) throw new UsageError('history takes at most one project folder');
    const dir = projectDirFrom(run, true);
    if (run.options.offline !== true) await connectFromOptions(run);
    const records = await deployments(run.context()).history(dir);
    if (run.json) {
      run.io.out(JSON.stringify({ deployments: records }));
      return 0;
    }
    if (records.length === 0) {
      run.io.out('No deployments yet. Deploy with `berth up`.');
      return 0;
    }
    for (const r of records) {
      run.io.out(`${r.id}  ${r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${r.mode.padEnd(17)}  ${r.outcome.padEnd(17)}  ${duration(r)}`);
      if (r.failure) run.io.out(`    ${r.failure.phase}: ${r.failure.message.split('\n')[0]}`);
      if (r.rollbackOf) run.io.out(`    rollback to ${r.rollbackOf}`);
      for (const url of r.urls) run.io.out(`    ${url}`);
    }
    return 0;
  },
});

/** `berth history --diff A B`: two deployments side by side. */
async function compare(run: CommandRun): Promise<number> {
  if (run.positionals.length !== 2) throw new UsageError('--diff takes two deployment ids: berth history --diff A B (`berth history` lists them)');
  if (run.options.offline === true) throw new UsageError('--diff reads the deployments’ releases from the bucket: it cannot be --offline');
  const dir = projectDirFrom(run);
  await connectFromOptions(run);
  const comparison = await deployments(run.context()).compare(dir, run.positionals[0]!, run.positionals[1]!);
  if (run.json) run.io.out(JSON.stringify({ comparison }));
  else for (const line of formatComparison(comparison)) run.io.out(line);
  return 0;
}
