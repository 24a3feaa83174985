/**
 * Preflight: checks a generated template against the CloudFormation resource specification
 * before anything is sent. Every type exists; every property is known, required ones are
 * present and values have the right primitive types; every Ref, GetAtt and Sub points at a
 * parameter or resource that exists (and an attribute the type has); DependsOn has no cycle;
 * every taggable resource carries Berth's tags; IAM policies name their actions.
 */
import { loadCfnSpec, type CfnSpec, type PropertySpec, type ValueType } from '../cfnspec';
import type { CfnTemplate, PlannedStack, PreflightProblem } from '../../shared/domain/plan';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, PROJECT_TAG } from './cfn';
import { MAX_OUTPUTS, MAX_PARAMETERS, MAX_RESOURCES, UPLOADED_TEMPLATE_LIMIT } from './stack';

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
const PARAMETER_TYPES = /^(String|Number|CommaDelimitedList|List<Number>|List<AWS::[A-Za-z0-9:]+>|AWS::[A-Za-z0-9:]+|AWS::SSM::Parameter::Value<.+>)$/;
const INTRINSICS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::GetAZs',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::ImportValue',
  'Fn::Length',
  'Fn::ToJsonString',
]);
/** The only properties where CloudFormation resolves `{{resolve:ssm-secure:...}}` (the ones Berth could use). */
const SSM_SECURE_PROPERTIES = new Set([
  'AWS::RDS::DBInstance.MasterUserPassword',
  'AWS::RDS::DBCluster.MasterUserPassword',
  'AWS::ElastiCache::ReplicationGroup.AuthToken',
  'AWS::IAM::User.LoginProfile',
  'AWS::DirectoryService::MicrosoftAD.Password',
  'AWS::DirectoryService::SimpleAD.Password',
  'AWS::OpsWorks::App.AppSource',
  'AWS::OpsWorks::Stack.CustomCookbooksSource',
  'AWS::OpsWorks::Stack.RdsDbInstances',
  'AWS::Redshift::Cluster.MasterUserPassword',
]);

/** Paths of every string holding an `ssm-secure` dynamic reference. */
function secureReferences(value: unknown, path: string, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('{{resolve:ssm-secure:')) out.push(path);
  } else if (Array.isArray(value)) value.forEach((v, i) => secureReferences(v, `${path}[${i}]`, out));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) secureReferences(v, path ? `${path}.${k}` : k, out);
  return out;
}

/** Characters EC2 accepts in security group and rule descriptions. */
const SECURITY_GROUP_TEXT = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
/** Actions that have no resource-level permissions, so AWS requires `"Resource": "*"`. */
const RESOURCELESS_ACTIONS = new Set(['ecr:GetAuthorizationToken']);

