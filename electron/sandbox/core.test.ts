import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startSandbox, type Sandbox } from './index';
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
});
