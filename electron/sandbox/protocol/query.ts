/** AWS query protocol (STS, CloudFormation): form-encoded `Action=...` in, XML `<ActionResponse>` out. */
import { SandboxError } from '../errors';
import type { SandboxResponse } from '../http';
import { document, element, type XmlValue } from './xml';

/** A parsed query request: flattened `A.member.1.B=x` names rebuilt into nested objects and arrays. */
export type QueryInput = { [key: string]: QueryValue };
export type QueryValue = string | QueryInput | QueryValue[];

/** Rebuilds nested input from form fields (`Parameters.member.1.ParameterKey`, `Capabilities.member.2`, `Tags.entry.1.key`). */
export function parseQuery(body: string): { action: string; input: QueryInput } {
  const params = new URLSearchParams(body);
  const root: QueryInput = {};
  let action = '';
  for (const [name, value] of params) {
    if (name === 'Action') {
      action = value;
      continue;
    }
    if (name === 'Version') continue;
    setPath(root, name.split('.'), value);
  }
  return { action, input: normalize(root) as QueryInput };
}

// Lists are kept as objects keyed by index while parsing, then turned into arrays.
function setPath(target: QueryInput, parts: string[], value: string): void {
  let node: QueryInput = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const existing = node[part];
    if (typeof existing !== 'object' || existing === null || Array.isArray(existing)) node[part] = {};
    node = node[part] as QueryInput;
  }
  const last = parts[parts.length - 1]!;
  // An empty list is sent as `Tags=`; keep it as an empty object that normalises to [].
  if (node[last] === undefined) node[last] = value;
}

function normalize(value: QueryValue): QueryValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'member' || keys[0] === 'entry')) {
    const inner = value[keys[0]!];
    if (typeof inner === 'object' && !Array.isArray(inner)) {
      const items = Object.keys(inner)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => normalize(inner[k]!));
      return items;
    }
  }
  const out: QueryInput = {};
  for (const key of keys) out[key] = normalize(value[key]!);
  return out;
}

/** Reads a string field (undefined when absent). */
export function str(input: QueryInput, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a list field: `[]` for an empty `Key=` or absent key. */
export function list(input: QueryInput, key: string): QueryValue[] {
  const v = input[key];
  if (Array.isArray(v)) return v;
  return [];
}

/** Reads a boolean field. */
export function bool(input: QueryInput, key: string): boolean | undefined {
  const v = str(input, key);
  return v === undefined ? undefined : v === 'true';
}

/** Builds a query success response `<ActionResponse><ActionResult>..</ActionResult><ResponseMetadata/></ActionResponse>`. */
export function queryResponse(action: string, namespace: string, result: { [key: string]: XmlValue } | undefined, requestId: string): SandboxResponse {
  const body: { [key: string]: XmlValue } = {};
  if (result) body[`${action}Result`] = result;
  const xml = document(`${action}Response`, namespace, body).replace(`</${action}Response>`, `${element('ResponseMetadata', { RequestId: requestId })}</${action}Response>`);
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: xml };
}

/** Serialises an error as the query protocol does: `<ErrorResponse><Error><Type/><Code/><Message/></Error>`. */
export function queryError(error: SandboxError, namespace: string, requestId: string): SandboxResponse {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  const xml = document('ErrorResponse', namespace, {
    Error: { Type: type, Code: error.code, Message: error.message, ...error.extra },
    RequestId: requestId,
  });
  return { status: error.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: xml };
}

/** Requires a string field, failing like AWS's input validation does. */
export function required(input: QueryInput, key: string): string {
  const v = str(input, key);
  if (v === undefined || v === '') {
    throw new SandboxError('ValidationError', `1 validation error detected: Value null at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return v;
}

/** Reads a list whose items carry their own name (`Tags.Tag.1.Key`, `Filters.Filter.1.Name`: RDS, ElastiCache) or are `member`s. */
export function namedList(input: QueryInput, key: string): QueryValue[] {
  const value = input[key];
  if (Array.isArray(value)) return value;
  if (!value || typeof value !== 'object') return [];
  const names = Object.keys(value);
  const inner = names.length === 1 ? value[names[0]!] : undefined;
  if (Array.isArray(inner)) return inner;
  if (!inner || typeof inner !== 'object') return [];
  return Object.keys(inner)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => inner[k]!);
}

/** Reads `[{Key, Value}]` tags from a named list into a map. */
export function tagMap(input: QueryInput, key = 'Tags'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of namedList(input, key)) if (t && typeof t === 'object' && !Array.isArray(t)) out[str(t, 'Key') ?? ''] = str(t, 'Value') ?? '';
  return out;
}
