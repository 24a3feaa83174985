import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { startSandbox, type Sandbox } from './index';
import { sandboxClients, type SandboxClients } from './testing/clients';

describe('a sandbox restarted mid-operation', () => {
  const opened: { sb: Sandbox; c: SandboxClients }[] = [];
  let dir: string;
  const open = async () => {
    // The cache takes 3.6 s at this factor: a loaded machine still stops the sandbox mid-creation.
    const sb = await startSandbox({ dataDir: dir, speed: 'realistic', speedFactor: 0.01 });
    const entry = { sb, c: sandboxClients(sb) };
    opened.push(entry);
    return entry;
  };
  afterAll(async () => {
    for (const { sb, c } of opened) {
      c.destroy();
      await sb.close();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('resumes the stack operation and the service rollout it was running', async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-restart-'));
    const first = await open();
    const template = { Resources: { Logs: { Type: 'AWS::Logs::LogGroup' }, Cache: { Type: 'AWS::ElastiCache::CacheCluster', DependsOn: 'Logs', Properties: { CacheNodeType: 'cache.t4g.micro', Engine: 'redis', NumCacheNodes: 1 } } } };
    await first.c.cloudformation.send(new CreateStackCommand({ StackName: 'slow', TemplateBody: JSON.stringify(template) }));
    await first.c.ecs.send(new CreateClusterCommand({ clusterName: 'c' }));
    await first.c.ecs.send(new RegisterTaskDefinitionCommand({ family: 'f', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 512 }] }));
    await first.c.ecs.send(new CreateServiceCommand({ cluster: 'c', serviceName: 'web', taskDefinition: 'f', desiredCount: 2 }));
    // Wait (by state, not time) until the cache is being created, then stop the sandbox under it.
    for (;;) {
      const events = (await first.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'slow' }))).StackEvents ?? [];
      if (events.some((e) => e.LogicalResourceId === 'Cache' && e.ResourceStatusReason === 'Resource creation Initiated')) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await first.c.cloudformation.send(new DescribeStacksCommand({ StackName: 'slow' }))).Stacks![0]!.StackStatus).toBe('CREATE_IN_PROGRESS');
    first.c.destroy();
    await first.sb.close();
    opened.length = 0;

    const second = await open();
    await second.sb.settle();
    expect((await second.c.cloudformation.send(new DescribeStacksCommand({ StackName: 'slow' }))).Stacks![0]!.StackStatus).toBe('CREATE_COMPLETE');
    const caches = await second.c.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'aws:cloudformation:stack-name', Values: ['slow'] }], ResourceTypeFilters: ['elasticache'] }));
    expect(caches.ResourceTagMappingList).toHaveLength(1);
    const service = (await second.c.ecs.send(new DescribeServicesCommand({ cluster: 'c', services: ['web'] }))).services![0]!;
    expect(service.runningCount).toBe(2);
    expect(service.deployments![0]!.rolloutState).toBe('COMPLETED');
  });
});
