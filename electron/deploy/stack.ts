/**
 * The project stack: compare with what is deployed, create a change set (CREATE or UPDATE,
 * including a stack left in REVIEW_IN_PROGRESS), turn it into a diff the user reads, delete an
 * empty one ("nothing to change"), execute it, stream its events, and explain a failure (first
 * failed resource, its reason, how the rollback ended).
 */
import {
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  type Change,
  type CloudFormationClient,
  type DescribeChangeSetCommandOutput,
  type Parameter,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { ChangeSetChange, ChangeSetDiff, StackEvent } from '../../shared/domain/deploy';
import type { PlannedStack } from '../../shared/domain/plan';
import { raise } from '../../shared/result';
import { describeFailure, describeStack, latestEventId, stackOutputs, waitForStack, type WaitOptions } from '../aws/stacks';
import { berthTags } from '../aws/tags';

export type WaitKnobs = Pick<WaitOptions, 'sleep' | 'now' | 'timeoutMs' | 'initialIntervalMs' | 'maxIntervalMs'>;

const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;
/** CloudFormation's two wordings for "nothing to change": the FAILED change set's reason, or CreateChangeSet's own ValidationError. */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

/** Statuses in which a new change set may be created. */
function isSettled(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS') || status === 'REVIEW_IN_PROGRESS';
}

/** How long ago, in words ("3 min", "2 h"). */
export function age(since: Date | undefined, now: number = Date.now()): string {
  if (!since) return 'an unknown time';
  const minutes = Math.max(0, Math.round((now - since.getTime()) / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}

/** Raises STACK_BUSY (with status and age) when an operation is running on the stack. */
export function assertStackIdle(stack: Stack | undefined, now: number = Date.now()): void {
  const status = stack?.StackStatus ?? '';
  if (stack && !isSettled(status)) {
    const since = stack.LastUpdatedTime ?? stack.CreationTime;
    raise('STACK_BUSY', `${stack.StackName} is busy (${status} for ${age(since, now)}). Wait for it to finish, or follow it with \`berth up\` again, then retry.`, {
      stackName: stack.StackName,
      status,
      since: since?.toISOString(),
    });
  }
}

/** Same JSON regardless of key order and whitespace (templates come back from AWS as sent, but be safe). */
function canonical(text: string): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sort(x)])) : v;
  try {
    return JSON.stringify(sort(JSON.parse(text)));
  } catch {
    return text;
  }
}