interface Walk {
  stack: string;
  logicalId: string;
  problems: PreflightProblem[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An intrinsic function call (`{ Ref: x }`, `{ 'Fn::Sub': ... }`): its value is only known at deploy time. */
function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && INTRINSICS.has(keys[0]!) ? keys[0] : undefined;
}

function describeType(type: ValueType): string {
  switch (type.kind) {
    case 'array':
      return `list of ${describeType(type.element)}`;
    case 'map':
      return `map of ${describeType(type.element)}`;
    case 'object':
      return type.name;
    case 'union':
      return type.types.map(describeType).join(' or ');
    default:
      return type.kind;
  }
}

function checkValue(value: unknown, type: ValueType, path: string, w: Walk): void {
  if (intrinsicName(value)) return;
  const problem = (message: string) => w.problems.push({ stack: w.stack, logicalId: w.logicalId, path, message });
  switch (type.kind) {
    case 'string':
    case 'date-time':
      if (typeof value !== 'string') problem(`Expected a string, got ${JSON.stringify(value)}`);
      else if (type.kind === 'string' && type.allowed && !type.allowed.includes(value)) problem(`"${value}" is not one of ${type.allowed.join(', ')}`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) problem(`Expected an integer, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') problem(`Expected a number, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problem(`Expected true or false, got ${JSON.stringify(value)}`);
      return;
    case 'json':
    case 'null':
      return;
    case 'tag':
      if (!isObject(value) || typeof value.Key !== 'string' || value.Value === undefined) problem('Expected a tag { Key, Value }');
      return;
    case 'array':
      if (!Array.isArray(value)) problem(`Expected a list of ${describeType(type.element)}`);
      else value.forEach((item, i) => checkValue(item, type.element, `${path}[${i}]`, w));
      return;
    case 'map':
      if (!isObject(value)) problem(`Expected a map of ${describeType(type.element)}`);
      else for (const [k, v] of Object.entries(value)) checkValue(v, type.element, `${path}.${k}`, w);
      return;
    case 'object':
      if (!isObject(value)) problem(`Expected a ${type.name} object`);
      else checkProperties(value, type.properties(), path, w);
      return;
    case 'union': {
      for (const member of type.types) {
        const scratch: Walk = { ...w, problems: [] };
        checkValue(value, member, path, scratch);
        if (scratch.problems.length === 0) return;
      }
      problem(`Expected ${describeType(type)}`);
      return;
    }
  }
}

function checkProperties(values: Record<string, unknown>, specs: Record<string, PropertySpec>, path: string, w: Walk): void {
  for (const [name, value] of Object.entries(values)) {
    const at = path ? `${path}.${name}` : name;
    const spec = specs[name];
    if (!spec) {
      w.problems.push({ stack: w.stack, logicalId: w.logicalId, path: at, message: `Unknown property ${name}` });
      continue;
    }
    if (value === undefined) continue;
    checkValue(value, spec.type, at, w);
  }
  for (const spec of Object.values(specs)) {
    if (spec.required && values[spec.name] === undefined) {
      w.problems.push({ stack: w.stack, logicalId: w.logicalId, path: path ? `${path}.${spec.name}` : spec.name, message: `Required property ${spec.name} is missing` });
    }
  }
}

/** Every `${Name}` / `${Resource.Attribute}` placeholder of a Sub string (`${!x}` is literal). */
function subPlaceholders(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) if (!match[1]!.startsWith('!')) out.push(match[1]!.trim());
  return out;
}

interface References {
  refs: { target: string; path: string }[];
  attrs: { target: string; attribute: string; path: string }[];
}

/** Collects the references inside a value (recursing into everything, intrinsic or not). */
function collectReferences(value: unknown, path: string, out: References, localNames: Set<string> = new Set()): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectReferences(v, `${path}[${i}]`, out, localNames));
    return;
  }
  if (!isObject(value)) return;
  const name = intrinsicName(value);
  if (name === 'Ref') {
    const target = value.Ref;
    if (typeof target === 'string' && !localNames.has(target)) out.refs.push({ target, path });
    return;
  }
  if (name === 'Fn::GetAtt') {
    const arg = value['Fn::GetAtt'];
    const [target, attribute] = typeof arg === 'string' ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)] : (arg as unknown[]);
    if (typeof target === 'string' && typeof attribute === 'string') out.attrs.push({ target, attribute, path });
    else collectReferences(arg, path, out, localNames);
    return;
  }
  if (name === 'Fn::Sub') {
    const arg = value['Fn::Sub'];
    const [text, variables] = typeof arg === 'string' ? [arg, {}] : (arg as [unknown, unknown]);
    const locals = new Set(localNames);
    if (isObject(variables)) {
      for (const [k, v] of Object.entries(variables)) {
        locals.add(k);
        collectReferences(v, `${path}.${k}`, out, localNames);
      }
    }
    if (typeof text === 'string') {
      for (const placeholder of subPlaceholders(text)) {
        if (locals.has(placeholder)) continue;
        const dot = placeholder.indexOf('.');
        if (dot > 0 && !placeholder.startsWith('AWS::')) out.attrs.push({ target: placeholder.slice(0, dot), attribute: placeholder.slice(dot + 1), path });
        else out.refs.push({ target: placeholder, path });
      }
    }
    return;
  }
  for (const [k, v] of Object.entries(value)) collectReferences(v, path ? `${path}.${k}` : k, out, localNames);
}

