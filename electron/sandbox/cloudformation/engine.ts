/**
 * Stack operations: create, update (in place or by replacement, then cleanup), delete, and the
 * rollbacks, with CloudFormation's statuses and events. Each operation is persisted on the stack
 * (with a journal of what it changed) so it resumes after a restart and can be undone.
 */
import { SandboxError } from '../errors';
import type { SandboxCore } from '../core';
import { uuid } from '../ids';
import type { JournalEntry, Stack, StackEvent, StackOperation, StackOutput, StackResource } from '../state';
import { hasDynamicReference, resolveDynamicReferences } from './dynamic-refs';
import { dependencies, topologicalOrder } from './graph';
import { evaluate, evaluateConditions, Unknown, type EvalScope } from './intrinsics';
import { parameterValues } from './parameters';
import { providerFor } from './providers';
import { genericAttribute } from './providers/generic';
import { ResourceFailure, type ProviderContext, type ProvisionedResource } from './providers/types';
import { parseTemplate, usesLanguageExtensions, type Template } from './template';
import { propertyErrors } from './validate-properties';
import { replacementFor } from './replacement';
import type { StackParameter } from '../state';

export interface PreparedTemplate {
  template: Template;
  params: Record<string, string | string[]>;
  conditions: Record<string, boolean>;
  active: Set<string>;
  graph: Map<string, Set<string>>;
  order: string[];
}

/** Parses and plans a template with its parameters (conditions, active resources, dependency order). */
export function prepare(core: SandboxCore, stack: Pick<Stack, 'name' | 'id'>, templateBody: string, parameters: StackParameter[]): PreparedTemplate {
  const template = parseTemplate(templateBody);
  const params = parameterValues(template, parameters);
  const base = { template, region: core.region, account: core.account, stackName: stack.name, stackId: stack.id, params, ref: () => undefined, getAtt: () => undefined, importValue: () => '', languageExtensions: usesLanguageExtensions(template) };
  const conditions = evaluateConditions(template, base);
  const active = new Set(Object.entries(template.Resources).filter(([, r]) => r.Condition === undefined || conditions[r.Condition] === true).map(([id]) => id));
  const graph = dependencies(template, active);
  const order = topologicalOrder(graph);
  return { template, params, conditions, active, graph, order };
}

/** Looks an export up across live stacks. */
export function importValue(core: SandboxCore, name: string): string {
  for (const s of core.state.cloudformation.stacks.values()) {
    if (s.status === 'DELETE_COMPLETE') continue;
    const out = s.outputs.find((o) => o.exportName === name);
    if (out) return out.value;
  }
  throw new SandboxError('ValidationError', `No export named ${name} found. Rollback requested by user.`);
}

/** An evaluation scope over the stack's current resources; in preview, `pending` resources are Unknown. */
export function scopeFor(core: SandboxCore, stack: Stack, prepared: PreparedTemplate, pending?: Set<string>, section: EvalScope['section'] = 'Resources'): EvalScope {
  const resolve = (id: string): StackResource | Unknown => {
    if (pending?.has(id)) return new Unknown(id);
    const r = stack.resources[id];
    if (!r || !r.physicalId) {
      if (pending) return new Unknown(id);
      throw new SandboxError('ValidationError', `Template error: resource ${id} is not created yet`);
    }
    return r;
  };
  return {
    template: prepared.template,
    region: core.region,
    account: core.account,
    stackName: stack.name,
    stackId: stack.id,
    params: prepared.params,
    conditions: prepared.conditions,
    active: prepared.active,
    languageExtensions: usesLanguageExtensions(prepared.template),
    section,
    ref(id) {
      const r = resolve(id);
      return r instanceof Unknown ? r : r.physicalId;
    },
    getAtt(id, attribute) {
      const r = resolve(id);
      if (r instanceof Unknown) return r;
      return attribute in r.attributes ? r.attributes[attribute] : genericAttribute({ core, type: r.type }, r.physicalId, attribute);
    },
    importValue: (name) => importValue(core, name),
  };
}

// ---- events and statuses ----

