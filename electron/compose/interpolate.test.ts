import { describe, expect, it } from 'vitest';
import { evaluate, parseTemplate } from './interpolate';

const env: Record<string, string> = { SET: 'value', EMPTY: '', PORT: '8080', NESTED: 'in' };
const lookup = (n: string) => env[n];

function run(input: string) {
  const parsed = parseTemplate(input);
  if (!parsed.ok) return { error: parsed.message, index: parsed.index };
  const r = evaluate(parsed.parts, lookup);
  return { text: r.text, template: r.template, unset: r.unset, required: r.required };
}

describe('interpolation (golden)', () => {
  it.each([
    ['plain text', 'plain text', 'plain text', []],
    ['${SET}', 'value', 'value', []],
    ['$SET', 'value', 'value', []],
    ['$SET-suffix', 'value-suffix', 'value-suffix', []],
    ['pre${SET}post', 'prevaluepost', 'prevaluepost', []],
    ['${UNSET}', '', '${UNSET}', ['UNSET']],
    ['$UNSET', '', '${UNSET}', ['UNSET']],
    ['${UNSET:-default}', 'default', 'default', []],
    ['${EMPTY:-default}', 'default', 'default', []],
    ['${SET:-default}', 'value', 'value', []],
    ['${UNSET-default}', 'default', 'default', []],
    ['${EMPTY-default}', '', '', []],
    ['${SET:+alt}', 'alt', 'alt', []],
    ['${EMPTY:+alt}', '', '', []],
    ['${UNSET:+alt}', '', '', []],
    ['${EMPTY+alt}', 'alt', 'alt', []],
    ['${UNSET+alt}', '', '', []],
    ['${UNSET:-${NESTED}}', 'in', 'in', []],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep', 'deep', []],
    ['${UNSET:-a${PORT}b}', 'a8080b', 'a8080b', []],
    ['$$', '$', '$$', []],
    ['$${SET}', '${SET}', '$${SET}', []],
    ['cost: $$5 and ${SET}', 'cost: $5 and value', 'cost: $$5 and value', []],
    ['postgres://u:${PASS}@db:5432/x', 'postgres://u:@db:5432/x', 'postgres://u:${PASS}@db:5432/x', ['PASS']],
    ['${A}${B}${A}', '', '${A}${B}${A}', ['A', 'B']],
    ['${UNSET:-}', '', '', []],
    ['${SET:?never shown}', 'value', 'value', []],
  ])('%s', (input, text, template, unset) => {
    expect(run(input)).toEqual({ text, template, unset, required: [] });
  });

  it.each([
    ['${UNSET:?must be set}', 'UNSET', 'must be set'],
    ['${EMPTY:?not empty please}', 'EMPTY', 'not empty please'],
    ['${UNSET?gone}', 'UNSET', 'gone'],
    ['${UNSET:?}', 'UNSET', ''],
  ])('%s fails as required', (input, name, message) => {
    expect(run(input)).toMatchObject({ required: [{ name, message }] });
  });

  it('${EMPTY?msg} passes: the variable is set, even if empty', () => {
    expect(run('${EMPTY?msg}')).toMatchObject({ text: '', required: [] });
  });

  it.each([
    ['${UNTERMINATED', 0],
    ['abc ${A:-x', 4],
    ['${}', 0],
    ['${1ABC}', 0],
    ['${A B}', 0],
    ['${A:x}', 0],
    ['$', 0],
    ['cost $5', 5],
    ['${A:-${B}', 0],
  ])('%s is a syntax error at %i', (input, index) => {
    expect(run(input)).toMatchObject({ index });
  });
});