/** IAM statements inside a resource's properties (trust policies excluded), parsed from JSON strings too. */
function policyStatements(properties: Record<string, unknown>): { statement: Record<string, unknown>; path: string }[] {
  const out: { statement: Record<string, unknown>; path: string }[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string' && value.includes('"Statement"')) {
      try {
        visit(JSON.parse(value), path);
      } catch {
        // Not JSON: nothing to inspect.
      }
      return;
    }
    if (Array.isArray(value)) return value.forEach((v, i) => visit(v, `${path}[${i}]`));
    if (!isObject(value)) return;
    if (Array.isArray(value.Statement)) {
      value.Statement.forEach((s, i) => isObject(s) && out.push({ statement: s, path: `${path}.Statement[${i}]` }));
      return;
    }
    for (const [k, v] of Object.entries(value)) if (k !== 'AssumeRolePolicyDocument') visit(v, path ? `${path}.${k}` : k);
  };
  visit(properties, 'Properties');
  return out;
}

function tagsOf(value: unknown): Map<string, unknown> {
  const tags = new Map<string, unknown>();
  if (Array.isArray(value)) for (const t of value) if (isObject(t) && typeof t.Key === 'string') tags.set(t.Key, t.Value);
  if (isObject(value) && !intrinsicName(value)) for (const [k, v] of Object.entries(value)) tags.set(k, v);
  return tags;
}

