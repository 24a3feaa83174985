/**
 * Named volumes on EFS: what a task writes to its volume is there for the task that replaces it,
 * as a compose volume outlives its container; a volume driver Berth cannot map is refused where
 * it is written.
 */
import { createHash } from 'node:crypto';
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DeleteFileSystemCommand, DescribeFileSystemsCommand, FileSystemInUse } from '@aws-sdk/client-efs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionManager } from '../../electron/aws/connection';
import { loadProject } from '../../electron/compose/load';
import { regionInventory } from '../../electron/inventory/list';
import { teardownProject } from '../../electron/inventory/teardown';
import { ecsServiceName } from '../../electron/plan/names';
import { clientsOf, clusterOf, deploy, sandboxAppForSuite, suiteProject } from './helpers';

const suite = sandboxAppForSuite();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function compose(command: string, driver = ''): string {
  return [
    'name: notes',
    'services:',
    '  app:',
    '    image: python:3.12-slim',
    `    command: ["sh", "-c", ${JSON.stringify(command)}]`,
    '    ports: ["8000:8000"]',
    '    volumes:',
    '      - notes-data:/data',
    'volumes:',
    `  notes-data:${driver ? `\n    driver: ${driver}` : ' {}'}`,
    '',
  ].join('\n');
}

async function appTask(): Promise<string> {
  const cluster = await clusterOf(suite.app);
  const arns = (await clientsOf(suite.app).ecs.send(new ListTasksCommand({ cluster, serviceName: ecsServiceName('notes', 'app') }))).taskArns ?? [];
  expect(arns).toHaveLength(1);
  return arns[0]!;
}

describe('named volumes', () => {
  it('keeps what the task wrote to its volume for the task that replaces it', async () => {
    const dir = await suiteProject(suite, { 'compose.yaml': compose('echo v1 > /data/marker; exec python -m http.server 8000') });
    const first = await deploy(suite.app, dir, 'balanced');
    expect(first.failure?.message).toBeUndefined();
    const before = await appTask();
    expect(suite.sandbox.taskFiles(before, 'app')).toEqual([{ path: '/data/marker', size: 3, sha256: sha('v1\n'), mode: '0644', owner: '0:0', readOnly: false }]);

    const cluster = await clusterOf(suite.app);
    const [task] = (await clientsOf(suite.app).ecs.send(new DescribeTasksCommand({ cluster, tasks: [before] }))).tasks!;
    const definition = (await clientsOf(suite.app).ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: task!.taskDefinitionArn! }))).taskDefinition!;
    expect(definition.volumes![0]!.efsVolumeConfiguration).toMatchObject({ transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED', accessPointId: expect.stringMatching(/^fsap-/) } });

    // A new version that only reads: its task is a new one, and the file is there.
    await writeFile(join(dir, 'compose.yaml'), compose('exec python -m http.server 8000 --directory /data'));
    const second = await deploy(suite.app, dir, 'balanced');
    expect(second.failure?.message).toBeUndefined();
    const after = await appTask();
    expect(after).not.toBe(before);
    expect(suite.sandbox.taskFiles(after, 'app')).toEqual([expect.objectContaining({ path: '/data/marker', sha256: sha('v1\n') })]);
  });

  it('keeps the volumes when the project is torn down, says so, and lists them in the inventory', async () => {
    const conn = connectionManager(suite.app.ctx).require();
    // EFS refuses to delete a file system its mount targets still serve.
    const [fs] = (await conn.clients.efs.send(new DescribeFileSystemsCommand({}))).FileSystems!;
    await expect(conn.clients.efs.send(new DeleteFileSystemCommand({ FileSystemId: fs!.FileSystemId! }))).rejects.toBeInstanceOf(FileSystemInUse);
    const outcome = await teardownProject(conn, { project: 'notes', deleteConfig: true, deleteUploads: true, onEvent: () => undefined, wait: { initialIntervalMs: 20, maxIntervalMs: 100 } });
    expect(outcome.leftBehind).toEqual(expect.arrayContaining([expect.stringMatching(/^EFS file system fs-[0-9a-f]{17} with the project's named volumes \(kept so your data survives/)]));
    const inventory = await regionInventory(conn);
    expect(inventory.volumes).toEqual([{ id: fs!.FileSystemId!, project: 'notes' }]);
    expect(inventory.leftovers.filter((l) => l.type.startsWith('elasticfilesystem'))).toEqual([]);
  });

  it('deletes the volumes with the project when asked, data and all', async () => {
    const dir = await suiteProject(suite, { 'compose.yaml': compose('echo v2 > /data/marker; exec python -m http.server 8000').replace('name: notes', 'name: scratch') });
    expect((await deploy(suite.app, dir, 'balanced')).outcome).toBe('succeeded');
    const conn = connectionManager(suite.app.ctx).require();
    const tagged = async () => (await conn.clients.efs.send(new DescribeFileSystemsCommand({}))).FileSystems!.filter((f) => f.Tags?.some((t) => t.Key === 'berth:project' && t.Value === 'scratch'));
    expect(await tagged()).toHaveLength(1);
    const outcome = await teardownProject(conn, { project: 'scratch', deleteConfig: true, deleteUploads: true, deleteVolumes: true, onEvent: () => undefined, wait: { initialIntervalMs: 20, maxIntervalMs: 100 } });
    expect(outcome.leftBehind.some((l) => l.includes('EFS'))).toBe(false);
    expect(await tagged()).toHaveLength(0);
  });

  it('refuses a volume driver Berth cannot map, at its line', async () => {
    const dir = await suiteProject(suite, { 'compose.yaml': compose('exec sleep 1d', 'rexray/ebs') });
    const loaded = await loadProject(dir, { env: {} });
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((e) => `${e.code} ${e.line}:${e.column}`)).toEqual(['volume-driver-unmapped 11:13']);
    expect(errors[0]!.message).toContain('The volume notes-data uses the driver rexray/ebs, which Berth cannot map');
  });
});
