/** Any other type CloudFormation has: accepted and recorded with a generic physical id and attributes derived from the spec. */
import { loadCfnSpec } from '../../../cfnspec/index';
import { upperId } from '../../ids';
import { recorded } from './recorded';
import type { ProviderContext, ResourceProvider } from './types';

function arnFor(ctx: ProviderContext, physicalId: string): string {
  const [, service = 'unknown', kind = 'resource'] = ctx.type.split('::');
  return `arn:aws:${service.toLowerCase()}:${ctx.core.region}:${ctx.core.account}:${kind.toLowerCase()}/${physicalId}`;
}

/** The value the sandbox gives an attribute it knows nothing specific about. */
export function genericAttribute(ctx: Pick<ProviderContext, 'core' | 'type'>, physicalId: string, attribute: string): unknown {
  if (/Arn$/i.test(attribute)) return arnFor(ctx as ProviderContext, physicalId);
  if (/(Ids|Arns|List|Addresses|Ports)$/.test(attribute)) return [];
  return physicalId;
}

export const genericProvider: ResourceProvider = recorded({
  tagProperty: 'Tags',
  physicalId: (ctx) => `${ctx.stack.name}-${ctx.logicalId}-${upperId(12)}`.slice(0, 255),
  arn: arnFor,
  attributes: (ctx, physicalId) => {
    const attrs: Record<string, unknown> = {};
    for (const name of loadCfnSpec().resource(ctx.type)?.attributes ?? []) attrs[name] = genericAttribute(ctx, physicalId, name);
    return attrs;
  },
});
