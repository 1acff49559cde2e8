import { describe, expect, it } from 'vitest';
import {
  BreakpointBook,
  type BookChange,
  type KeyValueStorage,
} from '../../../../../src-renderer/stores/breakpoints/breakpoint-book.js';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
  };
}

describe('BreakpointBook', () => {
  it('toggles lines, keeps them sorted and notifies the path', () => {
    const book = new BreakpointBook(null, 'p1');
    const changed: BookChange[] = [];
    book.onChange((change) => changed.push(change));
    expect(book.toggle('/a.py', 9)).toBe(true);
    expect(book.toggle('/a.py', 3)).toBe(true);
    expect(book.linesOf('/a.py')).toEqual([3, 9]);
    expect(book.toggle('/a.py', 9)).toBe(false);
    expect(book.linesOf('/a.py')).toEqual([3]);
    expect(changed).toEqual(Array(3).fill({ kind: 'source', path: '/a.py' }));
  });

  it('keeps condition, hit condition and log message; sends only enabled breakpoints', () => {
    const book = new BreakpointBook(null, 'p1');
    book.upsert('/a.py', 5, { condition: ' x > 3 ', hitCondition: '', logMessage: undefined });
    book.upsert('/a.py', 7, { logMessage: 'x is {x}' });
    book.upsert('/a.py', 9, { hitCondition: '>=2' });
    expect(book.get('/a.py', 5)).toEqual({
      path: '/a.py',
      line: 5,
      enabled: true,
      condition: 'x > 3',
    });
    book.setEnabled('/a.py', 9, false);
    expect(book.sourceBreakpointsOf('/a.py')).toEqual([
      { line: 5, condition: 'x > 3' },
      { line: 7, logMessage: 'x is {x}' },
    ]);
    expect(book.toLaunch()).toEqual([
      {
        path: '/a.py',
        breakpoints: [
          { line: 5, condition: 'x > 3' },
          { line: 7, logMessage: 'x is {x}' },
        ],
      },
    ]);
    // Editing keeps the enabled flag and replaces the options.
    book.upsert('/a.py', 9, { condition: 'y' });
    expect(book.get('/a.py', 9)).toEqual({
      path: '/a.py',
      line: 9,
      enabled: false,
      condition: 'y',
    });
  });

  it('moves, disables all, removes all', () => {
    const book = new BreakpointBook(null, 'p1');
    book.upsert('/a.py', 4, { condition: 'c' });
    book.toggle('/b.py', 1);
    book.addFunction('main');
    book.move('/a.py', 4, 2);
    expect(book.get('/a.py', 2)?.condition).toBe('c');
    expect(book.get('/a.py', 4)).toBeUndefined();
    book.setAllEnabled(false);
    expect(book.all().every((b) => !b.enabled)).toBe(true);
    expect(book.functions()).toEqual([{ name: 'main', enabled: false }]);
    expect(book.toLaunch()).toEqual([]);
    expect(book.functionBreakpoints()).toEqual([]);
    book.removeAll();
    expect(book.all()).toEqual([]);
    expect(book.functions()).toEqual([]);
  });

  it('function breakpoints: no blanks, no duplicates', () => {
    const book = new BreakpointBook(null, 'p1');
    expect(book.addFunction('  ')).toBe(false);
    expect(book.addFunction('mod.run')).toBe(true);
    expect(book.addFunction('mod.run')).toBe(false);
    book.addFunction('other');
    book.setFunctionEnabled('other', false);
    expect(book.functionBreakpoints()).toEqual([{ name: 'mod.run' }]);
    book.removeFunction('mod.run');
    expect(book.functions()).toEqual([{ name: 'other', enabled: false }]);
  });

  it('persists everything per profile and reloads', () => {
    const storage = memoryStorage();
    const book = new BreakpointBook(storage, 'p1');
    book.upsert('/a.py', 4, { hitCondition: '%3' });
    book.toggle('/b.py', 1);
    book.setEnabled('/b.py', 1, false);
    book.addFunction('main');
    book.setExceptionFilters(['raised', 'uncaught']);
    const again = new BreakpointBook(storage, 'p1');
    expect(again.all()).toEqual([
      { path: '/a.py', line: 4, enabled: true, hitCondition: '%3' },
      { path: '/b.py', line: 1, enabled: false },
    ]);
    expect(again.functions()).toEqual([{ name: 'main', enabled: true }]);
    expect(again.exceptionFilters()).toEqual(['raised', 'uncaught']);
    expect(new BreakpointBook(storage, 'p2').all()).toEqual([]);
    expect(new BreakpointBook(storage, 'p2').exceptionFilters()).toBeNull();
  });

  it('reads the version-1 format and ignores corrupt data', () => {
    const storage = memoryStorage();
    storage.setItem(BreakpointBook.storageKey('p1'), '{"/a.py":[2,"x",-1],"/b.py":7,');
    expect(new BreakpointBook(storage, 'p1').all()).toEqual([]);
    storage.setItem(BreakpointBook.storageKey('p1'), '{"/a.py":[2,"x",-1],"/b.py":7}');
    expect(new BreakpointBook(storage, 'p1').all()).toEqual([
      { path: '/a.py', line: 2, enabled: true },
    ]);
    storage.setItem(
      BreakpointBook.storageKey('p1'),
      JSON.stringify({
        version: 2,
        lines: [{ path: '/c.py', line: 0 }, { path: '/c.py', line: 3, condition: 5 }, 'junk'],
      }),
    );
    expect(new BreakpointBook(storage, 'p1').all()).toEqual([
      { path: '/c.py', line: 3, enabled: true },
    ]);
  });
});
