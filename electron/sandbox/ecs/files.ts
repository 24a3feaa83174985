/** What a container of a simulated task sees in its volumes: the files written there, at its own mount paths. */
import type { SandboxCore } from '../core';
import { findTaskDefinition, type Json } from './store';
import { efsStore } from './volumes';

export function filesSeenBy(core: SandboxCore, taskArn: string, container: string): { path: string; size: number; sha256: string; mode: string; owner: string; readOnly: boolean }[] {
  const task = core.state.ecs.tasks.get(taskArn);
  const td = task && findTaskDefinition(core, task.taskDefinitionArn);
  const definition = td && (td.body.containerDefinitions as Json[]).find((c) => c.name === container);
  if (!task || !definition) return [];
  const mounts = (definition.mountPoints as { sourceVolume: string; containerPath: string; readOnly?: boolean }[] | undefined) ?? [];
  return mounts.flatMap((m) => {
    const efs = efsStore(core, td, m.sourceVolume);
    const files = efs ? (core.state.efs.files.get(efs) ?? []) : (task.files ?? []).filter((f) => f.volume === m.sourceVolume);
    return files.map((f) => ({ path: `${m.containerPath.replace(/\/$/, '')}/${f.path}`, size: f.size, sha256: f.sha256, mode: f.mode, owner: f.owner, readOnly: m.readOnly === true }));
  });
}
