/**
 * Test helper: an in-memory CloudFormation behind aws-sdk-client-mock, so bootstrap and teardown
 * flows run through real status transitions and events. Each operation reports IN_PROGRESS on
 * the first look and its scripted outcome on the next.
 */
import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  UpdateStackCommand,
  UpdateTerminationProtectionCommand,
  type StackEvent,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeResource {
  logicalId: string;
  type: string;
  physicalId?: string;
}

export interface Outcome {
  status: string;
  /** Resources that fail, with their reasons (in order). */
  failures?: { logicalId: string; type: string; reason: string; status?: string }[];
  outputs?: Record<string, string>;
  resources?: FakeResource[];
}

export interface FakeStack {
  name: string;
  id: string;
  status: string;
  protection: boolean;
  body?: string;
  outputs: Record<string, string>;
  /** The stack's template parameters (key → value). */
  parameters?: Record<string, string>;
  tags: Tag[];
  resources: FakeResource[];
  events: StackEvent[];
  pending?: Outcome;
  lastUpdated: Date;
}

type Op = 'create' | 'update' | 'delete' | 'continue';
export type Script = Partial<Record<Op, (stack: FakeStack) => Outcome>>;

function validation(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationError', $metadata: { httpStatusCode: 400 }, $fault: 'client' });
}

