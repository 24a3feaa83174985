import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from './deploy';
import { canRollBackTo, defaultRollbackTarget, rollbackCandidates, runningDeployment, sameRelease } from './rollback';

let n = 0;
function record(outcome: DeploymentRecord['outcome'], templateHash: string, web = 'repo:aaa', released = true): DeploymentRecord {
  n++;
  return { id: `2026120${n}T000000000Z-x`, project: 'p', mode: 'affordable', account: '1', region: 'r', identityArn: 'a', startedAt: `2026-12-0${n}T00:00:00Z`, outcome, phases: [], digests: {}, urls: [], templateHash, images: { web }, released };
}

describe('rollback targets', () => {
  it('after a successful v2, goes back to v1; then forward to v2', () => {
    const v1 = record('succeeded', 't1', 'repo:1');
    const v2 = record('succeeded', 't2', 'repo:2');
    expect(defaultRollbackTarget([v2, v1])).toBe(v1);
    const back = { ...record('succeeded', 't1', 'repo:1'), rollbackOf: v1.id };
    expect(runningDeployment([back, v2, v1])).toBe(back);
    expect(defaultRollbackTarget([back, v2, v1])).toBe(v2);
    expect(canRollBackTo(v1, [back, v2, v1])).toBe(false);
  });

  it('after a failed v2 that CloudFormation rolled back, v1 runs: the target is v1 itself (its config values come back too)', () => {
    const v0 = record('succeeded', 't0', 'repo:0');
    const v1 = record('succeeded', 't1', 'repo:1');
    const v2 = record('failed', 't2', 'repo:2');
    expect(runningDeployment([v2, v1, v0])).toBe(v1);
    expect(defaultRollbackTarget([v2, v1, v0])).toBe(v1);
    expect(canRollBackTo(v1, [v2, v1, v0])).toBe(true);
    expect(canRollBackTo(v0, [v2, v1, v0])).toBe(true);
    expect(canRollBackTo(v2, [v2, v1, v0])).toBe(false);
    // Once put back, v1 runs and is the newest: nothing more to do for it.
    const back = { ...record('succeeded', 't1', 'repo:1'), rollbackOf: v1.id };
    expect(canRollBackTo(back, [back, v2, v1, v0])).toBe(false);
    expect(defaultRollbackTarget([back, v2, v1, v0])).toBe(v0);
  });

  it('the same template with another image is another release; one without a release is no candidate', () => {
    expect(sameRelease(record('succeeded', 't', 'repo:1'), record('succeeded', 't', 'repo:2'))).toBe(false);
    expect(sameRelease(record('succeeded', 't', 'repo:1'), record('succeeded', 't', 'repo:1'))).toBe(true);
    const old = record('succeeded', 't0', 'repo:0', false);
    expect(rollbackCandidates([old])).toEqual([]);
    expect(defaultRollbackTarget([record('succeeded', 't1'), old])).toBeUndefined();
  });
});
