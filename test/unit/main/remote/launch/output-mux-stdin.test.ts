/**
 * The output mux gives the program a FIFO as stdin (issue 16, item 3): lines written into
 * `stdin` beside the output file reach the program, which reads end-of-file only once
 * `stdin.eof` appears. Run for real with /usr/bin/python3.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputDeframer } from '../../../../../src-main/remote/launch/output-frames.js';
import { OUTPUT_MUX } from '../../../../../src-main/remote/launch/output-mux.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'periscope-mux-stdin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const until = async (check: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

function stdoutOf(file: string): string {
  let text = '';
  const deframer = new OutputDeframer({
    onData: (category, chunk) => {
      if (category === 'stdout') text += chunk.toString('utf8');
    },
    onError: () => undefined,
  });
  deframer.push(readFileSync(file));
  deframer.end();
  return text;
}

describe('output mux: the program reads what is written into its stdin FIFO', () => {
  it('passes lines written one command at a time, then end-of-file on stdin.eof', async () => {
    const file = path.join(dir, 'output');
    const program =
      "import sys\nfor line in sys.stdin:\n    print('got', line.strip(), flush=True)\nprint('eof', flush=True)";
    const mux = spawn('/usr/bin/python3', [
      '-I',
      '-S',
      '-c',
      OUTPUT_MUX,
      file,
      '/usr/bin/python3',
      '-c',
      program,
    ]);
    mux.stdin.end('\n');
    const exited = new Promise<number | null>((r) => mux.once('exit', r));
    const fifo = path.join(dir, 'stdin');
    await until(() => existsSync(fifo));
    // As the relay does it: one short-lived writer per line.
    writeFileSync(fifo, 'first\n');
    await until(() => stdoutOf(file).includes('got first'));
    writeFileSync(fifo, 'second\n');
    await until(() => stdoutOf(file).includes('got second'));
    // No end-of-file between two writers: the program still runs.
    await new Promise((r) => setTimeout(r, 300));
    expect(stdoutOf(file)).not.toContain('eof');
    writeFileSync(`${fifo}.eof`, '');
    expect(await exited).toBe(0);
    expect(stdoutOf(file)).toBe('got first\ngot second\neof\n');
  });
});
