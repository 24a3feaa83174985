/** Typed reads of a decoded JSON request body: a wrong or missing field fails with the service's validation error. */
import { fail } from '../errors';

export type Input = Record<string, unknown>;

/** A field reader bound to the service's validation error code (`ValidationException`, `InvalidParameterException`...). */
export class Fields {
  constructor(
    readonly input: Input,
    readonly errorCode = 'ValidationException',
  ) {}

  private bad(key: string, what: string): never {
    fail(this.errorCode, `1 validation error detected: Value at '${key}' failed to satisfy constraint: ${what}`);
  }

  /** A required non-empty string. */
  str(key: string): string {
    const v = this.input[key];
    if (typeof v !== 'string' || v === '') this.bad(key, 'Member must not be null');
    return v;
  }

  /** An optional string. */
  optStr(key: string): string | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.bad(key, 'Member must be a string');
    return v;
  }

  /** An optional number. */
  optNum(key: string): number | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.bad(key, 'Member must be a number');
    return v;
  }

  /** An optional boolean. */
  optBool(key: string): boolean | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.bad(key, 'Member must be a boolean');
    return v;
  }

  /** An optional list of strings. */
  strList(key: string): string[] | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.bad(key, 'Member must be a list of strings');
    return v as string[];
  }

  /** An optional list of objects. */
  objList(key: string): Input[] | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) this.bad(key, 'Member must be a list of structures');
    return v as Input[];
  }

  /** An optional object. */
  optObj(key: string): Input | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.bad(key, 'Member must be a structure');
    return v as Input;
  }
}

/** Reads `[{Key, Value}]` (or `[{key, value}]`) tags into a record. */
export function tagsFromList(list: Input[] | undefined, keyName = 'Key', valueName = 'Value'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of list ?? []) {
    const key = tag[keyName];
    const value = tag[valueName];
    if (typeof key === 'string') out[key] = typeof value === 'string' ? value : '';
  }
  return out;
}

/** Writes a record of tags as `[{Key, Value}]`. */
export function tagsToList(tags: Record<string, string>, keyName = 'Key', valueName = 'Value'): Record<string, string>[] {
  return Object.entries(tags).map(([k, v]) => ({ [keyName]: k, [valueName]: v }));
}

/** Opaque pagination tokens: the position to resume from, base64-encoded. */
export function encodeToken(position: string | number): string {
  return Buffer.from(JSON.stringify(position)).toString('base64');
}

/** Decodes a token made by `encodeToken`; a forged one fails with the service's error. */
export function decodeToken(token: string | undefined, errorCode = 'InvalidNextToken'): string | number | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown;
    if (typeof v === 'string' || typeof v === 'number') return v;
  } catch {
    // fall through
  }
  fail(errorCode, 'The specified token is not valid.');
}