/** Installs the fake on every CloudFormationClient; returns its state and the mock for call assertions. */
export function fakeCloudFormation(script: Script = {}) {
  const mock = mockClient(CloudFormationClient);
  const stacks = new Map<string, FakeStack>();
  let seq = 0;
  const find = (ref: string | undefined): FakeStack | undefined => {
    for (const s of stacks.values()) {
      if (s.id === ref) return s;
      if (s.name === ref && s.status !== 'DELETE_COMPLETE') return s;
    }
    return undefined;
  };
  const must = (ref: string | undefined) => {
    const s = find(ref);
    if (!s) throw validation(`Stack with id ${ref} does not exist`);
    return s;
  };
  const event = (s: FakeStack, logicalId: string, type: string, status: string, reason?: string, physicalId?: string) => {
    s.events.unshift({
      StackId: s.id,
      StackName: s.name,
      EventId: `ev-${++seq}`,
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalId,
      ResourceType: type,
      ResourceStatus: status as StackEvent['ResourceStatus'],
      ...(reason ? { ResourceStatusReason: reason } : {}),
      Timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)),
    });
  };
  const begin = (s: FakeStack, op: Op, status: string, fallback: Outcome) => {
    s.status = status;
    s.lastUpdated = new Date();
    event(s, s.name, 'AWS::CloudFormation::Stack', status, op === 'create' ? 'User Initiated' : undefined, s.id);
    s.pending = script[op]?.(s) ?? fallback;
  };
  // A look at an in-progress stack finishes its operation (the first look still sees it running).
  const advance = (s: FakeStack) => {
    if (!s.pending) return;
    if (s.status.endsWith('_IN_PROGRESS') && !(s as FakeStack & { looked?: boolean }).looked) {
      (s as FakeStack & { looked?: boolean }).looked = true;
      return;
    }
    const outcome = s.pending;
    s.pending = undefined;
    (s as FakeStack & { looked?: boolean }).looked = false;
    for (const f of outcome.failures ?? []) event(s, f.logicalId, f.type, f.status ?? (s.status.startsWith('DELETE') ? 'DELETE_FAILED' : 'CREATE_FAILED'), f.reason);
    if (outcome.resources) s.resources = outcome.resources;
    for (const r of s.resources) if (!outcome.failures?.length) event(s, r.logicalId, r.type, outcome.status.startsWith('DELETE') ? 'DELETE_COMPLETE' : 'CREATE_COMPLETE', undefined, r.physicalId);
    if (outcome.outputs) s.outputs = outcome.outputs;
    s.status = outcome.status;
    s.lastUpdated = new Date();
    event(s, s.name, 'AWS::CloudFormation::Stack', outcome.status, undefined, s.id);
  };
  const view = (s: FakeStack) => ({
    StackName: s.name,
    StackId: s.id,
    StackStatus: s.status as never,
    CreationTime: new Date(Date.UTC(2025, 0, 1)),
    LastUpdatedTime: s.lastUpdated,
    EnableTerminationProtection: s.protection,
    Outputs: Object.entries(s.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    Parameters: Object.entries(s.parameters ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    Tags: s.tags,
  });

  mock.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
    if (!input.StackName) {
      return { Stacks: [...stacks.values()].filter((s) => s.status !== 'DELETE_COMPLETE').map((s) => (advance(s), view(s))) };
    }
    const s = must(input.StackName);
    advance(s);
    return { Stacks: [view(s)] };
  });
  mock.on(DescribeStackEventsCommand).callsFake((input: { StackName: string }) => ({ StackEvents: [...must(input.StackName).events] }));
  mock.on(GetTemplateCommand).callsFake((input: { StackName: string }) => ({ TemplateBody: must(input.StackName).body }));
  const resourcesOf = (input: { StackName: string }) =>
    must(input.StackName).resources.map((r) => ({
      LogicalResourceId: r.logicalId,
      PhysicalResourceId: r.physicalId ?? `${r.logicalId.toLowerCase()}-phys`,
      ResourceType: r.type,
      ResourceStatus: 'CREATE_COMPLETE' as const,
      LastUpdatedTimestamp: new Date(Date.UTC(2025, 0, 1)),
      Timestamp: new Date(Date.UTC(2025, 0, 1)),
    }));
  mock.on(ListStackResourcesCommand).callsFake((input: { StackName: string }) => ({ StackResourceSummaries: resourcesOf(input) }));
  mock.on(DescribeStackResourcesCommand).callsFake((input: { StackName: string }) => ({ StackResources: resourcesOf(input) }));
  mock.on(CreateStackCommand).callsFake((input: { StackName: string; TemplateBody?: string; Tags?: Tag[]; EnableTerminationProtection?: boolean }) => {
    if (find(input.StackName)) throw Object.assign(new Error(`Stack [${input.StackName}] already exists`), { name: 'AlreadyExistsException', $metadata: {} });
    const s: FakeStack = {
      name: input.StackName,
      id: `arn:aws:cloudformation:us-east-1:111122223333:stack/${input.StackName}/${++seq}`,
      status: 'CREATE_IN_PROGRESS',
      protection: input.EnableTerminationProtection ?? false,
      body: input.TemplateBody,
      outputs: {},
      tags: input.Tags ?? [],
      resources: [],
      events: [],
      lastUpdated: new Date(),
    };
    stacks.set(s.id, s);
    begin(s, 'create', 'CREATE_IN_PROGRESS', { status: 'CREATE_COMPLETE' });
    return { StackId: s.id };
  });
  mock.on(UpdateStackCommand).callsFake((input: { StackName: string; TemplateBody?: string }) => {
    const s = must(input.StackName);
    if (s.status.endsWith('_IN_PROGRESS')) throw validation(`Stack ${s.name} is in ${s.status} state and can not be updated.`);
    if (input.TemplateBody === s.body) throw validation('No updates are to be performed.');
    s.body = input.TemplateBody;
    begin(s, 'update', 'UPDATE_IN_PROGRESS', { status: 'UPDATE_COMPLETE' });
    return { StackId: s.id };
  });
  mock.on(UpdateTerminationProtectionCommand).callsFake((input: { StackName: string; EnableTerminationProtection: boolean }) => {
    must(input.StackName).protection = input.EnableTerminationProtection;
    return {};
  });
  mock.on(DeleteStackCommand).callsFake((input: { StackName: string }) => {
    const s = find(input.StackName);
    if (!s) return {}; // deleting a missing stack succeeds, as in AWS
    if (s.protection) throw validation(`Stack [${s.name}] cannot be deleted while TerminationProtection is enabled`);
    begin(s, 'delete', 'DELETE_IN_PROGRESS', { status: 'DELETE_COMPLETE' });
    return {};
  });
  mock.on(ContinueUpdateRollbackCommand).callsFake((input: { StackName: string }) => {
    const s = must(input.StackName);
    begin(s, 'continue', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', { status: 'UPDATE_ROLLBACK_COMPLETE' });
    return {};
  });

  /** Puts a stack in a given state directly (a leftover from an earlier run). */
  const seed = (name: string, status: string, extra: Partial<FakeStack> = {}) => {
    const s: FakeStack = {
      name,
      id: `arn:aws:cloudformation:us-east-1:111122223333:stack/${name}/${++seq}`,
      status,
      protection: false,
      outputs: {},
      tags: [],
      resources: [],
      events: [],
      lastUpdated: new Date(Date.UTC(2025, 0, 2)),
      ...extra,
    };
    stacks.set(s.id, s);
    return s;
  };
  return { mock, stacks, seed, find };
}
