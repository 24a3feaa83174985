/**
 * Live deployments by project folder, outside React so a deploy keeps its timeline while the
 * user looks at another screen. Events for a deployment id not yet known (they can arrive
 * before `deploy:start` answers) wait briefly in a bounded buffer.
 */
import { useSyncExternalStore } from 'react';
import type { DeployEvent, DeploymentRecord } from '../../../../shared/domain/deploy';
import { applyDeployEvent, emptyView, viewFromRecord, type DeployView } from './deploy-state';

const MAX_EARLY_EVENTS = 1000;

/** Runs `fn` before the next paint (in a browser), or right away (in tests). */
type Schedule = (fn: () => void) => void;
const nextFrame: Schedule = (fn) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => fn()) : fn());

export class DeployStore {
  private views = new Map<string, DeployView>();
  private pending = false;
  private dirOfId = new Map<string, string>();
  private early: DeployEvent[] = [];
  private listeners = new Set<() => void>();
  private finishedListeners = new Set<(dir: string, record: DeploymentRecord) => void>();

  /** The view of a project's current (or last) deployment in this window. */
  get(dir: string): DeployView | undefined {
    return this.views.get(dir);
  }

  /** Follows a deployment of `dir` by id; replays events that arrived first. */
  track(dir: string, deploymentId: string): void {
    const existing = this.views.get(dir);
    if (existing?.deploymentId === deploymentId) return;
    let view = emptyView(deploymentId);
    this.dirOfId.set(deploymentId, dir);
    for (const e of this.takeEarly(deploymentId)) view = applyDeployEvent(view, e);
    this.set(dir, view);
    if (view.record) this.notifyFinished(dir, view.record);
  }

  /** Re-attaches to a deployment known only by its record (after a restart or reconnect). */
  attach(dir: string, record: DeploymentRecord): void {
    const existing = this.views.get(dir);
    if (existing?.deploymentId === record.id) {
      // Keep the timeline already collected; take phase states the events may have missed.
      let view: DeployView = { ...existing, stale: false };
      if (record.outcome !== 'running' && !existing.record) {
        view = { ...view, record, phases: { ...existing.phases } };
        for (const p of record.phases) view.phases[p.phase] = { ...view.phases[p.phase], state: p.state };
      } else if (record.outcome === 'running') {
        view = { ...view, phases: { ...existing.phases } };
        for (const p of record.phases) if (p.state !== 'pending') view.phases[p.phase] = { ...view.phases[p.phase], state: p.state };
      }
      this.set(dir, view);
      return;
    }
    this.dirOfId.set(record.id, dir);
    let view = viewFromRecord(record);
    // Events that arrived before we knew whose they were (e.g. the diff a resumed run re-sent).
    for (const e of this.takeEarly(record.id)) view = applyDeployEvent(view, e);
    this.set(dir, view);
  }

  private takeEarly(deploymentId: string): DeployEvent[] {
    const mine = this.early.filter((e) => e.deploymentId === deploymentId);
    this.early = this.early.filter((e) => e.deploymentId !== deploymentId);
    return mine;
  }

  /** Main went away: running deployments must be found again before anything is offered on them. */
  markStale(): void {
    for (const [dir, view] of this.views) if (view.record === null) this.set(dir, { ...view, stale: true });
  }

  /** Forgets the shown deployment of `dir` (to start a fresh one). */
  clear(dir: string): void {
    this.views.delete(dir);
    this.emit();
  }

  /** Folds one event into the deployment it belongs to. */
  handle(event: DeployEvent): void {
    const dir = this.dirOfId.get(event.deploymentId);
    if (!dir) {
      this.early.push(event);
      if (this.early.length > MAX_EARLY_EVENTS) this.early.splice(0, this.early.length - MAX_EARLY_EVENTS);
      return;
    }
    const before = this.views.get(dir) ?? emptyView(event.deploymentId);
    if (before.deploymentId !== event.deploymentId) return;
    const after = applyDeployEvent(before, event);
    if (after === before) return;
    this.set(dir, after);
    if (event.type === 'finished') this.notifyFinished(dir, event.record);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called once per finished deployment (for a notification). */
  onFinished(listener: (dir: string, record: DeploymentRecord) => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  private set(dir: string, view: DeployView): void {
    this.views.set(dir, view);
    this.emit();
  }
  constructor(private readonly schedule: Schedule = nextFrame) {}

  // A deploy sends hundreds of events a second at times: views repaint once per frame at most.
  private emit(): void {
    if (this.pending) return;
    this.pending = true;
    this.schedule(() => {
      this.pending = false;
      for (const l of this.listeners) l();
    });
  }
  private notifyFinished(dir: string, record: DeploymentRecord): void {
    for (const l of this.finishedListeners) l(dir, record);
  }
}

/** The window's one store. */
export const deployStore = new DeployStore();

/** The view of `dir`'s deployment, re-rendering on every change. */
export function useDeployView(dir: string | null): DeployView | undefined {
  return useSyncExternalStore(
    (notify) => deployStore.subscribe(notify),
    () => (dir ? deployStore.get(dir) : undefined),
  );
}
