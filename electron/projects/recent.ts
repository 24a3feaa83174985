/** The recent-projects list shown on the Projects screen, kept in the app's data folder. */
import { join } from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '../../shared/domain/app';
import { readJsonFile, writeJsonFile } from '../util/json-file';

const MAX_RECENT = 20;

const recentSchema = z.array(
  z.object({
    dir: z.string(),
    name: z.string(),
    openedAt: z.string(),
  }),
);

function recentFile(dataDir: string): string {
  return join(dataDir, 'recent-projects.json');
}

/** Recent projects, newest first. */
export async function listRecent(dataDir: string): Promise<RecentProject[]> {
  return readJsonFile(recentFile(dataDir), recentSchema, []);
}

/** Moves (or adds) a project to the top of the list. */
export async function rememberProject(dataDir: string, dir: string, name: string, now = new Date()): Promise<void> {
  const list = (await listRecent(dataDir)).filter((p) => p.dir !== dir);
  list.unshift({ dir, name, openedAt: now.toISOString() });
  await writeJsonFile(recentFile(dataDir), list.slice(0, MAX_RECENT));
}

/** Removes a project from the list. */
export async function forgetProject(dataDir: string, dir: string): Promise<void> {
  const list = (await listRecent(dataDir)).filter((p) => p.dir !== dir);
  await writeJsonFile(recentFile(dataDir), list);
}
