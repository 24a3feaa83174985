/**
 * CloudWatch Logs filter patterns: terms (`ERROR`, `"exact phrase"`, `?ERROR ?WARN`, `-DEBUG`),
 * JSON patterns (`{ $.level = "error" && $.latency > 100 }`), space-delimited patterns
 * (`[ip, user, ..., status = 5*]`) and regular expressions (`%time(out|d out)%`).
 */
import { fail } from '../errors';

export type LogMatcher = (message: string) => boolean;

/** Compiles a pattern; an unparseable one fails with InvalidParameterException, as AWS does. */
export function compileFilterPattern(pattern: string | undefined): LogMatcher {
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{')) return compileJson(text);
  if (text.startsWith('[')) return compileDelimited(text);
  if (text.length > 1 && text.startsWith('%') && text.endsWith('%')) return compileRegex(text.slice(1, -1));
  return compileTerms(text);
}

function invalid(): never {
  fail('InvalidParameterException', 'Invalid filter pattern');
}

function compileRegex(source: string): LogMatcher {
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch {
    invalid();
  }
  return (m) => re.test(m);
}

// ---- terms ----

// Marks a quoted phrase so `?"a b"` keeps its prefix; never appears in a pattern.
const QUOTED = '\u0000';

function tokenizeTerms(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let prefix = '';
    if (text[i] === '?' || text[i] === '-') prefix = text[i++]!;
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) invalid();
      tokens.push(`${prefix}${QUOTED}${text.slice(i + 1, end)}`);
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j]!)) j++;
      tokens.push(prefix + text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

function compileTerms(text: string): LogMatcher {
  const required: string[] = [];
  const anyOf: string[] = [];
  const excluded: string[] = [];
  for (const token of tokenizeTerms(text)) {
    const kind = token[0] === '?' || token[0] === '-' ? token[0] : '';
    const raw = kind ? token.slice(1) : token;
    const term = raw.startsWith(QUOTED) ? raw.slice(QUOTED.length) : raw;
    if (term === '') continue;
    if (kind === '?') anyOf.push(term);
    else if (kind === '-') excluded.push(term);
    else required.push(term);
  }
  return (m) => required.every((t) => m.includes(t)) && !excluded.some((t) => m.includes(t)) && (anyOf.length === 0 || anyOf.some((t) => m.includes(t)));
}

// ---- shared value comparison ----

function wildcardToRegex(value: string): RegExp {
  return new RegExp(`^${value.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function compare(actual: unknown, op: string, expected: string | number | boolean | null): boolean {
  if (op === '=' || op === '!=') {
    let equal: boolean;
    if (expected === null) equal = actual === null;
    else if (typeof expected === 'number') equal = typeof actual === 'number' ? actual === expected : Number(actual) === expected;
    else if (typeof expected === 'boolean') equal = actual === expected;
    else equal = actual !== undefined && actual !== null && typeof actual !== 'object' && wildcardToRegex(expected).test(String(actual));
    return op === '=' ? equal : actual !== undefined && !equal;
  }
  const n = typeof actual === 'number' ? actual : Number(actual);
  if (typeof expected !== 'number' || actual === undefined || actual === null || Number.isNaN(n)) return false;
  if (op === '<') return n < expected;
  if (op === '<=') return n <= expected;
  if (op === '>') return n > expected;
  if (op === '>=') return n >= expected;
  return false;
}

// ---- JSON patterns ----

type JsonExpr = (doc: unknown) => boolean;

function getPath(doc: unknown, path: string): unknown {
  // `$.a.b[0].c`
  const parts = path
    .slice(1)
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '');
  let node: unknown = doc;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function compileJson(text: string): LogMatcher {
  const inner = text.slice(1, text.lastIndexOf('}'));
  let pos = 0;
  const src = inner;
  const skip = () => {
    while (pos < src.length && /\s/.test(src[pos]!)) pos++;
  };
  const parseValue = (): string | number | boolean | null => {
    skip();
    if (src[pos] === '"') {
      const end = src.indexOf('"', pos + 1);
      if (end < 0) invalid();
      const v = src.slice(pos + 1, end);
      pos = end + 1;
      return v;
    }
    const m = /^[^\s&|)]+/.exec(src.slice(pos));
    if (!m) invalid();
    pos += m[0].length;
    const raw = m[0];
    if (raw === 'true' || raw === 'TRUE') return true;
    if (raw === 'false' || raw === 'FALSE') return false;
    if (raw === 'null' || raw === 'NULL') return null;
    const n = Number(raw);
    return Number.isNaN(n) ? raw : n;
  };
  const parseAtom = (): JsonExpr => {
    skip();
    if (src[pos] === '(') {
      pos++;
      const e = parseOr();
      skip();
      if (src[pos] !== ')') invalid();
      pos++;
      return e;
    }
    const m = /^\$[\w.[\]$-]*/.exec(src.slice(pos));
    if (!m) invalid();
    const path = m[0];
    pos += path.length;
    skip();
    const rest = src.slice(pos);
    const named = /^(IS\s+NULL|IS\s+TRUE|IS\s+FALSE|NOT\s+EXISTS|EXISTS)/i.exec(rest);
    if (named) {
      pos += named[0].length;
      const kind = named[0].toUpperCase().replace(/\s+/g, ' ');
      return (doc) => {
        const v = getPath(doc, path);
        if (kind === 'IS NULL') return v === null;
        if (kind === 'IS TRUE') return v === true;
        if (kind === 'IS FALSE') return v === false;
        if (kind === 'NOT EXISTS') return v === undefined;
        return v !== undefined;
      };
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(rest);
    if (!op) invalid();
    pos += op[0].length;
    const value = parseValue();
    return (doc) => compare(getPath(doc, path), op[0], value);
  };
  const parseAnd = (): JsonExpr => {
    let left = parseAtom();
    for (;;) {
      skip();
      if (src.startsWith('&&', pos)) {
        pos += 2;
        const l = left;
        const r = parseAtom();
        left = (d) => l(d) && r(d);
      } else return left;
    }
  };
  const parseOr = (): JsonExpr => {
    let left = parseAnd();
    for (;;) {
      skip();
      if (src.startsWith('||', pos)) {
        pos += 2;
        const l = left;
        const r = parseAnd();
        left = (d) => l(d) || r(d);
      } else return left;
    }
  };
  const expr = parseOr();
  skip();
  if (pos !== src.length) invalid();
  return (m) => {
    const trimmed = m.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
    try {
      return expr(JSON.parse(trimmed));
    } catch {
      return false;
    }
  };
}

// ---- space-delimited patterns ----

function splitFields(message: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|\[([^\]]*)\]|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(message))) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

function compileDelimited(text: string): LogMatcher {
  const inner = text.slice(1, text.lastIndexOf(']'));
  const specs = inner.split(',').map((s) => s.trim());
  const fields = specs.map((spec) => {
    if (spec === '...') return { ellipsis: true as const };
    const m = /^(\w+)?\s*(!=|<=|>=|=|<|>)?\s*(.*)$/.exec(spec);
    if (!m) invalid();
    const raw = m[3]!.replace(/^"|"$/g, '');
    const value = m[2] ? (raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw) : undefined;
    return { ellipsis: false as const, op: m[2], value };
  });
  return (message) => {
    const values = splitFields(message);
    const match = (fi: number, vi: number): boolean => {
      if (fi === fields.length) return vi === values.length || fields[fields.length - 1]?.ellipsis === true;
      const f = fields[fi]!;
      if (f.ellipsis) {
        for (let k = vi; k <= values.length; k++) if (match(fi + 1, k)) return true;
        return false;
      }
      if (vi >= values.length) return false;
      if (f.op && f.value !== undefined && !compare(values[vi], f.op, f.value)) return false;
      return match(fi + 1, vi + 1);
    };
    return match(0, 0);
  };
}
