/** Which deployments a rollback can go to, read from the history alone (main and renderer alike). */
import type { DeploymentRecord } from './deploy';

/** How many successful deployments back can be put back: their images are kept in ECR. */
export const KEPT_DEPLOYMENTS = 10;

/** Deployments a rollback can go to: succeeded, with their release in the bucket, newest first. */
export function rollbackCandidates(history: readonly DeploymentRecord[]): DeploymentRecord[] {
  return history.filter((r) => r.outcome === 'succeeded' && r.released === true);
}

/** What runs now: the newest deployment that succeeded or found nothing to change (a failed one was rolled back by CloudFormation). */
export function runningDeployment(history: readonly DeploymentRecord[]): DeploymentRecord | undefined {
  return history.find((r) => r.outcome === 'succeeded' || r.outcome === 'nothing-to-change');
}

/** Two deployments run the same thing: the same template (which pins the config versions) and the same images. */
export function sameRelease(a: DeploymentRecord, b: DeploymentRecord): boolean {
  const images = (r: DeploymentRecord) => JSON.stringify(Object.entries(r.images ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)));
  return a.templateHash === b.templateHash && images(a) === images(b);
}

/** True when the newest attempt did not become what runs (it failed and CloudFormation rolled it back, or it was cancelled). */
function laterAttemptFailed(history: readonly DeploymentRecord[], running: DeploymentRecord | undefined): boolean {
  return running !== undefined && history[0] !== running && history[0]?.outcome !== 'running';
}

/**
 * The deployment `berth rollback` goes to without an id. After a failed attempt, the one that
 * runs: CloudFormation put its stack back, and the rollback puts back the rest (config values
 * the failed attempt changed). Otherwise the newest candidate that differs from what runs now.
 */
export function defaultRollbackTarget(history: readonly DeploymentRecord[]): DeploymentRecord | undefined {
  const running = runningDeployment(history);
  const candidates = rollbackCandidates(history);
  if (running && laterAttemptFailed(history, running) && candidates.includes(running)) return running;
  return candidates.find((r) => !running || (r.id !== running.id && !sameRelease(r, running)));
}

/** True when a rollback to `r` would change something: a candidate that differs from what runs now, or what runs now after a failed attempt. */
export function canRollBackTo(r: DeploymentRecord, history: readonly DeploymentRecord[]): boolean {
  const running = runningDeployment(history);
  if (!rollbackCandidates(history).includes(r)) return false;
  if (r === running) return laterAttemptFailed(history, running);
  return !running || !sameRelease(r, running);
}
