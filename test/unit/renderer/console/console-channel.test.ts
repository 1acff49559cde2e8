import { describe, expect, it } from 'vitest';
import {
  CLEAR_TERMINAL,
  ConsoleChannel,
  safeCutIndex,
} from '../../../../src-renderer/console/console-channel.js';

/** Removes SGR sequences, to assert on the text layout alone. */
// eslint-disable-next-line no-control-regex -- matching terminal escape sequences (ESC, BEL) is the point
const plain = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

function collect(channel: ConsoleChannel): string[] {
  const chunks: string[] = [];
  channel.subscribe((chunk) => chunks.push(chunk));
  return chunks;
}

describe('ConsoleChannel', () => {
  it('converts newlines to CRLF for xterm', () => {
    const channel = new ConsoleChannel();
    const chunks = collect(channel);
    channel.write('a\nb\r\nc\n', 'stdout');
    expect(chunks).toEqual(['a\r\nb\r\nc\r\n']);
  });

  it('passes stdout through unchanged, ANSI colours included', () => {
    const channel = new ConsoleChannel();
    const chunks = collect(channel);
    channel.write('\x1b[32mgreen\x1b[0m', 'stdout');
    expect(chunks).toEqual(['\x1b[32mgreen\x1b[0m']);
  });

  it('colours each kind', () => {
    const channel = new ConsoleChannel();
    const chunks = collect(channel);
    channel.write('err\n', 'stderr');
    channel.write('dbg\n', 'console');
    channel.write('>>> 1+1', 'input');
    channel.write('2', 'result');
    channel.write('NameError', 'error');
    channel.write('hint', 'info');
    expect(chunks).toEqual([
      '\x1b[31merr\r\n\x1b[0m',
      '\x1b[0m\x1b[90mdbg\r\n\x1b[0m',
      '\x1b[0m\x1b[36m>>> 1+1\r\n\x1b[0m',
      '\x1b[0m2\r\n\x1b[0m',
      '\x1b[0m\x1b[31mNameError\r\n\x1b[0m',
      '\x1b[0m\x1b[90mhint\r\n\x1b[0m',
    ]);
  });

  it('continues a partial line of program output, even from the other stream', () => {
    const channel = new ConsoleChannel();
    const chunks = collect(channel);
    channel.write('Name: ', 'stdout');
    channel.write('Bob', 'stdout');
    channel.write('!\n', 'stderr');
    expect(plain(chunks.join(''))).toBe('Name: Bob!\r\n');
  });

  it('starts console messages on a fresh line after a partial line', () => {
    const channel = new ConsoleChannel();
    const chunks = collect(channel);
    channel.write('progress 50%', 'stdout');
    channel.write('>>> x', 'input');
    channel.write('42', 'result');
    channel.write('more', 'stdout');
    expect(plain(chunks.join(''))).toBe('progress 50%\r\n>>> x\r\n42\r\nmore');
  });

  it('keeps partial debugger (console) lines together but separates them from stdout', () => {
    const channel = new ConsoleChannel();
    const chunks = collect(channel);
    channel.write('Debugger ', 'console');
    channel.write('attached.\n', 'console');
    channel.write('out', 'stdout');
    channel.write('note\n', 'console');
    expect(plain(chunks.join(''))).toBe('Debugger attached.\r\nout\r\nnote\r\n');
  });

  it('replays the history to a late subscriber, in one chunk', () => {
    const channel = new ConsoleChannel();
    channel.write('one\n', 'stdout');
    channel.write('two\n', 'stderr');
    const chunks = collect(channel);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBe('one\r\n\x1b[31mtwo\r\n\x1b[0m');
  });

  it('sends nothing on subscribe when empty, and stops after unsubscribe', () => {
    const channel = new ConsoleChannel();
    const chunks: string[] = [];
    const unsubscribe = channel.subscribe((chunk) => chunks.push(chunk));
    expect(chunks).toEqual([]);
    channel.write('a', 'stdout');
    unsubscribe();
    channel.write('b', 'stdout');
    expect(chunks).toEqual(['a']);
  });

  it('bounds the history, drops the oldest and says how much was dropped', () => {
    const channel = new ConsoleChannel({ maxBufferedChars: 20 });
    for (let i = 0; i < 10; i += 1) channel.write(`line ${i}\n`, 'stdout'); // 8 chars each with CRLF; whole lines go
    const [replay] = collect(channel);
    const text = plain(replay ?? '');
    expect(text).toBe('… 64 earlier characters dropped\r\nline 8\r\nline 9\r\n');
    expect(channel.dropped).toBe(64);
  });

  it('cuts a single huge chunk without splitting an escape sequence', () => {
    const channel = new ConsoleChannel({ maxBufferedChars: 8 });
    channel.write(`${'x'.repeat(12)}\x1b[32mgreen`, 'stdout'); // 22 characters
    const [replay] = collect(channel);
    // At least 14 must go; that cut falls inside "\x1b[32m", so the whole sequence goes.
    expect(channel.dropped).toBe(17);
    expect(replay).not.toContain('32m');
    expect(plain(replay ?? '')).toBe('… 17 earlier characters dropped\r\ngreen');
  });

  it('keeps stderr red after its start was trimmed away', () => {
    const channel = new ConsoleChannel({ maxBufferedChars: 8 });
    channel.write('aaaa\nbbbb\ncc', 'stderr');
    const [replay] = collect(channel);
    // eslint-disable-next-line no-control-regex -- matching terminal escape sequences (ESC, BEL) is the point
    expect(replay).toMatch(/\x1b\[31mbbbb\r\ncc\x1b\[0m$/);
  });

  it('clear() empties the history and tells subscribers to clear the terminal', () => {
    const channel = new ConsoleChannel({ maxBufferedChars: 4 });
    channel.write('123456', 'stdout');
    const chunks = collect(channel);
    channel.clear();
    expect(chunks.at(-1)).toBe(CLEAR_TERMINAL);
    expect(channel.dropped).toBe(0);
    expect(collect(channel)).toEqual([]);
  });

  it('keeps delivering to other writers when one throws', () => {
    const channel = new ConsoleChannel();
    channel.subscribe(() => {
      throw new Error('broken view');
    });
    const chunks = collect(channel);
    expect(() => channel.write('ok', 'stdout')).not.toThrow();
    expect(chunks).toEqual(['ok']);
  });

  it('ignores empty writes', () => {
    const channel = new ConsoleChannel();
    const chunks = collect(channel);
    channel.write('', 'result');
    expect(chunks).toEqual([]);
  });
});

describe('safeCutIndex', () => {
  it('cuts after the next newline', () => {
    expect(safeCutIndex('abc\r\ndef\r\n', 2)).toBe(5);
  });

  it('moves past an escape sequence that the cut would split', () => {
    const text = 'xx\x1b[32mgreen';
    expect(safeCutIndex(text, 4)).toBe(7);
  });

  it('cuts exactly when no newline or escape is near', () => {
    expect(safeCutIndex('abcdefgh', 3)).toBe(3);
  });
});
