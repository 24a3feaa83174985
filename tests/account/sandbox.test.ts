/**
 * The account engine against the sandbox over real HTTP with the real SDK clients:
 * bootstrap create → no-op → update, secrets round trip, inventory, and teardown leaving
 * zero tagged resources.
 */
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEvent } from '../../shared/domain/deploy';
import type { TeardownEvent } from '../../shared/domain/inventory';
import { createContext, type AppContext } from '../../electron/api/context';
import { dispatch } from '../../electron/api/dispatch';
import { handlers } from '../../electron/api/handlers';
import { connectionManager, type ActiveConnection } from '../../electron/aws/connection';
import { bootstrapStatus, ensureBootstrap, plannedBootstrap, type BootstrapTemplateSource } from '../../electron/bootstrap';
import { regionInventory } from '../../electron/inventory/list';
import { teardownBootstrap, teardownProject } from '../../electron/inventory/teardown';
import { startSandbox, type Sandbox } from '../../electron/sandbox';

let sandbox: Sandbox;
let ctx: AppContext;
let work: string;
let projectDir: string;
let conn: ActiveConnection;
const events: [string, unknown][] = [];
const wait = { initialIntervalMs: 20, maxIntervalMs: 100 };

/** The planner's template at the next version: what a newer Berth would send. */
function nextVersion(): BootstrapTemplateSource {
  const version = plannedBootstrap.version + 1;
  return {
    version,
    template(mode) {
      const stack = plannedBootstrap.template(mode);
      const template = JSON.parse(stack.body) as { Outputs: Record<string, { Value: unknown }> };
      template.Outputs.TemplateVersion!.Value = String(version);
      const body = JSON.stringify(template);
      return { ...stack, body, bytes: Buffer.byteLength(body) };
    },
  };
}