function addEvent(core: SandboxCore, stack: Stack, e: Omit<StackEvent, 'eventId' | 'stackId' | 'stackName' | 'timestamp'>): void {
  stack.events.push({ eventId: uuid(), stackId: stack.id, stackName: stack.name, timestamp: Date.now(), clientRequestToken: stack.operation?.clientRequestToken, ...e });
  core.changed();
}

/** Sets the stack's status and writes its stack event. */
export function setStackStatus(core: SandboxCore, stack: Stack, status: string, reason?: string): void {
  stack.status = status;
  stack.statusReason = reason;
  addEvent(core, stack, { logicalId: stack.name, physicalId: stack.id, resourceType: 'AWS::CloudFormation::Stack', status, reason });
}

function setResourceStatus(core: SandboxCore, stack: Stack, r: StackResource, status: string, reason?: string, withProperties = false): void {
  r.status = status;
  r.reason = reason;
  r.updatedAt = Date.now();
  addEvent(core, stack, { logicalId: r.logicalId, physicalId: r.physicalId, resourceType: r.type, status, reason, properties: withProperties ? JSON.stringify(r.properties) : undefined });
}

const SERVICE_LABELS: Record<string, string> = { S3: 'S3', EC2: 'Ec2', IAM: 'Iam', ECS: 'Ecs', ECR: 'Ecr', Logs: 'CloudWatchLogs', SSM: 'Ssm', RDS: 'Rds', ElastiCache: 'ElastiCache', ElasticLoadBalancingV2: 'ElasticLoadBalancingV2', Events: 'EventBridge' };

/** The reason CloudFormation shows for a failed resource handler. */
export function failureReason(type: string, error: unknown): string {
  if (error instanceof ResourceFailure) return error.message;
  if (error instanceof SandboxError) {
    if (['ValidationError', 'InsufficientCapabilitiesException'].includes(error.code)) return error.message;
    const service = SERVICE_LABELS[type.split('::')[1] ?? ''] ?? type.split('::')[1] ?? 'Unknown';
    const handlerCode = error.code === 'AlreadyExists' ? 'AlreadyExists' : /NotFound|NoSuch/.test(error.code) ? 'NotFound' : ['InvalidRequest', 'InvalidParameterValue'].includes(error.code) ? 'InvalidRequest' : 'GeneralServiceException';
    return `Resource handler returned message: "${error.message} (Service: ${service}, Status Code: ${error.status}, Request ID: ${uuid()})" (RequestToken: ${uuid()}, HandlerErrorCode: ${handlerCode})`;
  }
  if (error instanceof Error && error.name === 'SandboxClosed') throw error;
  return `Internal failure in the Berth sandbox: ${error instanceof Error ? error.message : String(error)}`;
}

function stackTags(stack: Stack, logicalId: string): Record<string, string> {
  return { ...stack.tags, 'aws:cloudformation:stack-name': stack.name, 'aws:cloudformation:stack-id': stack.id, 'aws:cloudformation:logical-id': logicalId };
}

function providerContext(core: SandboxCore, stack: Stack, logicalId: string, type: string): ProviderContext {
  const progress = (reason: string) => {
    const r = stack.resources[logicalId];
    if (r) setResourceStatus(core, stack, r, r.status, reason);
  };
  return { core, stack, logicalId, type, stackTags: stackTags(stack, logicalId), progress };
}

function pause(core: SandboxCore, type: string): Promise<void> {
  return core.scheduler.sleep(core.timing.ms(providerFor(type).duration ?? 'resourceDefault'));
}

/** Walks resources concurrently in dependency order; stops starting new ones after a failure. Returns the failed ids. */
async function walk(ids: string[], waitsFor: (id: string) => Iterable<string>, step: (id: string) => Promise<boolean>): Promise<string[]> {
  const pending = new Set(ids);
  const done = new Set<string>();
  const failed: string[] = [];
  const running = new Map<string, Promise<[string, boolean]>>();
  for (;;) {
    if (failed.length === 0) {
      for (const id of [...pending]) {
        if ([...waitsFor(id)].every((d) => done.has(d) || !ids.includes(d))) {
          pending.delete(id);
          running.set(
            id,
            step(id).then((ok) => [id, ok] as [string, boolean]),
          );
        }
      }
    }
    if (running.size === 0) break;
    const [id, ok] = await Promise.race(running.values());
    running.delete(id);
    if (ok) done.add(id);
    else failed.push(id);
  }
  return failed;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return typeof v === 'number' ? String(v) : v;
  });
}

