import { describe, expect, it } from 'vitest';
import type { DeployEvent, DeploymentRecord, StackEvent } from '../../../../shared/domain/deploy';
import { applyDeployEvent, awaitingApproval, currentPhase, emptyView, MAX_STACK_EVENTS, progressWords, viewFromRecord, type DeployView } from './deploy-state';
import { DeployStore } from './deploy-store';

const id = 'd-1';
const fold = (events: DeployEvent[], view: DeployView = emptyView(id)) => events.reduce(applyDeployEvent, view);
const stackEvent = (n: number, stackName = 'berth-shop', status = 'CREATE_IN_PROGRESS'): StackEvent => ({
  stackName,
  eventId: `e${n}`,
  timestamp: new Date(1_700_000_000_000 + n).toISOString(),
  logicalId: `R${n}`,
  type: 'AWS::ECS::Service',
  status,
});
const record = (over: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  id,
  project: 'shop',
  mode: 'affordable',
  account: '000000000000',
  region: 'us-east-1',
  identityArn: 'arn:aws:iam::000000000000:root',
  startedAt: '2025-01-01T00:00:00.000Z',
  outcome: 'running',
  phases: [
    { phase: 'validate', state: 'done' },
    { phase: 'build', state: 'running' },
  ],
  digests: {},
  urls: [],
  ...over,
});
const diff = { type: 'diff' as const, deploymentId: id, diff: { stackName: 'berth-shop', changeSetName: 'cs', empty: false, changes: [{ action: 'Add' as const, logicalId: 'Web', type: 'AWS::ECS::Service', description: 'web' }] } };

describe('deploy view', () => {
  it('follows phases and reports the running one', () => {
    const view = fold([
      { type: 'phase', deploymentId: id, phase: 'validate', state: 'done' },
      { type: 'phase', deploymentId: id, phase: 'package', state: 'running', message: 'Packing web' },
    ]);
    expect(view.phases.validate.state).toBe('done');
    expect(view.phases.package).toEqual({ state: 'running', message: 'Packing web' });
    expect(currentPhase(view)).toBe('package');
  });

  it('keeps each one-off step’s latest state, exit code and output', () => {
    const v = fold([
      { type: 'one-off', deploymentId: id, run: { service: 'migrate', state: 'running', taskId: 't1', lines: [] } },
      { type: 'one-off', deploymentId: id, run: { service: 'migrate', state: 'failed', taskId: 't1', exitCode: 1, message: 'migrate exited with 1', lines: ['Applying', 'boom'] } },
    ]);
    expect(v.oneOffs.migrate).toMatchObject({ state: 'failed', exitCode: 1, lines: ['Applying', 'boom'] });
  });

  it('ignores events of another deployment', () => {
    const view = emptyView(id);
    expect(applyDeployEvent(view, { type: 'phase', deploymentId: 'other', phase: 'validate', state: 'failed' })).toBe(view);
  });

  it('keeps one progress bar per phase and item', () => {
    const view = fold([
      { type: 'progress', deploymentId: id, phase: 'upload', item: 'web', done: 10, total: 100, unit: 'bytes' },
      { type: 'progress', deploymentId: id, phase: 'upload', item: 'web', done: 100, total: 100, unit: 'bytes' },
      { type: 'progress', deploymentId: id, phase: 'upload', item: 'api', done: 1, total: 3, unit: 'files' },
    ]);
    expect(view.progress.map((p) => [p.item, p.done])).toEqual([
      ['web', 100],
      ['api', 1],
    ]);
    expect(progressWords({ done: 2 * 1024 * 1024, total: 4 * 1024 * 1024, unit: 'bytes' })).toBe('2.0 MB of 4.0 MB');
  });

  it('waits for approval after a non-empty diff until the stack moves on', () => {
    const wrap = (event: StackEvent): DeployEvent => ({ type: 'stack-event', deploymentId: id, event });
    let view = fold([wrap(stackEvent(1, 'berth-bootstrap', 'UPDATE_COMPLETE')), wrap(stackEvent(2, 'berth-shop', 'REVIEW_IN_PROGRESS')), diff]);
    view = applyDeployEvent(view, { type: 'phase', deploymentId: id, phase: 'stack', state: 'running', message: 'Waiting for you to approve the changes.' });
    expect(awaitingApproval(view)).toBe(true);
    view = applyDeployEvent(view, wrap(stackEvent(3)));
    expect(awaitingApproval(view)).toBe(false);
  });

  it('does not ask for approval when there is nothing to change', () => {
    const view = fold([
      { type: 'phase', deploymentId: id, phase: 'stack', state: 'running' },
      { ...diff, diff: { ...diff.diff, empty: true, changes: [] } },
    ]);
    expect(awaitingApproval(view)).toBe(false);
  });

  it('bounds the stack timeline, newest first, without duplicates', () => {
    const events = Array.from({ length: MAX_STACK_EVENTS + 50 }, (_, i) => ({ type: 'stack-event' as const, deploymentId: id, event: stackEvent(i) }));
    const view = fold([...events, events[events.length - 1]!]);
    expect(view.stackEvents).toHaveLength(MAX_STACK_EVENTS);
    expect(view.stackEvents[0]!.eventId).toBe(`e${MAX_STACK_EVENTS + 49}`);
  });

  it('takes the final phase states from the finished record', () => {
    const done = record({ outcome: 'failed', phases: [{ phase: 'build', state: 'failed' }], failure: { phase: 'build', message: 'The Dockerfile has no FROM.' } });
    const view = fold([{ type: 'phase', deploymentId: id, phase: 'build', state: 'running' }, { type: 'finished', deploymentId: id, record: done }]);
    expect(view.phases.build.state).toBe('failed');
    expect(view.record?.failure?.message).toBe('The Dockerfile has no FROM.');
  });

  it('rebuilds what it can from a record when re-attaching', () => {
    const view = viewFromRecord(record());
    expect(view.deploymentId).toBe(id);
    expect(view.phases.validate.state).toBe('done');
    expect(view.phases.build.state).toBe('running');
    expect(view.record).toBeNull();
  });

  it('keeps a finished phase’s note from the record (a check Berth could not make)', () => {
    const view = viewFromRecord(record({ outcome: 'succeeded', phases: [{ phase: 'config', state: 'done', note: 'Berth may not read Service Quotas.' }, { phase: 'validate', state: 'done' }] }));
    expect(view.phases.config).toEqual({ state: 'done', message: 'Berth may not read Service Quotas.' });
    expect(view.phases.validate).toEqual({ state: 'done' });
  });
});