/** Finds a cycle among resource dependencies (DependsOn plus references), as a list of ids. */
function findCycle(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 1);
    stack.push(node);
    for (const next of [...(edges.get(node) ?? [])].sort()) {
      if (state.get(next) === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 2);
    return undefined;
  };
  for (const node of [...edges.keys()].sort()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

/** Taggable in the resource spec, but Berth leaves them untagged: cfn-lint 1.51's schema refuses Listener Tags (E3002), a property CloudFormation added only recently. */
const UNTAGGED_TYPES = new Set(['AWS::ElasticLoadBalancingV2::Listener']);

/** Validates one planned stack; an empty list means CloudFormation should accept it. */
export function preflight(stack: PlannedStack, spec: CfnSpec = loadCfnSpec()): PreflightProblem[] {
  const template: CfnTemplate = stack.template;
  const problems: PreflightProblem[] = [];
  const at = (logicalId: string, path: string, message: string) => problems.push({ stack: stack.stackName, logicalId, path, message });
  const resources = template.Resources ?? {};
  const parameters = template.Parameters ?? {};
  const ids = Object.keys(resources);

  if (ids.length === 0) at('', 'Resources', 'A template needs at least one resource');
  if (ids.length > MAX_RESOURCES) at('', 'Resources', `${ids.length} resources; CloudFormation allows ${MAX_RESOURCES}`);
  if (Object.keys(parameters).length > MAX_PARAMETERS) at('', 'Parameters', `More than ${MAX_PARAMETERS} parameters`);
  if (Object.keys(template.Outputs ?? {}).length > MAX_OUTPUTS) at('', 'Outputs', `More than ${MAX_OUTPUTS} outputs`);
  if (stack.bytes > UPLOADED_TEMPLATE_LIMIT) at('', '', `Template is ${stack.bytes} bytes; CloudFormation accepts at most ${UPLOADED_TEMPLATE_LIMIT}`);
  for (const [name, p] of Object.entries(parameters)) {
    if (!/^[A-Za-z0-9]{1,255}$/.test(name)) at(name, 'Parameters', 'Parameter names must be alphanumeric');
    if (!PARAMETER_TYPES.test(p.Type)) at(name, 'Parameters', `Unknown parameter type ${p.Type}`);
  }

  const projectName = isObject(template.Metadata) ? template.Metadata['berth:project'] : undefined;
  const dependencies = new Map<string, Set<string>>();
  const checkReferences = (logicalId: string, value: unknown, path: string, isResource = true) => {
    const found: References = { refs: [], attrs: [] };
    collectReferences(value, path, found);
    const deps = (isResource ? dependencies.get(logicalId) : undefined) ?? new Set<string>();
    for (const r of found.refs) {
      if (PSEUDO_PARAMETERS.has(r.target) || parameters[r.target]) continue;
      if (resources[r.target]) deps.add(r.target);
      else at(logicalId, r.path, `Ref to ${r.target}, which is neither a parameter nor a resource`);
    }
    for (const a of found.attrs) {
      const target = resources[a.target];
      if (!target) {
        at(logicalId, a.path, `GetAtt of ${a.target}.${a.attribute}, but there is no resource ${a.target}`);
        continue;
      }
      deps.add(a.target);
      const targetSpec = spec.resource(target.Type);
      if (targetSpec && !targetSpec.attributes.includes(a.attribute)) at(logicalId, a.path, `${target.Type} has no attribute ${a.attribute}`);
    }
    if (isResource) dependencies.set(logicalId, deps);
  };

  for (const id of ids) {
    const resource = resources[id]!;
    const w: Walk = { stack: stack.stackName, logicalId: id, problems };
    if (!/^[A-Za-z0-9]{1,255}$/.test(id)) at(id, '', 'Logical ids must be alphanumeric');
    if (parameters[id]) at(id, '', 'A parameter has the same name');
    const resourceSpec = spec.resource(resource.Type);
    if (!resourceSpec) {
      at(id, 'Type', `CloudFormation has no resource type ${resource.Type}`);
      continue;
    }
    const properties = resource.Properties ?? {};
    checkProperties(properties, resourceSpec.properties, 'Properties', w);
    checkReferences(id, properties, 'Properties');
    const dependsOn = resource.DependsOn === undefined ? [] : Array.isArray(resource.DependsOn) ? resource.DependsOn : [resource.DependsOn];
    for (const dep of dependsOn) {
      if (!resources[dep]) at(id, 'DependsOn', `DependsOn ${dep}, which is not a resource of this template`);
      else dependencies.set(id, (dependencies.get(id) ?? new Set()).add(dep));
    }
    if (resource.Condition && !(template.Conditions && resource.Condition in template.Conditions)) at(id, 'Condition', `Unknown condition ${resource.Condition}`);

    if (resourceSpec.tagProperty && !UNTAGGED_TYPES.has(resource.Type)) {
      const tags = tagsOf(properties[resourceSpec.tagProperty]);
      if (tags.get(MANAGED_BY_TAG) !== MANAGED_BY_VALUE) at(id, `Properties.${resourceSpec.tagProperty}`, `Missing tag ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE}`);
      if (typeof projectName === 'string' && tags.get(PROJECT_TAG) !== projectName) at(id, `Properties.${resourceSpec.tagProperty}`, `Missing tag ${PROJECT_TAG}=${projectName}`);
    }

    for (const path of secureReferences(properties, 'Properties')) {
      const property = path.split(/[.[]/)[1];
      if (!SSM_SECURE_PROPERTIES.has(`${resource.Type}.${property}`)) at(id, path, `CloudFormation does not resolve ssm-secure references in ${resource.Type}.${property}`);
    }

    if (resource.Type === 'AWS::EC2::SecurityGroup' || resource.Type === 'AWS::EC2::SecurityGroupIngress') {
      const texts: [string, unknown][] = [['Properties.GroupDescription', properties.GroupDescription], ['Properties.Description', properties.Description]];
      for (const key of ['SecurityGroupIngress', 'SecurityGroupEgress']) {
        const rules = properties[key];
        if (Array.isArray(rules)) rules.forEach((r, i) => isObject(r) && texts.push([`Properties.${key}[${i}].Description`, r.Description]));
      }
      for (const [path, text] of texts) {
        if (typeof text === 'string' && !SECURITY_GROUP_TEXT.test(text)) at(id, path, `EC2 refuses this description (allowed: letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*): ${text}`);
      }
    }

    for (const { statement, path } of policyStatements(properties)) {
      if (statement.Effect !== 'Allow') continue;
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      for (const action of actions) {
        if (typeof action !== 'string' || action.includes('*')) at(id, `${path}.Action`, `Allowed actions must be named, not ${JSON.stringify(action)}`);
      }
      if (statement.NotAction !== undefined) at(id, path, 'NotAction grants everything else: name the actions instead');
      const targets = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      if (targets.includes('*') && actions.some((a) => typeof a === 'string' && !RESOURCELESS_ACTIONS.has(a))) {
        at(id, `${path}.Resource`, 'Resource "*" is allowed only for actions without resource-level permissions');
      }
    }
  }

  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Value === undefined) at(name, `Outputs.${name}`, 'Output has no value');
    if (secureReferences(output.Value, '').length > 0) at(name, `Outputs.${name}`, 'Outputs cannot hold ssm-secure references');
    checkReferences(name, output.Value, `Outputs.${name}.Value`, false);
  }

  const cycle = findCycle(dependencies);
  if (cycle) at(cycle[0]!, 'DependsOn', `Circular dependency: ${cycle.join(' → ')}`);
  return problems;
}
