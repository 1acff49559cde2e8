/**
 * Pure parts of execution control and inspection: container paging expressions, the temporary
 * breakpoint of run to cursor, Python string literals, hover expressions, watch storage,
 * completion keys in the console.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EditorState } from '@codemirror/state';
import { python } from '@codemirror/lang-python';
import { describe, expect, it } from 'vitest';
import { parsePythonString } from '../../../src-renderer/debug/inspection.js';
import { expressionAt } from '../../../src-renderer/editor/hover-value.js';
import { TemporaryBreakpoint } from '../../../src-renderer/debug/temporary-breakpoint.js';
import {
  firstPageItems,
  indexName,
  pageExpression,
  pagedContainer,
} from '../../../src-renderer/debug/variable-paging.js';
import { loadWatches, saveWatches } from '../../../src-renderer/stores/watch-storage.js';

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

describe('run to cursor', () => {
  it('sends the file’s breakpoints plus the cursor line, then restores the file’s own', async () => {
    const sent: unknown[] = [];
    const restored: unknown[] = [];
    const temp = new TemporaryBreakpoint(
      (command, args) => {
        sent.push({ command, args });
        return Promise.resolve({
          seq: 0,
          type: 'response',
          request_seq: 0,
          command,
          success: true,
        });
      },
      (path, bps) => {
        restored.push({ path, bps });
        return Promise.resolve();
      },
    );
    temp.record('/a.py', [3, { line: 9, condition: 'x > 1' }]);
    await temp.place('/a.py', 20);
    expect(temp.isPlaced).toBe(true);
    expect(sent[0]).toMatchObject({
      command: 'setBreakpoints',
      args: { breakpoints: [{ line: 3 }, { line: 9, condition: 'x > 1' }, { line: 20 }] },
    });
    await temp.remove();
    expect(restored).toEqual([{ path: '/a.py', bps: [3, { line: 9, condition: 'x > 1' }] }]);
    // A file without user breakpoints is cleared with an empty setBreakpoints.
    await temp.place('/b.py', 5);
    await temp.remove();
    expect(sent[2]).toMatchObject({ args: { source: { path: '/b.py' }, breakpoints: [] } });
  });
});

describe('values', () => {
  it('reads Python string literals as repr() writes them', () => {
    expect(parsePythonString("'a\\nb'")).toBe('a\nb');
    expect(parsePythonString('"it\'s"')).toBe("it's");
    expect(parsePythonString("'\\x41\\u00e9\\\\'")).toBe('Aé\\');
    expect(parsePythonString('[1, 2]')).toBeNull();
  });

  it('finds the hovered name with its dotted prefix, not keywords, numbers or comments', () => {
    const state = EditorState.create({
      doc: 'if self.items.count > 10:  # total here\n    x = "name"',
      extensions: [python()],
    });
    const at = (text: string, offset = 0) =>
      expressionAt(state, state.doc.toString().indexOf(text) + offset)?.text ?? null;
    expect(at('items')).toBe('self.items');
    expect(at('count', 2)).toBe('self.items.count');
    expect(at('if')).toBeNull();
    expect(at('10')).toBeNull();
    expect(at('total')).toBeNull();
    expect(at('name')).toBeNull();
    expect(at('x')).toBe('x');
  });

  it('saves watch expressions per profile and ignores bad stored data', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, val: string) => void data.set(k, val),
    };
    saveWatches(storage, 'p1', ['a', 'b + 1']);
    expect(loadWatches(storage, 'p1')).toEqual(['a', 'b + 1']);
    expect(loadWatches(storage, 'p2')).toEqual([]);
    data.set('periscope.watches.p3', '{not json');
    expect(loadWatches(storage, 'p3')).toEqual([]);
  });
});
