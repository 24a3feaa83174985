/**
 * A bootstrap the previous Berth created (version 2: Kaniko task definitions on Fargate in a
 * shared VPC; fixture from that version's generator) updates in place to CodeBuild builders:
 * the change set removes the Kaniko resources and adds the build projects, the update
 * completes, the inventory lists the projects, and teardown removes them.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateChangeSetCommand, CreateStackCommand, DeleteChangeSetCommand, DescribeChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { BatchGetProjectsCommand } from '@aws-sdk/client-codebuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../electron/api/context';
import { dispatch } from '../../electron/api/dispatch';
import { handlers } from '../../electron/api/handlers';
import { connectionManager, type ActiveConnection } from '../../electron/aws/connection';
import { berthTags } from '../../electron/aws/tags';
import { bootstrapStatus, ensureBootstrap, plannedBootstrap } from '../../electron/bootstrap';
import { regionInventory } from '../../electron/inventory/list';
import { teardownBootstrap } from '../../electron/inventory/teardown';
import { BUILD_PROJECTS } from '../../electron/plan/bootstrap';
import { startSandbox, type Sandbox } from '../../electron/sandbox';

let sandbox: Sandbox;
let ctx: AppContext;
let work: string;
let conn: ActiveConnection;
const wait = { initialIntervalMs: 20, maxIntervalMs: 100 };

beforeAll(async () => {
  sandbox = await startSandbox();
  work = await mkdtemp(join(tmpdir(), 'berth-bootstrap-upgrade-'));
  ctx = createContext({ shell: 'test', version: '0.0.0-test', dataDir: join(work, 'data') });
  const connected = await dispatch(handlers, ctx, 'connection:connect', { target: { region: 'us-east-1', endpoint: sandbox.endpoint, sandbox: true } });
  if (!connected.ok) throw new Error(connected.error.message);
  conn = connectionManager(ctx).require();
  const v2 = await readFile(join(__dirname, 'fixtures', 'bootstrap-v2.template.json'), 'utf8');
  await conn.clients.cloudformation.send(new CreateStackCommand({ StackName: 'berth-bootstrap', TemplateBody: v2, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'], Tags: berthTags(), EnableTerminationProtection: true }));
  await sandbox.settle();
});

afterAll(async () => {
  await ctx?.dispose();
  await sandbox?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a version 2 bootstrap (Kaniko on Fargate)', () => {
  it('is seen as older, and its change set swaps the Kaniko builders for the CodeBuild projects', async () => {
    expect(await bootstrapStatus(conn)).toMatchObject({ action: 'update', deployedVersion: 2 });
    const body = plannedBootstrap.template(undefined).body;
    const cfn = conn.clients.cloudformation;
    await cfn.send(new CreateChangeSetCommand({ StackName: 'berth-bootstrap', ChangeSetName: 'preview', TemplateBody: body, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] }));
    await sandbox.settle();
    const set = await cfn.send(new DescribeChangeSetCommand({ StackName: 'berth-bootstrap', ChangeSetName: 'preview' }));
    expect(set.Status).toBe('CREATE_COMPLETE');
    const changes = new Map((set.Changes ?? []).map((c) => [c.ResourceChange!.LogicalResourceId!, c.ResourceChange!.Action!]));
    for (const gone of ['BuildTaskDefinitionAmd64', 'BuildTaskDefinitionArm64', 'BuildExecutionRole', 'BuildTaskRole', 'BuildSecurityGroup']) expect(changes.get(gone), gone).toBe('Remove');
    for (const added of ['BuildProjectAmd64', 'BuildProjectArm64', 'BuildRole']) expect(changes.get(added), added).toBe('Add');
    // The bucket, the cluster and the build log group stay where they are.
    for (const kept of ['ArtifactBucket', 'Cluster', 'BuildLogGroup']) expect(changes.get(kept), kept).not.toBe('Remove');
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'berth-bootstrap', ChangeSetName: 'preview' }));
  });

  it('updates in place; the inventory lists the build projects and teardown removes them', async () => {
    const before = await bootstrapStatus(conn);
    const updated = await ensureBootstrap(conn, { wait });
    expect(updated).toMatchObject({ status: 'UPDATE_COMPLETE', deployedVersion: plannedBootstrap.version });
    // Same bucket: uploads and the cluster survive the upgrade.
    expect(updated.outputs.BucketName).toBe(before.outputs.BucketName);
    expect(updated.outputs.BuildProjectAmd64).toBe(BUILD_PROJECTS['linux/amd64']);
    const projects = await conn.clients.codebuild.send(new BatchGetProjectsCommand({ names: Object.values(BUILD_PROJECTS) }));
    expect(projects.projects!.map((p) => [p.name, p.environment!.type, p.environment!.privilegedMode])).toEqual([
      ['berth-images-amd64', 'LINUX_CONTAINER', true],
      ['berth-images-arm64', 'ARM_CONTAINER', true],
    ]);
    const inventory = await regionInventory(conn);
    const bootstrap = inventory.stacks.find((s) => s.stackName === 'berth-bootstrap')!;
    expect(bootstrap.resources.filter((r) => r.type === 'AWS::CodeBuild::Project').map((r) => r.physicalId).sort()).toEqual(['berth-images-amd64', 'berth-images-arm64']);
    expect(bootstrap.resources.some((r) => r.type === 'AWS::ECS::TaskDefinition')).toBe(false);

    await teardownBootstrap(conn, { onEvent: () => undefined, wait });
    const after = await conn.clients.codebuild.send(new BatchGetProjectsCommand({ names: Object.values(BUILD_PROJECTS) }));
    expect(after.projects).toEqual([]);
    expect(after.projectsNotFound!.sort()).toEqual(['berth-images-amd64', 'berth-images-arm64']);
  });
});
