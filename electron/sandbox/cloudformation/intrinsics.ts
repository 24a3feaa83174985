/**
 * Evaluates intrinsic functions: Ref, Fn::GetAtt, Fn::Sub (both forms), Fn::Join, Fn::Select,
 * Fn::Split, Fn::GetAZs, Fn::If, Fn::Equals, Fn::And/Or/Not, Condition, Fn::FindInMap,
 * Fn::Base64, Fn::Cidr, Fn::ImportValue, and with AWS::LanguageExtensions Fn::Length and
 * Fn::ToJsonString. During change-set preview, values of resources not yet created are `Unknown`.
 */
import { fail } from '../errors';
import type { Template } from './template';

/** A value only known once a resource exists (change-set preview). Anything built from it is unknown too. */
export class Unknown {
  constructor(readonly source: string) {}
}

/** `Ref: AWS::NoValue`: removes the property or list element that holds it. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export const PSEUDO_PARAMETERS = ['AWS::AccountId', 'AWS::Region', 'AWS::StackName', 'AWS::StackId', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::NoValue', 'AWS::NotificationARNs'];

export interface EvalScope {
  template: Template;
  region: string;
  account: string;
  stackName: string;
  stackId: string;
  /** Resolved parameter values (lists as arrays). */
  params: Record<string, string | string[]>;
  /** Evaluated conditions. */
  conditions: Record<string, boolean>;
  /** Resources whose Condition holds. */
  active: Set<string>;
  /** Ref of a resource: its physical id (or Unknown). */
  ref(logicalId: string): unknown;
  /** An attribute of a resource (or Unknown). */
  getAtt(logicalId: string, attribute: string): unknown;
  /** An export of another stack. */
  importValue(name: string): string;
  languageExtensions: boolean;
  /** Which section is evaluated (for error messages). */
  section: 'Resources' | 'Outputs' | 'Conditions';
}

function templateError(message: string): never {
  fail('ValidationError', `Template error: ${message}`);
}

/** The availability zones the sandbox reports for a region. */
export function availabilityZones(region: string): string[] {
  const letters = region === 'us-east-1' ? ['a', 'b', 'c', 'd', 'e', 'f'] : ['a', 'b', 'c'];
  return letters.map((l) => `${region}${l}`);
}

/** True when the value (deeply) holds an Unknown. */
export function containsUnknown(value: unknown): boolean {
  if (value instanceof Unknown) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unknown);
}

function asString(value: unknown, fn: string): string | Unknown {
  if (value instanceof Unknown) return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  templateError(`every value in ${fn} must be a string`);
}

function pseudo(name: string, scope: EvalScope): unknown {
  switch (name) {
    case 'AWS::AccountId':
      return scope.account;
    case 'AWS::Region':
      return scope.region;
    case 'AWS::StackName':
      return scope.stackName;
    case 'AWS::StackId':
      return scope.stackId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::NoValue':
      return NO_VALUE;
    case 'AWS::NotificationARNs':
      return [];
  }
  return undefined;
}

function refValue(name: string, scope: EvalScope): unknown {
  const p = pseudo(name, scope);
  if (p !== undefined) return p;
  if (name in scope.params) return scope.params[name];
  if (scope.template.Resources[name]) {
    if (!scope.active.has(name)) templateError(`Unresolved resource dependencies [${name}] in the ${scope.section} block of the template`);
    return scope.ref(name);
  }
  fail('ValidationError', `Template format error: Unresolved resource dependencies [${name}] in the ${scope.section} block of the template`);
}

