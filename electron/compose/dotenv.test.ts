import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv';

describe('parseDotenv', () => {
  it('reads the forms Compose accepts', () => {
    const text = [
      '# comment',
      '',
      'PLAIN=value',
      'export EXPORTED=yes',
      'SPACED = around ',
      'INLINE=kept # dropped comment',
      'HASH=a#b',
      "SINGLE='literal ${PLAIN} $$'",
      'DOUBLE="line1\\nline2 ${PLAIN}"',
      'MULTI="first',
      'second"',
      'REF=${PLAIN}-ref',
      'FROM_ENV=${OUTSIDE:-fallback}',
      'BARE',
      'EMPTY=',
      'COLON: yaml-ish',
    ].join('\n');
    const r = parseDotenv(text, (n) => (n === 'OUTSIDE' ? undefined : undefined));
    expect(r.problems).toEqual([]);
    expect(Object.fromEntries(r.entries.map((e) => [e.key, e.value]))).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SPACED: 'around',
      INLINE: 'kept',
      HASH: 'a#b',
      SINGLE: 'literal ${PLAIN} $$',
      DOUBLE: 'line1\nline2 value',
      MULTI: 'first\nsecond',
      REF: 'value-ref',
      FROM_ENV: 'fallback',
      BARE: null,
      EMPTY: '',
      COLON: 'yaml-ish',
    });
    expect(r.entries.find((e) => e.key === 'REF')?.line).toBe(12);
  });

  it('uses the lookup for variables not defined in the file', () => {
    const r = parseDotenv('URL=http://${HOST}:80', (n) => (n === 'HOST' ? 'example.com' : undefined));
    expect(r.entries[0]?.value).toBe('http://example.com:80');
  });

  it('reports bad lines with their line numbers', () => {
    const r = parseDotenv('OK=1\nnot a line\n1BAD=x\nQ="open', () => undefined);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(r.entries.map((e) => e.key)).toEqual(['OK']);
  });
});
