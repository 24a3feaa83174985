/**
 * First validation layer: the structure and types of one compose file against the Compose
 * Specification. Each problem becomes a positioned diagnostic, and the offending value is removed
 * from the tree so the later steps only see well-typed data.
 */
import type { z } from 'zod';
import { composeFileSchema, DUPLICATE_ITEM, UNKNOWN_KEY } from './schema';
import type { Report } from './report';
import { formatPath, toPlain, type At, type SEntry, type SNode } from './tree';

type Issue = z.core.$ZodIssue;

interface Flat {
  path: PropertyKey[];
  code: string;
  message: string;
  fix: string;
  /** Point at the key rather than the value (unknown keys, bad names). */
  atKey: boolean;
}

/** Validates a parsed file; returns the tree without the invalid parts (null when the root itself is invalid). */
export function validateFile(root: SNode, report: Report): SNode | null {
  const plain = toPlain(root);
  const result = composeFileSchema.safeParse(plain);
  if (result.success) return root;
  const drop = new Set<SNode | SEntry>();
  let dropRoot = false;
  for (const issue of result.error.issues) {
    for (const flat of flatten(issue, [], plain)) {
      const target = locate(root, flat.path);
      const at: At = flat.atKey && target.entry ? target.entry.keyAt : (target.node?.at ?? target.nearest.at);
      // A found node knows its path inside the file it was written in (anchors included).
      report.error(flat.code, flat.message, flat.fix, target.node ? at : { ...at, path: formatPath(flat.path) });
      if (flat.path.length === 0) dropRoot = true;
      else if (target.entry) drop.add(target.entry);
      else if (target.node) drop.add(target.node);
    }
  }
  if (dropRoot) return null;
  return prune(root, drop);
}

interface Located {
  node?: SNode;
  entry?: SEntry;
  nearest: SNode;
}

function locate(root: SNode, path: PropertyKey[]): Located {
  let cur: SNode = root;
  let entry: SEntry | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (cur.kind === 'map') {
      const e = cur.entries.get(String(seg));
      if (!e) return { nearest: cur };
      entry = e;
      cur = e.value;
    } else if (cur.kind === 'seq') {
      const item = cur.items[Number(seg)];
      if (!item) return { nearest: cur };
      entry = undefined;
      cur = item;
    } else return { nearest: cur };
  }
  return { node: cur, entry, nearest: cur };
}

function prune(node: SNode, drop: Set<SNode | SEntry>): SNode {
  if (node.kind === 'map') {
    const entries = new Map<string, SEntry>();
    for (const [k, e] of node.entries) {
      if (drop.has(e) || drop.has(e.value)) continue;
      entries.set(k, { ...e, value: prune(e.value, drop) });
    }
    return { ...node, entries };
  }
  if (node.kind === 'seq') return { ...node, items: node.items.filter((i) => !drop.has(i)).map((i) => prune(i, drop)) };
  return node;
}

/** True when a union branch failed only because the value had another type. */
function isTypeMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  if (issue.code === 'invalid_value') return true;
  if (issue.code === 'invalid_union') return issue.errors.every((b) => b.every(isTypeMismatch));
  return false;
}

/** Expected types of a union, in words. */
function expectedOf(issues: Issue[]): string[] {
  const out: string[] = [];
  for (const i of issues) {
    if (i.code === 'invalid_type') out.push(typeWord(i.expected));
    else if (i.code === 'invalid_value') out.push(i.values.map((v) => JSON.stringify(v)).join(' or '));
    else if (i.code === 'invalid_union') for (const b of i.errors) out.push(...expectedOf(b));
  }
  return [...new Set(out)];
}

function flatten(issue: Issue, base: PropertyKey[], plain: unknown): Flat[] {
  const path = [...base, ...issue.path];
  const found = describe(valueAt(plain, path));
  const where = formatPath(path) || 'the file';
  switch (issue.code) {
    case 'invalid_union': {
      const deep = issue.errors.filter((b) => !b.every(isTypeMismatch));
      if (deep.length > 0) return (deep[0] as Issue[]).flatMap((i) => flatten(i, path, plain));
      const expected = expectedOf(issue.errors.flat());
      return [{ path, code: 'schema-type', message: `${where} must be ${orList(expected)}; found ${found}.`, fix: `Write ${orList(expected)} here.`, atKey: false }];
    }
    case 'invalid_type': {
      const expected = typeWord(issue.expected);
      return [{ path, code: 'schema-type', message: `${where} must be ${expected}; found ${found}.`, fix: `Write ${expected} here.`, atKey: false }];
    }
    case 'invalid_value':
      return [
        {
          path,
          code: 'schema-value',
          message: `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; found ${found}.`,
          fix: `Use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`,
          atKey: false,
        },
      ];
    case 'too_small':
    case 'too_big':
      return [
        {
          path,
          code: 'schema-value',
          message: `${where} must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(issue.code === 'too_small' ? issue.minimum : issue.maximum)}; found ${found}.`,
          fix: 'Use a value in the allowed range.',
          atKey: false,
        },
      ];
    case 'invalid_format':
      return [{ path, code: 'schema-value', message: `${where} has an invalid format; found ${found}.`, fix: 'Check the value against the Compose Specification.', atKey: false }];
    case 'invalid_key': {
      const name = String(path[path.length - 1]);
      return [
        {
          path,
          code: 'schema-name',
          message: `"${name}" is not a valid name: names may only hold letters, digits, ".", "_" and "-".`,
          fix: `Rename it, e.g. "${name.replace(/[^a-zA-Z0-9._-]+/g, '-')}".`,
          atKey: true,
        },
      ];
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { kind?: string; known?: string[]; key?: string };
      if (params.kind === UNKNOWN_KEY) {
        const key = String(path[path.length - 1]);
        const parent = formatPath(path.slice(0, -1)) || 'the top level';
        const guess = closest(key, params.known ?? []);
        return [
          {
            path,
            code: 'schema-unknown-key',
            message: `Unknown key "${key}" in ${parent}: the Compose Specification defines no such key here.`,
            fix: guess ? `Did you mean "${guess}"? Otherwise remove it, or prefix it with x- to keep it as an extension.` : 'Remove it, or prefix it with x- to keep it as an extension.',
            atKey: true,
          },
        ];
      }
      if (params.kind === DUPLICATE_ITEM) return [{ path, code: 'schema-duplicate', message: `${where} repeats an item already in this list.`, fix: 'Remove the repeated item.', atKey: false }];
      if (params.kind === 'required') {
        return [{ path, code: 'schema-required', message: `${where} needs "${params.key ?? ''}".`, fix: `Add "${params.key ?? ''}".`, atKey: false }];
      }
      return [{ path, code: 'schema-value', message: `${where}: ${issue.message}`, fix: 'Check the value against the Compose Specification.', atKey: false }];
    }
    default:
      return [{ path, code: 'schema-value', message: `${where}: ${issue.message}`, fix: 'Check the value against the Compose Specification.', atKey: false }];
  }
}

function valueAt(plain: unknown, path: PropertyKey[]): unknown {
  let cur = plain;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return cur;
}

function typeWord(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'null':
      return 'empty';
    default:
      return expected;
  }
}

function orList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'another value';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] as string}`;
}

/** Describes a value found in a file, in words. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`;
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the number ${value}`;
  return String(value);
}

/** The known key closest to `key` (edit distance ≤ 2), for "did you mean". */
export function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}
