/** References and order: what each resource depends on (DependsOn + Ref/GetAtt/Sub), cycles, and the checks CloudFormation does before it starts. */
import { fail } from '../errors';
import { loadCfnSpec } from '../../cfnspec/index';
import { PSEUDO_PARAMETERS, referencedAttributes, referencedNames } from './intrinsics';
import { dependsOnList, type Template } from './template';

/** Checks every Ref, GetAtt, DependsOn and Condition names something that exists (before anything is created). */
export function checkReferences(template: Template): void {
  const spec = loadCfnSpec();
  const known = (name: string) => PSEUDO_PARAMETERS.includes(name) || name in template.Parameters || name in template.Resources;
  const check = (value: unknown, section: string) => {
    const missing = [...referencedNames(value)].filter((n) => !known(n));
    if (missing.length > 0) fail('ValidationError', `Template format error: Unresolved resource dependencies [${missing.join(', ')}] in the ${section} block of the template`);
    for (const [resource, attribute] of referencedAttributes(value)) {
      const def = template.Resources[resource];
      if (!def) fail('ValidationError', `Template format error: Unresolved resource dependencies [${resource}] in the ${section} block of the template`);
      if (def.Type.startsWith('Custom::') || def.Type === 'AWS::CloudFormation::CustomResource') continue;
      const attrs = spec.resource(def.Type)?.attributes ?? [];
      if (!attrs.includes(attribute)) fail('ValidationError', `Template error: resource ${resource} does not support attribute type ${attribute} in Fn::GetAtt`);
    }
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    check(resource.Properties ?? {}, 'Resources');
    for (const dep of dependsOnList(resource)) {
      if (!template.Resources[dep]) fail('ValidationError', `Template format error: Unresolved resource dependencies [${dep}] in the Resources block of the template`);
    }
    if (resource.Condition !== undefined && template.Conditions[resource.Condition] === undefined) {
      fail('ValidationError', `Template format error: Unresolved dependencies [${resource.Condition}]. Cannot reference resources in the Conditions block of the template`);
    }
    void id;
  }
  for (const output of Object.values(template.Outputs)) check(output.Value, 'Outputs');
  for (const condition of Object.values(template.Conditions)) {
    const refs = [...referencedNames(condition)].filter((n) => n in template.Resources);
    if (refs.length > 0) fail('ValidationError', `Template format error: Unresolved dependencies [${refs.join(', ')}]. Cannot reference resources in the Conditions block of the template`);
  }
}

/** What each active resource waits for: its DependsOn and every resource it refers to. */
export function dependencies(template: Template, active: Set<string>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const id of active) {
    const resource = template.Resources[id]!;
    const deps = new Set<string>();
    for (const dep of dependsOnList(resource)) {
      if (!active.has(dep)) fail('ValidationError', `Template format error: Unresolved resource dependencies [${dep}] in the Resources block of the template`);
      deps.add(dep);
    }
    for (const name of referencedNames(resource.Properties ?? {})) if (active.has(name) && name !== id) deps.add(name);
    if (referencedNames(resource.Properties ?? {}).has(id)) fail('ValidationError', `Circular dependency between resources: [${id}]`);
    graph.set(id, deps);
  }
  return graph;
}

/** Resources in an order where each comes after what it depends on; a cycle is CloudFormation's error. */
export function topologicalOrder(graph: Map<string, Set<string>>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = path.slice(path.indexOf(id));
      fail('ValidationError', `Circular dependency between resources: [${[...new Set(cycle)].sort().join(', ')}]`);
    }
    state.set(id, 'visiting');
    for (const dep of [...(graph.get(id) ?? [])].sort()) visit(dep, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of [...graph.keys()].sort()) visit(id, []);
  return order;
}

/** The reverse graph: who depends on each resource (for deleting in the right order). */
export function dependents(graph: Map<string, Set<string>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const id of graph.keys()) out.set(id, new Set());
  for (const [id, deps] of graph) for (const dep of deps) out.get(dep)?.add(id);
  return out;
}
