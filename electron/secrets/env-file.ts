/**
 * Reads `.env` files as Docker Compose does: `KEY=value`, optional `export`, `#` comments,
 * single quotes literal, double quotes with escapes, quoted values may span lines.
 * (No dotenv library is a dependency; this covers the syntax compose itself accepts.)
 */

export interface EnvEntry {
  name: string;
  value: string;
  line: number;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

/** Parses .env text into entries in file order (later duplicates win when turned into a map). */
export function parseEnvFile(text: string): { entries: EnvEntry[]; errors: { line: number; message: string }[] } {
  const entries: EnvEntry[] = [];
  const errors: { line: number; message: string }[] = [];
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const end = src.indexOf('\n', i) === -1 ? src.length : src.indexOf('\n', i);
    const raw = src.slice(i, end);
    const startLine = line;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i = end + 1;
      line++;
      continue;
    }
    const m = /^\s*(?:export\s+)?([^=\s]+)\s*=\s*/.exec(raw);
    if (!m) {
      // `KEY` alone means "take it from the environment": nothing to import.
      if (!/^\s*(?:export\s+)?[^=\s]+\s*$/.test(raw)) errors.push({ line: startLine, message: 'Expected NAME=value' });
      i = end + 1;
      line++;
      continue;
    }
    const name = m[1]!;
    let j = i + m[0].length;
    const quote = src[j];
    let value = '';
    if (quote === '"' || quote === "'") {
      j++;
      let closed = false;
      while (j < src.length) {
        const c = src[j]!;
        if (c === quote) {
          closed = true;
          j++;
          break;
        }
        if (c === '\n') line++;
        if (quote === '"' && c === '\\' && j + 1 < src.length) {
          const next = src[j + 1]!;
          value += ESCAPES[next] ?? `\\${next}`;
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      if (!closed) {
        errors.push({ line: startLine, message: `Unclosed ${quote === '"' ? 'double' : 'single'} quote for ${name}` });
        break;
      }
      const rest = src.indexOf('\n', j) === -1 ? src.length : src.indexOf('\n', j);
      i = rest + 1;
      line++;
    } else {
      // Unquoted: an inline comment starts at " #".
      let v = src.slice(j, end);
      const hash = v.search(/\s#/);
      if (hash !== -1) v = v.slice(0, hash);
      value = v.trim();
      i = end + 1;
      line++;
    }
    entries.push({ name, value, line: startLine });
  }
  return { entries, errors };
}