function sameParameters(deployed: readonly Parameter[] | undefined, wanted: readonly Parameter[]): boolean {
  const a = new Map((deployed ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
  return a.size === wanted.length && wanted.every((p) => a.get(p.ParameterKey) === p.ParameterValue);
}

/**
 * True when the deployed stack already runs this exact template with these parameters, so no
 * change set is needed (two calls instead of four, and no change set churn on a no-op redeploy).
 */
export async function stackUpToDate(cfn: CloudFormationClient, stack: Stack | undefined, planned: PlannedStack, parameters: readonly Parameter[]): Promise<boolean> {
  const status = stack?.StackStatus ?? '';
  if (!stack || !/^(CREATE|UPDATE)_COMPLETE$/.test(status)) return false;
  if (!sameParameters(stack.Parameters, parameters)) return false;
  const out = await cfn.send(new GetTemplateCommand({ StackName: planned.stackName, TemplateStage: 'Original' }));
  return out.TemplateBody !== undefined && canonical(out.TemplateBody) === canonical(planned.body);
}

/** A resource type in words. */
export function resourceLabel(type: string): string {
  const labels: Record<string, string> = {
    'AWS::ECS::Service': 'ECS service',
    'AWS::ECS::TaskDefinition': 'task definition',
    'AWS::CodeBuild::Project': 'image builder (CodeBuild project)',
    'AWS::ElasticLoadBalancingV2::LoadBalancer': 'load balancer',
    'AWS::ElasticLoadBalancingV2::Listener': 'load balancer listener',
    'AWS::ElasticLoadBalancingV2::ListenerRule': 'listener rule',
    'AWS::ElasticLoadBalancingV2::TargetGroup': 'target group',
    'AWS::EC2::SecurityGroup': 'security group',
    'AWS::EC2::SecurityGroupIngress': 'security group rule',
    'AWS::IAM::Role': 'IAM role',
    'AWS::Logs::LogGroup': 'log group',
    'AWS::RDS::DBInstance': 'Postgres database',
    'AWS::ElastiCache::ReplicationGroup': 'Redis cache',
    'AWS::ServiceDiscovery::PrivateDnsNamespace': 'private DNS namespace',
    'AWS::ServiceDiscovery::Service': 'DNS record',
    'AWS::Events::Rule': 'event rule',
    'AWS::CertificateManager::Certificate': 'TLS certificate',
  };
  return labels[type] ?? type.replace(/^AWS::/, '').replace(/::/g, ' ');
}

/** One change set entry as the UI shows it. */
export function toChange(change: Change): ChangeSetChange | undefined {
  const rc = change.ResourceChange;
  if (!rc?.LogicalResourceId || !rc.Action) return undefined;
  const type = rc.ResourceType ?? '';
  const label = `${resourceLabel(type)} ${rc.LogicalResourceId}`;
  const out: ChangeSetChange = { action: rc.Action as ChangeSetChange['action'], logicalId: rc.LogicalResourceId, type, description: '' };
  if (rc.PhysicalResourceId) out.physicalId = rc.PhysicalResourceId;
  const properties = [...new Set((rc.Details ?? []).map((d) => d.Target?.Name ?? d.Target?.Attribute).filter((n): n is string => Boolean(n)))];
  if (rc.Action === 'Modify') {
    if (rc.Replacement) out.replacement = rc.Replacement as ChangeSetChange['replacement'];
    const causes = (rc.Details ?? []).filter((d) => d.Target?.RequiresRecreation === 'Always' || d.Target?.RequiresRecreation === 'Conditionally');
    if (rc.Replacement === 'True' || rc.Replacement === 'Conditional') {
      const names = [...new Set(causes.map((d) => d.Target?.Name ?? d.Target?.Attribute).filter(Boolean))];
      out.replacementReason = names.length > 0 ? `changing ${names.join(', ')} requires a new ${resourceLabel(type)}` : `CloudFormation must create a new ${resourceLabel(type)}`;
      out.description = `${rc.Replacement === 'True' ? 'Replace' : 'May replace'} ${label}: ${out.replacementReason}`;
    } else {
      out.description = `Update ${label}${properties.length > 0 ? ` (${properties.join(', ')})` : ''}`;
    }
  } else if (rc.Action === 'Add') {
    out.description = `Create ${label}`;
  } else if (rc.Action === 'Remove') {
    out.description = `Delete ${label}`;
  } else {
    out.description = `${rc.Action} ${label}`;
  }
  return out;
}

/** A change set name for a deployment (letters, digits and -; starts with a letter). */
export function changeSetName(deploymentId: string): string {
  return `berth-${deploymentId}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 128);
}

export interface PreparedChangeSet {
  diff: ChangeSetDiff;
  /** Absent when the change set was empty (and deleted). */
  changeSetId?: string;
  type: 'CREATE' | 'UPDATE';
}

export interface PrepareInput {
  stack: PlannedStack;
  parameters: Parameter[];
  project: string;
  deploymentId: string;
  /** Where a template over 51,200 bytes is put (the bootstrap bucket). */
  bucket: string;
  region: string;
  s3: S3Client;
  wait?: WaitKnobs;
  onEvent?: (event: StackEvent) => void;
  signal?: AbortSignal;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function templateSource(input: PrepareInput): Promise<{ TemplateBody: string } | { TemplateURL: string }> {
  if (!input.stack.needsUpload) return { TemplateBody: input.stack.body };
  const hash = createHash('sha256').update(input.stack.body).digest('hex');
  const key = `templates/${input.project}/${hash}.json`;
  await input.s3.send(new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: input.stack.body, ContentType: 'application/json' }));
  return { TemplateURL: `https://${input.bucket}.s3.${input.region}.amazonaws.com/${key}` };
}

async function describeAll(cfn: CloudFormationClient, stackName: string, id: string): Promise<DescribeChangeSetCommandOutput & { AllChanges: Change[] }> {
  const changes: Change[] = [];
  let token: string | undefined;
  let first: DescribeChangeSetCommandOutput | undefined;
  do {
    const out = await cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: id, ...(token ? { NextToken: token } : {}) }));
    first ??= out;
    changes.push(...(out.Changes ?? []));
    token = out.NextToken;
  } while (token);
  return { ...first!, AllChanges: changes };
}

