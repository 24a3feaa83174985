/** How CloudFormation drives one resource type: create, update in place, delete, wait until ready, snapshot. */
import type { SandboxCore } from '../../core';
import type { GenericResource, Stack } from '../../state';
import type { DurationKind } from '../../timing';
import { physicalName } from '../../ids';

export interface ProviderContext {
  core: SandboxCore;
  stack: Stack;
  logicalId: string;
  type: string;
  /** Tags CloudFormation puts on the resource: the stack's tags plus `aws:cloudformation:*`. */
  stackTags: Record<string, string>;
  /** Writes a stack event for the resource, its status unchanged, with this reason (a resource that waits says what it waits for). */
  progress(reason: string): void;
}

export interface ProvisionedResource {
  physicalId: string;
  attributes: Record<string, unknown>;
}

export interface ResourceProvider {
  /** How long the resource takes in realistic mode. */
  duration?: DurationKind;
  /** The property that names the resource: replacing it while keeping that name fails, as in AWS. */
  nameProperty?: string;
  /** Creates the resource (synchronously, so state and stack stay consistent); throws to fail. */
  create(ctx: ProviderContext, props: Record<string, unknown>): ProvisionedResource;
  /** Waits until the resource is usable (an ECS service reaching steady state); throws to fail. */
  stabilize?(ctx: ProviderContext, resource: ProvisionedResource): Promise<void>;
  /** Updates in place; absent means every change replaces the resource. */
  update?(ctx: ProviderContext, resource: ProvisionedResource, props: Record<string, unknown>, previous: Record<string, unknown>): ProvisionedResource;
  /** Deletes the resource; throws to fail (a non-empty bucket). */
  delete(ctx: ProviderContext, resource: ProvisionedResource, props: Record<string, unknown>): void;
  /** Waits until a deletion has finished (an ECS service draining its tasks). */
  awaitDeleted?(ctx: ProviderContext, resource: ProvisionedResource): Promise<void>;
  /** Takes the final snapshot for DeletionPolicy/UpdateReplacePolicy `Snapshot`. */
  snapshot?(ctx: ProviderContext, resource: ProvisionedResource, props: Record<string, unknown>): void;
}

/** A failure with the exact reason CloudFormation shows for the resource. */
export class ResourceFailure extends Error {}

/** The name a resource gets when its template does not name it: `<stack>-<logical>-<SUFFIX>`. */
export function generatedName(ctx: ProviderContext, max = 128, lower = false): string {
  return physicalName(ctx.stack.name, ctx.logicalId, max, lower);
}

/** Reads an optional string property. */
export function str(props: Record<string, unknown>, key: string): string | undefined {
  const v = props[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

/** Reads `[{Key, Value}]` tags (or a `{k: v}` map) from a property. */
export function propTags(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const t of value) {
      if (t && typeof t === 'object' && 'Key' in t) out[String((t as { Key: unknown }).Key)] = String((t as { Value?: unknown }).Value ?? '');
    }
    return out;
  }
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  return {};
}

/** The resource's own tags merged over the stack's. */
export function allTags(ctx: ProviderContext, props: Record<string, unknown>, key = 'Tags'): Record<string, string> {
  return { ...ctx.stackTags, ...propTags(props[key]) };
}

/** Records a resource that has no sandbox API of its own (so tags and inventory see it). */
export function registerGeneric(ctx: ProviderContext, arn: string, physicalId: string, attributes: Record<string, unknown>, props: Record<string, unknown>, tags: Record<string, string>): void {
  const entry: GenericResource = { arn, type: ctx.type, physicalId, region: ctx.core.region, tags, createdAt: Date.now(), attributes, properties: props };
  ctx.core.state.resources.set(arn, entry);
  ctx.core.changed();
}

/** Every recorded resource of a type. */
export function genericsOf(core: SandboxCore, type: string): GenericResource[] {
  return [...core.state.resources.values()].filter((r) => r.type === type);
}

/** Finds a recorded resource by type and physical id. */
export function findGeneric(core: SandboxCore, type: string, physicalId: string): GenericResource | undefined {
  for (const r of core.state.resources.values()) if (r.type === type && r.physicalId === physicalId) return r;
  return undefined;
}

/** Forgets a recorded resource. */
export function unregisterGeneric(core: SandboxCore, type: string, physicalId: string): void {
  const found = findGeneric(core, type, physicalId);
  if (found) {
    core.state.resources.delete(found.arn);
    core.changed();
  }
}
