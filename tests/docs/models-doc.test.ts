/** docs/models.md's tables are the ones Berth uses: rewritten by `node scripts/models-doc.mjs`, stale here. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED, renderModelsDoc } from '../../scripts/models-doc-render';
import { MODEL_ALIASES } from '../../shared/domain/models';

const DOC = resolve(__dirname, '..', '..', 'docs', 'models.md');

describe('docs/models.md', () => {
  it('has the generated tables as the code has them (node scripts/models-doc.mjs)', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(renderModelsDoc(doc)).toBe(doc);
  });

  it('notices a table that went stale, and a missing section', () => {
    const doc = readFileSync(DOC, 'utf8');
    const stale = doc.replace(`| \`${MODEL_ALIASES[0]!.name}\` |`, '| `renamed` |');
    expect(stale).not.toBe(doc);
    expect(renderModelsDoc(stale)).toBe(doc);
    expect(() => renderModelsDoc(doc.replace('<!-- generated: gpus -->', ''))).toThrow('docs/models.md has no "<!-- generated: gpus -->"');
    expect(Object.keys(GENERATED)).toEqual(['aliases', 'models', 'gpus']);
  });
});
