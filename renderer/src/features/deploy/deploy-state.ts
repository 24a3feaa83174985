/**
 * What the Deploy screen shows, folded from `deploy:event`s (or rebuilt from a record when
 * re-attaching). Pure, so it is tested without a browser; every list is bounded.
 */
import {
  DEPLOY_PHASES,
  type BuildPhaseName,
  type ChangeSetDiff,
  type DeployEvent,
  type DeploymentRecord,
  type DeployPhase,
  type OneOffRun,
  type PhaseState,
  type ServiceRollout,
  type StackEvent,
} from '../../../../shared/domain/deploy';

export const MAX_STACK_EVENTS = 300;
export const MAX_BUILD_LINES = 400;

export interface ProgressItem {
  key: string;
  phase: DeployPhase;
  item?: string;
  done: number;
  total: number;
  unit: 'bytes' | 'files' | 'steps';
}

export interface DeployView {
  deploymentId: string | null;
  phases: Record<DeployPhase, { state: PhaseState; message?: string }>;
  progress: ProgressItem[];
  buildLogs: Record<string, string[]>;
  /** The CodeBuild phase each service's image build is in (QUEUED, PROVISIONING, BUILD, ... COMPLETED). */
  buildPhases: Record<string, { phase: BuildPhaseName; status?: string }>;
  diff: ChangeSetDiff | null;
  /** True once the change set shown is being applied (approved here, elsewhere, or automatically). */
  applying: boolean;
  /** Stack events, newest first. */
  stackEvents: StackEvent[];
  rollouts: Record<string, ServiceRollout>;
  /** One-off services (migrations) run during the stack update, by service. */
  oneOffs: Record<string, OneOffRun>;
  /** Set once the deployment finished (or when re-attached to a finished one). */
  record: DeploymentRecord | null;
  /** True between losing main (a restart) and finding the deployment again: nothing here can be acted on. */
  stale?: boolean;
}

function pendingPhases(): DeployView['phases'] {
  return Object.fromEntries(DEPLOY_PHASES.map((p) => [p, { state: 'pending' as PhaseState }])) as DeployView['phases'];
}

/** The view before any event of a deployment arrived. */
export function emptyView(deploymentId: string | null = null): DeployView {
  return { deploymentId, phases: pendingPhases(), progress: [], buildLogs: {}, buildPhases: {}, diff: null, applying: false, stackEvents: [], rollouts: {}, oneOffs: {}, record: null };
}

/** Rebuilds what can be known from a record (re-attach after a restart, or a past deployment). */
export function viewFromRecord(record: DeploymentRecord): DeployView {
  const view = emptyView(record.id);
  for (const p of record.phases) view.phases[p.phase] = { state: p.state, ...(p.note ? { message: p.note } : {}) };
  if (record.outcome !== 'running') view.record = record;
  return view;
}

/** Folds one event into the view; events of another deployment are ignored. */
export function applyDeployEvent(view: DeployView, event: DeployEvent): DeployView {
  if (view.deploymentId !== null && event.deploymentId !== view.deploymentId) return view;
  const next: DeployView = view.deploymentId === null ? { ...view, deploymentId: event.deploymentId } : { ...view };
  switch (event.type) {
    case 'phase':
      next.phases = { ...view.phases, [event.phase]: { state: event.state, message: event.message } };
      // After the diff, any news from the stack phase other than "waiting for approval" means it moved on.
      if (event.phase === 'stack' && view.diff && !/approv/i.test(event.message ?? '')) next.applying = true;
      return next;
    case 'progress': {
      const key = `${event.phase}/${event.item ?? ''}`;
      const item: ProgressItem = { key, phase: event.phase, item: event.item, done: event.done, total: event.total, unit: event.unit };
      const i = view.progress.findIndex((p) => p.key === key);
      next.progress = i < 0 ? [...view.progress, item] : view.progress.map((p, j) => (j === i ? item : p));
      return next;
    }
    case 'build-log': {
      const lines = [...(view.buildLogs[event.service] ?? []), ...event.lines];
      next.buildLogs = { ...view.buildLogs, [event.service]: lines.slice(-MAX_BUILD_LINES) };
      return next;
    }
    case 'build-phase': {
      const phases = { ...view.buildPhases };
      for (const service of event.services) phases[service] = { phase: event.phase, ...(event.status ? { status: event.status } : {}) };
      next.buildPhases = phases;
      return next;
    }
    case 'diff':
      next.diff = event.diff;
      next.applying = false;
      return next;
    case 'stack-event':
      if (view.stackEvents.some((e) => e.eventId === event.event.eventId)) return view;
      next.stackEvents = [event.event, ...view.stackEvents].slice(0, MAX_STACK_EVENTS);
      if (view.diff && event.event.stackName === view.diff.stackName && event.event.status !== 'REVIEW_IN_PROGRESS') next.applying = true;
      return next;
    case 'rollout':
      next.rollouts = { ...view.rollouts, [event.rollout.service]: event.rollout };
      return next;
    case 'one-off':
      next.oneOffs = { ...view.oneOffs, [event.run.service]: { ...event.run, lines: event.run.lines.slice(-MAX_BUILD_LINES) } };
      return next;
    case 'finished':
      next.record = event.record;
      next.phases = { ...view.phases };
      for (const p of event.record.phases) next.phases[p.phase] = { ...next.phases[p.phase], state: p.state };
      return next;
  }
}

/** The phase running now, else the first failed one, else null. */
export function currentPhase(view: DeployView): DeployPhase | null {
  return DEPLOY_PHASES.find((p) => view.phases[p].state === 'running') ?? DEPLOY_PHASES.find((p) => view.phases[p].state === 'failed') ?? null;
}

/** True while the deployment waits for the user to apply its change set. */
export function awaitingApproval(view: DeployView): boolean {
  return view.record === null && !view.stale && view.diff !== null && !view.diff.empty && view.phases.stack.state === 'running' && !view.applying;
}

/** Human size for progress: bytes as KB/MB, other units as counts. */
export function progressWords(p: Pick<ProgressItem, 'done' | 'total' | 'unit'>): string {
  if (p.unit !== 'bytes') return `${p.done} of ${p.total} ${p.unit}`;
  const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
  return `${mb(p.done)} of ${mb(p.total)}`;
}
