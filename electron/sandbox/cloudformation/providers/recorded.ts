/** A provider for resources the sandbox only records (no API of their own): ids, ARNs and attributes shaped like AWS's. */
import { fail } from '../../errors';
import type { DurationKind } from '../../timing';
import { allTags, findGeneric, registerGeneric, unregisterGeneric, type ProviderContext, type ProvisionedResource, type ResourceProvider } from './types';

export interface RecordedOptions {
  duration?: DurationKind;
  nameProperty?: string;
  /** Which property holds the tags (`Tags` by default; none when the type has no tags). */
  tagProperty?: string | null;
  /** Checks the properties against the sandbox's other resources (a subnet's VPC must exist). */
  validate?(ctx: ProviderContext, props: Record<string, unknown>): void;
  physicalId(ctx: ProviderContext, props: Record<string, unknown>): string;
  arn(ctx: ProviderContext, physicalId: string, props: Record<string, unknown>): string;
  /** Attributes fixed at creation (random parts stay stable across in-place updates). */
  attributes?(ctx: ProviderContext, physicalId: string, props: Record<string, unknown>): Record<string, unknown>;
  /** Attributes that follow the properties on every update. */
  refresh?(ctx: ProviderContext, physicalId: string, props: Record<string, unknown>): Record<string, unknown>;
  /** Checks before deleting (another resource still uses it). */
  beforeDelete?(ctx: ProviderContext, resource: ProvisionedResource): void;
  snapshot?(ctx: ProviderContext, resource: ProvisionedResource, props: Record<string, unknown>): void;
}

/** Builds a provider that records the resource in the sandbox's registry. */
export function recorded(options: RecordedOptions): ResourceProvider {
  const tagsOf = (ctx: ProviderContext, props: Record<string, unknown>) => (options.tagProperty === null ? {} : allTags(ctx, props, options.tagProperty ?? 'Tags'));
  return {
    duration: options.duration,
    nameProperty: options.nameProperty,
    create(ctx, props) {
      options.validate?.(ctx, props);
      const physicalId = options.physicalId(ctx, props);
      if (findGeneric(ctx.core, ctx.type, physicalId)) fail('AlreadyExists', `${physicalId} already exists`);
      const attributes = { ...(options.attributes?.(ctx, physicalId, props) ?? {}), ...(options.refresh?.(ctx, physicalId, props) ?? {}) };
      registerGeneric(ctx, options.arn(ctx, physicalId, props), physicalId, attributes, props, tagsOf(ctx, props));
      return { physicalId, attributes };
    },
    update(ctx, resource, props) {
      options.validate?.(ctx, props);
      const attributes = { ...resource.attributes, ...(options.refresh?.(ctx, resource.physicalId, props) ?? {}) };
      const existing = findGeneric(ctx.core, ctx.type, resource.physicalId);
      if (existing) {
        existing.properties = props;
        existing.attributes = attributes;
        existing.tags = tagsOf(ctx, props);
        ctx.core.changed();
      } else registerGeneric(ctx, options.arn(ctx, resource.physicalId, props), resource.physicalId, attributes, props, tagsOf(ctx, props));
      return { physicalId: resource.physicalId, attributes };
    },
    delete(ctx, resource) {
      options.beforeDelete?.(ctx, resource);
      unregisterGeneric(ctx.core, ctx.type, resource.physicalId);
    },
    snapshot: options.snapshot,
  };
}
