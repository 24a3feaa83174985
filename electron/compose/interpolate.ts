/**
 * Compose interpolation: `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:?msg}`, `${V?msg}`, `${V:+a}`,
 * `${V+a}` (defaults and alternatives may nest) and `$$` for a literal dollar.
 *
 * Berth twist: in a service's `environment`, a variable that is not set locally is not replaced
 * by an empty string; it stays as `${NAME}` and names a config value from the secrets store.
 */
import type { Report } from './report';
import { childPath, type At, type SEntry, type SNode } from './tree';

export type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'var'; name: string; op?: Operator; arg?: TemplatePart[] };

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; message: string; index: number };

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const OPERATORS: Operator[] = [':-', ':?', ':+', '-', '?', '+'];

/** Parses a string into literal text and variable references; reports the first syntax error. */
export function parseTemplate(input: string): ParsedTemplate {
  const result = parseFrom(input, 0, input.length);
  return result.ok ? { ok: true, parts: result.parts } : result;
}

function parseFrom(s: string, start: number, end: number): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = start;
  while (i < end) {
    const c = s[i];
    if (c !== '$') {
      text += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      text += '$';
      i += 2;
      continue;
    }
    if (next !== undefined && i + 1 < end && NAME_START.test(next)) {
      let j = i + 1;
      while (j < end && NAME_CHAR.test(s[j] as string)) j++;
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'var', name: s.slice(i + 1, j) });
      i = j;
      continue;
    }
    if (next !== '{' || i + 1 >= end) {
      return { ok: false, message: 'A `$` must start a variable (`$NAME` or `${NAME}`); write `$$` for a literal dollar sign.', index: i };
    }
    let j = i + 2;
    while (j < end && NAME_CHAR.test(s[j] as string)) j++;
    const name = s.slice(i + 2, j);
    if (name === '' || !NAME_START.test(name[0] as string)) {
      const close = s.indexOf('}', i);
      return close === -1 || close >= end
        ? { ok: false, message: 'A `${` is never closed with `}`.', index: i }
        : { ok: false, message: `\`${s.slice(i, close + 1)}\` is not a valid variable: names start with a letter or _ and hold letters, digits and _.`, index: i };
    }
    if (s[j] === '}' && j < end) {
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'var', name });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => s.startsWith(o, j));
    if (!op || j >= end) {
      const close = findClose(s, j, end);
      return close === -1
        ? { ok: false, message: 'A `${` is never closed with `}`.', index: i }
        : { ok: false, message: `\`${s.slice(i, close + 1)}\` is not a valid substitution: use \${NAME}, \${NAME:-default}, \${NAME:?error} or \${NAME:+alternative}.`, index: i };
    }
    const argStart = j + op.length;
    const close = findClose(s, argStart, end);
    if (close === -1) return { ok: false, message: 'A `${` is never closed with `}`.', index: i };
    const arg = parseFrom(s, argStart, close);
    if (!arg.ok) return arg;
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'var', name, op, arg: arg.parts });
    i = close + 1;
  }
  if (text) parts.push({ kind: 'text', text });
  return { ok: true, parts };
}