/**
 * Gets the stack into a state a change set can start from: a stack whose first creation failed
 * (ROLLBACK_COMPLETE, nothing left in it) is deleted; a failed rollback is continued.
 */
async function clearFailedState(cfn: CloudFormationClient, stack: Stack, input: PrepareInput): Promise<Stack | undefined> {
  const status = stack.StackStatus ?? '';
  const wait = async (after: string | undefined) =>
    waitForStack(cfn, input.stack.stackName, { ...input.wait, after, ...(input.onEvent ? { onEvent: input.onEvent } : {}), ...(input.signal ? { signal: input.signal } : {}) });
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'DELETE_FAILED') {
    const after = await latestEventId(cfn, input.stack.stackName);
    await cfn.send(new DeleteStackCommand({ StackName: input.stack.stackName }));
    const deleted = await wait(after);
    if (deleted.status !== 'DELETE_COMPLETE') {
      raise('STACK_FAILED', `${input.stack.stackName} is left from a failed first deploy and could not be deleted: ${describeFailure(deleted.firstFailure)}.`, { status: deleted.status });
    }
    return undefined;
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    const after = await latestEventId(cfn, input.stack.stackName);
    await cfn.send(new ContinueUpdateRollbackCommand({ StackName: input.stack.stackName }));
    const rolled = await wait(after);
    if (rolled.status !== 'UPDATE_ROLLBACK_COMPLETE') {
      raise('STACK_FAILED', `${input.stack.stackName}'s last update could not roll back: ${describeFailure(rolled.firstFailure)}. Fix it in the CloudFormation console, then retry.`, { status: rolled.status });
    }
    return rolled.stack;
  }
  return stack;
}

/** CreateChangeSet may refuse an unchanged stack outright ("No updates are to be performed."): nothing to change, not a failure. */
async function nothingToChangeIsUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if ((error as { name?: string }).name === 'ValidationError' && NO_CHANGES.test((error as Error).message)) return undefined;
    throw error;
  }
}

