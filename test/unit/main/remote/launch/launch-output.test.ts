import { describe, expect, it } from 'vitest';
import { LaunchOutput } from '../../../../../src-main/remote/launch/launch-output.js';

describe('LaunchOutput', () => {
  it('takes the pid line out of stdout and passes the rest on', async () => {
    const output = new LaunchOutput();
    const seen: string[] = [];
    output.onOutput((category, text) => seen.push(`${category}:${text}`));
    output.push('stdout', Buffer.from('__periscope_pid__ 4242\nhello\n'));
    expect(await output.pid).toBe(4242);
    expect(seen).toEqual(['stdout:hello\n']);
  });

  it('handles a pid line split across chunks, and lines printed before it', async () => {
    const output = new LaunchOutput();
    const seen: string[] = [];
    output.onOutput((_category, text) => seen.push(text));
    output.push('stdout', Buffer.from('motd from .bashrc\n__peri'));
    output.push('stdout', Buffer.from('scope_pid__ 7\r\nafter'));
    expect(await output.pid).toBe(7);
    expect(seen.join('')).toBe('motd from .bashrc\nafter');
  });

  it('decodes UTF-8 characters split between chunks', () => {
    const output = new LaunchOutput();
    let text = '';
    output.onOutput((_category, chunk) => (text += chunk));
    const bytes = Buffer.from('__periscope_pid__ 1\nä✓😀\n');
    for (let i = 0; i < bytes.length; i++) output.push('stdout', bytes.subarray(i, i + 1));
    const err = Buffer.from('é');
    output.push('stderr', err.subarray(0, 1));
    output.push('stderr', err.subarray(1));
    expect(text).toBe('ä✓😀\né');
    expect(output.stderrTail()).toBe('é');
  });

  it('keeps output that arrives before the first listener', () => {
    const output = new LaunchOutput();
    output.push('stdout', Buffer.from('__periscope_pid__ 1\nearly\n'));
    output.push('stderr', Buffer.from('warn\n'));
    const seen: [string, string][] = [];
    output.onOutput((category, text) => seen.push([category, text]));
    output.push('stdout', Buffer.from('late\n'));
    expect(seen).toEqual([
      ['stdout', 'early\n'],
      ['stderr', 'warn\n'],
      ['stdout', 'late\n'],
    ]);
  });

  it('does not let a throwing listener stop the others', () => {
    const output = new LaunchOutput();
    const seen: string[] = [];
    output.onOutput(() => {
      throw new Error('boom');
    });
    output.onOutput((_c, text) => seen.push(text));
    output.push('stderr', Buffer.from('x'));
    expect(seen).toEqual(['x']);
  });
});
