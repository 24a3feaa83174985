/**
 * Whether changing a property replaces a resource: the specification's mark, made exact where
 * CloudFormation documents what its "conditional" means for a value change.
 */
import { loadCfnSpec } from '../../cfnspec/index';

export type Replacement = 'yes' | 'maybe' | 'no';

/** An absent property and an empty string mean the same for these (CloudFormation's docs say so). */
const blank = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : v);

/**
 * DBSnapshotIdentifier: the same value again restores nothing; another value restores a new
 * instance from it, and removing it after a restore creates a new, empty instance: both replace.
 */
const EXACT: Record<string, Record<string, (before: unknown, after: unknown) => Replacement>> = {
  'AWS::RDS::DBInstance': { DBSnapshotIdentifier: (before, after) => (blank(before) === blank(after) ? 'no' : 'yes') },
};

/** How a change of one property from `before` to `after` affects the resource. */
export function replacementOf(type: string, name: string, before: unknown, after: unknown): Replacement {
  const exact = EXACT[type]?.[name];
  if (exact) return exact(before, after);
  return loadCfnSpec().resource(type)?.properties[name]?.replacement ?? 'no';
}

/** The strongest effect among the changed properties. */
export function replacementFor(type: string, changed: string[], before: Record<string, unknown>, after: Record<string, unknown>): Replacement {
  let result: Replacement = 'no';
  for (const name of changed) {
    const r = replacementOf(type, name, before[name], after[name]);
    if (r === 'yes') return 'yes';
    if (r === 'maybe') result = 'maybe';
  }
  return result;
}
