/**
 * A service with an HTTP port and a UDP port deploys with both load balancers: HTTP on the
 * application load balancer, UDP on a network load balancer, the ECS service attached to a
 * target group on each. The sandbox refuses what ELB refuses (a UDP health check, an HTTP
 * listener on an NLB, a group shared by two load balancers...), so a wrong template fails here.
 */
import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStack } from '../../electron/aws/stacks';
import { ecsServiceName, projectStackName } from '../../electron/plan/names';
import { clientsOf, clusterOf, deploy, sandboxAppForSuite } from './helpers';

const suite = sandboxAppForSuite();

const clients = () => clientsOf(suite.app);

/** A game server: a status page over HTTP and the game itself over UDP. */
async function gameProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-game-'));
  suite.folders.push(dir);
  await writeFile(
    join(dir, 'compose.yaml'),
    [
      'name: arena',
      'services:',
      '  game:',
      '    image: itzg/minecraft-bedrock-server:2025.6.0',
      '    ports:',
      '      - "80:8080"',
      '      - "19132:19132/udp"',
      '    healthcheck:',
      '      test: ["CMD", "curl", "-f", "http://localhost:8080/status"]',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('non-HTTP ingress', () => {
  it('deploys an HTTP port on the ALB and a UDP port on an NLB, and attaches the service to both', async () => {
    const record = await deploy(suite.app, await gameProject(), 'affordable');
    expect(record.failure?.message).toBeUndefined();
    expect(record.outcome).toBe('succeeded');

    const resources = (await clients().cloudformation.send(new DescribeStackResourcesCommand({ StackName: projectStackName('arena') }))).StackResources ?? [];
    const physical = (id: string) => resources.find((r) => r.LogicalResourceId === id)?.PhysicalResourceId ?? '';
    const ofType = (type: string) => resources.filter((r) => r.ResourceType === type).map((r) => r.LogicalResourceId).sort();
    expect(ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')).toEqual(['LoadBalancer', 'NetworkLoadBalancer']);
    expect(physical('LoadBalancer')).toContain(':loadbalancer/app/');
    expect(physical('NetworkLoadBalancer')).toContain(':loadbalancer/net/');
    expect(ofType('AWS::ElasticLoadBalancingV2::Listener')).toEqual(['Listener80', 'NetworkListener19132']);
    expect(physical('Listener80')).toContain(':listener/app/');
    expect(physical('NetworkListener19132')).toContain(':listener/net/');
    expect(ofType('AWS::ElasticLoadBalancingV2::TargetGroup')).toEqual(['GameNetworkTargetGroup19132', 'GameTargetGroup8080']);

    const cluster = await clusterOf(suite.app);
    const service = (await clients().ecs.send(new DescribeServicesCommand({ cluster, services: [ecsServiceName('arena', 'game')] }))).services![0]!;
    expect(service.loadBalancers).toEqual([
      { containerName: 'game', containerPort: 8080, targetGroupArn: physical('GameTargetGroup8080') },
      { containerName: 'game', containerPort: 19132, targetGroupArn: physical('GameNetworkTargetGroup19132') },
    ]);
    expect(service.runningCount).toBe(1);

    const outputs = (await describeStack(clients().cloudformation, projectStackName('arena')))!.Outputs ?? [];
    const address = outputs.find((o) => o.OutputKey === 'GameAddress19132');
    expect(address?.OutputValue).toMatch(/^[\w.-]+\.elb\.sandbox\.berth\.local:19132$/);
    expect(address?.Description).toBe('game port 19132 over UDP');
  });
});
