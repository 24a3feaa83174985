/**
 * The CloudFormation resource specification (from `@aws-cdk/aws-service-spec`), wrapped in a
 * small typed view: resource types, their properties (types, required, replacement) and
 * attributes. The planner's preflight and the sandbox's CloudFormation both read it.
 * Loading takes about a second, so it happens once per process, on first use.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

/** A property's value type, with definition references resolved on demand. */
export type ValueType =
  | { kind: 'string'; allowed?: string[] }
  | { kind: 'integer'; allowed?: number[] }
  | { kind: 'number' | 'boolean' | 'json' | 'date-time' | 'tag' | 'null' }
  | { kind: 'array'; element: ValueType }
  | { kind: 'map'; element: ValueType }
  | { kind: 'object'; name: string; properties: () => Record<string, PropertySpec> }
  | { kind: 'union'; types: ValueType[] };

export interface PropertySpec {
  name: string;
  required: boolean;
  type: ValueType;
  /** Whether changing this property replaces the resource. */
  replacement: 'yes' | 'no' | 'maybe';
}

export interface ResourceSpec {
  type: string;
  properties: Record<string, PropertySpec>;
  attributes: string[];
  /** The property that holds tags, when the type is taggable. */
  tagProperty?: string;
}

export interface CfnSpec {
  /** The spec of a resource type, or undefined when CloudFormation has no such type. */
  resource(type: string): ResourceSpec | undefined;
  /** Milliseconds the database took to load (for the benchmark). */
  loadMs: number;
}

// The database's own types are deep generics; this is the slice Berth reads.
interface RawType {
  type: string;
  allowedValues?: (string | number)[];
  element?: RawType;
  types?: RawType[];
  reference?: { $ref: string };
}
interface RawProperty {
  type: RawType;
  required?: boolean;
  causesReplacement?: 'yes' | 'no' | 'maybe';
}
interface RawDb {
  lookup(collection: 'resource', index: 'cloudFormationType', op: 'equals', value: string): { length: number; only(): unknown };
  get(collection: 'typeDefinition', id: string): { name: string; properties: Record<string, RawProperty> };
}

let cached: CfnSpec | undefined;

/** Loads the specification once per process. */
export function loadCfnSpec(): CfnSpec {
  if (cached) return cached;
  const started = performance.now();
  const db = loadAwsServiceSpecSync() as unknown as RawDb;
  const loadMs = performance.now() - started;
  const resources = new Map<string, ResourceSpec | undefined>();
  const definitions = new Map<string, Record<string, PropertySpec>>();

  function convertType(raw: RawType): ValueType {
    switch (raw.type) {
      case 'string':
        return raw.allowedValues ? { kind: 'string', allowed: raw.allowedValues as string[] } : { kind: 'string' };
      case 'integer':
        return raw.allowedValues ? { kind: 'integer', allowed: raw.allowedValues as number[] } : { kind: 'integer' };
      case 'number':
      case 'boolean':
      case 'json':
      case 'date-time':
      case 'tag':
      case 'null':
        return { kind: raw.type };
      case 'array':
        return { kind: 'array', element: convertType(raw.element!) };
      case 'map':
        return { kind: 'map', element: convertType(raw.element!) };
      case 'union':
        return { kind: 'union', types: (raw.types ?? []).map(convertType) };
      case 'ref': {
        const id = raw.reference!.$ref;
        const def = db.get('typeDefinition', id);
        return { kind: 'object', name: def.name, properties: () => definitionProperties(id) };
      }
      default:
        return { kind: 'json' };
    }
  }

  function convertProperties(raw: Record<string, RawProperty>): Record<string, PropertySpec> {
    const out: Record<string, PropertySpec> = {};
    for (const [name, p] of Object.entries(raw)) {
      out[name] = { name, required: p.required === true, type: convertType(p.type), replacement: p.causesReplacement ?? 'no' };
    }
    return out;
  }

  function definitionProperties(id: string): Record<string, PropertySpec> {
    let props = definitions.get(id);
    if (!props) {
      props = convertProperties(db.get('typeDefinition', id).properties);
      definitions.set(id, props);
    }
    return props;
  }

  cached = {
    loadMs,
    resource(type: string): ResourceSpec | undefined {
      if (resources.has(type)) return resources.get(type);
      const found = db.lookup('resource', 'cloudFormationType', 'equals', type);
      let spec: ResourceSpec | undefined;
      if (found.length > 0) {
        const raw = found.only() as {
          properties: Record<string, RawProperty>;
          attributes: Record<string, unknown>;
          tagInformation?: { tagPropertyName: string };
        };
        spec = {
          type,
          properties: convertProperties(raw.properties),
          attributes: Object.keys(raw.attributes),
          tagProperty: raw.tagInformation?.tagPropertyName,
        };
      }
      resources.set(type, spec);
      return spec;
    },
  };
  return cached;
}
