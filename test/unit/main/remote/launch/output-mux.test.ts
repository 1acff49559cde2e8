/**
 * The output mux's stdout pipe, which also carries the stderr records the program's hook writes
 * into it (`PERISCOPE_OUTPUT_FD`, `PERISCOPE_OUTPUT_MARK`, see `remote/python/sitecustomize.py`),
 * run for real with /usr/bin/python3: stderr keeps its exact place among stdout, runs of one
 * stream are merged, bytes that only look like a record are shown as the program wrote them, and
 * nothing written before an os._exit or a segmentation fault is lost.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputDeframer } from '../../../../../src-main/remote/launch/output-frames.js';
import { OUTPUT_MUX } from '../../../../../src-main/remote/launch/output-mux.js';
import { SITECUSTOMIZE } from '../../../../../src-main/remote/launch/nodelay-sitecustomize.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'periscope-mux-'));
/** A hook directory holding the launch's real sitecustomize. */
const hookDir = mkdtempSync(path.join(os.tmpdir(), 'periscope-mux-hook-'));
writeFileSync(path.join(hookDir, 'sitecustomize.py'), SITECUSTOMIZE);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(hookDir, { recursive: true, force: true });
});

/**
 * Runs `python` as the mux's command and returns the file's records as [stream, text]; the
 * signal that ended the mux (it repeats the program's) goes to `ended`, when given.
 */
function runMux(
  python: string,
  site = dir,
  ended: { signal?: NodeJS.Signals | null } = {},
): [string, string][] {
  const file = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
  // PERISCOPE_SITE: the launch's hook directory (an empty one unless `site` says otherwise);
  // with it the mux gives the command a second writer of the stdout pipe and the records' mark.
  const result = spawnSync(
    '/usr/bin/python3',
    ['-I', '-S', '-c', OUTPUT_MUX, file, '/usr/bin/python3', '-c', python],
    { input: '\n', env: { ...process.env, PERISCOPE_SITE: site }, maxBuffer: 1 << 26 },
  );
  if (result.error) throw result.error;
  ended.signal = result.signal;
  const out: [string, string][] = [];
  const deframer = new OutputDeframer({
    onData: (category, chunk) => out.push([category, chunk.toString('utf8')]),
    onError: (message) => out.push(['error', message]),
  });
  deframer.push(readFileSync(file));
  deframer.end();
  return out;
}

/**
 * Python helpers: `w(bytes)` writes raw to the hook's writer of the stdout pipe, `f(bytes)`
 * frames one stderr record, `r(bytes)` writes one record.
 */
const WRITE =
  "import os; fd = int(os.environ['PERISCOPE_OUTPUT_FD']); w = lambda b: os.write(fd, b); " +
  "mark = bytes.fromhex(os.environ['PERISCOPE_OUTPUT_MARK']); " +
  "f = lambda b: mark + b'e' + len(b).to_bytes(4, 'big') + b; r = lambda b: w(f(b))";

/** Whole lines with their stream, from records that may split them. */
function lines(records: [string, string][]): [string, string][] {
  const out: [string, string][] = [];
  const partial: Record<string, string> = {};
  for (const [stream, text] of records) {
    const parts = ((partial[stream] ?? '') + text).split('\n');
    partial[stream] = parts.pop() ?? '';
    for (const part of parts) out.push([stream, part]);
  }
  for (const [stream, text] of Object.entries(partial)) if (text !== '') out.push([stream, text]);
  return out;
}

describe('output mux: stderr records in the stdout pipe', () => {
  it('puts each record between the stdout bytes around it and merges runs of one stream', () => {
    // One write, so the mux reads it all at once (runs merge within what one read got).
    const records = runMux(`${WRITE}; w(b'a\\n' + f(b'b\\n') + f(b'c\\n') + b'd\\n')`);
    expect(records).toEqual([
      ['stdout', 'a\n'],
      ['stderr', 'b\nc\n'],
      ['stdout', 'd\n'],
    ]);
  });

  it('shows bytes that only look like a record as the stdout the program wrote', () => {
    // A wrong tag; then a record announcing 10 bytes that ends after 5.
    const records = runMux(
      `${WRITE}; w(mark + b'x\\n'); os.write(1, mark + b'e\\x00\\x00\\x00\\x0ashort')`,
    );
    expect(new Set(records.map(([stream]) => stream))).toEqual(new Set(['stdout']));
    // (The mark is 16 random bytes: what they decode to varies.)
    const text = records.map(([, chunk]) => chunk).join('');
    expect(text.endsWith('e\x00\x00\x00\nshort')).toBe(true);
    expect(text).toContain('x\n');
  });

  it('still takes what the program writes to its descriptors directly', () => {
    expect(runMux("import os; os.write(1, b'raw out\\n'); os.write(2, b'raw err\\n')")).toEqual(
      expect.arrayContaining([
        ['stdout', 'raw out\n'],
        ['stderr', 'raw err\n'],
      ]),
    );
  });

  it("keeps print, print to stderr and os.write(1) in the exact order written, with the launch's hook", () => {
    // No pause between the writes, stdout not even unbuffered by the environment: the hook
    // keeps stdout's writes unbuffered and puts stderr's in the same pipe; os._exit right
    // after the last print loses nothing.
    const count = 30_000;
    const program =
      'import os, sys\n' +
      `for i in range(${count}):\n` +
      '    k = i % 3\n' +
      "    if k == 0: print(f'out {i}')\n" +
      "    elif k == 1: print(f'err {i}', file=sys.stderr)\n" +
      "    else: os.write(1, f'raw {i}\\n'.encode())\n" +
      "print('last line', end='')\n" +
      'os._exit(0)\n';
    const expected = Array.from({ length: count }, (_, i): [string, string] =>
      i % 3 === 0
        ? ['stdout', `out ${i}`]
        : i % 3 === 1
          ? ['stderr', `err ${i}`]
          : ['stdout', `raw ${i}`],
    );
    expect(lines(runMux(program, hookDir))).toEqual([...expected, ['stdout', 'last line']]);
  });

  it('loses nothing to a segmentation fault right after the writes', () => {
    const program =
      'import ctypes, sys\n' +
      "print('to stdout')\n" +
      "print('to stderr', file=sys.stderr)\n" +
      "sys.stdout.write('partial, then the crash')\n" +
      'ctypes.string_at(0)\n';
    const ended: { signal?: NodeJS.Signals | null } = {};
    expect(lines(runMux(program, hookDir, ended))).toEqual([
      ['stdout', 'to stdout'],
      ['stderr', 'to stderr'],
      ['stdout', 'partial, then the crash'],
    ]);
    expect(ended.signal).toBe('SIGSEGV');
  });
});