/** Top-level property names whose values differ. */
export function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !deepEqual(before[k], after[k]));
}

function evaluateProperties(core: SandboxCore, stack: Stack, prepared: PreparedTemplate, id: string): Record<string, unknown> {
  const def = prepared.template.Resources[id]!;
  return evaluate(def.Properties ?? {}, scopeFor(core, stack, prepared)) as Record<string, unknown>;
}

// Validates and resolves dynamic references just before a handler call; the resolved copy is never stored.
function handlerProperties(core: SandboxCore, id: string, type: string, props: Record<string, unknown>): Record<string, unknown> {
  const errors = propertyErrors(type, props);
  if (errors.length > 0) throw new ResourceFailure(`Properties validation failed for resource ${id} with message: [${errors.join(', ')}]`);
  return hasDynamicReference(props) ? resolveDynamicReferences(core, props) : props;
}

// ---- steps ----

async function createStep(core: SandboxCore, stack: Stack, prepared: PreparedTemplate, id: string, op: StackOperation): Promise<boolean> {
  const def = prepared.template.Resources[id]!;
  const provider = providerFor(def.Type);
  const ctx = providerContext(core, stack, id, def.Type);
  let r = stack.resources[id];
  if (r?.opId === op.id && (r.status === 'CREATE_COMPLETE' || r.status === 'UPDATE_COMPLETE')) return true;
  try {
    if (!r || !r.physicalId) {
      r = { logicalId: id, type: def.Type, physicalId: '', status: 'CREATE_IN_PROGRESS', updatedAt: Date.now(), properties: {}, attributes: {}, deletionPolicy: def.DeletionPolicy, updateReplacePolicy: def.UpdateReplacePolicy, dependsOn: [...(prepared.graph.get(id) ?? [])], metadata: def.Metadata };
      stack.resources[id] = r;
      setResourceStatus(core, stack, r, 'CREATE_IN_PROGRESS');
      await core.scheduler.sleep(0);
      const props = evaluateProperties(core, stack, prepared, id);
      r.properties = props;
      const created = provider.create(ctx, handlerProperties(core, id, def.Type, props));
      r.physicalId = created.physicalId;
      r.attributes = created.attributes;
      setResourceStatus(core, stack, r, 'CREATE_IN_PROGRESS', 'Resource creation Initiated', true);
    }
    await pause(core, def.Type);
    await provider.stabilize?.(ctx, { physicalId: r.physicalId, attributes: r.attributes });
    r.opId = op.id;
    setResourceStatus(core, stack, r, 'CREATE_COMPLETE');
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'SandboxClosed') throw error;
    setResourceStatus(core, stack, r!, 'CREATE_FAILED', failureReason(def.Type, error));
    return false;
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

async function updateStep(core: SandboxCore, stack: Stack, prepared: PreparedTemplate, id: string, op: StackOperation): Promise<boolean> {
  const def = prepared.template.Resources[id]!;
  const current = stack.resources[id];
  if (current?.opId === op.id) return true;
  if (!current || !current.physicalId || current.status === 'DELETE_COMPLETE') {
    op.journal[id] = { kind: 'created' };
    const ok = await createStep(core, stack, prepared, id, op);
    if (!ok) op.journal[id]!.failed = true;
    return ok;
  }
  const provider = providerFor(def.Type);
  const ctx = providerContext(core, stack, id, def.Type);
  let entry: JournalEntry | undefined = op.journal[id];
  try {
    if (entry && entry.kind !== 'created') {
      // Resumed after a restart mid-step: finish waiting for it.
      await provider.stabilize?.(ctx, { physicalId: current.physicalId, attributes: current.attributes });
    } else {
      const props = evaluateProperties(core, stack, prepared, id);
      if (current.type !== def.Type) throw new ResourceFailure(`Update of resource type is not permitted. The new template modifies resource type of the following resources: [${id}]`);
      const changed = changedProperties(current.properties, props);
      current.deletionPolicy = def.DeletionPolicy;
      current.updateReplacePolicy = def.UpdateReplacePolicy;
      current.dependsOn = [...(prepared.graph.get(id) ?? [])];
      if (changed.length === 0) {
        current.opId = op.id;
        core.changed();
        return true;
      }
      const replace = !provider.update || replacementFor(def.Type, changed, current.properties, props) === 'yes';
      entry = { kind: replace ? 'replaced' : 'updated', previous: clone(current) };
      op.journal[id] = entry;
      if (replace) {
        const nameProp = provider.nameProperty;
        if (nameProp && props[nameProp] !== undefined && deepEqual(props[nameProp], current.properties[nameProp])) {
          throw new ResourceFailure(`CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${String(props[nameProp])} and update the stack again.`);
        }
        setResourceStatus(core, stack, current, 'UPDATE_IN_PROGRESS', 'Requested update requires the creation of a new physical resource; hence creating one.');
        await core.scheduler.sleep(0);
        const created = provider.create(ctx, handlerProperties(core, id, def.Type, props));
        current.physicalId = created.physicalId;
        current.attributes = created.attributes;
        current.properties = props;
        // The old physical resource goes in the cleanup phase (honouring UpdateReplacePolicy), or comes back on rollback.
        stack.replaced.push({ logicalId: id, resource: clone(entry.previous!) });
        setResourceStatus(core, stack, current, 'UPDATE_IN_PROGRESS', 'Resource creation Initiated', true);
      } else {
        setResourceStatus(core, stack, current, 'UPDATE_IN_PROGRESS', undefined, true);
        await core.scheduler.sleep(0);
        const updated = provider.update!(ctx, { physicalId: current.physicalId, attributes: current.attributes }, handlerProperties(core, id, def.Type, props), current.properties);
        current.attributes = updated.attributes;
        current.properties = props;
      }
      await pause(core, def.Type);
      await provider.stabilize?.(ctx, { physicalId: current.physicalId, attributes: current.attributes });
    }
    current.opId = op.id;
    setResourceStatus(core, stack, current, 'UPDATE_COMPLETE');
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'SandboxClosed') throw error;
    if (entry) entry.failed = true;
    else op.journal[id] = { kind: 'updated', previous: clone(current), failed: true };
    setResourceStatus(core, stack, current, 'UPDATE_FAILED', failureReason(def.Type, error));
    return false;
  }
}

