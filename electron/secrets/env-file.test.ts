import { describe, expect, it } from 'vitest';
import { parseEnvFile } from './env-file';

describe('parseEnvFile', () => {
  it('reads the syntax compose accepts', () => {
    const { entries, errors } = parseEnvFile(
      [
        '# comment',
        'A=1',
        'export B = two words ',
        "C='literal $X \\n'",
        'D="line\\nbreak \\"q\\""',
        'E=value # trailing comment',
        'F=',
        'G="multi',
        'line"',
        'H=a#b',
        'ONLY_NAME',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(Object.fromEntries(entries.map((e) => [e.name, e.value]))).toEqual({
      A: '1',
      B: 'two words',
      C: 'literal $X \\n',
      D: 'line\nbreak "q"',
      E: 'value',
      F: '',
      G: 'multi\nline',
      H: 'a#b',
    });
    expect(entries.find((e) => e.name === 'H')?.line).toBe(10);
  });

  it('reports lines it cannot read', () => {
    const { errors } = parseEnvFile('= nothing\nX="open');
    expect(errors.map((e) => e.line)).toEqual([1, 2]);
  });
});
