/** The recent-projects list carries each project's pin and its last deployment on this machine. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../shared/domain/deploy';
import { createContext } from '../../electron/api/context';
import { dispatch } from '../../electron/api/dispatch';
import { handlers } from '../../electron/api/handlers';
import { pinProject } from '../../electron/aws/pin';
import { saveLocalRecord } from '../../electron/deploy/records';
import { rememberProject } from '../../electron/projects/recent';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function record(id: string, startedAt: string, outcome: DeploymentRecord['outcome']): DeploymentRecord {
  return {
    id,
    project: 'shop',
    mode: 'affordable',
    account: '000000000000',
    region: 'eu-west-1',
    identityArn: 'arn:aws:iam::000000000000:user/berth-sandbox',
    startedAt,
    finishedAt: startedAt,
    outcome,
    phases: [],
    digests: {},
    urls: [],
  };
}

it('lists pinned account and region and the newest deployment’s outcome, and nothing for a new project', async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-recent-'));
  const ctx = createContext({ shell: 'test', version: 't', dataDir: join(root, 'data') });
  const shop = join(root, 'shop');
  const fresh = join(root, 'fresh');
  await rememberProject(ctx.dataDir, shop, 'shop');
  await rememberProject(ctx.dataDir, fresh, 'fresh');
  await pinProject(ctx, shop, { account: '000000000000' }, 'eu-west-1');
  await saveLocalRecord(ctx.dataDir, record('d-1', '2026-11-01T10:00:00.000Z', 'failed'));
  await saveLocalRecord(ctx.dataDir, record('d-2', '2026-11-02T10:00:00.000Z', 'succeeded'));

  const result = await dispatch(handlers, ctx, 'project:recent', {});
  expect(result.ok).toBe(true);
  const list = (result as { value: { dir: string; pinned?: unknown; lastDeployment?: { id: string; outcome: string } }[] }).value;
  const shopRow = list.find((p) => p.dir === shop)!;
  expect(shopRow.pinned).toEqual({ account: '000000000000', region: 'eu-west-1' });
  expect(shopRow.lastDeployment).toMatchObject({ id: 'd-2', outcome: 'succeeded' });
  const freshRow = list.find((p) => p.dir === fresh)!;
  expect(freshRow.pinned).toBeUndefined();
  expect(freshRow.lastDeployment).toBeUndefined();
  await ctx.dispose();
});