/** Evaluates a condition by name (conditions may refer to other conditions). */
export function evaluateConditions(template: Template, scope: Omit<EvalScope, 'conditions' | 'active' | 'section'>): Record<string, boolean> {
  const results: Record<string, boolean> = {};
  const visiting = new Set<string>();
  const condScope: EvalScope = { ...scope, conditions: results, active: new Set(), section: 'Conditions' };
  const evalCondition = (name: string): boolean => {
    if (name in results) return results[name]!;
    const def = template.Conditions[name];
    if (def === undefined) fail('ValidationError', `Template format error: Unresolved condition dependency ${name} in Fn::If`);
    if (visiting.has(name)) fail('ValidationError', `Template error: circular dependency in Conditions: [${name}]`);
    visiting.add(name);
    const value = evaluate(def, { ...condScope, conditions: new Proxy(results, { get: (_t, key: string) => evalCondition(key), has: () => true }) });
    visiting.delete(name);
    if (typeof value !== 'boolean') fail('ValidationError', `Template format error: Conditions can only be boolean operations on parameters and other conditions (${name})`);
    results[name] = value;
    return value;
  };
  for (const name of Object.keys(template.Conditions)) evalCondition(name);
  return results;
}

function conditionValue(name: unknown, scope: EvalScope): boolean {
  if (typeof name !== 'string') templateError('Condition must name a condition');
  if (!(name in scope.conditions) && scope.template.Conditions[name] === undefined) fail('ValidationError', `Template format error: Unresolved dependencies [${name}]. Cannot reference resources in the Conditions block of the template`);
  return scope.conditions[name]!;
}

function boolArg(value: unknown, scope: EvalScope): boolean {
  const v = isObject(value) && 'Condition' in value && Object.keys(value).length === 1 ? conditionValue(value.Condition, scope) : evaluate(value, scope);
  if (typeof v !== 'boolean') templateError('Fn::And, Fn::Or and Fn::Not take conditions');
  return v;
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) templateError(`Fn::Cidr: invalid IP block ${ip}`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Fn::Cidr for IPv4: `count` subnets with `cidrBits` host bits, carved from the block in order. */
export function cidrSubnets(block: string, count: number, cidrBits: number): string[] {
  const [ip, prefixText] = block.split('/');
  const prefix = Number(prefixText);
  const newPrefix = 32 - cidrBits;
  if (!Number.isInteger(prefix) || newPrefix < prefix || newPrefix > 32) templateError(`Fn::Cidr: cannot carve /${newPrefix} subnets out of ${block}`);
  if (count > 2 ** (newPrefix - prefix)) templateError(`Fn::Cidr: ${block} holds fewer than ${count} /${newPrefix} subnets`);
  const base = ipToInt(ip!) & (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);
  return Array.from({ length: count }, (_, i) => `${intToIp((base + i * 2 ** cidrBits) >>> 0)}/${newPrefix}`);
}

function substitute(text: string, vars: Record<string, unknown>, scope: EvalScope): string | Unknown {
  let unknown: Unknown | undefined;
  const out = text.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    let value: unknown;
    if (name in vars) value = vars[name];
    else if (name.includes('.') && !name.startsWith('AWS::')) {
      const dot = name.indexOf('.');
      value = getAtt(name.slice(0, dot), name.slice(dot + 1), scope);
    } else value = refValue(name, scope);
    if (value instanceof Unknown) {
      unknown = value;
      return '';
    }
    if (Array.isArray(value)) templateError(`variable ${name} in Fn::Sub expression does not resolve to a string`);
    if (value === NO_VALUE || value === undefined || value === null) templateError(`variable ${name} in Fn::Sub expression does not resolve to a string`);
    return String(value);
  });
  return unknown ?? out;
}

function getAtt(logicalId: string, attribute: string, scope: EvalScope): unknown {
  if (!scope.template.Resources[logicalId]) fail('ValidationError', `Template format error: Unresolved resource dependencies [${logicalId}] in the ${scope.section} block of the template`);
  if (!scope.active.has(logicalId)) templateError(`Unresolved resource dependencies [${logicalId}] in the ${scope.section} block of the template`);
  return scope.getAtt(logicalId, attribute);
}

