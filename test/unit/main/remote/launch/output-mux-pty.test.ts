/**
 * The output mux's pseudo-terminal (launch.json's `console` `integratedTerminal`): with
 * `PERISCOPE_PTY` the program's stdin, stdout and stderr are a terminal of that size, what is
 * written into the stdin FIFO reaches it byte for byte (cbreak mode, Ctrl+C as SIGINT), the
 * `winsize` file resizes it, and the mux exits as the program did. Run for real with
 * /usr/bin/python3.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputDeframer } from '../../../../../src-main/remote/launch/output-frames.js';
import { OUTPUT_MUX } from '../../../../../src-main/remote/launch/output-mux.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'periscope-mux-pty-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const until = async (check: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The mux's records of `file` as [category, text]. */
function recordsOf(file: string): [string, string][] {
  const out: [string, string][] = [];
  const deframer = new OutputDeframer({
    onData: (category, chunk) => out.push([category, chunk.toString('utf8')]),
    onError: (message) => out.push(['error', message]),
  });
  deframer.push(readFileSync(file));
  deframer.end();
  return out;
}

const textOf = (file: string): string =>
  recordsOf(file)
    .map(([, text]) => text)
    .join('');

/** Starts the mux in its own directory with `PERISCOPE_PTY=<size>` running `program`. */
function startMux(program: string, size: string, envLine = '\n') {
  const dir = mkdtempSync(path.join(root, 'run-'));
  const file = path.join(dir, 'output');
  const mux = spawn(
    '/usr/bin/python3',
    ['-I', '-S', '-c', OUTPUT_MUX, file, '/usr/bin/python3', '-c', program],
    { env: { PATH: '/usr/bin:/bin', PERISCOPE_PTY: size } },
  );
  mux.stdin.end(envLine);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    mux.once('exit', (code, signal) => r([code, signal])),
  );
  const fifo = path.join(dir, 'stdin');
  return { mux, dir, file, fifo, exited };
}

const TERMINAL_PROGRAM = `
import os, signal, sys, termios, tty
print("tty", sys.stdin.isatty(), sys.stdout.isatty(), sys.stderr.isatty(), os.environ.get("TERM"), flush=True)
print("size", tuple(os.get_terminal_size()), flush=True)
print("err", file=sys.stderr, flush=True)
signal.signal(signal.SIGWINCH, lambda *a: print("winch", tuple(os.get_terminal_size()), flush=True))
name = input("name? ")
print("hello", name, flush=True)
old = termios.tcgetattr(0)
tty.setcbreak(0)
keys = os.read(0, 1) + os.read(0, 1)
termios.tcsetattr(0, termios.TCSADRAIN, old)
print("keys", repr(keys), flush=True)
try:
    signal.pause()
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(5)
`;

describe('output mux: a program in a pseudo-terminal', () => {
  it('is a terminal of the size given, reads keys as written, is resized, and Ctrl+C is SIGINT', async () => {
    const { file, fifo, dir, exited } = startMux(TERMINAL_PROGRAM, '100x30');
    await until(() => existsSync(fifo) && textOf(file).includes('name? '));
    const start = textOf(file);
    expect(start).toContain('tty True True True xterm-256color\r\n');
    expect(start).toContain('size (100, 30)\r\n');
    // One terminal stream: stderr is recorded as stdout too.
    expect(start).toContain('err\r\n');
    expect(recordsOf(file).every(([category]) => category === 'stdout')).toBe(true);

    // The line discipline edits the line (the DEL erases the "x") and echoes it.
    writeFileSync(fifo, 'bobx\x7f\r');
    await until(() => textOf(file).includes('hello bob\r\n'));

    writeFileSync(path.join(dir, 'winsize.tmp'), '120 40\n');
    renameSync(path.join(dir, 'winsize.tmp'), path.join(dir, 'winsize'));
    await until(() => textOf(file).includes('winch (120, 40)'));

    // cbreak: each key as it comes, Ctrl+D (0x04) a byte like any other.
    writeFileSync(fifo, 'q');
    writeFileSync(fifo, '\x04');
    await until(() => textOf(file).includes("keys b'q\\x04'"));

    writeFileSync(fifo, '\x03');
    expect(await exited).toEqual([5, null]);
    expect(textOf(file)).toContain('interrupted\r\n');
  });

  it('keeps a TERM the environment line sets, and passes its own TERM on to the program group', async () => {
    const program =
      "import os, time\nprint('term', os.environ['TERM'], flush=True)\ntime.sleep(30)";
    const { mux, file, exited } = startMux(program, 'bad', '{"TERM": "vt100"}\n');
    await until(() => existsSync(file) && textOf(file).includes('term vt100'));
    mux.kill('SIGTERM');
    // Killed by the same signal as the program, which got it from the mux.
    expect(await exited).toEqual([null, 'SIGTERM']);
  });
});
