import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateLogGroupCommand, CreateLogStreamCommand, GetLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { startSandbox, type Sandbox } from './index';
import { Timing } from './timing';
import { sandboxClients, type SandboxClients } from './testing/clients';

describe('sandbox server', () => {
  let sb: Sandbox;
  let c: SandboxClients;
  beforeAll(async () => {
    sb = await startSandbox();
    c = sandboxClients(sb);
  });
  afterAll(async () => {
    c.destroy();
    await sb.close();
  });

  it('listens on 127.0.0.1 and says who you are: the sandbox account, labelled as such', async () => {
    expect(sb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const id = await c.sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('000000000000');
    expect(id.Arn).toBe('arn:aws:iam::000000000000:user/berth-sandbox');
    const health = (await (await fetch(`${sb.endpoint}/_sandbox/health`)).json()) as { sandbox: boolean };
    expect(health.sandbox).toBe(true);
  });

  it('rejects credentials other than its own with the SDK error for an unknown key', async () => {
    const sts = new STSClient({ endpoint: sb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAREALKEY', secretAccessKey: 'x' }, maxAttempts: 1 });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    sts.destroy();
  });

  it('denies on demand through the fault knob (AccessDenied with the action named)', async () => {
    await c.ssm.send(new PutParameterCommand({ Name: '/f/x', Value: 'v', Type: 'String' }));
    sb.setFaults({ ssm: { accessDenied: ['GetParameter'] } });
    try {
      const error = await c.ssm.send(new GetParameterCommand({ Name: '/f/x' })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'AccessDeniedException' });
      expect((error as Error).message).toContain('ssm:GetParameter');
      sb.setFaults({ sts: { accessDenied: true } });
      await expect(c.sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      sb.setFaults({});
    }
    expect((await c.ssm.send(new GetParameterCommand({ Name: '/f/x' }))).Parameter?.Value).toBe('v');
  });

  it('throttles, fails with 5xx and resets connections at the configured rates; the SDK retries through them', async () => {
    sb.setFaults({ ssm: { throttleRate: 1 } });
    await expect(c.ssm.send(new GetParameterCommand({ Name: '/f/x' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    sb.setFaults({ ssm: { errorRate: 1 } });
    await expect(c.ssm.send(new GetParameterCommand({ Name: '/f/x' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    sb.setFaults({ s3: { throttleRate: 1 } });
    await expect(c.s3.send(new CreateBucketCommand({ Bucket: 'slow-bucket' }))).rejects.toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    sb.setFaults({ ssm: { resetRate: 1 } });
    await expect(c.ssm.send(new GetParameterCommand({ Name: '/f/x' }))).rejects.toThrow();
    // Half the requests throttled: a retrying client still gets through.
    let n = 0;
    const flaky = await startSandbox({ faults: { '*': { throttleRate: 0.5 } }, random: () => (n++ % 2 === 0 ? 0 : 0.9) });
    const ssm = new SSMClient({ endpoint: flaky.endpoint, region: 'us-east-1', credentials: { ...flaky.credentials }, maxAttempts: 3 });
    await ssm.send(new PutParameterCommand({ Name: '/retry', Value: 'ok', Type: 'String' }));
    expect((await ssm.send(new GetParameterCommand({ Name: '/retry' }))).Parameter?.Value).toBe('ok');
    ssm.destroy();
    await flaky.close();
    sb.setFaults({});
  });

  it('keeps objects, parameters and log events across a restart, in one atomically written file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-persist-'));
    let one = await startSandbox({ dataDir: dir });
    let k = sandboxClients(one);
    await k.s3.send(new CreateBucketCommand({ Bucket: 'kept-bucket' }));
    await k.s3.send(new PutObjectCommand({ Bucket: 'kept-bucket', Key: 'a.bin', Body: Buffer.from([0, 1, 2, 255]) }));
    await k.ssm.send(new PutParameterCommand({ Name: '/kept/p', Value: 'secret', Type: 'SecureString' }));
    await k.logs.send(new CreateLogGroupCommand({ logGroupName: '/kept' }));
    await k.logs.send(new CreateLogStreamCommand({ logGroupName: '/kept', logStreamName: 's' }));
    await k.logs.send(new PutLogEventsCommand({ logGroupName: '/kept', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'hello' }] }));
    k.destroy();
    await one.close();
    expect(await readdir(dir)).toEqual(['sandbox-state.bin']);
    one = await startSandbox({ dataDir: dir });
    k = sandboxClients(one);
    const obj = await k.s3.send(new GetObjectCommand({ Bucket: 'kept-bucket', Key: 'a.bin' }));
    expect([...(await obj.Body!.transformToByteArray())]).toEqual([0, 1, 2, 255]);
    expect((await k.ssm.send(new GetParameterCommand({ Name: '/kept/p', WithDecryption: true }))).Parameter?.Value).toBe('secret');
    expect((await k.logs.send(new GetLogEventsCommand({ logGroupName: '/kept', logStreamName: 's' }))).events?.map((e) => e.message)).toEqual(['hello']);
    await one.reset();
    await expect(k.ssm.send(new GetParameterCommand({ Name: '/kept/p' }))).rejects.toThrow();
    k.destroy();
    await one.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('paces work at realistic speed, scaled by the factor', async () => {
    expect(new Timing('realistic', 0.5).ms('loadBalancer')).toBe(90_000);
    expect(new Timing('instant', 1).ms('database')).toBe(0);
    // Provisioning takes 1.6 s at this factor: long enough that a loaded CI machine still sees it.
    const slow = await startSandbox({ speed: 'realistic', speedFactor: 0.2 });
    const k = sandboxClients(slow);
    await k.ecs.send(new CreateClusterCommand({ clusterName: 'c' }));
    await k.ecs.send(new RegisterTaskDefinitionCommand({ family: 'f', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 512, portMappings: [{ containerPort: 80 }] }] }));
    const run = await k.ecs.send(new RunTaskCommand({ cluster: 'c', taskDefinition: 'f' }));
    const arn = run.tasks![0]!.taskArn!;
    expect((await k.ecs.send(new DescribeTasksCommand({ cluster: 'c', tasks: [arn] }))).tasks![0]!.lastStatus).toBe('PROVISIONING');
    await slow.settle();
    expect((await k.ecs.send(new DescribeTasksCommand({ cluster: 'c', tasks: [arn] }))).tasks![0]!.lastStatus).toBe('RUNNING');
    k.destroy();
    await slow.close();
  });
});
