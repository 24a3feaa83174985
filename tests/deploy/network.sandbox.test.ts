/**
 * A compose app runs on AWS as on the compose network: its own VPC, every service name a bare
 * host name, nothing rewritten. Proved against the sandbox's resolver (DHCP search domain,
 * private zones per VPC, Cloud Map addresses), which answers only as the VPC's resolver would.
 */
import { DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ecsServiceName, projectStackName } from '../../electron/plan/names';
import { sampleProject } from './fixtures';
import { clientsOf, clusterOf, deploy, sandboxAppForSuite, setAllConfig, vpcQuota } from './helpers';

// Four projects, each with its own VPC, next to the default VPC and the bootstrap's.
const suite = sandboxAppForSuite(vpcQuota(6));

const clients = () => clientsOf(suite.app);

const cluster = () => clusterOf(suite.app);

/** The running task of a project's service. */
async function taskOf(project: string, service: string): Promise<string> {
  const arns = (await clients().ecs.send(new ListTasksCommand({ cluster: await cluster(), serviceName: ecsServiceName(project, service) }))).taskArns ?? [];
  expect(arns.length, `${project}/${service} has a task`).toBeGreaterThan(0);
  return arns[0]!;
}

/** The task definition a task runs. */
async function taskDefinitionOf(task: string): Promise<string> {
  const out = await clients().ecs.send(new DescribeTasksCommand({ cluster: await cluster(), tasks: [task] }));
  return out.tasks![0]!.taskDefinitionArn!;
}

/** The physical id of a resource of a project's stack. */
async function physicalId(project: string, logicalId: string): Promise<string | undefined> {
  const out = await clients().cloudformation.send(new DescribeStackResourceCommand({ StackName: projectStackName(project), LogicalResourceId: logicalId }));
  return out.StackResourceDetail?.PhysicalResourceId;
}

/** An nginx in front of an app, its config naming the app as compose does: `proxy_pass http://app:8000`. */
async function proxyProject(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-proxy-'));
  suite.folders.push(dir);
  await writeFile(join(dir, 'nginx.conf'), 'events {}\nhttp {\n  server {\n    listen 80;\n    location / { proxy_pass http://app:8000; }\n  }\n}\n');
  await writeFile(join(dir, 'Dockerfile'), 'FROM nginx:1.27-alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\n');
  await writeFile(
    join(dir, 'compose.yaml'),
    [
      `name: ${name}`,
      'services:',
      '  proxy:',
      '    build: .',
      '    ports: ["80:80"]',
      '    depends_on: [app]',
      '  app:',
      '    image: hashicorp/http-echo:1.0',
      '    command: ["-listen=:8000", "-text=hello"]',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('a project’s own network', () => {
  it('deploys Defang’s django-postgres with every env value as written, and its django task resolves db to the database', async () => {
    const { dir } = await sampleProject('django-postgres');
    suite.folders.push(dir);
    await setAllConfig(suite.app, dir);
    const record = await deploy(suite.app, dir, 'balanced');
    expect(record.failure?.message).toBeUndefined();
    expect(record.outcome).toBe('succeeded');

    const task = await taskOf('django-postgres', 'django');
    const { taskDefinition } = await clients().ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: await taskDefinitionOf(task) }));
    const env = Object.fromEntries((taskDefinition!.containerDefinitions![0]!.environment ?? []).map((e) => [e.name, e.value]));
    // Exactly what compose.yaml says: no `django.django-postgres.internal` where a user name belongs.
    expect(env).toMatchObject({ DB_HOST: 'db', POSTGRES_USER: 'django', POSTGRES_DB: 'django', DEBUG: 'False' });

    const resolved = suite.sandbox.taskResolutions(task).django ?? [];
    expect(resolved.map((r) => [r.name, r.answer])).toEqual([['db', 'database']]);
    expect(resolved[0]).toMatchObject({ fqdn: 'db.django-postgres.internal', cname: expect.stringContaining('.rds.'), target: expect.stringMatching(/^RDS DB instance /) });
  });

  it('resolves app from nginx, whose config says proxy_pass http://app:8000, to the app’s task', async () => {
    const dir = await proxyProject('edge');
    const record = await deploy(suite.app, dir, 'balanced');
    expect(record.failure?.message).toBeUndefined();
    const proxy = await taskOf('edge', 'proxy');
    const app = await taskOf('edge', 'app');
    const [appTask] = (await clients().ecs.send(new DescribeTasksCommand({ cluster: await cluster(), tasks: [app] }))).tasks!;
    const answer = suite.sandbox.resolveFromTask(proxy, 'app');
    expect(answer).toMatchObject({ answer: 'service', fqdn: 'app.edge.internal', addresses: [appTask!.containers![0]!.networkInterfaces![0]!.privateIpv4Address] });
  });

  it('keeps two projects apart: each has its own VPC, and neither resolves the other’s services, even by full name', async () => {
    const first = await proxyProject('north');
    const second = await proxyProject('south');
    for (const dir of [first, second]) expect((await deploy(suite.app, dir, 'balanced')).outcome).toBe('succeeded');
    const [northVpc, southVpc] = [await physicalId('north', 'Vpc'), await physicalId('south', 'Vpc')];
    expect(northVpc).toMatch(/^vpc-/);
    expect(southVpc).toMatch(/^vpc-/);
    expect(northVpc).not.toBe(southVpc);
    const southProxy = await taskOf('south', 'proxy');
    expect(suite.sandbox.resolveFromTask(southProxy, 'app')).toMatchObject({ answer: 'service', fqdn: 'app.south.internal' });
    expect(suite.sandbox.resolveFromTask(southProxy, 'app.north.internal')).toMatchObject({ answer: 'nxdomain' });
    expect(suite.sandbox.resolveFromTask(await taskOf('north', 'proxy'), 'app.south.internal')).toMatchObject({ answer: 'nxdomain' });
  });
});

