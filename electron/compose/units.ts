/** Compose's value formats: durations (`1m30s`), byte sizes (`512M`, `1GB`), CPU counts (`0.5`). */

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds in a Compose/Go duration (`1m30s`, `500ms`, `10s`, a bare number = seconds); null when invalid. */
export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null) {
    total += Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
    consumed = re.lastIndex;
  }
  return consumed === text.length && text.length > 0 ? total : null;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

/** Bytes in a Compose size (`512M`, `1GB`, `2g`, `1.5GiB`, a bare number = bytes); null when invalid. */
export function parseBytes(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!m) return null;
  const unit = (m[2] as string).toLowerCase().replace(/ib$/, 'b');
  const factor = BYTE_UNITS[unit];
  return factor === undefined ? null : Number(m[1]) * factor;
}

/** A CPU count (`0.5`, `"1.0"`); null when invalid. */
export function parseCpus(value: string | number): number | null {
  const n = typeof value === 'number' ? value : /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Splits a command string the way Compose does (POSIX shell words: quotes and backslashes, no expansion). */
export function shellWords(input: string): string[] | null {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end === -1) return null;
      cur += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const d = input[i] as string;
        if (d === '\\' && i + 1 < input.length && '"\\$`\n'.includes(input[i + 1] as string)) {
          cur += input[i + 1];
          i += 2;
        } else if (d === '"') {
          closed = true;
          i++;
          break;
        } else {
          cur += d;
          i++;
        }
      }
      if (!closed) return null;
      inWord = true;
    } else if (c === '\\' && i + 1 < input.length) {
      cur += input[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
