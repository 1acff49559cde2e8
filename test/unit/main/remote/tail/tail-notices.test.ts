import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  gnuQuote,
  HOLD_MS,
  TailNoticeSplitter,
} from '../../../../../src-main/remote/tail/tail-notices.js';

const run = promisify(execFile);

function split(name: string, chunks: string[]) {
  const out: string[] = [];
  const splitter = new TailNoticeSplitter({
    name,
    onData: (chunk) => out.push(`data:${chunk.toString('latin1')}`),
    onNotice: (line) => out.push(`notice:${line}`),
  });
  for (const chunk of chunks) splitter.push(Buffer.from(chunk, 'latin1'));
  splitter.end();
  // Adjacent data pieces are one stream of bytes: join them.
  return out.reduce<string[]>((acc, item) => {
    const last = acc[acc.length - 1];
    if (last?.startsWith('data:') && item.startsWith('data:'))
      acc[acc.length - 1] = last + item.slice(5);
    else acc.push(item);
    return acc;
  }, []);
}

describe('tail notices in the one stream of tail -F 2>&1', () => {
  it('keeps a notice where tail wrote it, between the old and the new bytes', () => {
    expect(
      split('/var/log/app.log', [
        'old 40\n',
        "tail: '/var/log/app.log' has been replaced;  following new file\nnew 1\nnew 2\n",
      ]),
    ).toEqual([
      'data:old 40\n',
      "notice:tail: '/var/log/app.log' has been replaced;  following new file\n",
      'data:new 1\nnew 2\n',
    ]);
  });

  it('finds a notice split across chunks and after data without a newline', () => {
    expect(
      split('a.log', ['no newline', 'ta', "il: 'a.log': file trun", 'cated\nafter\n']),
    ).toEqual(['data:no newline', "notice:tail: 'a.log': file truncated\n", 'data:after\n']);
  });

  it('passes lines that only look like notices as data, and nameless notices as notices', () => {
    expect(
      split('a.log', [
        "tail: 'other.log' has appeared\n",
        'a log line saying tail: hello\n',
        'tail: inotify cannot be used, reverting to polling\n',
      ]),
    ).toEqual([
      "data:tail: 'other.log' has appeared\na log line saying tail: hello\n",
      'notice:tail: inotify cannot be used, reverting to polling\n',
    ]);
  });

  it('lets held bytes go as data after a moment', async () => {
    const out: string[] = [];
    const splitter = new TailNoticeSplitter({
      name: 'a.log',
      onData: (chunk) => out.push(chunk.toString()),
      onNotice: () => out.push('notice'),
    });
    splitter.push(Buffer.from('prompt ta'));
    expect(out).toEqual(['prompt ']);
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS + 50));
    expect(out).toEqual(['prompt ', 'ta']);
  });

  it('quotes names exactly as GNU tail does in the C locale', async () => {
    const names = [
      'plain.log',
      'sp ace.log',
      "we'ird.log",
      'a\'b"c.log',
      "a'b$c.log",
      'a"b.log',
      "a'b\\c.log",
      'x`y.log',
    ];
    for (const name of names) {
      const { stdout } = await run('sh', [
        '-c',
        'LC_ALL=C timeout 0.3 tail -F -- "$1" 2>&1; exit 0',
        'sh',
        `/nonexistent-periscope/${name}`,
      ]);
      expect(stdout.split('\n')[0], name).toContain(gnuQuote(`/nonexistent-periscope/${name}`));
    }
    expect(gnuQuote('é.log')).toBeUndefined();
  });
});