describe('deploy store', () => {
  it('replays events that arrived before the deployment id was known', () => {
    const store = new DeployStore();
    store.handle({ type: 'phase', deploymentId: id, phase: 'validate', state: 'done' });
    store.track('/p', id);
    expect(store.get('/p')?.phases.validate.state).toBe('done');
  });

  it('re-attaches from a record and replays the diff a resumed run sent first', () => {
    const store = new DeployStore();
    store.handle(diff);
    store.attach('/p', record());
    expect(store.get('/p')?.diff?.stackName).toBe('berth-shop');
  });

  it('announces a finished deployment once', () => {
    const store = new DeployStore();
    const finished: string[] = [];
    store.onFinished((dir, r) => finished.push(`${dir}:${r.outcome}`));
    store.track('/p', id);
    store.handle({ type: 'finished', deploymentId: id, record: record({ outcome: 'succeeded' }) });
    expect(finished).toEqual(['/p:succeeded']);
  });
});

describe('after main restarts', () => {
  it('offers no approval until the deployment is found again', () => {
    const store = new DeployStore();
    store.track('/p', id);
    store.handle(diff);
    store.handle({ type: 'phase', deploymentId: id, phase: 'stack', state: 'running', message: 'Waiting for you to approve the changes.' });
    expect(awaitingApproval(store.get('/p')!)).toBe(true);
    store.markStale();
    expect(awaitingApproval(store.get('/p')!)).toBe(false);
    store.attach('/p', record({ phases: [{ phase: 'stack', state: 'running' }] }));
    expect(store.get('/p')!.stale).toBe(false);
    expect(awaitingApproval(store.get('/p')!)).toBe(true);
  });
});
