/**
 * Two projects in one account and region share no name: project `a` with service `b-c` and
 * project `a-b` with service `c` (whose ECS services were both `a-b-c`), and `my_app` next to
 * `my-app`, all deploy side by side in one sandbox.
 */
import { DescribeServicesCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionManager } from '../../electron/aws/connection';
import { describeStack } from '../../electron/aws/stacks';
import { ecsServiceName, projectStackName } from '../../electron/plan/names';
import { deploy, sandboxAppForSuite, vpcQuota } from './helpers';

// Four projects, each with its own VPC, next to the default VPC and the bootstrap's.
const suite = sandboxAppForSuite(vpcQuota(6));

async function project(name: string, service: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-names-'));
  suite.folders.push(dir);
  await writeFile(join(dir, 'compose.yaml'), `name: ${name}\nservices:\n  ${service}:\n    image: nginx:1.27\n`);
  return dir;
}

describe('names across projects', () => {
  it('deploys a + b-c and a-b + c, and my_app next to my-app, each with its own stack and ECS service', async () => {
    const pairs: [string, string][] = [
      ['a', 'b-c'],
      ['a-b', 'c'],
      ['my_app', 'web'],
      ['my-app', 'web'],
    ];
    for (const [name, service] of pairs) {
      const record = await deploy(suite.app, await project(name, service), 'balanced');
      expect(record.outcome, `${name}: ${JSON.stringify(record.failure ?? record.outcome)}`).toBe('succeeded');
    }
    const { clients } = connectionManager(suite.app.ctx).require();
    const stacks = await Promise.all(pairs.map(([name]) => describeStack(clients.cloudformation, projectStackName(name))));
    expect(new Set(stacks.map((s) => s?.StackId)).size).toBe(4);
    const bootstrap = await describeStack(clients.cloudformation, 'berth-bootstrap');
    const cluster = bootstrap!.Outputs!.find((o) => o.OutputKey === 'ClusterName')!.OutputValue!;
    const listed = (await clients.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
    expect(listed).toHaveLength(4);
    for (const [name, service] of pairs) {
      const [found] = (await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [ecsServiceName(name, service)] }))).services!;
      expect(found).toMatchObject({ status: 'ACTIVE', runningCount: 1 });
      expect(found!.tags).toContainEqual({ key: 'berth:project', value: name });
    }
  });
});
