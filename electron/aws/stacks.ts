/**
 * CloudFormation stack plumbing shared by bootstrap, teardown and inventory: describe a stack
 * (absent is not an error), stream its events, wait for a terminal status with backoff, and
 * find the first failed resource.
 */
import {
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type CloudFormationClient,
  type Stack,
  type StackEvent as CfnStackEvent,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { parse } from 'yaml';
import type { StackEvent } from '../../shared/domain/deploy';
import { raise } from '../../shared/result';

/** Every resource of a stack, all pages. */
export async function listStackResources(cfn: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  let token: string | undefined;
  do {
    const out = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) }));
    resources.push(...(out.StackResourceSummaries ?? []));
    token = out.NextToken;
  } while (token);
  return resources;
}

/** The template a stack was last given, parsed (Berth writes JSON, which YAML reads too). */
export async function deployedTemplate(cfn: CloudFormationClient, stackName: string): Promise<{ Metadata?: Record<string, unknown>; Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> }> {
  const out = await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
  return (parse(out.TemplateBody ?? '{}') ?? {}) as Awaited<ReturnType<typeof deployedTemplate>>;
}

/** True for the "Stack with id X does not exist" ValidationError. */
export function isStackMissing(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return (e.name === 'ValidationError' || e.name === 'ValidationException') && /does not exist/i.test(e.message ?? '');
}

/** The stack, or undefined when it does not exist (deleted stacks are not found by name). */
export async function describeStack(cfn: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    return stack && stack.StackStatus !== 'DELETE_COMPLETE' ? stack : undefined;
  } catch (error) {
    if (isStackMissing(error)) return undefined;
    throw error;
  }
}

/** A stack's outputs as a plain map. */
export function stackOutputs(stack: Stack | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of stack?.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) out[o.OutputKey] = o.OutputValue;
  return out;
}

/** An SDK stack event in the app's shape (never the resource properties: they could hold values). */
export function toStackEvent(e: CfnStackEvent): StackEvent {
  const event: StackEvent = {
    stackName: e.StackName ?? '',
    eventId: e.EventId ?? '',
    timestamp: (e.Timestamp ?? new Date(0)).toISOString(),
    logicalId: e.LogicalResourceId ?? '',
    type: e.ResourceType ?? '',
    status: e.ResourceStatus ?? '',
  };
  if (e.ResourceStatusReason) event.reason = e.ResourceStatusReason;
  return event;
}

/** The newest event id of a stack (the marker after which a new operation's events start). */
export async function latestEventId(cfn: CloudFormationClient, stackName: string): Promise<string | undefined> {
  try {
    const out = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
    return out.StackEvents?.[0]?.EventId;
  } catch (error) {
    if (isStackMissing(error)) return undefined;
    throw error;
  }
}

/** Reads events newer than `after` (and not yet seen), oldest first. */
async function newEvents(cfn: CloudFormationClient, stackName: string, after: string | undefined, seen: Set<string>): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let token: string | undefined;
  pages: do {
    const out = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) }));
    for (const e of out.StackEvents ?? []) {
      if (!e.EventId || e.EventId === after || seen.has(e.EventId)) break pages;
      fresh.push(toStackEvent(e));
    }
    token = out.NextToken;
  } while (token);
  for (const e of fresh) seen.add(e.eventId);
  return fresh.reverse();
}

const FAILED_STATUS = /_FAILED$/;
// Resources that failed only because another one did: not the cause.
const KNOCK_ON = /cancelled|Resource update cancelled|Resource creation cancelled|The following resource\(s\) failed/i;

/** The first resource that failed (not the stack itself, not a cancellation knock-on). */
export function firstFailure(events: readonly StackEvent[]): StackEvent | undefined {
  const failed = events.filter((e) => FAILED_STATUS.test(e.status));
  return (
    failed.find((e) => e.type !== 'AWS::CloudFormation::Stack' && !KNOCK_ON.test(e.reason ?? '')) ??
    failed.find((e) => e.type !== 'AWS::CloudFormation::Stack') ??
    failed[0]
  );
}

/** Describes a failure in one line: "Bucket (AWS::S3::Bucket): reason". */
export function describeFailure(event: StackEvent | undefined): string {
  if (!event) return 'no resource reported a reason';
  return `${event.logicalId} (${event.type}) ${event.status}${event.reason ? `: ${event.reason}` : ''}`;
}

export interface WaitOptions {
  /** Event id before the operation began; only newer events are reported. */
  after?: string;
  /** The stack's id when known: a deleted stack is found only by id. */
  stackId?: string;
  onEvent?: (event: StackEvent) => void;
  /** Polling starts at this interval and grows by half each time, up to maxIntervalMs. */
  initialIntervalMs?: number;
  maxIntervalMs?: number;
  /** Overall limit; stacks with databases can take tens of minutes. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Stops waiting early (the stack operation itself carries on in AWS). */
  signal?: AbortSignal;
}

export interface WaitResult {
  /** The final stack, or undefined when it was deleted. */
  stack: Stack | undefined;
  status: string;
  events: StackEvent[];
  firstFailure?: StackEvent;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True for statuses where no operation is running. */
export function isTerminal(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS');
}

/**
 * Waits until the stack leaves every *_IN_PROGRESS status, streaming its events as they come.
 * A stack that disappears while deleting ends as DELETE_COMPLETE.
 */
export async function waitForStack(cfn: CloudFormationClient, stackName: string, options: WaitOptions = {}): Promise<WaitResult> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 90 * 60_000);
  const maxInterval = options.maxIntervalMs ?? 20_000;
  let interval = options.initialIntervalMs ?? 2_000;
  const seen = new Set<string>();
  const events: StackEvent[] = [];
  // Events are read by stack id once known, so a deleted stack's final events are still found.
  let stackRef = options.stackId ?? stackName;
  for (;;) {
    const stack = await describeStack(cfn, stackRef);
    if (stack?.StackId) stackRef = stack.StackId;
    try {
      for (const e of await newEvents(cfn, stackRef, options.after, seen)) {
        events.push(e);
        options.onEvent?.(e);
      }
    } catch (error) {
      if (!isStackMissing(error)) throw error;
    }
    const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
    if (isTerminal(status)) {
      const failure = firstFailure(events);
      return { stack, status, events, ...(failure ? { firstFailure: failure } : {}) };
    }
    if (options.signal?.aborted) raise('CANCELLED', `Stopped waiting for ${stackName} (${status}); the operation continues in AWS.`);
    if (now() >= deadline) {
      raise('STACK_BUSY', `${stackName} is still ${status} after ${Math.round((options.timeoutMs ?? 90 * 60_000) / 60_000)} minutes. Check it in the CloudFormation console, then retry.`, { stackName, status });
    }
    await sleep(interval);
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}

/** The CloudFormation console page of a stack. */
export function stackConsoleUrl(region: string, stackId: string): string {
  return `https://${region}.console.aws.amazon.com/cloudformation/home?region=${region}#/stacks/stackinfo?stackId=${encodeURIComponent(stackId)}`;
}
