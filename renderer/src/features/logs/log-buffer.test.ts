import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../../shared/domain/logs';
import { LogBuffer, lineAsText } from './log-buffer';

const line = (i: number, message = `line ${i}`): LogLine => ({ id: `id-${i}`, timestamp: 1_700_000_000_000 + i, source: 'service', service: 'web', stream: 's', message });

describe('LogBuffer', () => {
  it('keeps lines in order and ignores duplicates from a reconnect', () => {
    const buffer = new LogBuffer(100);
    expect(buffer.push([line(1), line(2)])).toBe(2);
    expect(buffer.push([line(2), line(3)])).toBe(1);
    expect(buffer.length).toBe(3);
    expect(buffer.at(0)?.id).toBe('id-1');
    expect(buffer.at(2)?.id).toBe('id-3');
  });

  it('never holds much more than its capacity and drops the oldest first', () => {
    const buffer = new LogBuffer(1000);
    for (let batch = 0; batch < 100; batch++) buffer.push(Array.from({ length: 200 }, (_, i) => line(batch * 200 + i)));
    expect(buffer.length).toBeLessThanOrEqual(1100);
    expect(buffer.length).toBeGreaterThanOrEqual(1000);
    expect(buffer.at(buffer.length - 1)?.id).toBe('id-19999');
    expect(buffer.dropped + buffer.length).toBe(20_000);
    buffer.trim();
    expect(buffer.length).toBe(1000);
    expect(buffer.at(0)?.id).toBe('id-19000');
  });

  it('accepts a dropped line again once it has left the buffer', () => {
    const buffer = new LogBuffer(10);
    buffer.push(Array.from({ length: 12 }, (_, i) => line(i)));
    buffer.trim();
    expect(buffer.push([line(0)])).toBe(1);
  });

  it('filters by index and renders lines as plain text', () => {
    const buffer = new LogBuffer(10);
    buffer.push([line(1, 'GET /health 200'), line(2, '\u001b[31merror\u001b[0m: boom'), line(3, 'GET / 500')]);
    expect(buffer.indicesWhere((l) => l.message.includes('GET'))).toEqual([0, 2]);
    expect(lineAsText(buffer.at(1)!)).toMatch(/ web error: boom$/);
  });
});
