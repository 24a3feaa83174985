/**
 * Reading a template as CloudFormation does: JSON or YAML (with the `!Ref`/`!Sub`... short forms),
 * the allowed sections, every resource with a Type, and no resource type CloudFormation lacks.
 */
import { parse as parseYaml, type ScalarTag, type CollectionTag } from 'yaml';
import { fail } from '../errors';
import { loadCfnSpec } from '../../cfnspec/index';

export interface ParameterDefinition {
  Type: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
  NoEcho?: boolean | string;
  Description?: string;
  ConstraintDescription?: string;
}

export interface ResourceDefinition {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: unknown;
  CreationPolicy?: unknown;
  UpdatePolicy?: unknown;
}

export interface OutputDefinition {
  Value: unknown;
  Description?: string;
  Condition?: string;
  Export?: { Name: unknown };
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: unknown;
  Transform?: string | string[];
  Parameters: Record<string, ParameterDefinition>;
  Mappings: Record<string, Record<string, Record<string, unknown>>>;
  Conditions: Record<string, unknown>;
  Rules?: unknown;
  Resources: Record<string, ResourceDefinition>;
  Outputs: Record<string, OutputDefinition>;
}

const SECTIONS = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs', 'Rules']);
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'CreationPolicy', 'UpdatePolicy']);
const PARAMETER_TYPES = /^(String|Number|List<Number>|CommaDelimitedList|AWS::EC2::[A-Za-z]+::[A-Za-z]+(::[A-Za-z]+)?|AWS::Route53::HostedZone::Id|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::Name|AWS::SSM::Parameter::Value<.+>)$/;
/** The only transform the sandbox evaluates (it adds Fn::Length and Fn::ToJsonString). */
export const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';
const MAX_RESOURCES = 500;

function formatError(message: string): never {
  fail('ValidationError', `Template format error: ${message}`);
}

// YAML short forms: `!Ref X` → {Ref: X}, `!GetAtt A.B` → {'Fn::GetAtt': ['A', 'B']}, `!Sub`, `!If [...]`...
const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString'];

function yamlTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  const wrap = (name: string, value: unknown) => {
    if (name === 'Ref') return { Ref: value };
    if (name === 'Condition') return { Condition: value };
    if (name === 'GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { [`Fn::${name}`]: value };
  };
  for (const name of [...FUNCTIONS, 'Ref', 'Condition']) {
    tags.push({ tag: `!${name}`, resolve: (value: string) => wrap(name, value) } as ScalarTag);
    tags.push({ tag: `!${name}`, collection: 'seq', resolve: (value: { toJSON(): unknown }) => wrap(name, value.toJSON()) } as unknown as CollectionTag);
    tags.push({ tag: `!${name}`, collection: 'map', resolve: (value: { toJSON(): unknown }) => wrap(name, value.toJSON()) } as unknown as CollectionTag);
  }
  return tags;
}

