/** Stack parameters: given values, UsePreviousValue, defaults, constraints, SSM parameter types, NoEcho. */
import { fail } from '../errors';
import type { SandboxCore } from '../core';
import { findParameter } from '../ssm';
import type { StackParameter } from '../state';
import type { ParameterDefinition, Template } from './template';

export interface GivenParameter {
  key: string;
  value?: string;
  usePrevious?: boolean;
}

function isList(type: string): boolean {
  return type === 'CommaDelimitedList' || type.startsWith('List<') || /^AWS::SSM::Parameter::Value<(List<.*>|CommaDelimitedList)>$/.test(type);
}

function constraintError(name: string, def: ParameterDefinition, fallback: string): never {
  fail('ValidationError', def.ConstraintDescription ? `Parameter '${name}' failed to satisfy constraint: ${def.ConstraintDescription}` : fallback);
}

function checkConstraints(name: string, def: ParameterDefinition, value: string): void {
  const items = isList(def.Type) ? value.split(',').map((v) => v.trim()) : [value];
  for (const item of items) {
    if (def.AllowedValues && !def.AllowedValues.map(String).includes(item)) constraintError(name, def, `Parameter '${name}' must be one of AllowedValues`);
    if (def.AllowedPattern && !new RegExp(`^(?:${def.AllowedPattern})$`).test(item)) constraintError(name, def, `Parameter '${name}' must match pattern ${def.AllowedPattern}`);
    if (def.Type === 'Number' || def.Type === 'List<Number>') {
      const n = Number(item);
      if (item.trim() === '' || Number.isNaN(n)) constraintError(name, def, `Parameter '${name}' must be a number.`);
      if (def.MinValue !== undefined && n < Number(def.MinValue)) constraintError(name, def, `Parameter '${name}' must be a number not less than ${def.MinValue}`);
      if (def.MaxValue !== undefined && n > Number(def.MaxValue)) constraintError(name, def, `Parameter '${name}' must be a number not greater than ${def.MaxValue}`);
    }
  }
  if (def.MinLength !== undefined && value.length < Number(def.MinLength)) constraintError(name, def, `Parameter '${name}' must contain at least ${def.MinLength} characters`);
  if (def.MaxLength !== undefined && value.length > Number(def.MaxLength)) constraintError(name, def, `Parameter '${name}' must contain at most ${def.MaxLength} characters`);
}

/** Resolves the parameters for an operation, failing like CloudFormation's ValidationError. */
export function resolveParameters(core: SandboxCore, template: Template, given: GivenParameter[], previous: StackParameter[] = []): StackParameter[] {
  const unknown = given.filter((g) => !(g.key in template.Parameters)).map((g) => g.key);
  if (unknown.length > 0) fail('ValidationError', `Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const missing: string[] = [];
  const out: StackParameter[] = [];
  for (const [name, def] of Object.entries(template.Parameters)) {
    const g = given.find((p) => p.key === name);
    let value: string | undefined;
    if (g?.usePrevious) {
      value = previous.find((p) => p.key === name)?.value;
      if (value === undefined) fail('ValidationError', `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`);
    } else if (g?.value !== undefined) value = g.value;
    else if (def.Default !== undefined) value = Array.isArray(def.Default) ? def.Default.map(String).join(',') : String(def.Default);
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    checkConstraints(name, def, value);
    const param: StackParameter = { key: name, value, noEcho: def.NoEcho === true || def.NoEcho === 'true' };
    if (def.Type.startsWith('AWS::SSM::Parameter::Value<')) {
      const p = findParameter(core, value);
      if (!p) fail('ValidationError', `Unable to fetch parameters [${value}] from parameter store for this account.`);
      if (p.type === 'SecureString') fail('ValidationError', `Parameters [${value}] referenced by template have types not supported by CloudFormation.`);
      param.resolvedValue = p.value;
    }
    out.push(param);
  }
  if (missing.length > 0) fail('ValidationError', `Parameters: [${missing.join(', ')}] must have values`);
  return out;
}

/** Parameter values as templates see them: lists split, SSM types resolved. */
export function parameterValues(template: Template, params: StackParameter[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const p of params) {
    const def = template.Parameters[p.key];
    if (!def) continue;
    const raw = p.resolvedValue ?? p.value;
    out[p.key] = isList(def.Type) ? (raw === '' ? [] : raw.split(',').map((v) => v.trim())) : raw;
  }
  return out;
}

const IAM_TYPES = ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::AccessKey', 'AWS::IAM::InstanceProfile', 'AWS::IAM::UserToGroupAddition'];
const IAM_NAMES: Record<string, string> = { 'AWS::IAM::Role': 'RoleName', 'AWS::IAM::ManagedPolicy': 'ManagedPolicyName', 'AWS::IAM::User': 'UserName', 'AWS::IAM::Group': 'GroupName', 'AWS::IAM::InstanceProfile': 'InstanceProfileName' };

/** Fails with InsufficientCapabilitiesException when IAM resources are not acknowledged. */
export function checkCapabilities(template: Template, capabilities: string[]): void {
  let needed: string | undefined;
  for (const r of Object.values(template.Resources)) {
    if (!IAM_TYPES.includes(r.Type)) continue;
    const nameProp = IAM_NAMES[r.Type];
    if (nameProp && r.Properties?.[nameProp] !== undefined) needed = 'CAPABILITY_NAMED_IAM';
    else needed ??= 'CAPABILITY_IAM';
  }
  if (!needed) return;
  if (capabilities.includes('CAPABILITY_NAMED_IAM') || (needed === 'CAPABILITY_IAM' && capabilities.includes('CAPABILITY_IAM'))) return;
  fail('InsufficientCapabilitiesException', `Requires capabilities : [${needed}]`);
}
