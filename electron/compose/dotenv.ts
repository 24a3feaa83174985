/**
 * Parses `.env` and `env_file` files the way Compose does: `KEY=VALUE` lines, optional `export`,
 * `#` comments, single quotes (literal), double quotes (escapes, multi-line), `${VAR}`
 * interpolation from earlier lines and the environment, and `KEY` alone (value from elsewhere).
 */
import { evaluate, parseTemplate } from './interpolate';

export interface DotenvEntry {
  key: string;
  /** The value, or null for a bare `KEY` line (Compose takes it from the environment; Berth from config). */
  value: string | null;
  /** 1-based line of the key. */
  line: number;
}

export interface DotenvProblem {
  line: number;
  column: number;
  message: string;
}

export interface Dotenv {
  entries: DotenvEntry[];
  problems: DotenvProblem[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Parses dotenv text; `lookup` resolves `${VAR}` not defined earlier in the file. */
export function parseDotenv(text: string, lookup: (name: string) => string | undefined = () => undefined): Dotenv {
  const entries: DotenvEntry[] = [];
  const problems: DotenvProblem[] = [];
  const defined = new Map<string, string>();
  const resolve = (name: string) => (defined.has(name) ? defined.get(name) : lookup(name));
  const src = text.replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const eol = src.indexOf('\n', i);
    const end = eol === -1 ? src.length : eol;
    const raw = src.slice(i, end);
    const startLine = line;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i = end + 1;
      line++;
      continue;
    }
    const body = trimmed.replace(/^export\s+/, '');
    const eq = body.search(/[=:]/);
    if (eq === -1) {
      if (KEY.test(body)) entries.push({ key: body, value: null, line: startLine });
      else problems.push({ line: startLine, column: 1, message: `"${clip(body)}" is not a KEY=VALUE line.` });
      i = end + 1;
      line++;
      continue;
    }
    const key = body.slice(0, eq).trim();
    if (!KEY.test(key)) {
      problems.push({ line: startLine, column: 1, message: `"${clip(key)}" is not a valid variable name.` });
      i = end + 1;
      line++;
      continue;
    }
    // Offset in `src` where the value starts (after the separator and spaces).
    let v = i + raw.indexOf(body) + eq + 1;
    while (v < end && (src[v] === ' ' || src[v] === '\t')) v++;
    const quote = src[v];
    let value: string;
    if (quote === '"' || quote === "'") {
      const close = findClosingQuote(src, v + 1, quote);
      if (close === -1) {
        problems.push({ line: startLine, column: 1, message: `The ${quote === '"' ? 'double' : 'single'} quote of ${key} is never closed.` });
        break;
      }
      const inner = src.slice(v + 1, close);
      line += countNewlines(inner);
      value = quote === "'" ? inner : unescapeDouble(inner);
      if (quote === '"') {
        const r = interpolate(value, resolve);
        if (r.error) problems.push({ line: startLine, column: 1, message: `${key}: ${r.error}` });
        else value = r.value;
      }
      const after = src.indexOf('\n', close);
      i = after === -1 ? src.length : after + 1;
      line++;
    } else {
      let rest = src.slice(v, end);
      const hash = rest.search(/\s#/);
      if (hash !== -1) rest = rest.slice(0, hash);
      const r = interpolate(rest.trim(), resolve);
      if (r.error) problems.push({ line: startLine, column: 1, message: `${key}: ${r.error}` });
      value = r.error ? rest.trim() : r.value;
      i = end + 1;
      line++;
    }
    defined.set(key, value);
    entries.push({ key, value, line: startLine });
  }
  return { entries, problems };
}

function interpolate(value: string, lookup: (name: string) => string | undefined): { value: string; error?: string } {
  if (!value.includes('$')) return { value };
  const parsed = parseTemplate(value);
  if (!parsed.ok) return { value, error: parsed.message };
  const r = evaluate(parsed.parts, lookup);
  if (r.required.length > 0) {
    const first = r.required[0] as { name: string; message: string };
    return { value, error: first.message || `${first.name} is required but not set.` };
  }
  return { value: r.text };
}

function findClosingQuote(s: string, from: number, quote: string): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\' && quote === '"') i++;
    else if (s[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(s: string): string {
  return s.replace(/\\(.)/gs, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
