/** Paging of big containers in the variables tree: which ones, their first page, slices. */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { describe, expect, it } from 'vitest';
import {
  firstPageItems,
  indexName,
  pageExpression,
  pagedContainer,
} from '../../../../src-renderer/debug/variable-paging.js';

const v = (
  name: string,
  value = '',
  extra: Partial<DebugProtocol.Variable> = {},
): DebugProtocol.Variable => ({ name, value, variablesReference: 0, ...extra });

describe('container paging', () => {
  const children = [
    v('special variables'),
    v('function variables'),
    ...Array.from({ length: 100 }, (_, i) => v(String(i).padStart(6, '0'), String(i))),
    v('more', '...', { type: 'MoreItems', variablesReference: 9 }),
    v('len()', '1000000'),
  ];

  it('pages only containers with an evaluateName and more than 100 items', () => {
    const list = v('xs', '[0, 1, ...]', {
      evaluateName: 'xs',
      type: 'list',
      variablesReference: 5,
    });
    expect(pagedContainer(list, children)).toEqual({
      kind: 'slice',
      length: 1_000_000,
      expression: 'xs',
    });
    expect(pagedContainer({ ...list, evaluateName: undefined }, children)).toBeNull();
    expect(pagedContainer(list, [v('len()', '100')])).toBeNull();
    expect(pagedContainer({ ...list, type: 'dict' }, children)?.kind).toBe('mapping');
    expect(pagedContainer({ ...list, type: 'set' }, children)?.kind).toBe('iterable');
  });

  it('keeps only items in the first page and writes slice expressions', () => {
    expect(firstPageItems(children)).toHaveLength(100);
    expect(firstPageItems(children)[0]?.name).toBe('000000');
    const c = { length: 1_000_000, expression: 'self.xs' };
    expect(pageExpression({ ...c, kind: 'slice' }, 100, 100)).toBe('(self.xs)[100:200]');
    expect(pageExpression({ ...c, kind: 'mapping' }, 0, 10)).toBe(
      "dict(__import__('itertools').islice((self.xs).items(), 0, 10))",
    );
    expect(indexName(42, 1_000_000)).toBe('000042');
  });
});
