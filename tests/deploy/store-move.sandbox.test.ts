/**
 * Upgrading a project that an earlier Berth deployed on the bootstrap's shared VPC, with a managed
 * PostgreSQL and Redis: the services stop, each store is snapshotted with nothing writing to it,
 * and its replacement in the project's own VPC is restored from that snapshot — the data moves,
 * nothing is lost. When the update rolls back, the old stores are untouched and the services start
 * again on them. The fixtures are the templates Berth generated before per-project networks.
 */
import { CreateStackCommand, DescribeStackResourceCommand, GetTemplateCommand, waitUntilStackCreateComplete } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ListServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../shared/domain/deploy';
import { describeStack } from '../../electron/aws/stacks';
import { clientsOf, clusterOf, deploy, sandboxAppForSuite, setAllConfig, suiteProject, vpcQuota } from './helpers';

const FIXTURES = join(__dirname, 'fixtures', 'shared-network');

// The default VPC, the bootstrap's, and one per project.
const suite = sandboxAppForSuite(vpcQuota(5));
const clients = () => clientsOf(suite.app);

interface Fixture {
  stackName: string;
  template: { Resources: Record<string, unknown> };
}

const fixture = async (name: string): Promise<Fixture> => JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as Fixture;

/** The bootstrap as it was: its shared VPC with private subnets for every project. */
async function oldBootstrap(): Promise<Record<string, string>> {
  const { stackName, template } = await fixture('bootstrap.json');
  if (!(await describeStack(clients().cloudformation, stackName))) {
    await clients().cloudformation.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template), Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] }));
    await waitUntilStackCreateComplete({ client: clients().cloudformation, maxWaitTime: 60, minDelay: 1 }, { StackName: stackName });
  }
  const stack = await describeStack(clients().cloudformation, stackName);
  return Object.fromEntries((stack!.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
}

/** A project stack as the earlier Berth deployed it, in a project folder holding its compose file. */
async function oldProject(name: string): Promise<string> {
  const compose = (await readFile(join(FIXTURES, 'compose.yaml'), 'utf8')).replace(/^name: .*$/m, `name: ${name}`);
  const dir = await suiteProject(suite, { 'compose.yaml': compose }, 'berth-moving-');
  await setAllConfig(suite.app, dir);
  const outputs = await oldBootstrap();
  const { template } = await fixture('project.json');
  const body = JSON.stringify(template).replaceAll('moving-app', name);
  const stackName = `berth-${name}`;
  await clients().cloudformation.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: body,
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      Parameters: ['ClusterArn', 'ClusterName', 'PrivateSubnetIds', 'PublicSubnetIds', 'VpcId'].map((k) => ({ ParameterKey: k, ParameterValue: outputs[k]! })),
    }),
  );
  await waitUntilStackCreateComplete({ client: clients().cloudformation, maxWaitTime: 60, minDelay: 1 }, { StackName: stackName });
  return dir;
}

async function physicalId(stackName: string, logicalId: string): Promise<string> {
  const out = await clients().cloudformation.send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: logicalId }));
  return out.StackResourceDetail!.PhysicalResourceId!;
}

