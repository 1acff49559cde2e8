import { describe, expect, it } from 'vitest';
import { CommandHistory } from '../../../../src-renderer/console/command-history.js';

describe('CommandHistory', () => {
  it('walks older with previous() and back to the draft with next()', () => {
    const history = new CommandHistory();
    history.add('a');
    history.add('b');
    history.add('c');
    expect(history.previous('draft')).toBe('c');
    expect(history.previous('ignored')).toBe('b');
    expect(history.previous('ignored')).toBe('a');
    expect(history.previous('ignored')).toBeUndefined(); // stays on the oldest
    expect(history.next()).toBe('b');
    expect(history.next()).toBe('c');
    expect(history.next()).toBe('draft');
    expect(history.isNavigating).toBe(false);
    expect(history.next()).toBeUndefined();
  });

  it('ignores blank entries and consecutive duplicates, and trims trailing whitespace', () => {
    const history = new CommandHistory();
    history.add('x');
    history.add('x');
    history.add('   ');
    history.add('');
    history.add('y  ');
    history.add('x');
    expect(history.entries).toEqual(['x', 'y', 'x']);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const history = new CommandHistory(3);
    for (const entry of ['1', '2', '3', '4', '5']) history.add(entry);
    expect(history.entries).toEqual(['3', '4', '5']);
  });

  it('defaults to 500 entries', () => {
    const history = new CommandHistory();
    for (let i = 0; i < 600; i += 1) history.add(`e${i}`);
    expect(history.entries).toHaveLength(500);
    expect(history.entries[0]).toBe('e100');
  });

  it('add() ends a walk', () => {
    const history = new CommandHistory();
    history.add('a');
    history.previous('');
    history.add('b');
    expect(history.isNavigating).toBe(false);
    expect(history.previous('')).toBe('b');
  });

  it('returns undefined from previous() when empty', () => {
    expect(new CommandHistory().previous('x')).toBeUndefined();
  });
});
