/** Stack operations for sandbox tests: run one to the end and read what failed, and resources' physical ids. */
import { CreateStackCommand, DescribeStackEventsCommand, DescribeStackResourcesCommand, DescribeStacksCommand, UpdateStackCommand, type StackEvent } from '@aws-sdk/client-cloudformation';
import type { Sandbox } from '../index';
import type { SandboxClients } from './clients';

export interface StackOutcome {
  status?: string;
  /** Resources that failed in this operation, with CloudFormation's reason. */
  failed: { id?: string; reason?: string }[];
}

/** Every event of a stack, newest first (all pages). */
async function allEvents(s: { c: SandboxClients }, name: string): Promise<StackEvent[]> {
  const out: StackEvent[] = [];
  let token: string | undefined;
  do {
    const page = await s.c.cloudformation.send(new DescribeStackEventsCommand({ StackName: name, NextToken: token }));
    out.push(...(page.StackEvents ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/** Creates (or updates) a stack from a template body, waits for the sandbox to settle and reports the outcome. */
export async function runStack(s: { sb: Sandbox; c: SandboxClients }, name: string, template: string, kind: 'create' | 'update' = 'create'): Promise<StackOutcome> {
  const before = kind === 'update' ? (await allEvents(s, name)).length : 0;
  if (kind === 'create') await s.c.cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: template }));
  else await s.c.cloudformation.send(new UpdateStackCommand({ StackName: name, TemplateBody: template }));
  await s.sb.settle();
  const status = (await s.c.cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!.StackStatus;
  const events = await allEvents(s, name);
  // Events come newest first: those of this operation are the first ones.
  const failed = events
    .slice(0, events.length - before)
    .filter((e) => e.ResourceStatus === 'CREATE_FAILED' || e.ResourceStatus === 'UPDATE_FAILED')
    .map((e) => ({ id: e.LogicalResourceId, reason: e.ResourceStatusReason }));
  return { status, failed };
}

/** The physical id of a stack's resource. */
export async function physicalIdOf(s: { c: SandboxClients }, stack: string, logicalId: string): Promise<string> {
  const resources = (await s.c.cloudformation.send(new DescribeStackResourcesCommand({ StackName: stack, LogicalResourceId: logicalId }))).StackResources ?? [];
  return resources[0]!.PhysicalResourceId!;
}
