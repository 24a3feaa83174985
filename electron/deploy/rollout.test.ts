import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ServiceRollout } from '../../shared/domain/deploy';
import { AppErrorException } from '../../shared/result';
import type { ProjectModel } from '../../shared/domain/project';
import { ecsServiceName } from '../plan/names';
import { explainStackFailure, watchRollouts } from './rollout';

const ecsMock = mockClient(ECSClient);
const logsMock = mockClient(CloudWatchLogsClient);
const creds = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const ecs = new ECSClient(creds);
const logs = new CloudWatchLogsClient(creds);
const targets = [{ service: 'web', ecsService: 'shop-web', container: 'web' }];
const options = { sleep: async () => undefined, pollMs: 0 };

beforeEach(() => {
  ecsMock.reset();
  logsMock.reset();
});

describe('watchRollouts', () => {
  it('reports progress until the rollout completes', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [{ serviceName: 'shop-web', deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', desiredCount: 2, runningCount: 1, pendingCount: 1 }] }] })
      .resolves({ services: [{ serviceName: 'shop-web', events: [{ message: '(service shop-web) has reached a steady state.' }], deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 2, runningCount: 2, pendingCount: 0 }] }] });
    const seen: ServiceRollout[] = [];
    const result = await watchRollouts(ecs, logs, { cluster: 'berth', project: 'shop', targets }, { ...options, onRollout: (r) => seen.push(r) });
    expect(seen.map((r) => `${r.state} ${r.running}/${r.desired}`)).toEqual(['in-progress 1/2', 'completed 2/2']);
    expect(result[0]!.lastEvent).toContain('steady state');
  });

  it('fails with the stopped tasks’ reasons and last log lines when the circuit breaker trips', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: 'shop-web', events: [{ message: 'deployment failed: tasks failed to start.' }], deployments: [{ status: 'PRIMARY', rolloutState: 'FAILED', desiredCount: 1, runningCount: 0 }] }],
    });
    ecsMock.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:us-east-1:1:task/berth/t9'] });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [{ taskArn: 'arn:aws:ecs:us-east-1:1:task/berth/t9', stoppedAt: new Date(), stoppedReason: 'Essential container in task exited', containers: [{ name: 'web', exitCode: 137 }] }],
    });
    logsMock.on(GetLogEventsCommand).resolves({ events: [{ message: 'Error: listen EADDRINUSE\n' }] });
    const error = await watchRollouts(ecs, logs, { cluster: 'berth', project: 'shop', targets }, options).catch((e: unknown) => e);
    expect(error).toMatchObject({
      appError: {
        code: 'ROLLOUT_FAILED',
        message: expect.stringContaining('Essential container in task exited (exit code 137)'),
        details: { service: 'web', logLines: ['Error: listen EADDRINUSE'] },
      },
    });
    expect(logsMock.commandCalls(GetLogEventsCommand)[0]!.args[0].input).toMatchObject({ logGroupName: '/berth/shop', logStreamName: 'web/web/t9' });
  });
});

describe('explainStackFailure', () => {
  const project = { name: 'shop', services: [{ name: 'web', environment: {} }, { name: 'db', managed: { kind: 'postgres' }, environment: {} }] } as unknown as ProjectModel;

  it('adds the failing service’s stopped tasks and their last log lines to a stack failure', async () => {
    ecsMock.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:us-east-1:1:task/berth/t7'] });
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: 'arn:aws:ecs:us-east-1:1:task/berth/t7', stoppedAt: new Date(), stoppedReason: 'Essential container in task exited', containers: [{ name: 'web', exitCode: 3 }] }] });
    logsMock.on(GetLogEventsCommand).resolves({ events: [{ message: 'boom' }] });
    const failure = new AppErrorException('STACK_FAILED', 'Deploying berth-shop failed: WebService (AWS::ECS::Service) CREATE_FAILED: circuit breaker.', { resource: 'WebService', status: 'ROLLBACK_COMPLETE' });
    const explained = (await explainStackFailure(failure, { ecs, logs, cluster: 'berth', project })) as AppErrorException;
    expect(explained.message).toContain("web's tasks stopped because: Essential container in task exited (exit code 3)");
    expect(explained.appError.details).toMatchObject({ resource: 'WebService', service: 'web', logLines: ['boom'], status: 'ROLLBACK_COMPLETE' });
    expect(ecsMock.commandCalls(ListTasksCommand)[0]!.args[0].input).toMatchObject({ serviceName: ecsServiceName('shop', 'web'), desiredStatus: 'STOPPED' });
  });

  it('leaves other failures as they are', async () => {
    const other = new AppErrorException('STACK_FAILED', 'LoadBalancer failed', { resource: 'LoadBalancer' });
    expect(await explainStackFailure(other, { ecs, logs, cluster: 'berth', project })).toBe(other);
    const build = new AppErrorException('BUILD_FAILED', 'x');
    expect(await explainStackFailure(build, { ecs, logs, cluster: 'berth', project })).toBe(build);
  });
});
