/**
 * Checks a resource's properties against the CloudFormation resource specification, as the
 * resource handlers do: unknown keys, missing required keys and values of the wrong shape.
 */
import { loadCfnSpec, type PropertySpec, type ValueType } from '../../cfnspec/index';
import { Unknown } from './intrinsics';

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'JSONArray';
  if (value === null) return 'Null';
  if (typeof value === 'object') return 'JSONObject';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Number';
  if (typeof value === 'boolean') return 'Boolean';
  return 'String';
}

function checkValue(type: ValueType, value: unknown, path: string, errors: string[], depth: number): void {
  if (value instanceof Unknown || depth > 12) return;
  switch (type.kind) {
    case 'string':
      if (typeof value === 'object' && value !== null) errors.push(`${path}: expected type: String, found: ${describe(value)}`);
      return;
    case 'integer':
    case 'number':
      if (typeof value === 'number') return;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return;
      errors.push(`${path}: expected type: Number, found: ${describe(value)}`);
      return;
    case 'boolean':
      if (typeof value === 'boolean' || value === 'true' || value === 'false') return;
      errors.push(`${path}: expected type: Boolean, found: ${describe(value)}`);
      return;
    case 'array':
      if (!Array.isArray(value)) {
        errors.push(`${path}: expected type: JSONArray, found: ${describe(value)}`);
        return;
      }
      value.forEach((item, i) => checkValue(type.element, item, `${path}/${i}`, errors, depth + 1));
      return;
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`${path}: expected type: JSONObject, found: ${describe(value)}`);
        return;
      }
      for (const [k, v] of Object.entries(value)) checkValue(type.element, v, `${path}/${k}`, errors, depth + 1);
      return;
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`${path}: expected type: JSONObject, found: ${describe(value)}`);
        return;
      }
      checkObject(type.properties(), value as Record<string, unknown>, path, errors, depth + 1);
      return;
    case 'union': {
      // Accept when any member type accepts it.
      for (const member of type.types) {
        const attempt: string[] = [];
        checkValue(member, value, path, attempt, depth + 1);
        if (attempt.length === 0) return;
      }
      if (type.types.length > 0) checkValue(type.types[0]!, value, path, errors, depth + 1);
      return;
    }
    default:
      return;
  }
}

function checkObject(props: Record<string, PropertySpec>, value: Record<string, unknown>, path: string, errors: string[], depth: number): void {
  const extraneous = Object.keys(value).filter((k) => !(k in props));
  for (const key of extraneous) errors.push(`${path}: extraneous key [${key}] is not permitted`);
  for (const p of Object.values(props)) {
    if (p.required && value[p.name] === undefined) errors.push(`${path}: required key [${p.name}] not found`);
  }
  for (const [key, v] of Object.entries(value)) {
    const p = props[key];
    if (p && v !== undefined) checkValue(p.type, v, `${path}/${key}`, errors, depth);
  }
}

/** The validation messages for a resource's properties (empty when valid); unknown types and custom resources pass. */
export function propertyErrors(type: string, properties: Record<string, unknown>): string[] {
  const spec = loadCfnSpec().resource(type);
  if (!spec) return [];
  const errors: string[] = [];
  checkObject(spec.properties, properties, '#', errors, 0);
  return errors;
}