/** Deletes one physical resource, honouring a Retain/Snapshot policy. Returns false on failure. */
async function deletePhysical(core: SandboxCore, stack: Stack, r: StackResource, policy: string | undefined, retain: boolean): Promise<boolean> {
  const provider = providerFor(r.type);
  const ctx = providerContext(core, stack, r.logicalId, r.type);
  if (retain || policy === 'Retain') {
    setResourceStatus(core, stack, r, 'DELETE_SKIPPED');
    return true;
  }
  setResourceStatus(core, stack, r, 'DELETE_IN_PROGRESS');
  if (!r.physicalId) {
    setResourceStatus(core, stack, r, 'DELETE_COMPLETE');
    return true;
  }
  try {
    await pause(core, r.type);
    const resource: ProvisionedResource = { physicalId: r.physicalId, attributes: r.attributes };
    if (policy === 'Snapshot' && provider.snapshot) provider.snapshot(ctx, resource, r.properties);
    provider.delete(ctx, resource, r.properties);
    await provider.awaitDeleted?.(ctx, resource);
    setResourceStatus(core, stack, r, 'DELETE_COMPLETE');
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'SandboxClosed') throw error;
    setResourceStatus(core, stack, r, 'DELETE_FAILED', failureReason(r.type, error));
    return false;
  }
}

