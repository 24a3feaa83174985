import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppErrorException } from '../../shared/result';
import { buildLogStream, kanikoArgs, runBuild, runBuilds, type BuildEnvironment, type BuildRequest } from './build';
import { awsError } from './testing/errors';

const ecsMock = mockClient(ECSClient);
const logsMock = mockClient(CloudWatchLogsClient);
const creds = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const ecs = new ECSClient(creds);
const logs = new CloudWatchLogsClient(creds);
const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/berth/abc123';

const env: BuildEnvironment = {
  project: 'shop',
  cluster: 'berth',
  taskDefinitions: { 'linux/amd64': 'berth-build-amd64', 'linux/arm64': 'berth-build-arm64' },
  subnets: ['subnet-1', 'subnet-2'],
  securityGroups: ['sg-1'],
  logGroup: '/berth/builds',
  repositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/berth/shop',
  cacheUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/berth/shop/cache',
};
const request: BuildRequest = {
  services: ['web'],
  tag: 'f'.repeat(64),
  contextUrl: 's3://bkt/uploads/shop/abc.tar.gz',
  dockerfile: 'Dockerfile',
  args: { NODE_ENV: 'production' },
  platform: 'linux/arm64',
};
const hooks = { pollMs: 0, maxPollMs: 0, sleep: async () => undefined };

function stopped(exitCode: number | undefined, stoppedReason?: string) {
  return { tasks: [{ taskArn: TASK, lastStatus: 'STOPPED', stoppedReason, containers: [{ name: 'kaniko', exitCode }] }] };
}

beforeEach(() => {
  ecsMock.reset();
  logsMock.reset();
  ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });
  ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
  logsMock.on(GetLogEventsCommand).resolves({ events: [], nextForwardToken: 'f/1' });
});

describe('runBuild', () => {
  it('starts Kaniko for the platform with context, destination, cache and args, streams logs, and returns the image', async () => {
    ecsMock.on(DescribeTasksCommand).resolvesOnce({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] }).resolves(stopped(0));
    logsMock
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: [{ message: 'INFO Retrieving image manifest node:20\n' }], nextForwardToken: 'f/2' })
      .resolvesOnce({ events: [], nextForwardToken: 'f/2' })
      .resolvesOnce({ events: [{ message: 'INFO Pushed image' }], nextForwardToken: 'f/3' })
      .resolves({ events: [], nextForwardToken: 'f/3' });
    const lines: string[] = [];
    const image = await runBuild(ecs, logs, env, request, { ...hooks, onLog: (_r, l) => lines.push(...l) });
    expect(image).toBe(`${env.repositoryUri}:${request.tag}`);
    const run = ecsMock.commandCalls(RunTaskCommand)[0]!.args[0].input;
    expect(run.taskDefinition).toBe('berth-build-arm64');
    expect(run.networkConfiguration?.awsvpcConfiguration).toEqual({ subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' });
    expect(run.overrides?.containerOverrides?.[0]?.command).toEqual(kanikoArgs(env, request));
    expect(kanikoArgs(env, request)).toEqual([
      '--context=s3://bkt/uploads/shop/abc.tar.gz',
      '--dockerfile=Dockerfile',
      `--destination=${env.repositoryUri}:${request.tag}`,
      '--snapshot-mode=redo',
      '--cache=true',
      `--cache-repo=${env.cacheUri}`,
      '--build-arg=NODE_ENV=production',
    ]);
    expect(run.tags).toContainEqual({ key: 'berth:image-tag', value: request.tag });
    expect(lines).toEqual(['INFO Retrieving image manifest node:20', 'INFO Pushed image']);
    expect(logsMock.commandCalls(GetLogEventsCommand)[0]!.args[0].input.logStreamName).toBe(buildLogStream(TASK));
  });

  it('fails a build that exits 1, naming the service and showing its last log lines', async () => {
    ecsMock.on(DescribeTasksCommand).resolves(stopped(1, 'Essential container in task exited'));
    logsMock.on(GetLogEventsCommand).resolvesOnce({ events: [{ message: 'Step 3/5 : RUN npm ci' }, { message: 'error: npm ERR! missing script' }], nextForwardToken: 'f/2' }).resolves({ events: [], nextForwardToken: 'f/2' });
    const error = (await runBuild(ecs, logs, env, request, hooks).catch((e: unknown) => e)) as AppErrorException;
    expect(error.appError.code).toBe('BUILD_FAILED');
    expect(error.message).toMatch(/image build of web failed \(exit code 1\)/);
    expect(error.message).toContain('The build log says: error: npm ERR! missing script');
    // The message names the telling line; the rest stays in details for the log view.
    expect(error.message).not.toContain('Step 3/5');
    expect(error.appError.details).toMatchObject({ services: ['web'], exitCode: 1, logLines: ['Step 3/5 : RUN npm ci', 'error: npm ERR! missing script'] });
  });

  it('explains a task that could not start (ResourceInitializationError)', async () => {
    const reason = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth';
    ecsMock.on(DescribeTasksCommand).resolves(stopped(undefined, reason));
    logsMock.on(GetLogEventsCommand).rejects(awsError('ResourceNotFoundException', 'The specified log stream does not exist.'));
    const error = (await runBuild(ecs, logs, env, request, hooks).catch((e: unknown) => e)) as AppErrorException;
    expect(error.appError.code).toBe('BUILD_FAILED');
    expect(error.message).toContain('could not start: ResourceInitializationError');
    expect(error.message).toContain('internet access');
    expect(error.appError.details).toMatchObject({ stoppedReason: reason });
  });

  it('reports a RunTask failure (no capacity) as BUILD_FAILED', async () => {
    ecsMock.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'Capacity is unavailable at this time' }] });
    await expect(runBuild(ecs, logs, env, request, hooks)).rejects.toMatchObject({ appError: { code: 'BUILD_FAILED', message: expect.stringContaining('Capacity is unavailable') } });
  });

  it('stops the task when cancelled', async () => {
    const controller = new AbortController();
    ecsMock.on(DescribeTasksCommand).callsFake(async () => {
      controller.abort();
      return { tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] };
    });
    ecsMock.on(StopTaskCommand).resolves({});
    await expect(runBuild(ecs, logs, env, request, { ...hooks, signal: controller.signal })).rejects.toMatchObject({ appError: { code: 'CANCELLED' } });
    expect(ecsMock.commandCalls(StopTaskCommand)[0]!.args[0].input).toMatchObject({ cluster: 'berth', task: TASK });
  });
});

