import { describe, expect, it } from 'vitest';
import { classifyStatement } from '../../../../src-renderer/console/python-continuation.js';

describe('classifyStatement', () => {
  it.each([
    [['1 + 1'], 'complete'],
    [[''], 'complete'],
    [['x = {"a": 1}'], 'complete'],
    [['x[1:]'], 'complete'],
    [['f(1,'], 'incomplete'],
    [['f(1,', '2)'], 'complete'],
    [['[1,', '2,'], 'incomplete'],
    [['x = 1 + \\'], 'incomplete'],
    [['s = """doc'], 'incomplete'],
    [['s = """doc', 'end"""'], 'complete'],
    [["s = '(' "], 'complete'],
    [['x = 1  # (comment'], 'complete'],
    [['if x:'], 'compound'],
    [['for i in range(3):  # loop'], 'compound'],
    [['def f(', '  a):'], 'compound'],
    [['if x:', '    y = ('], 'incomplete'],
    [['@decorator'], 'compound'],
    [["print('a:')"], 'complete'],
    [['d = {', "  'k':"], 'incomplete'],
  ] as const)('%j is %s', (lines, expected) => {
    expect(classifyStatement(lines)).toBe(expected);
  });
});
