import { describe, expect, it } from 'vitest';
import { isTooDeep, jsonDepth, MAX_JSON_DEPTH } from '../../../src-common/json-limits.js';

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
