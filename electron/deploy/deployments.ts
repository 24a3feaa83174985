/**
 * The app's deployments: at most one per project, started, approved and cancelled by id, their
 * history, and re-attaching after a restart (a local record still "running" whose process is
 * gone, while its stack operation or builds carry on in AWS).
 */
import { resolve } from 'node:path';
import type { DeploymentComparison, DeploymentRecord, HolderView } from '../../shared/domain/deploy';
import { holderView, readHolder } from './lock';
import { compareDeployments } from './compare';
import { getRelease } from './release';
import type { DeploymentMode } from '../../shared/domain/plan';
import { raise } from '../../shared/result';
import type { AppContext } from '../api/context';
import { connectionManager } from '../aws/connection';
import { loadProject } from '../compose/load';
import { BOOTSTRAP_STACK_NAME, projectRepositoryName, projectStackName } from '../plan';
import { runningBuilds } from './build';
import { DeploymentRun, type PipelineTuning } from './pipeline';
import { checkRollbackTarget, defaultRollbackTarget, type RollbackCheck } from './rollback';
import { bootstrapBucket } from '../bootstrap/ensure';
import { bucketRecords, localRecords, mergeHistory, newDeploymentId, saveLocalRecord, type LocalRecord } from './records';
import { age } from './stack';
import { describeStack, stackOutputs } from '../aws/stacks';

export interface StartRequest {
  dir: string;
  mode: DeploymentMode;
  autoApprove?: boolean;
  /** The project's name, typed to take over from a deployment elsewhere that stopped reporting. */
  takeOver?: string;
}

export interface RollbackRequest {
  dir: string;
  /** The deployment to put back; without it, the newest successful one that differs from what runs now. */
  deploymentId?: string;
  autoApprove?: boolean;
}