/** Desired and running task counts of the project's ECS services. */
async function serviceCounts(): Promise<{ name: string; desired: number; running: number }[]> {
  const cluster = await clusterOf(suite.app);
  const arns = (await clients().ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
  const out = await clients().ecs.send(new DescribeServicesCommand({ cluster, services: arns }));
  return (out.services ?? []).filter((s) => s.status === 'ACTIVE').map((s) => ({ name: s.serviceName!, desired: s.desiredCount ?? 0, running: s.runningCount ?? 0 }));
}

async function bootstrapOutputs(): Promise<string[]> {
  return ((await describeStack(clients().cloudformation, 'berth-bootstrap'))!.Outputs ?? []).map((o) => o.OutputKey!);
}

const movesOf = (events: readonly DeployEvent[]) => events.flatMap((e) => (e.type === 'diff' ? (e.diff.moves ?? []) : []));

describe('moving a project’s stores out of the shared VPC', () => {
  // Both projects are on the shared network before Berth deploys either.
  const dirs: Record<string, string> = {};
  beforeAll(async () => {
    for (const name of ['moving-app', 'stuck-app']) dirs[name] = await oldProject(name);
  });

  it('stops the services, snapshots the database and the cache, and restores them in the project’s own VPC with their data', async () => {
    const dir = dirs['moving-app']!;
    const stackName = 'berth-moving-app';
    const oldDb = await physicalId(stackName, 'DbDatabase');
    const oldCache = await physicalId(stackName, 'CacheCache');
    const dbData = suite.sandbox.storeData(oldDb)!;
    const cacheData = suite.sandbox.storeData(oldCache)!;
    const sharedVpc = dbData.vpcId;
    const from = suite.app.events.length;

    const record = await deploy(suite.app, dir, 'balanced');
    expect(record.failure?.message).toBeUndefined();
    expect(record.outcome).toBe('succeeded');

    // The review named both moves before anything changed.
    const moves = movesOf(suite.app.events.slice(from));
    expect(moves.map((m) => [m.store, m.kind])).toEqual([
      ['db', 'postgres'],
      ['cache', 'redis'],
    ]);

    const newDb = await physicalId(stackName, 'DbDatabase');
    const newCache = await physicalId(stackName, 'CacheCache');
    expect(newDb).not.toBe(oldDb);
    expect(newCache).not.toBe(oldCache);
    const projectVpc = await physicalId(stackName, 'Vpc');
    expect(projectVpc).not.toBe(sharedVpc);
    // Same data, in the project's VPC, from a snapshot taken while nothing was writing.
    expect(suite.sandbox.storeData(newDb)).toMatchObject({ dataId: dbData.dataId, vpcId: projectVpc, restoredFrom: moves[0]!.snapshot });
    expect(suite.sandbox.storeData(newCache)).toMatchObject({ dataId: cacheData.dataId, vpcId: projectVpc, restoredFrom: moves[1]!.snapshot });
    expect(suite.sandbox.snapshotOf(moves[0]!.snapshot)).toMatchObject({ clientsAtSnapshot: 0 });
    expect(suite.sandbox.snapshotOf(moves[1]!.snapshot)).toMatchObject({ clientsAtSnapshot: 0 });

    // The old instance is gone, its final snapshot and the move's snapshot kept.
    await expect(clients().rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: oldDb }))).rejects.toThrow(/not found/);
    const snapshots = (await clients().rds.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots ?? [];
    expect(snapshots.map((s) => s.DBSnapshotIdentifier)).toContain(moves[0]!.snapshot);

    // Every service runs again, and the web task finds db at its new address.
    const counts = await serviceCounts();
    expect(counts.length).toBeGreaterThan(0);
    for (const c of counts) expect(c, c.name).toMatchObject({ desired: 1, running: 1 });
    const cluster = await clusterOf(suite.app);
    const [webTask] = (await clients().ecs.send(new ListTasksCommand({ cluster, serviceName: counts.find((c) => c.name.includes('web'))!.name }))).taskArns!;
    const endpoint = (await clients().rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: newDb }))).DBInstances![0]!.Endpoint!.Address;
    expect(suite.sandbox.resolveFromTask(webTask!, 'db')).toMatchObject({ answer: 'database', cname: endpoint });

    // The restore is recorded: the next deploy changes nothing (CloudFormation would otherwise replace the store with an empty one).
    const template = JSON.parse((await clients().cloudformation.send(new GetTemplateCommand({ StackName: stackName }))).TemplateBody!) as { Metadata: Record<string, unknown> };
    expect(template.Metadata['berth:restored-from']).toEqual({ db: moves[0]!.snapshot, cache: moves[1]!.snapshot });
    const again = await deploy(suite.app, dir, 'balanced');
    expect(again.failure?.message).toBeUndefined();
    expect(again.outcome).toBe('nothing-to-change');
    expect(suite.sandbox.storeData(await physicalId(stackName, 'DbDatabase'))).toMatchObject({ dataId: dbData.dataId });
    // stuck-app still runs in the shared private subnets: the bootstrap keeps them.
    expect(await bootstrapOutputs()).toContain('PrivateSubnetIds');
  });

  it('starts the services again on the untouched old stores when the update rolls back, and moves them once the cause is fixed', async () => {
    const dir = dirs['stuck-app']!;
    const stackName = 'berth-stuck-app';
    const oldDb = await physicalId(stackName, 'DbDatabase');
    const dbData = suite.sandbox.storeData(oldDb)!;
    // The new version adds a migration that fails: the stack rolls back after the stores were restored.
    const compose = await readFile(join(dir, 'compose.yaml'), 'utf8');
    await writeFile(
      join(dir, 'compose.yaml'),
      compose.replace(
        '    depends_on:\n      - db\n      - cache\n',
        '    depends_on:\n      db: { condition: service_started }\n      cache: { condition: service_started }\n      migrate: { condition: service_completed_successfully }\n',
      ) + '  migrate:\n    image: busybox:1.36\n    restart: "no"\n    command: ["sh", "-c", "echo relation users already exists; exit 3"]\n    depends_on: [db]\n',
    );

    const record = await deploy(suite.app, dir, 'balanced');
    expect(record.outcome).toBe('failed');
    expect(record.failure?.message).toMatch(/db and cache stayed in the shared network with all their data, and the services were started again on them/);
    expect(await physicalId(stackName, 'DbDatabase')).toBe(oldDb);
    expect(suite.sandbox.storeData(oldDb)).toMatchObject({ dataId: dbData.dataId, vpcId: dbData.vpcId });
    const stuck = (await serviceCounts()).filter((s) => s.name.includes('stuck'));
    expect(stuck.length).toBeGreaterThan(0);
    for (const c of stuck) expect(c, c.name).toMatchObject({ desired: 1, running: 1 });

    // Fixed, the next deploy moves the stores with the data they had all along.
    await writeFile(join(dir, 'compose.yaml'), (await readFile(join(dir, 'compose.yaml'), 'utf8')).replace('exit 3', 'exit 0'));
    const fixed = await deploy(suite.app, dir, 'balanced');
    expect(fixed.failure?.message).toBeUndefined();
    const movedDb = await physicalId(stackName, 'DbDatabase');
    expect(movedDb).not.toBe(oldDb);
    expect(suite.sandbox.storeData(movedDb)).toMatchObject({ dataId: dbData.dataId, vpcId: await physicalId(stackName, 'Vpc') });

    // No project uses the shared private subnets any more: the next deploy's bootstrap lets them go.
    expect((await deploy(suite.app, dirs['moving-app']!, 'balanced')).outcome).toBe('nothing-to-change');
    expect(await bootstrapOutputs()).not.toContain('PrivateSubnetIds');
  });
});
