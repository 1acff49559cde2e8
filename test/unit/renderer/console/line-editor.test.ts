import { describe, expect, it } from 'vitest';
import { CommandHistory } from '../../../../src-renderer/console/command-history.js';
import { parseInputKeys } from '../../../../src-renderer/console/input-keys.js';
import { LineEditor } from '../../../../src-renderer/console/line-editor.js';
import type { LineEditorResult } from '../../../../src-renderer/console/line-editor.js';

function type(editor: LineEditor, data: string): LineEditorResult[] {
  return parseInputKeys(data).map((key) => editor.handle(key));
}

describe('LineEditor', () => {
  it('inserts at the cursor and moves it', () => {
    const editor = new LineEditor(new CommandHistory());
    type(editor, 'hllo\x1b[D\x1b[D\x1b[De');
    expect(editor.line).toBe('hello');
    expect(editor.cursor).toBe(2);
  });

  it('Backspace and Delete remove around the cursor', () => {
    const editor = new LineEditor(new CommandHistory());
    type(editor, 'abcd\x1b[D\x1b[D\x7f\x1b[3~');
    expect(editor.line).toBe('ad');
    expect(editor.cursor).toBe(1);
    type(editor, '\x01\x7f\x05\x1b[3~'); // no-ops at the edges
    expect(editor.line).toBe('ad');
  });

  it('Home/End, Ctrl+A/E, Ctrl+U and Ctrl+K', () => {
    const editor = new LineEditor(new CommandHistory());
    type(editor, 'hello world\x01');
    expect(editor.cursor).toBe(0);
    type(editor, '\x05');
    expect(editor.cursor).toBe(11);
    type(editor, '\x1b[H\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x15');
    expect(editor.line).toBe(' world');
    expect(editor.cursor).toBe(0);
    type(editor, '\x1b[C\x0b');
    expect(editor.line).toBe(' ');
  });

  it('moves and deletes by word', () => {
    const editor = new LineEditor(new CommandHistory());
    type(editor, 'foo.bar_baz(1)');
    type(editor, '\x1b[1;5D');
    expect(editor.cursor).toBe(12); // before "1"
    type(editor, '\x1b[1;5D');
    expect(editor.cursor).toBe(4); // before "bar_baz"
    type(editor, '\x05\x17');
    expect(editor.line).toBe('foo.bar_baz(');
  });

  it('keeps surrogate pairs whole', () => {
    const editor = new LineEditor(new CommandHistory());
    type(editor, 'a😀b\x1b[D\x7f');
    expect(editor.line).toBe('ab');
  });

  it('Enter submits a complete line and records it in the history', () => {
    const history = new CommandHistory();
    const editor = new LineEditor(history);
    const results = type(editor, 'x + 1\r');
    expect(results.at(-1)).toEqual({ type: 'submitted', source: 'x + 1', lines: ['x + 1'] });
    expect(editor.isEmpty).toBe(true);
    expect(history.entries).toEqual(['x + 1']);
  });

  it('continues after a colon and submits the block on an empty line', () => {
    const editor = new LineEditor(new CommandHistory());
    expect(type(editor, 'for i in range(3):\r').at(-1)).toEqual({ type: 'continued' });
    expect(type(editor, '    print(i)\r').at(-1)).toEqual({ type: 'continued' });
    expect(editor.blockLines).toEqual(['for i in range(3):', '    print(i)']);
    expect(type(editor, '\r').at(-1)).toEqual({
      type: 'submitted',
      source: 'for i in range(3):\n    print(i)',
      lines: ['for i in range(3):', '    print(i)'],
    });
  });

  it('continues inside brackets and submits as soon as they close', () => {
    const editor = new LineEditor(new CommandHistory());
    expect(type(editor, 'f(1,\r').at(-1)).toEqual({ type: 'continued' });
    expect(type(editor, '\r').at(-1)).toEqual({ type: 'continued' }); // still open
    expect(type(editor, '2)\r').at(-1)).toEqual({
      type: 'submitted',
      source: 'f(1,\n\n2)',
      lines: ['f(1,', '', '2)'],
    });
  });

  it('continues after a trailing backslash', () => {
    const editor = new LineEditor(new CommandHistory());
    expect(type(editor, 'x = 1 + \\\r').at(-1)).toEqual({ type: 'continued' });
    expect(type(editor, '2\r').at(-1)).toMatchObject({
      type: 'submitted',
      source: 'x = 1 + \\\n2',
    });
  });

  it('a pasted block is submitted when its empty line arrives', () => {
    const editor = new LineEditor(new CommandHistory());
    const results = type(editor, '\x1b[200~if True:\n    y = 2\n\nprint(y)\n\x1b[201~');
    expect(results.filter((r) => r.type === 'submitted')).toEqual([
      { type: 'submitted', source: 'if True:\n    y = 2', lines: ['if True:', '    y = 2'] },
      { type: 'submitted', source: 'print(y)', lines: ['print(y)'] },
    ]);
  });

  it('Ctrl+C discards the input and reports it', () => {
    const editor = new LineEditor(new CommandHistory());
    type(editor, 'if x:\rabc');
    expect(type(editor, '\x03').at(-1)).toEqual({ type: 'cancelled', lines: ['if x:', 'abc'] });
    expect(editor.isEmpty).toBe(true);
    expect(type(editor, '\x03').at(-1)).toEqual({ type: 'cancelled', lines: [] });
  });

  it('Up/Down walk the history and restore the draft', () => {
    const history = new CommandHistory();
    history.add('first');
    history.add('if a:\n    b');
    const editor = new LineEditor(history);
    type(editor, 'dra');
    type(editor, '\x1b[A');
    expect(editor.blockLines).toEqual(['if a:']);
    expect(editor.line).toBe('    b');
    expect(editor.cursor).toBe(5);
    type(editor, '\x1b[A');
    expect(editor.source).toBe('first');
    type(editor, '\x1b[B\x1b[B');
    expect(editor.source).toBe('dra');
    expect(editor.blockLines).toEqual([]);
  });
});