/** Deletes resources in reverse dependency order (each after everything that depends on it). */
async function deleteInOrder(core: SandboxCore, stack: Stack, ids: string[], retain: string[] = []): Promise<string[]> {
  const dependentsOf = (id: string) => ids.filter((other) => stack.resources[other]?.dependsOn.includes(id));
  return walk(ids, dependentsOf, (id) => {
    const r = stack.resources[id]!;
    if (r.status === 'DELETE_COMPLETE' || r.status === 'DELETE_SKIPPED') return Promise.resolve(true);
    return deletePhysical(core, stack, r, r.deletionPolicy, retain.includes(id));
  });
}

function computeOutputs(core: SandboxCore, stack: Stack, prepared: PreparedTemplate): StackOutput[] {
  const scope = scopeFor(core, stack, prepared, undefined, 'Outputs');
  const outputs: StackOutput[] = [];
  for (const [key, def] of Object.entries(prepared.template.Outputs)) {
    if (def.Condition !== undefined && prepared.conditions[def.Condition] !== true) continue;
    const value = evaluate(def.Value, scope);
    const exportName = def.Export ? String(evaluate(def.Export.Name, scope)) : undefined;
    outputs.push({ key, value: Array.isArray(value) ? value.join(',') : String(value), description: def.Description, exportName });
  }
  return outputs;
}

// ---- operations ----

function newOperation(kind: StackOperation['kind'], extra: Partial<StackOperation> = {}): StackOperation {
  return { id: uuid(), kind, startedAt: Date.now(), phase: 'main', journal: {}, failures: [], ...extra };
}

/** Starts an operation on a stack in the background. */
export function startOperation(core: SandboxCore, stack: Stack, kind: StackOperation['kind'], extra: Partial<StackOperation> = {}): void {
  stack.operation = newOperation(kind, extra);
  const initial: Record<StackOperation['kind'], string> = { CREATE: 'CREATE_IN_PROGRESS', UPDATE: 'UPDATE_IN_PROGRESS', DELETE: 'DELETE_IN_PROGRESS', ROLLBACK: 'ROLLBACK_IN_PROGRESS', UPDATE_ROLLBACK: 'UPDATE_ROLLBACK_IN_PROGRESS' };
  setStackStatus(core, stack, initial[kind], kind === 'CREATE' || kind === 'UPDATE' || kind === 'DELETE' ? 'User Initiated' : undefined);
  run(core, stack);
}

function run(core: SandboxCore, stack: Stack): void {
  core.scheduler.run(async () => {
    await core.scheduler.sleep(core.timing.ms('stackStep'));
    await runOperation(core, stack);
  });
}

/** Picks up every stack operation that was running when the sandbox stopped. */
export function resumeStacks(core: SandboxCore): void {
  for (const stack of core.state.cloudformation.stacks.values()) {
    if (stack.operation && stack.status.endsWith('_IN_PROGRESS')) run(core, stack);
  }
}

async function runOperation(core: SandboxCore, stack: Stack): Promise<void> {
  const op = stack.operation;
  if (!op) return;
  switch (op.kind) {
    case 'CREATE':
      return runCreate(core, stack, op);
    case 'UPDATE':
      return runUpdate(core, stack, op);
    case 'DELETE':
      return runDelete(core, stack, op);
    case 'ROLLBACK':
      return runRollback(core, stack, op);
    case 'UPDATE_ROLLBACK':
      return runUpdateRollback(core, stack, op);
  }
}

function finish(core: SandboxCore, stack: Stack, status: string, reason?: string): void {
  stack.operation = undefined;
  setStackStatus(core, stack, status, reason);
  const changeSet = stack.changeSets.find((c) => c.executionStatus === 'EXECUTE_IN_PROGRESS');
  if (changeSet) changeSet.executionStatus = status.includes('ROLLBACK') || status.includes('FAILED') ? 'EXECUTE_FAILED' : 'EXECUTE_COMPLETE';
}

