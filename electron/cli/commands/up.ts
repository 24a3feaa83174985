/** `berth up [DIR]`: deploys the project (package, upload, build, stack, rollout), printing progress, the diff and the URLs. */
import { createInterface } from 'node:readline/promises';
import type { DeployEvent } from '../../../shared/domain/deploy';
import { DEPLOYMENT_MODES, type DeploymentMode } from '../../../shared/domain/plan';
import { deployments } from '../../deploy/deployments';
import { localRecords } from '../../deploy/records';
import { projectConfigNeeds } from '../../secrets/project';
import { UsageError, type Command, type CommandRun } from '../command';
import { CONNECTION_OPTIONS, connectFromOptions, describeConnection, PROJECT_OPTION, projectDirFrom, withAwsErrors } from './aws-options';
import { printDeployEvent, printOutcome } from './up-output';

/** Asks on the terminal; false without one. */
async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export const upCommand: Command = withAwsErrors({
  name: 'up',
  usage: 'berth up [DIR] [--mode affordable|balanced|high_availability] [--yes] [--detach] [--take-over PROJECT] [--profile P] [--region R] [--endpoint URL] [--json]',
  summary: 'Deploy the project: build its images in your account, apply the stack, wait for the services, print the URLs',
  options: {
    ...PROJECT_OPTION,
    ...CONNECTION_OPTIONS,
    mode: { type: 'string', description: 'Deployment mode (default: the last deployment’s, else affordable)' },
    yes: { type: 'boolean', short: 'y', description: 'Apply the changes without asking' },
    detach: { type: 'boolean', description: 'Return once the stack change is under way (it carries on in AWS; `berth up` again re-attaches)' },
    'take-over': { type: 'string', description: 'Take the project over from a deployment elsewhere that stopped reporting: give the project’s name to confirm' },
  },
  async run(run) {
    if (run.positionals.length > 1) throw new UsageError('up takes at most one project folder');
    const modeOption = run.options.mode;
    if (modeOption !== undefined && !(DEPLOYMENT_MODES as readonly unknown[]).includes(modeOption)) throw new UsageError(`--mode must be one of ${DEPLOYMENT_MODES.join(', ')}`);
    const dir = projectDirFrom(run, true);
    const project = await projectConfigNeeds(dir);
    const ctx = run.context();
    const mode: DeploymentMode = (modeOption as DeploymentMode | undefined) ?? (await localRecords(ctx.dataDir, project.name))[0]?.record.mode ?? 'affordable';
    const { status } = await connectFromOptions(run);
    if (!run.json) run.io.err(`Deploying ${project.name} (${mode}) to ${describeConnection(status)}`);

    const takeOver = typeof run.options['take-over'] === 'string' ? run.options['take-over'] : undefined;
    if (takeOver !== undefined && takeOver !== project.name) throw new UsageError(`--take-over needs the project's name to confirm: --take-over ${project.name}`);
    return followDeployment(run, () => deployments(ctx).start({ dir, mode, autoApprove: run.options.yes === true, ...(takeOver ? { takeOver } : {}) }), project.name);
  },
});


/**
 * Runs a deployment started by `start` (a deploy or a rollback) on the terminal: prints its
 * progress and the diff, asks before applying unless --yes, detaches on --detach, prints the
 * outcome. Returns the exit code.
 */
export async function followDeployment(run: CommandRun, start: () => Promise<{ deploymentId: string }>, projectName: string): Promise<number> {
  const ctx = run.context();
  const service = deployments(ctx);
  let deploymentId: string | undefined;
  const early: DeployEvent[] = [];
  const progress = new Map<string, number>();
  let detached = false;
  const handle = (event: DeployEvent) => {
    printDeployEvent(run, event, progress);
    if (event.type === 'diff' && !event.diff.empty && run.options.yes !== true) {
      void (async () => {
        const ok = await confirm('Apply these changes? [y/N] ');
        if (ok) service.approve(event.deploymentId);
        else {
          if (!process.stdin.isTTY && !run.json) run.io.err('Not applied: pass --yes to apply changes without a terminal.');
          service.cancel(event.deploymentId);
        }
      })();
    }
    if (event.type === 'phase' && event.phase === 'stack' && event.message === 'Applying the changes.' && run.options.detach === true) {
      detached = true;
      service.get(event.deploymentId)?.detach();
    }
  };
  const unsubscribe = ctx.subscribe((name, payload) => {
    if (name !== 'deploy:event') return;
    const event = payload as DeployEvent;
    if (!deploymentId) early.push(event);
    else if (event.deploymentId === deploymentId) handle(event);
  });
  try {
    ({ deploymentId } = await start());
    for (const e of early.splice(0)) if (e.deploymentId === deploymentId) handle(e);
    const runObj = service.get(deploymentId);
    if (!runObj) throw new Error(`Deployment ${deploymentId} is not running here.`);
    const record = await runObj.done;
    if (detached && record.outcome === 'running') {
      if (run.json) run.io.out(JSON.stringify({ record, detached: true }));
      else run.io.out(`The stack change of ${projectName} is under way in AWS (deployment ${record.id}). Run \`berth up\` again to follow it, or \`berth history\` to see how it ended.`);
      return 0;
    }
    printOutcome(run, record);
    return record.outcome === 'succeeded' || record.outcome === 'nothing-to-change' ? 0 : 1;
  } finally {
    unsubscribe();
  }
}
