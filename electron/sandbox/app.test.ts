import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { createContext, type AppContext } from '../api/context';
import { dispatch } from '../api/dispatch';
import { handlers } from '../api/handlers';
import { runCli } from '../cli/main';
import type { CommandIo } from '../cli/command';
import type { SandboxStatus } from '../../shared/domain/app';
import { SANDBOX_KEYS } from './index';

const credentials = { ...SANDBOX_KEYS };

describe('sandbox:* handlers', () => {
  let dir: string;
  let ctx: AppContext;
  const events: SandboxStatus[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-app-'));
    ctx = createContext({ shell: 'test', version: '0.0.0-test', dataDir: dir });
    ctx.subscribe((event, payload) => {
      if (event === 'sandbox:status') events.push(payload as SandboxStatus);
    });
  });
  afterEach(async () => {
    await ctx.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  async function call<T>(method: string, args: unknown = {}): Promise<T> {
    const result = await dispatch(handlers, ctx, method, args);
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  }

  it('starts the app sandbox under the data folder, reports it, stops it on dispose, and keeps its state', async () => {
    expect(await call<SandboxStatus>('sandbox:status')).toMatchObject({ running: false, speed: 'instant', dataFile: join(dir, 'sandbox', 'sandbox-state.bin') });
    const started = await call<SandboxStatus>('sandbox:start', {});
    expect(started.running).toBe(true);
    expect(started.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(events.at(-1)).toEqual(started);
    expect(await call<SandboxStatus>('sandbox:start', {})).toEqual(started);
    const ssm = new SSMClient({ endpoint: started.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    await ssm.send(new PutParameterCommand({ Name: '/kept', Value: 'yes', Type: 'String' }));
    const stopped = await call<SandboxStatus>('sandbox:stop');
    expect(stopped.running).toBe(false);
    expect((await stat(join(dir, 'sandbox', 'sandbox-state.bin'))).size).toBeGreaterThan(0);
    const again = await call<SandboxStatus>('sandbox:start', { speed: 'instant' });
    const ssm2 = new SSMClient({ endpoint: again.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    expect((await ssm2.send(new GetParameterCommand({ Name: '/kept' }))).Parameter?.Value).toBe('yes');
    const reset = await dispatch(handlers, ctx, 'sandbox:reset', {});
    expect(reset.ok).toBe(false);
    await call('sandbox:reset', { confirm: true });
    await expect(ssm2.send(new GetParameterCommand({ Name: '/kept' }))).rejects.toBeInstanceOf(ParameterNotFound);
    ssm.destroy();
    ssm2.destroy();
  });
});

describe('the app sandbox at AWS speed', () => {
  it('takes as long as AWS (not a fraction of it): a plain resource is still being created after a second and a half', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-speed-'));
    const ctx = createContext({ shell: 'test', version: '0.0.0-test', dataDir: dir });
    try {
      const result = await dispatch(handlers, ctx, 'sandbox:start', { speed: 'realistic' });
      if (!result.ok) throw new Error(result.error.message);
      const started = result.value as SandboxStatus;
      expect(started.speed).toBe('realistic');
      const cfn = new CloudFormationClient({ endpoint: started.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
      await cfn.send(new CreateStackCommand({ StackName: 'speed', TemplateBody: JSON.stringify({ Resources: { Logs: { Type: 'AWS::Logs::LogGroup' } } }) }));
      await new Promise((r) => setTimeout(r, 1_500));
      // AWS takes a few seconds for a log group; at a tenth of that it would be done by now.
      expect((await cfn.send(new DescribeStacksCommand({ StackName: 'speed' }))).Stacks![0]!.StackStatus).toBe('CREATE_IN_PROGRESS');
      cfn.destroy();
    } finally {
      await ctx.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('berth sandbox', () => {
  it('prints the endpoint on its first line, serves until interrupted, then saves its state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-sandbox-cli-'));
    const out: string[] = [];
    let interrupt!: () => void;
    let firstLine!: (line: string) => void;
    const first = new Promise<string>((resolve) => (firstLine = resolve));
    const io: CommandIo = {
      out: (line) => {
        out.push(line);
        if (out.length === 1) firstLine(line);
      },
      err: () => undefined,
      readStdin: async () => '',
      interrupted: new Promise<void>((resolve) => (interrupt = resolve)),
    };
    const exit = runCli(['sandbox', '--data', dir, '--speed', 'instant'], io, () => createContext({ shell: 'cli', version: 'test', dataDir: dir }));
    const endpoint = await first;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sts = new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::000000000000:user/berth-sandbox');
    sts.destroy();
    interrupt();
    expect(await exit).toBe(0);
    expect((await stat(join(dir, 'sandbox-state.bin'))).size).toBeGreaterThan(0);
    expect(await runCli(['sandbox', '--speed', 'fast'], io)).toBe(2);
    await rm(dir, { recursive: true, force: true });
  });
});
