/** project:* — open folders, recent projects, and live reload when files change. */
import { resolve } from 'node:path';
import { raise } from '../../shared/result';
import type { LoadedProject } from '../../shared/domain/project';
import { loadProject } from '../compose/load';
import { watchProjectFolder, type ProjectWatcher } from '../compose/watch';
import { readPin } from '../aws/pin';
import { localRecords } from '../deploy/records';
import { checkFolder } from '../projects/folder';
import { forgetProject, listRecent, rememberProject } from '../projects/recent';
import type { AppContext } from './context';
import type { HandlersFor } from './handler-types';

/** Open projects and their watchers, per app context. */
function watchers(ctx: AppContext): Map<string, ProjectWatcher> {
  return ctx.service('project.watchers', () => {
    const map = new Map<string, ProjectWatcher>();
    ctx.onDispose(() => {
      for (const w of map.values()) w.close();
      map.clear();
    });
    return map;
  });
}

/** The files each open project was opened with (so a reload uses the same `-f` selection). */
function selections(ctx: AppContext): Map<string, string[] | undefined> {
  return ctx.service('project.selections', () => new Map<string, string[] | undefined>());
}

/** Loads a folder that must exist and be a folder; the reason goes back to the user otherwise. */
export async function openProject(ctx: AppContext, dirInput: string, files?: string[]): Promise<LoadedProject> {
  const check = await checkFolder(dirInput);
  if (!check.exists || !check.isDirectory) raise('PROJECT_NOT_FOUND', check.message ?? `${check.dir} is not a folder.`);
  const loaded = await loadProject(check.dir, { files });
  const name = loaded.project?.name ?? check.dir.split(/[\\/]/).pop() ?? check.dir;
  await rememberProject(ctx.dataDir, check.dir, name);
  selections(ctx).set(check.dir, files);
  const open = watchers(ctx);
  if (!open.has(check.dir)) {
    open.set(
      check.dir,
      watchProjectFolder(check.dir, () => {
        void loadProject(check.dir, { files: selections(ctx).get(check.dir) }).then(
          (reloaded) => ctx.emit('project:changed', reloaded),
          () => undefined,
        );
        // Also the files the project reads elsewhere (extends targets, includes, env_files).
      }, new Set(loaded.project?.files.map((f) => f.path) ?? [])),
    );
  }
  return loaded;
}

export const projectHandlers = {
  'project:pickFolder': async (_args, ctx) => {
    if (!ctx.abilities.pickFolder) raise('NOT_FOUND', 'No native folder picker in browser mode: type the folder path instead.');
    return ctx.abilities.pickFolder();
  },
  'project:checkFolder': async ({ dir }) => checkFolder(dir),
  'project:recent': async (_args, ctx) => {
    // Each row says where the project is pinned and how its last deployment (on this machine) ended.
    const recent = await listRecent(ctx.dataDir);
    return Promise.all(
      recent.map(async (p) => {
        const [pin, records] = await Promise.all([readPin(ctx, p.dir).catch(() => null), localRecords(ctx.dataDir, p.name).catch(() => [])]);
        const last = records[0]?.record;
        return {
          ...p,
          ...(pin ? { pinned: { account: pin.account, region: pin.region } } : {}),
          ...(last ? { lastDeployment: { id: last.id, outcome: last.outcome, ...(last.finishedAt ? { finishedAt: last.finishedAt } : {}) } } : {}),
        };
      }),
    );
  },
  'project:forget': async ({ dir }, ctx) => {
    await forgetProject(ctx.dataDir, resolve(dir));
    return null;
  },
  'project:open': async ({ dir, files }, ctx) => openProject(ctx, dir, files),
  'project:close': async ({ dir }, ctx) => {
    const key = resolve(dir);
    watchers(ctx).get(key)?.close();
    watchers(ctx).delete(key);
    selections(ctx).delete(key);
    return null;
  },
} satisfies HandlersFor<'project'>;
