/**
 * What a template change would do, as a change set shows it: Add / Modify / Remove per resource,
 * and for a Modify which properties change, whether that replaces the resource (from the
 * specification's replacement rules), and whether the new value is known yet.
 */
import type { SandboxCore } from '../core';
import type { Stack, StackParameter } from '../state';
import { loadCfnSpec } from '../../cfnspec/index';
import { changedProperties, scopeFor, type PreparedTemplate } from './engine';
import { containsUnknown, evaluate, referencedNames } from './intrinsics';
import { providerFor } from './providers';
import { replacementOf } from './replacement';

export interface ChangeDetail {
  Target: { Attribute: 'Properties' | 'Tags'; Name: string; RequiresRecreation: 'Always' | 'Conditionally' | 'Never' };
  Evaluation: 'Static' | 'Dynamic';
  ChangeSource: 'DirectModification' | 'ResourceReference' | 'ParameterReference';
  CausingEntity?: string;
}

export interface ResourceChange {
  Action: 'Add' | 'Modify' | 'Remove';
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Replacement?: 'True' | 'False' | 'Conditional';
  PolicyAction?: 'Delete' | 'Retain' | 'Snapshot';
  Scope: string[];
  Details: ChangeDetail[];
}

const RECREATION = { yes: 'Always', maybe: 'Conditionally', no: 'Never' } as const;

/** Compares the stack's resources with a new template and parameters. */
export function computeChanges(core: SandboxCore, stack: Stack, prepared: PreparedTemplate, oldParameters: StackParameter[], newParameters: StackParameter[]): ResourceChange[] {
  const spec = loadCfnSpec();
  const pending = new Set<string>();
  const changes: ResourceChange[] = [];
  const changedParams = new Set(newParameters.filter((p) => oldParameters.find((o) => o.key === p.key)?.value !== p.value).map((p) => p.key));
  const scope = scopeFor(core, stack, prepared, pending);
  for (const id of prepared.order) {
    const def = prepared.template.Resources[id]!;
    const current = stack.resources[id];
    if (!current || !current.physicalId || current.status === 'DELETE_COMPLETE') {
      pending.add(id);
      changes.push({ Action: 'Add', LogicalResourceId: id, ResourceType: def.Type, Scope: [], Details: [] });
      continue;
    }
    const props = evaluate(def.Properties ?? {}, scope) as Record<string, unknown>;
    const changed = changedProperties(current.properties, props);
    if (changed.length === 0 && current.type === def.Type) continue;
    const resourceSpec = spec.resource(def.Type);
    const details: ChangeDetail[] = changed.map((name) => {
      const dynamic = containsUnknown(props[name]);
      const refs = referencedNames(def.Properties?.[name]);
      const source = dynamic ? 'ResourceReference' : [...refs].some((r) => changedParams.has(r)) ? 'ParameterReference' : 'DirectModification';
      const causing = dynamic ? [...refs].find((r) => pending.has(r)) : source === 'ParameterReference' ? [...refs].find((r) => changedParams.has(r)) : undefined;
      return {
        Target: { Attribute: name === resourceSpec?.tagProperty ? 'Tags' : 'Properties', Name: name, RequiresRecreation: RECREATION[replacementOf(def.Type, name, current.properties[name], props[name])] },
        Evaluation: dynamic ? 'Dynamic' : 'Static',
        ChangeSource: source,
        ...(causing ? { CausingEntity: causing } : {}),
      };
    });
    let replacement: 'True' | 'False' | 'Conditional' = 'False';
    if (current.type !== def.Type || !providerFor(def.Type).update || details.some((d) => d.Target.RequiresRecreation === 'Always')) replacement = 'True';
    else if (details.some((d) => d.Target.RequiresRecreation === 'Conditionally')) replacement = 'Conditional';
    if (replacement === 'True') pending.add(id);
    changes.push({
      Action: 'Modify',
      LogicalResourceId: id,
      PhysicalResourceId: current.physicalId,
      ResourceType: def.Type,
      Replacement: replacement,
      Scope: [...new Set(details.map((d) => d.Target.Attribute))],
      Details: details,
    });
  }
  for (const [id, r] of Object.entries(stack.resources)) {
    if (prepared.active.has(id) || !r.physicalId || r.status === 'DELETE_COMPLETE') continue;
    changes.push({ Action: 'Remove', LogicalResourceId: id, PhysicalResourceId: r.physicalId, ResourceType: r.type, PolicyAction: r.deletionPolicy === 'Retain' ? 'Retain' : r.deletionPolicy === 'Snapshot' ? 'Snapshot' : 'Delete', Scope: [], Details: [] });
  }
  return changes;
}