async function call(method: string, args: unknown) {
  const result = await dispatch(handlers, ctx, method, args);
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  work = await mkdtemp(join(tmpdir(), 'berth-account-'));
  projectDir = join(work, 'shop');
  await mkdir(projectDir);
  await writeFile(join(projectDir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    environment:\n      - API_KEY\n');
  ctx = createContext({ shell: 'test', version: '0.0.0-test', dataDir: join(work, 'data') });
  ctx.subscribe((event, payload) => events.push([event, payload]));
  await call('connection:connect', { target: { region: 'us-east-1', endpoint: sandbox.endpoint, sandbox: true } });
  conn = connectionManager(ctx).require();
});

afterAll(async () => {
  await ctx?.dispose();
  await sandbox?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('account engine against the sandbox', () => {
  it('connects and knows who it is', async () => {
    expect(conn.identity.account).toBe(sandbox.account);
    expect(await call('connection:whoami', {})).toMatchObject({ account: sandbox.account });
    expect(events.some(([e]) => e === 'connection:changed')).toBe(true);
  });

  it('bootstrap: create → no-op → update', async () => {
    expect(await bootstrapStatus(conn)).toMatchObject({ action: 'create', exists: false });
    const streamed: StackEvent[] = [];
    const created = await ensureBootstrap(conn, { onEvent: (e) => streamed.push(e), wait });
    expect(created).toMatchObject({ exists: true, status: 'CREATE_COMPLETE', deployedVersion: plannedBootstrap.version });
    expect(created.outputs.BucketName).toBeTruthy();
    expect(streamed.some((e) => e.logicalId === 'berth-bootstrap' && e.status === 'CREATE_COMPLETE')).toBe(true);
    expect(await bootstrapStatus(conn)).toMatchObject({ action: 'none' });
    expect(await ensureBootstrap(conn, { wait })).toMatchObject({ action: 'none', status: 'CREATE_COMPLETE' });
    const newer = nextVersion();
    expect(await bootstrapStatus(conn, { source: newer })).toMatchObject({ action: 'update' });
    expect(await ensureBootstrap(conn, { source: newer, wait })).toMatchObject({ status: 'UPDATE_COMPLETE', deployedVersion: newer.version });
    // This app's version is now older than what is deployed: it refuses rather than downgrade.
    expect(await bootstrapStatus(conn)).toMatchObject({ action: 'refuse' });
    await expect(ensureBootstrap(conn, { wait })).rejects.toMatchObject({ appError: { code: 'BOOTSTRAP_NEWER' } });
  });

  it('secrets: set, list, reveal, delete', async () => {
    await call('secrets:set', { dir: projectDir, name: 'API_KEY', value: 'first-value' });
    await call('secrets:set', { dir: projectDir, name: 'API_KEY', value: 'second-value' });
    await call('secrets:generate', { dir: projectDir, name: 'EXTRA' });
    const listing = (await call('secrets:list', { dir: projectDir })) as { entries: { name: string; isSet: boolean; required: boolean }[]; missing: string[] };
    expect(listing.entries.map((e) => [e.name, e.isSet, e.required])).toEqual([
      ['API_KEY', true, true],
      ['EXTRA', true, false],
    ]);
    expect(listing.missing).toEqual([]);
    expect(await call('secrets:reveal', { dir: projectDir, name: 'API_KEY' })).toEqual({ name: 'API_KEY', value: 'second-value' });
    await call('secrets:delete', { dir: projectDir, names: ['EXTRA'] });
    const after = (await call('secrets:list', { dir: projectDir })) as { entries: { name: string }[] };
    expect(after.entries.map((e) => e.name)).toEqual(['API_KEY']);
  });

  it('inventory lists what exists; teardown leaves zero tagged resources', async () => {
    const bucket = (await bootstrapStatus(conn)).outputs.BucketName!;
    const tags = [
      { Key: 'berth:managed-by', Value: 'berth' },
      { Key: 'berth:project', Value: 'shop' },
    ];
    await conn.clients.cloudformation.send(
      new CreateStackCommand({
        StackName: 'berth-shop',
        TemplateBody: JSON.stringify({ Resources: { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/berth/shop' } } } }),
        Tags: tags,
      }),
    );
    await conn.clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'berth/shop', tags }));
    await conn.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/shop/abc.tar.gz', Body: 'x' }));
    await sandbox.settle();

    const inv = await regionInventory(conn);
    expect(inv.stacks.map((s) => s.stackName)).toEqual(['berth-bootstrap', 'berth-shop']);
    expect(inv.stacks[1]!.resources).toEqual([expect.objectContaining({ logicalId: 'Logs', type: 'AWS::Logs::LogGroup', physicalId: '/berth/shop' })]);
    expect(inv.outside.map((r) => r.type).sort()).toEqual(['ecr:repository', 's3:prefix', 'ssm:parameter']);
    expect(inv.leftovers).toEqual([]);

    const result = (await call('inventory:teardownBootstrap', { confirm: 'berth-bootstrap' }).catch((e: Error) => e)) as Error;
    expect(result.message).toContain('TEARDOWN_BLOCKED');

    const teardown: TeardownEvent[] = [];
    const outcome = await teardownProject(conn, { project: 'shop', deleteConfig: true, deleteUploads: true, onEvent: (e) => teardown.push(e), wait });
    expect(outcome.leftBehind).toEqual([]);
    expect(teardown.some((e) => e.type === 'stack-event' && e.event.status === 'DELETE_COMPLETE')).toBe(true);
    // Twice is harmless.
    expect((await teardownProject(conn, { project: 'shop', deleteConfig: true, deleteUploads: true, onEvent: () => undefined, wait })).leftBehind).toEqual([]);

    await teardownBootstrap(conn, { onEvent: () => undefined, wait });
    await teardownBootstrap(conn, { onEvent: () => undefined, wait });
    const left = await conn.clients.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'berth:managed-by', Values: ['berth'] }] }));
    expect(left.ResourceTagMappingList ?? []).toEqual([]);
    const empty = await regionInventory(conn);
    expect(empty).toMatchObject({ stacks: [], outside: [], leftovers: [], snapshots: [] });
  });
});
