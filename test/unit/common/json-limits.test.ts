import { describe, expect, it } from 'vitest';
import {
  isTooDeep,
  jsonDepth,
  jsonTextTooDeep,
  MAX_JSON_DEPTH,
} from '../../../src-common/json-limits.js';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
}

describe('jsonDepth', () => {
  it('counts objects and arrays, not primitives', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }], c: 'x' })).toBe(3);
  });

  it('stops past the limit without recursing, however deep the value', () => {
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)) as unknown;
    expect(jsonDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
    expect(isTooDeep(deep)).toBe(true);
  });

  it('accepts exactly the limit and refuses one more', () => {
    expect(isTooDeep(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(isTooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  });
});

describe('jsonTextTooDeep', () => {
  const text = (depth: number, leaf = '1'): string =>
    '[{"a":'.repeat(depth / 2) + leaf + '}]'.repeat(depth / 2);

  it('agrees with jsonDepth on the parsed value, as text and as UTF-8 bytes', () => {
    for (const depth of [0, 2, MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 2, 10_000]) {
      const t = text(depth, '"é😀"');
      const expected = isTooDeep(JSON.parse(t));
      expect(jsonTextTooDeep(t)).toBe(expected);
      expect(jsonTextTooDeep(Buffer.from(t, 'utf8'))).toBe(expected);
    }
  });

  it('reads many shallow brackets as shallow, and brackets in strings as nothing', () => {
    // More openings than the limit, none nested: past the quick count, the scan decides.
    const wide = JSON.stringify({ rows: Array.from({ length: 500 }, (_, i) => [{ i }]) });
    expect(jsonTextTooDeep(wide)).toBe(false);
    expect(jsonTextTooDeep(Buffer.from(wide, 'utf8'))).toBe(false);
    const quoted = JSON.stringify({ s: '{['.repeat(MAX_JSON_DEPTH) });
    expect(jsonTextTooDeep(quoted)).toBe(false);
    // Exactly at the limit, and one past it, with no other bracket to pad the count.
    expect(jsonTextTooDeep('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTextTooDeep('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toBe(
      true,
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const tricky = JSON.stringify({ s: '['.repeat(1000) + '\\"' + '{'.repeat(1000) + '\\' });
    expect(jsonTextTooDeep(tricky)).toBe(false);
    expect(jsonTextTooDeep(`[${tricky}]`, 1)).toBe(true);
  });
});