/** Creates the change set and waits for it; an empty one is deleted and reported as `empty`. */
export async function prepareChangeSet(cfn: CloudFormationClient, existing: Stack | undefined, input: PrepareInput): Promise<PreparedChangeSet> {
  const stackName = input.stack.stackName;
  const sleep = input.wait?.sleep ?? realSleep;
  const stack = existing ? await clearFailedState(cfn, existing, input) : undefined;
  const type: 'CREATE' | 'UPDATE' = !stack || stack.StackStatus === 'REVIEW_IN_PROGRESS' ? 'CREATE' : 'UPDATE';
  const name = changeSetName(input.deploymentId);
  const nothingToChange = { diff: { stackName, changeSetName: name, changes: [], empty: true }, type };
  const created = await nothingToChangeIsUndefined(
    cfn.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: name,
        ChangeSetType: type,
        ...(await templateSource(input)),
        Parameters: input.parameters,
        Capabilities: [...CAPABILITIES],
        Tags: berthTags(input.project),
        Description: `Berth deployment ${input.deploymentId}`,
      }),
    ),
  );
  if (!created) return nothingToChange;
  const id = created.Id ?? name;
  let interval = input.wait?.initialIntervalMs ?? 1_000;
  for (;;) {
    const described = await describeAll(cfn, stackName, id);
    const status = described.Status ?? '';
    if (status === 'CREATE_COMPLETE') {
      const changes = described.AllChanges.map(toChange).filter((c): c is ChangeSetChange => c !== undefined);
      return { diff: { stackName, changeSetName: name, changes, empty: changes.length === 0 }, changeSetId: id, type };
    }
    if (status === 'FAILED') {
      const reason = described.StatusReason ?? 'no reason given';
      await cfn.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: id })).catch(() => undefined);
      if (NO_CHANGES.test(reason)) return nothingToChange;
      raise('STACK_FAILED', `CloudFormation refused the changes to ${stackName}: ${reason}`, { stackName, reason });
    }
    input.signal?.throwIfAborted();
    await sleep(interval);
    interval = Math.min(input.wait?.maxIntervalMs ?? 5_000, Math.round(interval * 1.5));
  }
}

/** Deletes a change set the user did not approve. */
export async function discardChangeSet(cfn: CloudFormationClient, stackName: string, changeSetId: string): Promise<void> {
  await cfn.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetId })).catch(() => undefined);
}

export interface StackOutcome {
  status: string;
  outputs: Record<string, string>;
  events: StackEvent[];
}

/** Words for how a failed operation ended. */
export function rollbackOutcome(status: string): string {
  if (status === 'UPDATE_ROLLBACK_COMPLETE') return 'CloudFormation rolled the stack back: the previous version is running again.';
  if (status === 'ROLLBACK_COMPLETE') return 'CloudFormation rolled the creation back: nothing was kept, and the next deploy starts over.';
  if (status.endsWith('ROLLBACK_FAILED')) return 'The rollback failed too: some resources may be left half-changed. Check the stack in the CloudFormation console.';
  return `The stack ended as ${status}.`;
}

/** Executes the change set and follows the stack until it settles; a failed operation raises STACK_FAILED. */
export async function executeChangeSet(
  cfn: CloudFormationClient,
  stackName: string,
  changeSetId: string,
  options: { onEvent?: (event: StackEvent) => void; wait?: WaitKnobs; signal?: AbortSignal } = {},
): Promise<StackOutcome> {
  const after = await latestEventId(cfn, stackName);
  await cfn.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetId }));
  return followStack(cfn, stackName, { ...options, after });
}

/** Follows a stack operation already running (after execute, or after a restart) until it settles. */
export async function followStack(
  cfn: CloudFormationClient,
  stackName: string,
  options: { after?: string; onEvent?: (event: StackEvent) => void; wait?: WaitKnobs; signal?: AbortSignal } = {},
): Promise<StackOutcome> {
  const result = await waitForStack(cfn, stackName, {
    ...options.wait,
    ...(options.after ? { after: options.after } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.status === 'CREATE_COMPLETE' || result.status === 'UPDATE_COMPLETE') {
    return { status: result.status, outputs: stackOutputs(result.stack), events: result.events };
  }
  const failure = result.firstFailure;
  raise('STACK_FAILED', `Deploying ${stackName} failed: ${describeFailure(failure)}. ${rollbackOutcome(result.status)}`, {
    stackName,
    status: result.status,
    rollback: rollbackOutcome(result.status),
    ...(failure ? { resource: failure.logicalId, resourceType: failure.type, reason: failure.reason } : {}),
  });
}

/** The public URLs among a project stack's outputs. */
export function urlsFromOutputs(outputs: Record<string, string>): string[] {
  return Object.keys(outputs)
    .filter((k) => /Url\d*$|HttpsUrl$/.test(k))
    .sort()
    .map((k) => outputs[k]!);
}

export { describeStack };
