/**
 * One-off services (a Django-style `migrate`) run once, as an ECS task, before the services that
 * depend on them; a failing one stops the deploy with its log line and rolls the stack back.
 */
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStack } from '../../electron/aws/stacks';
import { ecsServiceName } from '../../electron/plan/names';
import { clientsOf, clusterOf, deploy, sandboxAppForSuite, suiteProject } from './helpers';

const suite = sandboxAppForSuite();

const clients = () => clientsOf(suite.app);

const cluster = () => clusterOf(suite.app);

async function writeProject(dir: string, migrate: string[], name = 'shop', version = '1'): Promise<void> {
  await writeFile(
    join(dir, 'compose.yaml'),
    [
      `name: ${name}`,
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    ports: ["80:80"]',
      '    depends_on: [migrate]',
      `    environment: [RELEASE=${version}]`,
      '  migrate:',
      '    image: python:3.12-slim',
      '    restart: "no"',
      `    command: ${JSON.stringify(migrate)}`,
      '',
    ].join('\n'),
  );
}

/** Every task the project's migrate step ran, oldest first. */
async function migrateTasks() {
  const c = await cluster();
  const arns = [...((await clients().ecs.send(new ListTasksCommand({ cluster: c, desiredStatus: 'STOPPED' }))).taskArns ?? [])];
  if (arns.length === 0) return [];
  const tasks = (await clients().ecs.send(new DescribeTasksCommand({ cluster: c, tasks: arns }))).tasks ?? [];
  return tasks.filter((t) => t.startedBy?.startsWith('berth-') && t.containers?.[0]?.name === 'migrate').sort((a, b) => a.createdAt!.getTime() - b.createdAt!.getTime());
}

async function webTasks(project = 'shop') {
  const c = await cluster();
  const arns = (await clients().ecs.send(new ListTasksCommand({ cluster: c, serviceName: ecsServiceName(project, 'web') }))).taskArns ?? [];
  return arns.length === 0 ? [] : ((await clients().ecs.send(new DescribeTasksCommand({ cluster: c, tasks: arns }))).tasks ?? []);
}

describe('one-off services', () => {
  it('runs migrate once before web, never as a service, and not again when nothing changed', async () => {
    const dir = await suiteProject(suite, {}, 'berth-oneoff-');
    await writeProject(dir, ['python', 'manage.py', 'migrate']);
    const record = await deploy(suite.app, dir, 'balanced');
    expect(record.failure?.message).toBeUndefined();
    expect(record.outcome).toBe('succeeded');
    const runs = await migrateTasks();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.containers![0]!.exitCode).toBe(0);
    const [web] = await webTasks();
    // web's task was started only after migrate had exited.
    expect(web!.createdAt!.getTime()).toBeGreaterThanOrEqual(runs[0]!.stoppedAt!.getTime());
    const services = await clients().ecs.send(new DescribeServicesCommand({ cluster: await cluster(), services: [ecsServiceName('shop', 'migrate')] }));
    expect(services.services ?? []).toHaveLength(0);
    expect(suite.app.events.some((e) => e.type === 'one-off' && e.run.service === 'migrate' && e.run.state === 'succeeded')).toBe(true);

    const again = await deploy(suite.app, dir, 'balanced');
    expect(again.outcome).toBe('nothing-to-change');
    expect(await migrateTasks()).toHaveLength(1);
  });

  it('stops the deploy with the failing step’s exit code and last log line, before web’s new version rolls out', async () => {
    const dir = await suiteProject(suite, {}, 'berth-oneoff-');
    await writeProject(dir, ['python', 'manage.py', 'migrate'], 'depot');
    expect((await deploy(suite.app, dir, 'balanced')).outcome).toMatch(/succeeded|nothing-to-change/);
    const before = (await clients().ecs.send(new DescribeServicesCommand({ cluster: await cluster(), services: [ecsServiceName('depot', 'web')] }))).services![0]!.taskDefinition;

    await writeProject(dir, ['sh', '-c', "echo Applying shop.0002_orders; echo 'django.db.utils.ProgrammingError: relation \"shop_user\" does not exist' >&2; exit 1"], 'depot', '2');
    const record = await deploy(suite.app, dir, 'balanced');
    expect(record.outcome).toBe('failed');
    expect(record.failure?.code).toBe('ONE_OFF_FAILED');
    expect(record.failure?.message).toContain('migrate exited with 1. Its last log line: django.db.utils.ProgrammingError: relation "shop_user" does not exist');
    expect(record.failure?.logLines).toContain('Applying shop.0002_orders');
    const stack = await describeStack(clients().cloudformation, 'berth-depot');
    expect(stack?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const after = (await clients().ecs.send(new DescribeServicesCommand({ cluster: await cluster(), services: [ecsServiceName('depot', 'web')] }))).services![0]!.taskDefinition;
    expect(after).toBe(before);
  });
});