async function runCreate(core: SandboxCore, stack: Stack, op: StackOperation): Promise<void> {
  let failed: string[];
  let reasonOverride: string | undefined;
  try {
    const prepared = prepare(core, stack, stack.templateBody, stack.parameters);
    failed = await walk(prepared.order, (id) => prepared.graph.get(id) ?? [], (id) => createStep(core, stack, prepared, id, op));
    if (failed.length === 0) {
      stack.outputs = computeOutputs(core, stack, prepared);
      finish(core, stack, 'CREATE_COMPLETE');
      return;
    }
  } catch (error) {
    if (!(error instanceof SandboxError)) throw error;
    failed = [];
    reasonOverride = error.message;
  }
  const reason = reasonOverride ?? `The following resource(s) failed to create: [${failed.join(', ')}]. `;
  if (stack.disableRollback) {
    finish(core, stack, 'CREATE_FAILED', reason);
    return;
  }
  stack.operation = newOperation('ROLLBACK');
  setStackStatus(core, stack, 'ROLLBACK_IN_PROGRESS', reasonOverride ?? `${reason}Rollback requested by user.`);
  await runRollback(core, stack, stack.operation);
}

async function runRollback(core: SandboxCore, stack: Stack, _op: StackOperation): Promise<void> {
  const failed = await deleteInOrder(core, stack, Object.keys(stack.resources));
  if (failed.length > 0) {
    finish(core, stack, 'ROLLBACK_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}]. `);
    return;
  }
  finish(core, stack, 'ROLLBACK_COMPLETE');
  if (stack.deleteOnFailure) startOperation(core, stack, 'DELETE');
}

async function runDelete(core: SandboxCore, stack: Stack, op: StackOperation): Promise<void> {
  const failed = await deleteInOrder(core, stack, Object.keys(stack.resources), op.retain ?? []);
  if (failed.length > 0) {
    finish(core, stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}]. `);
    return;
  }
  stack.deletedAt = Date.now();
  stack.changeSets = [];
  finish(core, stack, 'DELETE_COMPLETE');
}

async function runUpdate(core: SandboxCore, stack: Stack, op: StackOperation): Promise<void> {
  const prepared = prepare(core, stack, stack.templateBody, stack.parameters);
  if (op.phase === 'main') {
    const failed = await walk(prepared.order, (id) => prepared.graph.get(id) ?? [], (id) => updateStep(core, stack, prepared, id, op));
    let outputError: string | undefined;
    if (failed.length === 0) {
      try {
        stack.outputs = computeOutputs(core, stack, prepared);
      } catch (error) {
        if (!(error instanceof SandboxError)) throw error;
        outputError = error.message;
      }
    }
    if (failed.length > 0 || outputError) {
      const created = failed.filter((id) => op.journal[id]?.kind === 'created');
      const reason = outputError ?? (created.length === failed.length ? `The following resource(s) failed to create: [${failed.join(', ')}]. ` : `The following resource(s) failed to update: [${failed.join(', ')}]. `);
      op.kind = 'UPDATE_ROLLBACK';
      op.phase = 'main';
      setStackStatus(core, stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
      await runUpdateRollback(core, stack, op);
      return;
    }
    op.phase = 'cleanup';
    setStackStatus(core, stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  }
  // Cleanup: old physical resources that were replaced, then resources no longer in the template.
  for (const { resource } of [...stack.replaced]) {
    await deletePhysical(core, stack, resource, resource.updateReplacePolicy, false);
    stack.replaced = stack.replaced.filter((x) => x.resource !== resource);
  }
  const removed = Object.keys(stack.resources).filter((id) => !prepared.active.has(id));
  await deleteInOrder(core, stack, removed);
  for (const id of removed) delete stack.resources[id];
  stack.previous = undefined;
  finish(core, stack, 'UPDATE_COMPLETE');
}

async function runUpdateRollback(core: SandboxCore, stack: Stack, op: StackOperation): Promise<void> {
  const previous = stack.previous;
  if (!previous) {
    finish(core, stack, 'UPDATE_ROLLBACK_COMPLETE');
    return;
  }
  if (op.phase === 'main') {
    const prepared = prepare(core, stack, previous.templateBody, previous.parameters);
    const failedToRevert: string[] = [];
    const order = prepared.order.filter((id) => op.journal[id] && op.journal[id]!.kind !== 'created' && !op.journal[id]!.reverted);
    for (const id of order) {
      const entry = op.journal[id]!;
      const current = stack.resources[id]!;
      const old = entry.previous!;
      if (op.skip?.includes(id)) {
        entry.reverted = true;
        stack.resources[id] = { ...old, status: 'UPDATE_COMPLETE', reason: 'Resource skipped during rollback', updatedAt: Date.now() };
        // The old physical resource is current again: cleanup must not delete it.
        stack.replaced = stack.replaced.filter((x) => !(x.logicalId === id && x.resource.physicalId === old.physicalId));
        setResourceStatus(core, stack, stack.resources[id]!, 'UPDATE_COMPLETE', 'Resource skipped during rollback');
        continue;
      }
      const provider = providerFor(old.type);
      const ctx = providerContext(core, stack, id, old.type);
      try {
        setResourceStatus(core, stack, current, 'UPDATE_IN_PROGRESS');
        await pause(core, old.type);
        if (entry.kind === 'updated') {
          // The template's properties, re-evaluated against the restored resources, with dynamic references resolved again.
          const updated = provider.update!(ctx, { physicalId: current.physicalId, attributes: current.attributes }, handlerProperties(core, id, old.type, old.properties), current.properties);
          stack.resources[id] = { ...old, attributes: { ...old.attributes, ...updated.attributes } };
        } else {
          // Replaced: the new physical resource is deleted in cleanup; the old one becomes current again.
          if (current.physicalId && current.physicalId !== old.physicalId) stack.replaced.push({ logicalId: id, resource: clone(current) });
          stack.resources[id] = clone(old);
        }
        stack.replaced = stack.replaced.filter((x) => !(x.logicalId === id && x.resource.physicalId === old.physicalId));
        entry.reverted = true;
        setResourceStatus(core, stack, stack.resources[id]!, 'UPDATE_COMPLETE');
      } catch (error) {
        if (error instanceof Error && error.name === 'SandboxClosed') throw error;
        failedToRevert.push(id);
        setResourceStatus(core, stack, current, 'UPDATE_FAILED', failureReason(old.type, error));
      }
    }
    if (failedToRevert.length > 0) {
      // Stays resumable: ContinueUpdateRollback retries or skips these.
      setStackStatus(core, stack, 'UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${failedToRevert.join(', ')}]. `);
      const changeSet = stack.changeSets.find((c) => c.executionStatus === 'EXECUTE_IN_PROGRESS');
      if (changeSet) changeSet.executionStatus = 'EXECUTE_FAILED';
      return;
    }
    stack.templateBody = previous.templateBody;
    stack.parameters = previous.parameters;
    stack.outputs = previous.outputs;
    stack.tags = previous.tags;
    op.phase = 'cleanup';
    setStackStatus(core, stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
  }
  // Cleanup: resources the update created, and the new physical resources of replacements.
  const created = Object.keys(op.journal).filter((id) => op.journal[id]!.kind === 'created' && stack.resources[id]);
  await deleteInOrder(core, stack, created);
  for (const id of created) if (!previous.resources[id]) delete stack.resources[id];
  for (const { resource } of [...stack.replaced]) {
    await deletePhysical(core, stack, resource, undefined, false);
    stack.replaced = stack.replaced.filter((x) => x.resource !== resource);
  }
  stack.previous = undefined;
  finish(core, stack, 'UPDATE_ROLLBACK_COMPLETE');
}

/** Retries (or skips) the resources an update rollback could not undo. */
export function continueUpdateRollback(core: SandboxCore, stack: Stack, skip: string[]): void {
  const op = stack.operation ?? newOperation('UPDATE_ROLLBACK');
  op.kind = 'UPDATE_ROLLBACK';
  op.skip = [...(op.skip ?? []), ...skip];
  stack.operation = op;
  setStackStatus(core, stack, 'UPDATE_ROLLBACK_IN_PROGRESS');
  run(core, stack);
}