export interface Deployments {
  /** Starts a deployment (or carries on an interrupted one of the same project); returns its id. */
  start(request: StartRequest): Promise<{ deploymentId: string }>;
  /** Starts a rollback to an earlier deployment (a deployment itself, with the same review); returns its id. */
  rollback(request: RollbackRequest): Promise<{ deploymentId: string; target: string }>;
  /** Who holds the project's deployment in the bucket (any machine), or null. */
  holder(dir: string): Promise<HolderView | null>;
  /** Whether deployment `id` can be put back, and what would not come back (nothing is changed). */
  rollbackCheck(dir: string, id: string): Promise<RollbackCheck>;
  /** Two deployments of the project in `dir` side by side (names and digests, never values). */
  compare(dir: string, fromId: string, toId: string): Promise<DeploymentComparison>;
  /** The run with this id, while it runs in this process. */
  get(id: string): DeploymentRun | undefined;
  approve(id: string): void;
  cancel(id: string): void;
  /** The deployment running for the project in `dir`, re-attaching to one a restart interrupted. */
  active(dir: string): Promise<DeploymentRecord | null>;
  /** Past deployments of the project in `dir`, newest first (local and, when reachable, the bucket's). */
  history(dir: string): Promise<DeploymentRecord[]>;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function projectNameOf(dir: string): Promise<string> {
  const loaded = await loadProject(dir);
  if (!loaded.project) {
    if (loaded.composeFiles.length === 0) raise('NO_COMPOSE_FILE', `There is no compose file in ${dir}.`);
    raise('COMPOSE_INVALID', `The compose project in ${dir} could not be read.`);
  }
  return loaded.project.name;
}

/** The deployments service of an app context (one per context). */
export function deployments(ctx: AppContext, tuning?: PipelineTuning): Deployments {
  return ctx.service('deployments', () => createDeployments(ctx, tuning));
}

function createDeployments(ctx: AppContext, tuning: PipelineTuning | undefined): Deployments {
  const runs = new Map<string, DeploymentRun>();
  const byProject = new Map<string, DeploymentRun>();
  const byDir = new Map<string, DeploymentRun>();

  const launch = (dir: string, mode: DeploymentMode, autoApprove: boolean, id: string, resuming: boolean, startedAt?: string, rollbackOf?: DeploymentRecord, takeOver?: string): DeploymentRun => {
    let projectName: string | undefined;
    const run = new DeploymentRun(
      { id, dir, mode, autoApprove, resuming, ...(startedAt ? { startedAt } : {}), ...(rollbackOf ? { rollbackOf } : {}), ...(takeOver ? { takeOver } : {}) },
      { connection: () => connectionManager(ctx).require(), dataDir: ctx.dataDir, emit: (event) => ctx.emit('deploy:event', event), berthVersion: ctx.version, ...(tuning ? { tuning } : {}) },
      (project) => {
        projectName = project;
        byProject.set(project, run);
      },
    );
    runs.set(id, run);
    byDir.set(dir, run);
    void run.done.then((record) => {
      runs.delete(id);
      if (projectName && byProject.get(projectName) === run) byProject.delete(projectName);
      if (byDir.get(dir) === run) byDir.delete(dir);
      if (record.outcome === 'running') return;
      const outcome = record.outcome === 'nothing-to-change' ? 'nothing to change' : record.outcome;
      ctx.abilities.notify?.(`Deployment of ${record.project || 'the project'} ${outcome === 'succeeded' ? 'finished' : outcome}`, record.urls[0] ?? record.failure?.message ?? '');
    });
    return run;
  };

  const busy = (run: DeploymentRun, project: string): never =>
    raise('DEPLOY_IN_PROGRESS', `A deployment of ${project} is already running (${run.phase}, for ${age(new Date(Date.now() - run.ageMs))}). Wait for it, or cancel it first.`, {
      deploymentId: run.record.id,
      phase: run.phase,
    });

  /** An interrupted local record of this project: running, owned by no live process. */
  const interrupted = async (project: string): Promise<LocalRecord | undefined> => {
    const records = await localRecords(ctx.dataDir, project);
    for (const r of records) {
      if (r.record.outcome !== 'running' || runs.has(r.record.id)) continue;
      if (r.resume && processAlive(r.resume.pid)) {
        raise('DEPLOY_IN_PROGRESS', `A deployment of ${project} is running in another Berth window or command (process ${r.resume.pid}, started ${r.record.startedAt}).`, {
          deploymentId: r.record.id,
          pid: r.resume.pid,
        });
      }
      return r;
    }
    return undefined;
  };

  /** True when the interrupted deployment left work under way in AWS (a stack operation or builds). */
  const workUnderWay = async (project: string): Promise<boolean> => {
    const conn = connectionManager(ctx).require();
    const stack = await describeStack(conn.clients.cloudformation, projectStackName(project));
    const status = stack?.StackStatus ?? '';
    if (status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS') return true;
    const bootstrap = await describeStack(conn.clients.cloudformation, BOOTSTRAP_STACK_NAME);
    const outputs = stackOutputs(bootstrap);
    if (!outputs.BuildProjectAmd64 || !outputs.BuildProjectArm64) return false;
    // Builds are CodeBuild's: one pushing to this project's repository is this project's.
    const repository = `/${projectRepositoryName(project)}:`;
    const running = await runningBuilds(conn.clients.codebuild, { projects: { 'linux/amd64': outputs.BuildProjectAmd64, 'linux/arm64': outputs.BuildProjectArm64 } });
    return [...running.keys()].some((image) => image.includes(repository));
  };

  /** Resumes an interrupted deployment when AWS still works on it; otherwise closes its record. */
  const resumeOrClose = async (dir: string, r: LocalRecord): Promise<DeploymentRun | undefined> => {
    if (await workUnderWay(r.record.project)) {
      // An interrupted rollback carries on putting back its target, never the folder's files.
      const target = r.resume?.rollbackOf ? (await service.history(dir)).find((h) => h.id === r.resume!.rollbackOf) : undefined;
      if (r.resume?.rollbackOf && !target) raise('ROLLBACK_BLOCKED', `The interrupted rollback ${r.record.id} puts back deployment ${r.resume.rollbackOf}, which the history no longer has. Wait until the stack operation ends, then roll back again.`);
      return launch(dir, r.record.mode, r.resume?.autoApprove ?? false, r.record.id, true, r.record.startedAt, target);
    }
    const record: DeploymentRecord = {
      ...r.record,
      outcome: 'failed',
      finishedAt: new Date().toISOString(),
      failure: {
        phase: r.record.phases.find((p) => p.state === 'running')?.phase ?? 'validate',
        code: 'CANCELLED',
        message: 'Berth stopped before this deployment finished, and nothing of it is still running in AWS. Deploy again.',
      },
      phases: r.record.phases.map((p) => (p.state === 'running' ? { ...p, state: 'cancelled' } : p)),
    };
    await saveLocalRecord(ctx.dataDir, record);
    return undefined;
  };

  /** Refuses while another deployment of the project runs; carries on an interrupted one. Returns the project's name, or the resumed run. */
  const claim = async (dir: string): Promise<{ project: string; resumed?: DeploymentRun }> => {
    const inDir = byDir.get(dir);
    if (inDir) busy(inDir, inDir.record.project || dir);
    const project = await projectNameOf(dir);
    const running = byProject.get(project);
    if (running) busy(running, project);
    const stale = await interrupted(project);
    const resumed = stale ? await resumeOrClose(dir, stale) : undefined;
    return resumed ? { project, resumed } : { project };
  };

  const service: Deployments = {
    async start(request) {
      const dir = resolve(request.dir);
      const { resumed } = await claim(dir);
      if (resumed) return { deploymentId: resumed.record.id };
      const run = launch(dir, request.mode, request.autoApprove ?? false, newDeploymentId(), false, undefined, undefined, request.takeOver);
      return { deploymentId: run.record.id };
    },
    async rollback(request) {
      const dir = resolve(request.dir);
      const { project, resumed } = await claim(dir);
      if (resumed) busy(resumed, project);
      const history = await service.history(dir);
      const target = request.deploymentId ? history.find((r) => r.id === request.deploymentId) : defaultRollbackTarget(history);
      if (!target) {
        if (request.deploymentId) raise('NOT_FOUND', `${project} has no deployment ${request.deploymentId}. \`berth history\` lists them.`);
        raise('ROLLBACK_BLOCKED', `Nothing to roll back to: ${project} has no earlier successful deployment that differs from what runs now.`);
      }
      const run = launch(dir, target.mode, request.autoApprove ?? false, newDeploymentId(), false, undefined, target);
      return { deploymentId: run.record.id, target: target.id };
    },
    async holder(dirInput) {
      const project = await projectNameOf(resolve(dirInput));
      const conn = connectionManager(ctx).require();
      const bucket = await bootstrapBucket(conn.clients.cloudformation);
      const found = bucket ? await readHolder(conn.clients.s3, bucket, project) : undefined;
      return found ? holderView(found.holder, Date.now(), tuning?.lock?.staleAfterMs) : null;
    },
    async rollbackCheck(dirInput, id) {
      const history = await service.history(dirInput);
      const target = history.find((r) => r.id === id) ?? raise('NOT_FOUND', `This project has no deployment ${id}. \`berth history\` lists them.`);
      return (await checkRollbackTarget(connectionManager(ctx).require().clients, target)).check;
    },
    async compare(dirInput, fromId, toId) {
      const history = await service.history(dirInput);
      const find = (id: string) => history.find((r) => r.id === id) ?? raise('NOT_FOUND', `This project has no deployment ${id}. \`berth history\` lists them.`);
      const [from, to] = [find(fromId), find(toId)];
      const conn = connectionManager(ctx).require();
      const bucket = await bootstrapBucket(conn.clients.cloudformation);
      const releaseOf = async (r: DeploymentRecord) => (bucket && r.released ? await getRelease(conn.clients.s3, bucket, r.project, r.id) : undefined);
      const [a, b] = await Promise.all([releaseOf(from), releaseOf(to)]);
      return compareDeployments({ record: from, ...(a ? { release: a } : {}) }, { record: to, ...(b ? { release: b } : {}) });
    },
    get: (id) => runs.get(id),
    approve(id) {
      const run = runs.get(id);
      if (!run) raise('NOT_FOUND', `No deployment ${id} is running.`);
      run.approve();
    },
    cancel(id) {
      const run = runs.get(id);
      if (!run) raise('NOT_FOUND', `No deployment ${id} is running.`);
      run.cancel();
    },
    async active(dirInput) {
      const dir = resolve(dirInput);
      const inDir = byDir.get(dir);
      if (inDir) return inDir.record;
      const project = await projectNameOf(dir);
      const running = byProject.get(project);
      if (running) return running.record;
      const others = await localRecords(ctx.dataDir, project);
      const owned = others.find((r) => r.record.outcome === 'running' && r.resume && processAlive(r.resume.pid));
      if (owned) return owned.record;
      const stale = await interrupted(project);
      if (!stale) return null;
      if (!connectionManager(ctx).current()) return stale.record;
      const resumed = await resumeOrClose(dir, stale);
      return resumed?.record ?? null;
    },
    async history(dirInput) {
      const dir = resolve(dirInput);
      const project = await projectNameOf(dir);
      const local = (await localRecords(ctx.dataDir, project)).map((r) => r.record);
      const live = [...runs.values()].filter((r) => r.record.project === project).map((r) => r.record);
      let remote: DeploymentRecord[] = [];
      const conn = connectionManager(ctx).current();
      if (conn) {
        try {
          const bucket = await bootstrapBucket(conn.clients.cloudformation);
          if (bucket) remote = await bucketRecords(conn.clients.s3, bucket, project);
        } catch {
          // Offline or no access: the local history is still worth showing.
        }
      }
      return mergeHistory(live, local, remote);
    },
  };
  // Nothing is cancelled when the app quits: runs stop following, stack operations and builds
  // carry on in AWS, and the local record (still "running") lets the next start re-attach.
  ctx.onDispose(async () => {
    const open = [...runs.values()];
    for (const run of open) run.detach();
    await Promise.all(open.map((run) => run.done.catch(() => undefined)));
  });
  return service;
}