/** Parses the text (JSON first, then YAML). */
export function parseTemplateText(body: string): unknown {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(body);
    } catch (error) {
      formatError(`JSON not well-formed. (${(error as Error).message})`);
    }
  }
  try {
    return parseYaml(body, { customTags: yamlTags(), maxAliasCount: 100 }) as unknown;
  } catch (error) {
    const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    formatError(`YAML not well-formed. ${pos ? `(line ${pos.line}, column ${pos.col})` : ''}`.trim());
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and checks a template's structure; every failure is CloudFormation's ValidationError. */
export function parseTemplate(body: string): Template {
  const raw = parseTemplateText(body);
  if (!isObject(raw)) formatError('not a valid template: the template must be a JSON or YAML object.');
  const unknown = Object.keys(raw).filter((k) => !SECTIONS.has(k));
  if (unknown.length > 0) formatError(`Invalid template property or properties [${unknown.join(', ')}]`);
  const resources = raw.Resources;
  if (!isObject(resources) || Object.keys(resources).length === 0) formatError('At least one Resources member must be defined.');
  if (Object.keys(resources).length > MAX_RESOURCES) formatError(`Number of resources, ${Object.keys(resources).length}, is greater than maximum allowed, ${MAX_RESOURCES}`);
  const transforms = raw.Transform === undefined ? [] : Array.isArray(raw.Transform) ? raw.Transform : [raw.Transform];
  for (const t of transforms) {
    if (t !== LANGUAGE_EXTENSIONS) fail('ValidationError', `Transform ${String(t)} is not supported by the Berth sandbox (it evaluates only ${LANGUAGE_EXTENSIONS}).`);
  }
  const spec = loadCfnSpec();
  const unrecognized: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (!/^[A-Za-z0-9]+$/.test(id)) formatError(`Resource name ${id} is non alphanumeric.`);
    if (!isObject(resource) || typeof resource.Type !== 'string') formatError(`[/Resources/${id}] Every Resources object must contain a Type member.`);
    const extra = Object.keys(resource).filter((k) => !RESOURCE_KEYS.has(k));
    if (extra.length > 0) formatError(`[/Resources/${id}] Invalid template resource property '${extra[0]}'`);
    if (resource.Properties !== undefined && !isObject(resource.Properties)) formatError(`[/Resources/${id}/Properties] Every Properties member must be an object.`);
    if (!resource.Type.startsWith('Custom::') && !spec.resource(resource.Type) && !unrecognized.includes(resource.Type)) unrecognized.push(resource.Type);
    for (const policy of [resource.DeletionPolicy, resource.UpdateReplacePolicy]) {
      if (policy !== undefined && !['Delete', 'Retain', 'Snapshot', 'RetainExceptOnCreate'].includes(String(policy))) formatError(`[/Resources/${id}] Unrecognized DeletionPolicy ${String(policy)}`);
    }
  }
  if (unrecognized.length > 0) formatError(`Unrecognized resource types: [${unrecognized.join(', ')}]`);
  const parameters = raw.Parameters ?? {};
  if (!isObject(parameters)) formatError('Parameters must be an object.');
  for (const [name, def] of Object.entries(parameters)) {
    if (!isObject(def) || typeof def.Type !== 'string') formatError(`[/Parameters/${name}] Every Parameters object must contain a Type member.`);
    if (!PARAMETER_TYPES.test(def.Type)) formatError(`Unrecognized parameter type: ${def.Type}`);
    if (resources[name] !== undefined) formatError(`Duplicate name: ${name} is used by both a parameter and a resource`);
  }
  const outputs = raw.Outputs ?? {};
  if (!isObject(outputs)) formatError('Outputs must be an object.');
  for (const [name, out] of Object.entries(outputs)) {
    if (!isObject(out) || out.Value === undefined) formatError(`[/Outputs/${name}] Every Outputs member must contain a Value object`);
  }
  if (Object.keys(outputs).length > 200) formatError('Number of outputs exceeds the maximum of 200.');
  return {
    AWSTemplateFormatVersion: raw.AWSTemplateFormatVersion as string | undefined,
    Description: typeof raw.Description === 'string' ? raw.Description : undefined,
    Metadata: raw.Metadata,
    Transform: raw.Transform as string | string[] | undefined,
    Parameters: parameters as Record<string, ParameterDefinition>,
    Mappings: (raw.Mappings ?? {}) as Template['Mappings'],
    Conditions: (raw.Conditions ?? {}) as Record<string, unknown>,
    Rules: raw.Rules,
    Resources: resources as Record<string, ResourceDefinition>,
    Outputs: outputs as Record<string, OutputDefinition>,
  };
}

/** True when the template declares the language-extensions transform. */
export function usesLanguageExtensions(template: Template): boolean {
  const t = template.Transform;
  return t === LANGUAGE_EXTENSIONS || (Array.isArray(t) && t.includes(LANGUAGE_EXTENSIONS));
}

/** A resource's DependsOn as a list. */
export function dependsOnList(resource: ResourceDefinition): string[] {
  const d = resource.DependsOn;
  if (d === undefined) return [];
  return Array.isArray(d) ? d.map(String) : [String(d)];
}
