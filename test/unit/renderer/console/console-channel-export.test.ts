import { describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../../../../src-renderer/console/console-channel.js';

describe('ConsoleChannel lines and Save output', () => {
  it('counts every line written, dropped ones too', () => {
    const channel = new ConsoleChannel({ maxBufferedChars: 100 });
    for (let i = 0; i < 50; i++) channel.write(`line ${i}\n`, 'stdout');
    expect(channel.lineCount).toBe(50);
    channel.clear();
    expect(channel.lineCount).toBe(0);
  });

  it('saves the text it holds without colours, saying how many earlier lines were dropped', () => {
    const channel = new ConsoleChannel({ maxBufferedChars: 40 });
    channel.write('\x1b[31mred\x1b[0m\n', 'stdout');
    channel.write('err\n', 'stderr');
    expect(channel.plainText()).toBe('red\nerr\n');
    for (let i = 0; i < 10; i++) channel.write(`line ${i}\n`, 'stdout');
    const text = channel.plainText();
    expect(text).toMatch(
      /^\[\d+ earlier lines were dropped: the console keeps the last 40 characters\]\n/,
    );
    expect(text.endsWith('line 9\n')).toBe(true);
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\r');
  });
});
