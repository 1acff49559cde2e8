import { describe, expect, it } from 'vitest';
import { BreakpointBook, type KeyValueStorage } from '../../../src-renderer/lib/breakpoint-book.js';

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
    const changed: string[] = [];
    book.onChange((path) => changed.push(path));
    expect(book.toggle('/a.py', 9)).toBe(true);
    expect(book.toggle('/a.py', 3)).toBe(true);
    expect(book.linesOf('/a.py')).toEqual([3, 9]);
    expect(book.toggle('/a.py', 9)).toBe(false);
    expect(book.linesOf('/a.py')).toEqual([3]);
    expect(changed).toEqual(['/a.py', '/a.py', '/a.py']);
  });

  it('persists per profile and reloads', () => {
    const storage = memoryStorage();
    const book = new BreakpointBook(storage, 'p1');
    book.toggle('/a.py', 4);
    book.toggle('/b.py', 1);
    book.remove('/b.py', 1);
    const again = new BreakpointBook(storage, 'p1');
    expect(again.all()).toEqual([{ path: '/a.py', line: 4 }]);
    expect(new BreakpointBook(storage, 'p2').all()).toEqual([]);
    expect(again.toLaunch()).toEqual([{ path: '/a.py', breakpoints: [{ line: 4 }] }]);
  });

  it('ignores corrupt stored data', () => {
    const storage = memoryStorage();
    storage.setItem(BreakpointBook.storageKey('p1'), '{"/a.py":[2,"x",-1],"/b.py":7,');
    expect(new BreakpointBook(storage, 'p1').all()).toEqual([]);
    storage.setItem(BreakpointBook.storageKey('p1'), '{"/a.py":[2,"x",-1],"/b.py":7}');
    expect(new BreakpointBook(storage, 'p1').all()).toEqual([{ path: '/a.py', line: 2 }]);
  });
});