/** Index of the `}` that closes a substitution whose argument starts at `from` (nested `${...}` skipped). */
function findClose(s: string, from: number, end: number): number {
  let depth = 1;
  for (let i = from; i < end; i++) {
    const c = s[i];
    if (c === '$' && s[i + 1] === '$') i++;
    else if (c === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** What evaluating a template gives. */
export interface Evaluated {
  /** The value with every variable resolved (unresolved ones read as empty). */
  text: string;
  /** The same as a template: literal `$` doubled, unresolved variables as `${NAME}`. */
  template: string;
  /** Variables that were not set (in order, once each). */
  unset: string[];
  /** `${V:?msg}` / `${V?msg}` failures. */
  required: { name: string; message: string }[];
}

/** Evaluates parsed parts against `lookup` (undefined = not set). */
export function evaluate(parts: TemplatePart[], lookup: (name: string) => string | undefined): Evaluated {
  const out: Evaluated = { text: '', template: '', unset: [], required: [] };
  evalInto(parts, lookup, out);
  return out;
}

function evalInto(parts: TemplatePart[], lookup: (name: string) => string | undefined, out: Evaluated): void {
  for (const p of parts) {
    if (p.kind === 'text') {
      out.text += p.text;
      out.template += p.text.replaceAll('$', () => '$$');
      continue;
    }
    const value = lookup(p.name);
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    const literal = (v: string) => {
      out.text += v;
      out.template += v.replaceAll('$', () => '$$');
    };
    switch (p.op) {
      case undefined:
        if (set) literal(value);
        else {
          if (!out.unset.includes(p.name)) out.unset.push(p.name);
          out.template += `\${${p.name}}`;
        }
        break;
      case ':-':
      case '-':
        if (p.op === ':-' ? nonEmpty : set) literal(value as string);
        else evalInto(p.arg ?? [], lookup, out);
        break;
      case ':?':
      case '?':
        if (p.op === ':?' ? nonEmpty : set) literal(value as string);
        else {
          const msg = evaluate(p.arg ?? [], lookup).text;
          out.required.push({ name: p.name, message: msg });
        }
        break;
      case ':+':
      case '+':
        if (p.op === ':+' ? nonEmpty : set) evalInto(p.arg ?? [], lookup, out);
        break;
    }
  }
}

/** Variables for interpolation: the process environment wins over the project's `.env`. */
export type VariableLookup = (name: string) => string | undefined;

/**
 * Interpolates every value of a parsed compose file (keys are left as written, and so are
 * top-level `x-*` blocks, which only exist to be referenced by anchors).
 */
export function interpolateFile(root: SNode, lookup: VariableLookup, report: Report): SNode {
  if (root.kind !== 'map') return root;
  const entries = new Map<string, SEntry>();
  for (const [key, e] of root.entries) {
    if (key.startsWith('x-')) entries.set(key, e);
    else if (key === 'services' && e.value.kind === 'map') entries.set(key, { ...e, value: interpolateServices(e.value, lookup, report) });
    else entries.set(key, { ...e, value: interpolateNode(e.value, lookup, report, false) });
  }
  return { ...root, entries };
}

function interpolateServices(services: SNode & { kind: 'map' }, lookup: VariableLookup, report: Report): SNode {
  const entries = new Map<string, SEntry>();
  for (const [name, e] of services.entries) {
    const svc = e.value;
    if (svc.kind !== 'map') {
      entries.set(name, { ...e, value: interpolateNode(svc, lookup, report, false) });
      continue;
    }
    const inner = new Map<string, SEntry>();
    for (const [key, se] of svc.entries) inner.set(key, { ...se, value: interpolateNode(se.value, lookup, report, key === 'environment') });
    entries.set(name, { ...e, value: { ...svc, entries: inner } });
  }
  return { ...services, entries };
}

/** Interpolates a subtree; `keepRefs` keeps unset variables as config references (environment values). */
export function interpolateNode(node: SNode, lookup: VariableLookup, report: Report, keepRefs: boolean): SNode {
  if (node.kind === 'map') {
    let changed = false;
    const entries = new Map<string, SEntry>();
    for (const [k, e] of node.entries) {
      const value = interpolateNode(e.value, lookup, report, keepRefs);
      if (value !== e.value) changed = true;
      entries.set(k, value === e.value ? e : { ...e, value });
    }
    return changed ? { ...node, entries } : node;
  }
  if (node.kind === 'seq') {
    let changed = false;
    const items = node.items.map((item) => {
      const v = interpolateNode(item, lookup, report, keepRefs);
      if (v !== item) changed = true;
      return v;
    });
    return changed ? { ...node, items } : node;
  }
  if (typeof node.value !== 'string' || !node.value.includes('$')) return node;
  const parsed = parseTemplate(node.value);
  if (!parsed.ok) {
    report.error('interpolation-syntax', `Invalid interpolation in "${clip(node.value)}": ${parsed.message}`, 'Fix the `${...}` expression, or write `$$` for a literal dollar sign.', node.at);
    return node;
  }
  const result = evaluate(parsed.parts, lookup);
  for (const r of result.required) {
    report.error(
      'interpolation-required',
      r.message ? `${r.name} is required: ${r.message}` : `${r.name} is required but not set.`,
      `Set ${r.name} in the project's .env file or in the environment.`,
      node.at,
    );
  }
  if (result.unset.length === 0) return { ...node, value: result.text };
  if (keepRefs) return { ...node, value: result.template, refs: result.unset };
  for (const name of result.unset) {
    report.warning('interpolation-unset', `${name} is not set, so it reads as an empty string here.`, `Set ${name} in the project's .env file or in the environment, or give a default with \${${name}:-value}.`, node.at);
  }
  return { ...node, value: result.text };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The position of a scalar's child path (for callers that split `KEY=VALUE` items). */
export function atChild(at: At, key: string | number): At {
  return { ...at, path: childPath(at.path, key) };
}