describe('runBuilds', () => {
  it('runs builds in parallel, attaches to one already running, and collects failures', async () => {
    const other: BuildRequest = { ...request, services: ['api', 'worker'], tag: 'e'.repeat(64), platform: 'linux/amd64' };
    const third: BuildRequest = { ...request, services: ['admin'], tag: 'd'.repeat(64) };
    const RUNNING = 'arn:aws:ecs:us-east-1:123456789012:task/berth/running1';
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [RUNNING] });
    const T1 = 'arn:aws:ecs:us-east-1:123456789012:task/berth/t1';
    const T2 = 'arn:aws:ecs:us-east-1:123456789012:task/berth/t2';
    ecsMock.on(RunTaskCommand).resolvesOnce({ tasks: [{ taskArn: T1 }] }).resolvesOnce({ tasks: [{ taskArn: T2 }] });
    const exitCodes: Record<string, number> = { [RUNNING]: 0, [T1]: 0, [T2]: 2 };
    ecsMock.on(DescribeTasksCommand).callsFake(async (input: { tasks: string[]; include?: string[] }) => {
      const arn = input.tasks[0]!;
      if (input.include?.includes('TAGS')) return { tasks: [{ taskArn: arn, lastStatus: 'RUNNING', tags: [{ key: 'berth:image-tag', value: other.tag }] }] };
      return { tasks: [{ taskArn: arn, lastStatus: 'STOPPED', containers: [{ name: 'kaniko', exitCode: exitCodes[arn] }] }] };
    });
    const outcome = await runBuilds(ecs, logs, env, [request, other, third], hooks);
    expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(2);
    expect([...outcome.images.keys()].sort()).toEqual([other.tag, request.tag].sort());
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]!.request.services).toEqual(['admin']);
  });
});
