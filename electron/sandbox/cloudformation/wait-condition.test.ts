import { describe, expect, it } from 'vitest';
import { CreateStackCommand, DescribeStackEventsCommand, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { sandboxForSuite } from '../testing/clients';

/** A handle, a wait condition for it, and a log group that waits for the condition. */
function template(timeout = 600) {
  return JSON.stringify({
    Resources: {
      Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
      Done: { Type: 'AWS::CloudFormation::WaitCondition', Properties: { Handle: { Ref: 'Handle' }, Timeout: String(timeout), Count: 1 } },
      After: { Type: 'AWS::Logs::LogGroup', DependsOn: 'Done', Properties: { LogGroupName: { 'Fn::Sub': '/after/${AWS::StackName}' } } },
    },
  });
}

/** A signal with a Content-Type (fetch adds text/plain to a string body), which the presigned URL refuses. */
async function signal(url: string, body: Record<string, unknown>, contentType: string): Promise<number> {
  return (await fetch(url, { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': contentType } })).status;
}

/** A signal as cfn-signal and `curl -T` send it: a PUT with no Content-Type (a Blob without a type sets none). */
async function rawSignal(url: string, body: Record<string, unknown>): Promise<number> {
  return (await fetch(url, { method: 'PUT', body: new Blob([JSON.stringify(body)]) })).status;
}

describe('sandbox CloudFormation wait conditions', () => {
  const s = sandboxForSuite('berth-wait-');

  const status = async (name: string) => (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
  /** The handle's URL, once CloudFormation has created it (the stack then sits at the wait condition). */
  const handleUrl = async (name: string): Promise<string> => {
    for (let i = 0; i < 500; i++) {
      const detail = await s.c.cloudformation.send(new DescribeStackResourceCommand({ StackName: name, LogicalResourceId: 'Handle' })).catch(() => undefined);
      const id = detail?.StackResourceDetail?.PhysicalResourceId;
      if (id && detail.StackResourceDetail?.ResourceStatus === 'CREATE_COMPLETE') return id;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no handle in ${name}`);
  };

  it('holds what depends on it until a SUCCESS signal arrives on the handle’s URL, which refuses a Content-Type', async () => {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'waits', TemplateBody: template() }));
    const url = await handleUrl('waits');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sandbox\/cfn-signal\/[0-9a-f]{32}$/);
    expect((await status('waits')).StackStatus).toBe('CREATE_IN_PROGRESS');
    await expect(s.c.cloudformation.send(new DescribeStackResourceCommand({ StackName: 'waits', LogicalResourceId: 'After' }))).rejects.toThrow();
    expect(await signal(url, { Status: 'SUCCESS', UniqueId: 'one', Data: 'ok', Reason: 'done' }, 'application/json')).toBe(403);
    expect(await rawSignal(url, { Status: 'SUCCESS', UniqueId: 'one', Data: 'ok', Reason: 'done' })).toBe(200);
    await s.sb.settle();
    expect((await status('waits')).StackStatus).toBe('CREATE_COMPLETE');
  });

  it('fails with the reason of a FAILURE signal, and the stack rolls back', async () => {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'fails', TemplateBody: template() }));
    const url = await handleUrl('fails');
    expect(await rawSignal(url, { Status: 'FAILURE', UniqueId: 'task-1', Data: '1', Reason: 'migrate exited with 1' })).toBe(200);
    await s.sb.settle();
    expect((await status('fails')).StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'fails' }))).StackEvents!;
    expect(events.find((e) => e.LogicalResourceId === 'Done' && e.ResourceStatus === 'CREATE_FAILED')!.ResourceStatusReason).toBe("WaitCondition received failed message: 'migrate exited with 1' for uniqueId: task-1");
  });

  it('times out with CloudFormation’s words when no signal comes, and takes no unparsable signal', async () => {
    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'silent', TemplateBody: template(1) }));
    await s.sb.settle();
    const events = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'silent' }))).StackEvents!;
    expect(events.find((e) => e.LogicalResourceId === 'Done' && e.ResourceStatus === 'CREATE_FAILED')!.ResourceStatusReason).toBe('WaitCondition timed out. Received 0 conditions when expecting 1');

    await s.c.cloudformation.send(new CreateStackCommand({ StackName: 'garbled', TemplateBody: template() }));
    expect(await rawSignal(await handleUrl('garbled'), { Status: 'DONE' })).toBe(200);
    await s.sb.settle();
    const garbled = (await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: 'garbled' }))).StackEvents!;
    expect(garbled.find((e) => e.LogicalResourceId === 'Done' && e.ResourceStatus === 'CREATE_FAILED')!.ResourceStatusReason).toBe('Unparsable WaitCondition data');
  });
});
