import { describe, expect, it } from 'vitest';
import {
  describeSearchResults,
  isFindShortcut,
  isFunctionKey,
  terminalKeyHandler,
} from '../../../../src-renderer/console/terminal-search.js';

/** A key event as xterm's custom key handler receives it, recording `preventDefault`. */
function key(
  keyName: string,
  modifiers: { ctrl?: boolean; meta?: boolean; type?: string } = {},
): {
  type: string;
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  prevented: boolean;
  preventDefault(): void;
} {
  return {
    type: modifiers.type ?? 'keydown',
    key: keyName,
    ctrlKey: modifiers.ctrl ?? false,
    metaKey: modifiers.meta ?? false,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

describe('describeSearchResults', () => {
  it('says nothing before a search or with an empty query', () => {
    expect(describeSearchResults('tick', null)).toBe('');
    expect(describeSearchResults('', { index: 0, count: 3 })).toBe('');
  });
  it('says when nothing matches', () => {
    expect(describeSearchResults('zebra', { index: -1, count: 0 })).toBe('No results');
  });
  it('counts the active match from 1', () => {
    expect(describeSearchResults('tick', { index: 0, count: 12 })).toBe('1 of 12');
    expect(describeSearchResults('tick', { index: 11, count: 12 })).toBe('12 of 12');
  });
  it('says "N+" when the addon stopped counting at its highlight limit', () => {
    expect(describeSearchResults('e', { index: -1, count: 2000 })).toBe('2000+ matches');
  });
});

describe('isFindShortcut', () => {
  it('is Ctrl+F or Cmd+F on key down', () => {
    expect(isFindShortcut(key('f', { ctrl: true }))).toBe(true);
    expect(isFindShortcut(key('f', { meta: true }))).toBe(true);
  });
  it('is not F alone, Ctrl+F on key up, nor another Ctrl key', () => {
    expect(isFindShortcut(key('f'))).toBe(false);
    expect(isFindShortcut(key('f', { ctrl: true, type: 'keyup' }))).toBe(false);
    expect(isFindShortcut(key('g', { ctrl: true }))).toBe(false);
  });
});

describe('isFunctionKey', () => {
  it('matches F1 to F24 and nothing else', () => {
    expect(['F1', 'F5', 'F10', 'F12', 'F24'].every((name) => isFunctionKey(key(name)))).toBe(true);
    expect(['f', 'F', 'Fn', 'ArrowUp', 'F123'].some((name) => isFunctionKey(key(name)))).toBe(
      false,
    );
  });
});

describe('terminalKeyHandler', () => {
  it('takes Ctrl+F from the terminal: prevents the default and opens the find bar', () => {
    let opened = 0;
    const handle = terminalKeyHandler(() => opened++);
    const event = key('f', { ctrl: true });
    expect(handle(event)).toBe(false);
    expect(event.prevented).toBe(true);
    expect(opened).toBe(1);
  });
  it('leaves function keys to the window (the debugger shortcuts), without opening', () => {
    let opened = 0;
    const handle = terminalKeyHandler(() => opened++);
    const event = key('F10');
    expect(handle(event)).toBe(false);
    expect(event.prevented).toBe(false);
    expect(opened).toBe(0);
  });
  it('gives the console input line everything else: arrows, Tab, Ctrl+letters, text', () => {
    let opened = 0;
    const handle = terminalKeyHandler(() => opened++);
    for (const event of [
      key('ArrowUp'),
      key('ArrowRight'),
      key('Tab'),
      key('Escape'),
      key('a', { ctrl: true }),
      key('f'),
      key('f', { ctrl: true, type: 'keyup' }),
    ]) {
      expect(handle(event)).toBe(true);
      expect(event.prevented).toBe(false);
    }
    expect(opened).toBe(0);
  });
});
