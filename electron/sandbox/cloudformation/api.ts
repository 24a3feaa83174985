/** CloudFormation over the query protocol: stacks, change sets, events, resources, templates. */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import type { SandboxRequest, SandboxResponse } from '../http';
import { uuid } from '../ids';
import { bool, list, parseQuery, queryResponse, required, str, type QueryInput, type QueryValue } from '../protocol/query';
import type { XmlValue } from '../protocol/xml';
import type { ChangeSetRecord, Stack, StackParameter } from '../state';
import { computeChanges, type ResourceChange } from './changeset';
import { continueUpdateRollback, prepare, setStackStatus, startOperation } from './engine';
import { checkReferences } from './graph';
import { checkCapabilities, resolveParameters, type GivenParameter } from './parameters';
import { findStack, inProgress, requireStack, requireUpdatable } from './stacks';
import { parseTemplate } from './template';
import { templateText } from './template-source';

export const CFN_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;
const PAGE = 100;

function obj(v: QueryValue | undefined): QueryInput {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function givenParameters(input: QueryInput): GivenParameter[] {
  return list(input, 'Parameters').map((p) => {
    const o = obj(p);
    return { key: str(o, 'ParameterKey') ?? '', value: str(o, 'ParameterValue'), usePrevious: bool(o, 'UsePreviousValue') };
  });
}

function tagsOf(input: QueryInput): Record<string, string> | undefined {
  if (!(input.Tags !== undefined)) return undefined;
  return Object.fromEntries(list(input, 'Tags').map((t) => [str(obj(t), 'Key') ?? '', str(obj(t), 'Value') ?? '']));
}

function strings(input: QueryInput, key: string): string[] {
  return list(input, key).filter((v): v is string => typeof v === 'string');
}

function stackArn(core: SandboxCore, name: string): string {
  return `arn:aws:cloudformation:${core.region}:${core.account}:stack/${name}/${uuid()}`;
}

/** Parses, checks references and parameters, and plans the template (all synchronous ValidationErrors). */
function validateForStack(core: SandboxCore, stack: Pick<Stack, 'name' | 'id'>, body: string, given: GivenParameter[], previous: StackParameter[], capabilities: string[]) {
  const template = parseTemplate(body);
  checkReferences(template);
  const parameters = resolveParameters(core, template, given, previous);
  checkCapabilities(template, capabilities);
  const prepared = prepare(core, stack, body, parameters);
  return { template, parameters, prepared };
}

function newStack(core: SandboxCore, name: string, input: QueryInput, body: string, parameters: StackParameter[], description: string | undefined, status: string): Stack {
  return {
    id: stackArn(core, name),
    name,
    status,
    createdAt: Date.now(),
    description,
    templateBody: body,
    parameters,
    capabilities: strings(input, 'Capabilities'),
    tags: tagsOf(input) ?? {},
    outputs: [],
    resources: {},
    replaced: [],
    events: [],
    disableRollback: bool(input, 'DisableRollback') === true || str(input, 'OnFailure') === 'DO_NOTHING',
    deleteOnFailure: str(input, 'OnFailure') === 'DELETE',
    terminationProtection: bool(input, 'EnableTerminationProtection') === true,
    changeSets: [],
    roleArn: str(input, 'RoleARN'),
    notificationArns: strings(input, 'NotificationARNs'),
  };
}

function paramsView(params: StackParameter[]): XmlValue[] {
  return params.map((p) => ({ ParameterKey: p.key, ParameterValue: p.noEcho ? '****' : p.value, ...(p.resolvedValue !== undefined ? { ResolvedValue: p.resolvedValue } : {}) }));
}

function stackView(s: Stack): { [key: string]: XmlValue } {
  return {
    StackId: s.id,
    StackName: s.name,
    ...(s.description ? { Description: s.description } : {}),
    Parameters: paramsView(s.parameters),
    CreationTime: new Date(s.createdAt),
    ...(s.deletedAt ? { DeletionTime: new Date(s.deletedAt) } : {}),
    ...(s.updatedAt ? { LastUpdatedTime: new Date(s.updatedAt) } : {}),
    RollbackConfiguration: {},
    StackStatus: s.status,
    ...(s.statusReason ? { StackStatusReason: s.statusReason } : {}),
    DisableRollback: s.disableRollback,
    NotificationARNs: s.notificationArns,
    Capabilities: s.capabilities,
    Outputs: s.outputs.map((o) => ({ OutputKey: o.key, OutputValue: o.value, ...(o.description ? { Description: o.description } : {}), ...(o.exportName ? { ExportName: o.exportName } : {}) })),
    ...(s.roleArn ? { RoleARN: s.roleArn } : {}),
    Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
    EnableTerminationProtection: s.terminationProtection,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

function page<T>(items: T[], token: string | undefined, size = PAGE): { items: T[]; next?: string } {
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) || 0 : 0;
  return { items: items.slice(start, start + size), next: start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined };
}

function changeView(c: ResourceChange): XmlValue {
  return {
    Type: 'Resource',
    ResourceChange: {
      Action: c.Action,
      LogicalResourceId: c.LogicalResourceId,
      PhysicalResourceId: c.PhysicalResourceId,
      ResourceType: c.ResourceType,
      Replacement: c.Replacement,
      PolicyAction: c.PolicyAction,
      Scope: c.Scope,
      Details: c.Details.map((d) => ({ Target: { ...d.Target }, Evaluation: d.Evaluation, ChangeSource: d.ChangeSource, CausingEntity: d.CausingEntity })),
    },
  };
}

function findChangeSet(core: SandboxCore, input: QueryInput): { stack: Stack; changeSet: ChangeSetRecord } {
  const name = required(input, 'ChangeSetName');
  const stackName = str(input, 'StackName');
  const notFound = (): never => fail('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
  const stacks = name.startsWith('arn:') ? [...core.state.cloudformation.stacks.values()] : stackName ? [findStack(core, stackName)].filter((s): s is Stack => s !== undefined) : [];
  if (!name.startsWith('arn:') && !stackName) fail('ValidationError', 'StackName must be specified if ChangeSetName is not specified as an ARN.');
  if (stackName && stacks.length === 0) fail('ValidationError', `Stack [${stackName}] does not exist`);
  for (const stack of stacks) {
    const changeSet = stack.changeSets.find((c) => c.id === name || c.name === name);
    if (changeSet) return { stack, changeSet };
  }
  return notFound();
}

function noChanges(stack: Stack, changes: ResourceChange[], body: string, parameters: StackParameter[], tags: Record<string, string>): boolean {
  if (changes.length > 0) return false;
  const outputsOf = (text: string) => JSON.stringify(parseTemplate(text).Outputs);
  return outputsOf(body) === outputsOf(stack.templateBody) && JSON.stringify(parameters.map((p) => [p.key, p.value])) === JSON.stringify(stack.parameters.map((p) => [p.key, p.value])) && JSON.stringify(tags) === JSON.stringify(stack.tags);
}

function beginUpdate(core: SandboxCore, stack: Stack, body: string, parameters: StackParameter[], capabilities: string[], tags: Record<string, string>, token?: string, changeSetId?: string): void {
  stack.previous = { templateBody: stack.templateBody, parameters: stack.parameters, resources: structuredClone(stack.resources), outputs: stack.outputs, tags: stack.tags };
  stack.templateBody = body;
  stack.parameters = parameters;
  stack.capabilities = capabilities;
  stack.tags = tags;
  stack.replaced = [];
  stack.updatedAt = Date.now();
  stack.description = parseTemplate(body).Description;
  startOperation(core, stack, 'UPDATE', { clientRequestToken: token, changeSetId });
}

type Operation = (input: QueryInput, core: SandboxCore) => { [key: string]: XmlValue } | undefined;

const ops: Record<string, Operation> = {
  CreateStack(input, core) {
    const name = required(input, 'StackName');
    if (!STACK_NAME.test(name)) fail('ValidationError', `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
    if (findStack(core, name)) fail('AlreadyExistsException', `Stack [${name}] already exists`);
    const body = templateText(core, str(input, 'TemplateBody'), str(input, 'TemplateURL'));
    const placeholder = { name, id: stackArn(core, name) };
    const { template, parameters } = validateForStack(core, placeholder, body, givenParameters(input), [], strings(input, 'Capabilities'));
    const stack = newStack(core, name, input, body, parameters, template.Description, 'CREATE_IN_PROGRESS');
    stack.id = placeholder.id;
    core.state.cloudformation.stacks.set(stack.id, stack);
    startOperation(core, stack, 'CREATE', { clientRequestToken: str(input, 'ClientRequestToken') });
    return { StackId: stack.id };
  },
  UpdateStack(input, core) {
    const stack = requireStack(core, required(input, 'StackName'));
    requireUpdatable(stack);
    const body = templateText(core, str(input, 'TemplateBody'), str(input, 'TemplateURL'), bool(input, 'UsePreviousTemplate') ? stack.templateBody : undefined);
    const capabilities = strings(input, 'Capabilities');
    const { parameters, prepared } = validateForStack(core, stack, body, givenParameters(input), stack.parameters, capabilities);
    const tags = tagsOf(input) ?? stack.tags;
    const changes = computeChanges(core, stack, prepared, stack.parameters, parameters);
    if (noChanges(stack, changes, body, parameters, tags)) fail('ValidationError', 'No updates are to be performed.');
    if (input.DisableRollback !== undefined) stack.disableRollback = bool(input, 'DisableRollback') === true;
    beginUpdate(core, stack, body, parameters, capabilities, tags, str(input, 'ClientRequestToken'));
    return { StackId: stack.id };
  },
  DeleteStack(input, core) {
    const stack = findStack(core, required(input, 'StackName'));
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return undefined;
    if (stack.terminationProtection) fail('ValidationError', `Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`);
    const retain = strings(input, 'RetainResources');
    if (retain.length > 0 && stack.status !== 'DELETE_FAILED') fail('ValidationError', `Invalid operation on stack [${stack.id}]. RetainResources can only be specified when the stack is in DELETE_FAILED state.`);
    if (inProgress(stack) && stack.status !== 'REVIEW_IN_PROGRESS') fail('ValidationError', `Stack [${stack.name}] is in ${stack.status} state and can not be deleted.`);
    startOperation(core, stack, 'DELETE', { retain, clientRequestToken: str(input, 'ClientRequestToken') });
    return undefined;
  },
  DescribeStacks(input, core) {
    const name = str(input, 'StackName');
    const stacks = name ? [requireStack(core, name)] : [...core.state.cloudformation.stacks.values()].filter((s) => s.status !== 'DELETE_COMPLETE');
    const { items, next } = page(stacks, str(input, 'NextToken'));
    return { Stacks: items.map(stackView), ...(next ? { NextToken: next } : {}) };
  },
  ListStacks(input, core) {
    const filter = strings(input, 'StackStatusFilter');
    const stacks = [...core.state.cloudformation.stacks.values()].filter((s) => filter.length === 0 || filter.includes(s.status)).reverse();
    const { items, next } = page(stacks, str(input, 'NextToken'));
    return {
      StackSummaries: items.map((s) => ({
        StackId: s.id,
        StackName: s.name,
        ...(s.description ? { TemplateDescription: s.description } : {}),
        CreationTime: new Date(s.createdAt),
        ...(s.updatedAt ? { LastUpdatedTime: new Date(s.updatedAt) } : {}),
        ...(s.deletedAt ? { DeletionTime: new Date(s.deletedAt) } : {}),
        StackStatus: s.status,
        ...(s.statusReason ? { StackStatusReason: s.statusReason } : {}),
        DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
  DescribeStackEvents(input, core) {
    const stack = requireStack(core, required(input, 'StackName'));
    const { items, next } = page([...stack.events].reverse(), str(input, 'NextToken'));
    return {
      StackEvents: items.map((e) => ({
        StackId: e.stackId,
        EventId: e.eventId,
        StackName: e.stackName,
        LogicalResourceId: e.logicalId,
        PhysicalResourceId: e.physicalId,
        ResourceType: e.resourceType,
        Timestamp: new Date(e.timestamp),
        ResourceStatus: e.status,
        ...(e.reason ? { ResourceStatusReason: e.reason } : {}),
        ...(e.properties ? { ResourceProperties: e.properties } : {}),
        ...(e.clientRequestToken ? { ClientRequestToken: e.clientRequestToken } : {}),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
  ListStackResources(input, core) {
    const stack = requireStack(core, required(input, 'StackName'));
    const { items, next } = page(Object.values(stack.resources), str(input, 'NextToken'));
    return {
      StackResourceSummaries: items.map((r) => ({
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        LastUpdatedTimestamp: new Date(r.updatedAt),
        ResourceStatus: r.status,
        ...(r.reason ? { ResourceStatusReason: r.reason } : {}),
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
  DescribeStackResources(input, core) {
    const physical = str(input, 'PhysicalResourceId');
    let stack: Stack | undefined;
    if (str(input, 'StackName')) stack = requireStack(core, str(input, 'StackName')!);
    else if (physical) stack = [...core.state.cloudformation.stacks.values()].find((s) => s.status !== 'DELETE_COMPLETE' && Object.values(s.resources).some((r) => r.physicalId === physical));
    if (!stack) fail('ValidationError', physical ? `Stack for ${physical} does not exist` : 'Either StackName or PhysicalResourceId must be specified.');
    const logical = str(input, 'LogicalResourceId');
    const resources = Object.values(stack.resources).filter((r) => (!logical || r.logicalId === logical) && (!physical || str(input, 'StackName') || r.physicalId === physical));
    return {
      StackResources: resources.map((r) => ({
        StackName: stack.name,
        StackId: stack.id,
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        Timestamp: new Date(r.updatedAt),
        ResourceStatus: r.status,
        ...(r.reason ? { ResourceStatusReason: r.reason } : {}),
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      })),
    };
  },
  DescribeStackResource(input, core) {
    const stack = requireStack(core, required(input, 'StackName'));
    const id = required(input, 'LogicalResourceId');
    const r = stack.resources[id];
    if (!r) fail('ValidationError', `Resource ${id} does not exist for stack ${stack.name}`);
    return {
      StackResourceDetail: {
        StackName: stack.name,
        StackId: stack.id,
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        LastUpdatedTimestamp: new Date(r.updatedAt),
        ResourceStatus: r.status,
        ...(r.reason ? { ResourceStatusReason: r.reason } : {}),
        ...(r.metadata !== undefined ? { Metadata: JSON.stringify(r.metadata) } : {}),
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      },
    };
  },
  GetTemplate(input, core) {
    const changeSetName = str(input, 'ChangeSetName');
    if (changeSetName) return { TemplateBody: findChangeSet(core, input).changeSet.templateBody, StagesAvailable: ['Original', 'Processed'] };
    const stack = requireStack(core, required(input, 'StackName'));
    return { TemplateBody: stack.templateBody, StagesAvailable: ['Original', 'Processed'] };
  },
  ValidateTemplate(input, core) {
    const body = templateText(core, str(input, 'TemplateBody'), str(input, 'TemplateURL'));
    const template = parseTemplate(body);
    checkReferences(template);
    let capability: string | undefined;
    try {
      checkCapabilities(template, []);
    } catch (error) {
      capability = /\[(.+)\]/.exec((error as Error).message)?.[1];
    }
    return {
      Parameters: Object.entries(template.Parameters).map(([key, def]) => ({ ParameterKey: key, ...(def.Default !== undefined ? { DefaultValue: String(def.Default) } : {}), NoEcho: def.NoEcho === true || def.NoEcho === 'true', ...(def.Description ? { Description: def.Description } : {}) })),
      ...(template.Description ? { Description: template.Description } : {}),
      Capabilities: capability ? [capability] : [],
      ...(capability ? { CapabilitiesReason: `The following resource(s) require capabilities: [${Object.values(template.Resources).filter((r) => r.Type.startsWith('AWS::IAM::')).map((r) => r.Type).filter((t, i, a) => a.indexOf(t) === i).join(', ')}]` } : {}),
    };
  },
  GetTemplateSummary(input, core) {
    const stackName = str(input, 'StackName');
    const body = stackName ? requireStack(core, stackName).templateBody : templateText(core, str(input, 'TemplateBody'), str(input, 'TemplateURL'));
    const template = parseTemplate(body);
    return {
      Parameters: Object.entries(template.Parameters).map(([key, def]) => ({ ParameterKey: key, ParameterType: def.Type, ...(def.Default !== undefined ? { DefaultValue: String(def.Default) } : {}), NoEcho: def.NoEcho === true || def.NoEcho === 'true', ParameterConstraints: { AllowedValues: (def.AllowedValues ?? []).map(String) } })),
      ...(template.Description ? { Description: template.Description } : {}),
      ResourceTypes: [...new Set(Object.values(template.Resources).map((r) => r.Type))],
      ...(template.Metadata !== undefined ? { Metadata: JSON.stringify(template.Metadata) } : {}),
      Version: template.AWSTemplateFormatVersion ?? '2010-09-09',
    };
  },
  UpdateTerminationProtection(input, core) {
    const stack = requireStack(core, required(input, 'StackName'));
    stack.terminationProtection = bool(input, 'EnableTerminationProtection') === true;
    core.changed();
    return { StackId: stack.id };
  },
  ContinueUpdateRollback(input, core) {
    const stack = requireStack(core, required(input, 'StackName'));
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED') fail('ValidationError', `Stack ${stack.id} is in ${stack.status} state and can not continue update rollback.`);
    continueUpdateRollback(core, stack, strings(input, 'ResourcesToSkip'));
    return {};
  },
  ListExports(input, core) {
    const exports = [...core.state.cloudformation.stacks.values()].filter((s) => s.status !== 'DELETE_COMPLETE').flatMap((s) => s.outputs.filter((o) => o.exportName).map((o) => ({ ExportingStackId: s.id, Name: o.exportName!, Value: o.value })));
    const { items, next } = page(exports, str(input, 'NextToken'));
    return { Exports: items, ...(next ? { NextToken: next } : {}) };
  },
  CreateChangeSet(input, core) {
    const stackName = required(input, 'StackName');
    const name = required(input, 'ChangeSetName');
    if (!STACK_NAME.test(name)) fail('ValidationError', `1 validation error detected: Value '${name}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
    const type = (str(input, 'ChangeSetType') ?? 'UPDATE') as 'CREATE' | 'UPDATE';
    if (type !== 'CREATE' && type !== 'UPDATE') fail('ValidationError', `The Berth sandbox supports change sets of type CREATE and UPDATE, not ${type}.`);
    let stack = findStack(core, stackName);
    const capabilities = strings(input, 'Capabilities');
    if (type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') fail('ValidationError', `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`);
      if (!STACK_NAME.test(stackName)) fail('ValidationError', `1 validation error detected: Value '${stackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
    } else {
      if (!stack || stack.status === 'REVIEW_IN_PROGRESS') fail('ValidationError', `Stack [${stackName}] does not exist`);
      requireUpdatable(stack);
    }
    if (stack?.changeSets.some((c) => c.name === name)) fail('AlreadyExistsException', `ChangeSet [${name}] already exists`);
    const body = templateText(core, str(input, 'TemplateBody'), str(input, 'TemplateURL'), bool(input, 'UsePreviousTemplate') ? stack?.templateBody : undefined);
    const target = stack ?? { name: stackName, id: stackArn(core, stackName) };
    const { parameters } = validateForStack(core, target, body, givenParameters(input), stack?.parameters ?? [], capabilities);
    if (!stack) {
      stack = newStack(core, stackName, input, body, [], undefined, 'REVIEW_IN_PROGRESS');
      stack.id = target.id;
      stack.templateBody = '';
      core.state.cloudformation.stacks.set(stack.id, stack);
      setStackStatus(core, stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
    }
    const changeSet: ChangeSetRecord = {
      id: `arn:aws:cloudformation:${core.region}:${core.account}:changeSet/${name}/${uuid()}`,
      name,
      stackId: stack.id,
      type,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      createdAt: Date.now(),
      description: str(input, 'Description'),
      templateBody: body,
      parameters,
      capabilities,
      tags: tagsOf(input) ?? stack.tags,
      changes: [],
    };
    stack.changeSets.push(changeSet);
    core.changed();
    const owner = stack;
    core.scheduler.run(async () => {
      changeSet.status = 'CREATE_IN_PROGRESS';
      await core.scheduler.sleep(core.timing.ms('changeSet'));
      try {
        const prepared = prepare(core, owner, body, parameters);
        const changes = computeChanges(core, owner, prepared, type === 'CREATE' ? [] : owner.parameters, parameters);
        if (type === 'UPDATE' && noChanges(owner, changes, body, parameters, changeSet.tags)) {
          changeSet.status = 'FAILED';
          changeSet.statusReason = "The submitted information didn't contain changes. Submit different information to create a change set.";
        } else {
          changeSet.changes = changes;
          changeSet.status = 'CREATE_COMPLETE';
          changeSet.executionStatus = 'AVAILABLE';
        }
      } catch (error) {
        changeSet.status = 'FAILED';
        changeSet.statusReason = error instanceof Error ? error.message : String(error);
      }
      core.changed();
    });
    return { Id: changeSet.id, StackId: stack.id };
  },
  DescribeChangeSet(input, core) {
    const { stack, changeSet: c } = findChangeSet(core, input);
    const { items, next } = page(c.changes as ResourceChange[], str(input, 'NextToken'));
    return {
      ChangeSetName: c.name,
      ChangeSetId: c.id,
      StackId: stack.id,
      StackName: stack.name,
      ...(c.description ? { Description: c.description } : {}),
      Parameters: paramsView(c.parameters),
      CreationTime: new Date(c.createdAt),
      ExecutionStatus: c.executionStatus,
      Status: c.status,
      ...(c.statusReason ? { StatusReason: c.statusReason } : {}),
      NotificationARNs: [],
      RollbackConfiguration: {},
      Capabilities: c.capabilities,
      Tags: Object.entries(c.tags).map(([Key, Value]) => ({ Key, Value })),
      Changes: items.map(changeView),
      IncludeNestedStacks: false,
      ...(next ? { NextToken: next } : {}),
    };
  },
  ListChangeSets(input, core) {
    const stack = requireStack(core, required(input, 'StackName'));
    return {
      Summaries: stack.changeSets.map((c) => ({ StackId: stack.id, StackName: stack.name, ChangeSetId: c.id, ChangeSetName: c.name, ExecutionStatus: c.executionStatus, Status: c.status, ...(c.statusReason ? { StatusReason: c.statusReason } : {}), CreationTime: new Date(c.createdAt), ...(c.description ? { Description: c.description } : {}) })),
    };
  },
  DeleteChangeSet(input, core) {
    const { stack, changeSet } = findChangeSet(core, input);
    if (changeSet.executionStatus === 'EXECUTE_IN_PROGRESS') fail('InvalidChangeSetStatus', `ChangeSet [${changeSet.id}] cannot be deleted in its current status of EXECUTE_IN_PROGRESS`);
    stack.changeSets = stack.changeSets.filter((c) => c !== changeSet);
    core.changed();
    return {};
  },
  ExecuteChangeSet(input, core) {
    const { stack, changeSet } = findChangeSet(core, input);
    if (changeSet.executionStatus !== 'AVAILABLE') fail('InvalidChangeSetStatus', `ChangeSet [${changeSet.id}] cannot be executed in its current execution status of [${changeSet.executionStatus}]`);
    if (inProgress(stack) && stack.status !== 'REVIEW_IN_PROGRESS') fail('InvalidChangeSetStatus', `ChangeSet [${changeSet.id}] cannot be executed in its current status of [${stack.status}]`);
    for (const other of stack.changeSets) if (other !== changeSet) other.executionStatus = 'OBSOLETE';
    changeSet.executionStatus = 'EXECUTE_IN_PROGRESS';
    if (input.DisableRollback !== undefined) stack.disableRollback = bool(input, 'DisableRollback') === true;
    if (changeSet.type === 'CREATE') {
      stack.templateBody = changeSet.templateBody;
      stack.parameters = changeSet.parameters;
      stack.capabilities = changeSet.capabilities;
      stack.tags = changeSet.tags;
      stack.description = parseTemplate(changeSet.templateBody).Description;
      startOperation(core, stack, 'CREATE', { clientRequestToken: str(input, 'ClientRequestToken'), changeSetId: changeSet.id });
    } else {
      beginUpdate(core, stack, changeSet.templateBody, changeSet.parameters, changeSet.capabilities, changeSet.tags, str(input, 'ClientRequestToken'), changeSet.id);
    }
    return {};
  },
};

/** Handles one CloudFormation request. */
export async function handleCloudFormation(req: SandboxRequest, core: SandboxCore): Promise<SandboxResponse> {
  const { action, input } = parseQuery(req.body.toString('utf8'));
  const op = Object.prototype.hasOwnProperty.call(ops, action) ? ops[action] : undefined;
  if (!op) fail('InvalidAction', `The action ${action || '(none)'} is not valid for this web service (the Berth sandbox does not implement it).`);
  return queryResponse(action, CFN_NAMESPACE, op(input, core), req.requestId);
}