/** Evaluates a template fragment. */
export function evaluate(value: unknown, scope: EvalScope): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const v = evaluate(item, scope);
      if (v !== NO_VALUE) out.push(v);
    }
    return out;
  }
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const fn = keys[0]!;
    const arg = value[fn];
    switch (fn) {
      case 'Ref':
        if (typeof arg !== 'string') templateError('Ref must name a parameter or resource');
        return refValue(arg, scope);
      case 'Fn::GetAtt': {
        let parts: unknown[];
        if (typeof arg === 'string') {
          const dot = arg.indexOf('.');
          parts = [arg.slice(0, dot), arg.slice(dot + 1)];
        } else if (Array.isArray(arg) && arg.length === 2) parts = [arg[0], evaluate(arg[1], scope)];
        else templateError('Fn::GetAtt takes [resource, attribute]');
        if (typeof parts[0] !== 'string' || typeof parts[1] !== 'string') templateError('Fn::GetAtt takes [resource, attribute]');
        return getAtt(parts[0], parts[1], scope);
      }
      case 'Fn::Sub': {
        if (typeof arg === 'string') return substitute(arg, {}, scope);
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string' || !isObject(arg[1])) templateError('Fn::Sub takes a string or [string, {variables}]');
        const vars: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(arg[1])) vars[k] = evaluate(v, scope);
        return substitute(arg[0], vars, scope);
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) templateError('Fn::Join takes [delimiter, [values]]');
        const delimiter = evaluate(arg[0], scope);
        const list = evaluate(arg[1], scope);
        if (list instanceof Unknown) return list;
        if (typeof delimiter !== 'string' || !Array.isArray(list)) templateError('Fn::Join takes [delimiter, [values]]');
        const parts = list.map((p) => asString(p, 'Fn::Join'));
        const unknown = parts.find((p) => p instanceof Unknown);
        return unknown ?? parts.join(delimiter);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) templateError('Fn::Select takes [index, [values]]');
        const index = evaluate(arg[0], scope);
        const list = evaluate(arg[1], scope);
        if (index instanceof Unknown) return index;
        if (list instanceof Unknown) return list;
        if (!Array.isArray(list)) templateError('Fn::Select requires a list');
        const i = Number(index);
        if (!Number.isInteger(i) || i < 0 || i >= list.length) templateError(`Fn::Select cannot select nonexistent value at index ${String(index)}`);
        return list[i];
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) templateError('Fn::Split takes [delimiter, string]');
        const delimiter = evaluate(arg[0], scope);
        const source = evaluate(arg[1], scope);
        if (source instanceof Unknown) return source;
        if (typeof delimiter !== 'string' || typeof source !== 'string') templateError('Fn::Split takes [delimiter, string]');
        return source.split(delimiter);
      }
      case 'Fn::GetAZs': {
        const region = evaluate(arg, scope);
        return availabilityZones(typeof region === 'string' && region !== '' ? region : scope.region);
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3) templateError('Fn::If takes [condition, value if true, value if false]');
        return conditionValue(arg[0], scope) ? evaluate(arg[1], scope) : evaluate(arg[2], scope);
      }
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) templateError('Fn::Equals takes two values');
        const a = evaluate(arg[0], scope);
        const b = evaluate(arg[1], scope);
        return JSON.stringify(typeof a === 'number' ? String(a) : a) === JSON.stringify(typeof b === 'number' ? String(b) : b);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) templateError(`${fn} takes 2 to 10 conditions`);
        const values = arg.map((c) => boolArg(c, scope));
        return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::Not': {
        if (!Array.isArray(arg) || arg.length !== 1) templateError('Fn::Not takes one condition');
        return !boolArg(arg[0], scope);
      }
      case 'Condition':
        if (scope.section === 'Conditions') return conditionValue(arg, scope);
        break;
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || arg.length < 3) templateError('Fn::FindInMap takes [map, top-level key, second-level key]');
        const [map, top, second] = arg.slice(0, 3).map((a) => evaluate(a, scope));
        if ([map, top, second].some((v) => v instanceof Unknown)) return new Unknown('Fn::FindInMap');
        const found = scope.template.Mappings[String(map)]?.[String(top)]?.[String(second)];
        if (found === undefined) {
          const fallback = arg[3] as Record<string, unknown> | undefined;
          if (scope.languageExtensions && isObject(fallback) && 'DefaultValue' in fallback) return evaluate(fallback.DefaultValue, scope);
          templateError(`Unable to get mapping for ${String(map)}::${String(top)}::${String(second)}`);
        }
        return evaluate(found, scope);
      }
      case 'Fn::Base64': {
        const text = evaluate(arg, scope);
        if (text instanceof Unknown) return text;
        return Buffer.from(String(text), 'utf8').toString('base64');
      }
      case 'Fn::Cidr': {
        if (!Array.isArray(arg) || arg.length !== 3) templateError('Fn::Cidr takes [ipBlock, count, cidrBits]');
        const [block, count, bits] = arg.map((a) => evaluate(a, scope));
        if ([block, count, bits].some((v) => v instanceof Unknown)) return new Unknown('Fn::Cidr');
        return cidrSubnets(String(block), Number(count), Number(bits));
      }
      case 'Fn::ImportValue': {
        const name = evaluate(arg, scope);
        if (name instanceof Unknown) return name;
        return scope.importValue(String(name));
      }
      case 'Fn::Length': {
        if (!scope.languageExtensions) break;
        const list = evaluate(arg, scope);
        if (list instanceof Unknown) return list;
        if (!Array.isArray(list)) templateError('Fn::Length requires a list');
        return list.length;
      }
      case 'Fn::ToJsonString': {
        if (!scope.languageExtensions) break;
        const v = evaluate(arg, scope);
        if (containsUnknown(v)) return new Unknown('Fn::ToJsonString');
        return JSON.stringify(v);
      }
      default:
        if (fn.startsWith('Fn::')) templateError(`Encountered unsupported function: ${fn} Supported functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = evaluate(value[key], scope);
    if (v !== NO_VALUE) out[key] = v;
  }
  return out;
}

/** Every logical id a fragment refers to through Ref, Fn::GetAtt or Fn::Sub (parameters and pseudo parameters included). */
export function referencedNames(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedNames(v, into);
    return into;
  }
  if (!isObject(value)) return into;
  for (const [key, arg] of Object.entries(value)) {
    if (key === 'Ref' && typeof arg === 'string') into.add(arg);
    else if (key === 'Fn::GetAtt') {
      if (typeof arg === 'string') into.add(arg.split('.')[0]!);
      else if (Array.isArray(arg) && typeof arg[0] === 'string') into.add(arg[0]);
    } else if (key === 'Fn::Sub') {
      const text = typeof arg === 'string' ? arg : Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : '';
      const vars = Array.isArray(arg) && isObject(arg[1]) ? arg[1] : {};
      for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = m[1]!.trim();
        if (!(name in vars)) into.add(name.startsWith('AWS::') ? name : name.split('.')[0]!);
      }
      if (Array.isArray(arg)) referencedNames(arg[1], into);
    } else referencedNames(arg, into);
  }
  return into;
}

/** Every (resource, attribute) pair a fragment reads through Fn::GetAtt or `${A.B}` in Fn::Sub. */
export function referencedAttributes(value: unknown, into: [string, string][] = []): [string, string][] {
  if (Array.isArray(value)) {
    for (const v of value) referencedAttributes(v, into);
    return into;
  }
  if (!isObject(value)) return into;
  for (const [key, arg] of Object.entries(value)) {
    if (key === 'Fn::GetAtt') {
      if (typeof arg === 'string' && arg.includes('.')) into.push([arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)]);
      else if (Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'string') into.push([arg[0], arg[1]]);
    } else if (key === 'Fn::Sub') {
      const text = typeof arg === 'string' ? arg : Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : '';
      for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = m[1]!.trim();
        if (name.includes('.') && !name.startsWith('AWS::')) into.push([name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)]);
      }
      if (Array.isArray(arg)) referencedAttributes(arg[1], into);
    } else referencedAttributes(arg, into);
  }
  return into;
}
