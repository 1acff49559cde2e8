/**
 * The output mux's third pipe (`PERISCOPE_OUTPUT_FD`, records the program's hook writes, see
 * `remote/python/sitecustomize.py`), run for real with /usr/bin/python3: records keep their order
 * across the streams, runs of one stream are merged, and damaged framing is shown rather than lost.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputDeframer } from '../../../../../src-main/remote/launch/output-frames.js';
import { OUTPUT_MUX } from '../../../../../src-main/remote/launch/output-mux.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'periscope-mux-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `python` as the mux's command and returns the file's records as [stream, text]. */
function runMux(python: string): [string, string][] {
  const file = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
  // PERISCOPE_SITE: the launch's hook directory (here an empty one); with it the mux opens the
  // third pipe and passes it as PERISCOPE_OUTPUT_FD.
  execFileSync(
    '/usr/bin/python3',
    ['-I', '-S', '-c', OUTPUT_MUX, file, '/usr/bin/python3', '-c', python],
    { input: '\n', env: { ...process.env, PERISCOPE_SITE: dir } },
  );
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
 * Python helpers: `w(bytes)` writes raw to the third pipe, `f(tag, bytes)` frames one record,
 * `r(tag, bytes)` writes one record.
 */
const WRITE =
  "import os; fd = int(os.environ['PERISCOPE_OUTPUT_FD']); w = lambda b: os.write(fd, b); " +
  "f = lambda t, b: t + len(b).to_bytes(4, 'big') + b; r = lambda t, b: w(f(t, b))";

describe('output mux: records tagged at the source', () => {
  it('keeps their order across the streams and merges runs of one stream', () => {
    // One write, so the mux reads all four records at once (runs merge within what one read
    // got; separate writes may be read apart on a busy machine).
    const records = runMux(
      `${WRITE}; w(f(b'o', b'a\\n') + f(b'o', b'b\\n') + f(b'e', b'c\\n') + f(b'o', b'd\\n'))`,
    );
    expect(records).toEqual([
      ['stdout', 'a\nb\n'],
      ['stderr', 'c\n'],
      ['stdout', 'd\n'],
    ]);
  });

  it('shows damaged framing as it is, after saying so, and a record cut short by the end', () => {
    const damaged = runMux(`${WRITE}; r(b'o', b'ok\\n'); w(b'no header here at all\\n')`);
    expect(damaged[0]).toEqual(['stdout', 'ok\n']);
    expect(damaged[1]?.[0]).toBe('stderr');
    expect(damaged[1]?.[1]).toContain('damaged');
    expect(damaged[2]).toEqual(['stdout', 'no header here at all\n']);

    // Announces 10 bytes, sends 5, ends.
    expect(runMux(`${WRITE}; w(b'o\\x00\\x00\\x00\\x0ashort')`)).toEqual([
      ['stdout', 'o\x00\x00\x00\nshort'],
    ]);
  });

  it('still takes what the program writes to its descriptors directly', () => {
    expect(runMux("import os; os.write(1, b'raw out\\n'); os.write(2, b'raw err\\n')")).toEqual(
      expect.arrayContaining([
        ['stdout', 'raw out\n'],
        ['stderr', 'raw err\n'],
      ]),
    );
  });
});
