/**
 * A program launched over a reconnecting link (real sshd, real /usr/bin/python3 and debugpy): its
 * stdout and stderr go through the remote output mux (`output-mux.ts`) into one framed file, one
 * `tail -F` and the de-framer (`output-frames.ts`), so the console gets them in the order written,
 * across an SSH drop too; the exit status is the program's, and terminate leaves nothing behind.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReconnectingSsh } from '../../../src-main/ssh/connection/reconnecting-ssh.js';
import {
  launchUnderDebugpy,
  type RemoteDebuggee,
} from '../../../src-main/remote/launch/remote-launch.js';
import type { SshConnection } from '../../../src-main/ssh/connection/ssh-connection.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { until } from '../../harness/tcp-echo.js';
import { RawDapClient } from '../ssh/raw-dap-client.js';
import { connectTo, policyIn, tempDir } from '../ssh/ssh-test-kit.js';

const execFileAsync = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const INTERLEAVE = resolve('test/fixtures/programs/interleave.py');
const BLOB = resolve('test/fixtures/programs/blob_then_stderr.py');
const BIG_THEN_WAIT = resolve('test/fixtures/programs/big_output_then_wait.py');
const COLORS = resolve('test/fixtures/programs/colors.py');
const TRICKS = resolve('test/fixtures/programs/stdout_tricks.py');
const FLOOD_BURSTS = resolve('test/fixtures/programs/flood_bursts.py');
const MIXED_FLOOD = resolve('test/fixtures/programs/mixed_flood.py');

type Line = [category: 'stdout' | 'stderr', text: string];

/** `interleave.py`'s lines: `out N` on stdout for even N, `err N` on stderr for odd N. */
function expectedLines(count: number): Line[] {
  return Array.from({ length: count }, (_, n): Line =>
    n % 2 === 0 ? ['stdout', `out ${n}`] : ['stderr', `err ${n}`],
  );
}

/** `mixed_flood.py`'s `count` lines and its last one: `out N`, `err N`, `raw N` in turn. */
function mixedLines(count: number): Line[] {
  const lines = Array.from({ length: count }, (_, n): Line =>
    n % 3 === 1 ? ['stderr', `err ${n}`] : ['stdout', `${n % 3 === 0 ? 'out' : 'raw'} ${n}`],
  );
  return [...lines, ['stdout', 'last line']];
}

/**
 * Where `lines` first differs from `expected`, and the five lines from there (none: equal): a
 * 100,000-line diff is unreadable.
 */
function firstDifference(lines: Line[], expected: Line[]): { at: number; lines: Line[] } {
  const at = lines.findIndex(
    (line, i) => line[0] !== expected[i]?.[0] || line[1] !== expected[i]?.[1],
  );
  if (at === -1 && lines.length === expected.length) return { at: -1, lines: [] };
  const from = at === -1 ? lines.length : at;
  return { at: from, lines: lines.slice(from, from + 5) };
}

/** The debuggee's output as whole lines with their stream, in the order delivered (live array). */
function collectLines(debuggee: RemoteDebuggee): Line[] {
  const lines: Line[] = [];
  const partial = { stdout: '', stderr: '' };
  debuggee.onOutput((category, text) => {
    const parts = (partial[category] + text).split('\n');
    partial[category] = parts.pop() ?? '';
    for (const part of parts) lines.push([category, part]);
  });
  return lines;
}

/** Pids of the processes in process group `pgid` (none once the group is gone). */
async function groupPids(pgid: number): Promise<number[]> {
  try {
    const { stdout } = await execFileAsync('pgrep', ['-g', String(pgid)]);
    return stdout.trim().split('\n').map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Pids of debugpy processes (program and adapter) whose command line mentions `port`. */
async function debugpyPids(port: number): Promise<number[]> {
  try {
    const { stdout } = await execFileAsync('pgrep', ['-f', `debugpy.*${port}`]);
    return stdout.trim().split('\n').map(Number);
  } catch {
    return [];
  }
}

describe('launch over a reconnecting link: output through the output mux', () => {
  let sshd: TestSshd;
  let tmp: { dir: string; remove(): Promise<void> };
  const debuggees: RemoteDebuggee[] = [];
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    tmp = await tempDir('periscope-mux-');
    await writeFile(`${tmp.dir}/known_hosts`, `${sshd.knownHostsLine()}\n`);
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });
  afterAll(async () => {
    // Safety net (the "remote" machine is this one): nothing of ours may outlive the tests.
    for (const debuggee of debuggees) {
      for (const pid of [
        ...(await groupPids(debuggee.pid)),
        ...(await debugpyPids(debuggee.remotePort)),
      ]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await sshd?.stop();
    await tmp?.remove();
  });

  const connect = (): Promise<SshConnection> => connectTo(sshd, policyIn(tmp.dir));

  async function openLink(): Promise<ReconnectingSsh> {
    const link = await ReconnectingSsh.open(connect, { baseDelayMs: 200, maxDelayMs: 1000 });
    cleanup.push(() => link.close());
    return link;
  }

  async function launch(
    link: ReconnectingSsh,
    args: string[],
    program = INTERLEAVE,
  ): Promise<RemoteDebuggee> {
    const debuggee = await launchUnderDebugpy(link.current!, {
      python: PYTHON,
      target: { kind: 'file', path: program },
      args,
      cwd: tmp.dir,
      link,
    });
    debuggees.push(debuggee);
    cleanup.push(() => debuggee.terminate());
    return debuggee;
  }

  /** Attaches a DAP client through a forward on the link's current connection and lets the program run. */
  async function run(link: ReconnectingSsh, debuggee: RemoteDebuggee): Promise<void> {
    const forward = await link.current!.openLocalForward('127.0.0.1', debuggee.remotePort);
    cleanup.push(() => forward.close());
    const dap = await RawDapClient.connect(forward.localPort);
    cleanup.push(() => Promise.resolve(dap.close()));
    await dap.response(
      dap.send('initialize', { adapterID: 'periscope-test', clientID: 'periscope' }),
    );
    dap.send('attach', { justMyCode: false });
    await dap.event('initialized');
    expect((await dap.response(dap.send('configurationDone'))).success).toBe(true);
  }

  it('delivers stdout and stderr lines in the order the program wrote them', async () => {
    const link = await openLink();
    // 2 ms apart: the program's writes are tagged at the source (remote/python/sitecustomize.py),
    // so the order holds however late the remote reader wakes.
    const debuggee = await launch(link, ['200', '0.002', '0']);
    const lines = collectLines(debuggee);
    await run(link, debuggee);
    await debuggee.ended;
    expect(lines).toEqual(expectedLines(200));
    expect(await debuggee.exit).toEqual({ code: 0, signal: null });
  });

  it('keeps a burst of prints and a stderr line in the order written (tagged at the source)', async () => {
    const link = await openLink();
    const debuggee = await launch(link, ['50'], COLORS);
    const lines = collectLines(debuggee);
    await run(link, debuggee);
    await debuggee.ended;
    expect(lines).toEqual([
      ['stdout', 'plain line'],
      ['stdout', '\x1b[32mgreen text\x1b[0m and plain again'],
      ['stderr', 'trouble on stderr'],
      ...Array.from({ length: 50 }, (_, i) => ['stdout', `numbered ${i + 1}`]),
      ['stdout', 'all done'],
    ]);
  });

  it('follows a dup2 of fd 1 to a file, and loses no partial line to os._exit', async () => {
    const link = await openLink();
    const log = `${tmp.dir}/redirected.log`;
    const debuggee = await launch(link, [log], TRICKS);
    let text = '';
    debuggee.onOutput((_category, chunk) => (text += chunk));
    await run(link, debuggee);
    await debuggee.ended;
    expect(text).toBe('before the redirect\nafter the redirect\npartial line, then os._exit');
    expect(readFileSync(log, 'utf8')).toBe('into the file\n');
  });

  it('frees the disk space of output already read (the file keeps its size)', async () => {
    const link = await openLink();
    const debuggee = await launch(link, ['24', '30'], BIG_THEN_WAIT);
    const lines = collectLines(debuggee);
    await run(link, debuggee);
    await until(() => lines.some(([, text]) => text === 'written'), 'all output read', 60_000);
    const file = debuggee.outputFile!;
    // Allocated blocks trail the size once the trims caught up with the reader.
    await until(
      async () => {
        const { stdout } = await execFileAsync('stat', ['-c', '%s %b %B', file]);
        const [size = 0, blocks = 0, unit = 0] = stdout.trim().split(' ').map(Number);
        return size > 24 * 1024 * 1024 && blocks * unit < size / 2;
      },
      'the read part freed',
      20_000,
    );
  }, 120_000);

  it('puts a stderr line written after a 2 MiB stdout write after all of it', async () => {
    const link = await openLink();
    const debuggee = await launch(link, [String(2 * 1024 * 1024)], BLOB);
    const lines = collectLines(debuggee);
    await run(link, debuggee);
    await debuggee.ended;
    const blobLines = Math.floor((2 * 1024 * 1024) / 100);
    expect(lines).toHaveLength(blobLines + 3);
    expect(lines[0]).toEqual(['stdout', 'before blob']);
    expect(lines.findIndex(([category]) => category === 'stderr')).toBe(blobLines + 1);
    expect(lines.slice(-2)).toEqual([
      ['stderr', 'after blob'],
      ['stdout', 'the end'],
    ]);
  });

  it('keeps print, stderr prints and os.write(1) in the exact order of a flood with no pause, and the line before os._exit', async () => {
    const link = await openLink();
    // 30,000 lines at full speed: stdout's writes go straight to the pipe, stderr's records
    // into the same pipe, so no reader timing can reorder them.
    const debuggee = await launch(link, ['1', '30000', '0'], MIXED_FLOOD);
    const lines = collectLines(debuggee);
    let rest = '';
    debuggee.onOutput((_category, text) => (rest = (rest + text).slice(-20)));
    await run(link, debuggee);
    await debuggee.ended;
    // collectLines keeps whole lines; the last one has no newline.
    expect(rest.endsWith('raw 29999\nlast line')).toBe(true);
    const expected = mixedLines(30_000).slice(0, -1);
    expect(firstDifference(lines, expected)).toEqual({ at: -1, lines: [] });
  }, 120_000);

  it("reports the program's exit code", async () => {
    const link = await openLink();
    const debuggee = await launch(link, ['6', '0.002', '3']);
    const lines = collectLines(debuggee);
    await run(link, debuggee);
    expect(await debuggee.exit).toEqual({ code: 3, signal: null });
    await debuggee.ended;
    expect(lines).toEqual(expectedLines(6));
  });

  it('keeps the program running across an sshd restart that drops the session, output in order', async () => {
    const link = await openLink();
    // 40 ms apart: reconnecting (key exchange, sshd start-up) loads this shared 2-core machine, and
    // a mux kept off the CPU for longer than the gap would see both pipes ready at once.
    const debuggee = await launch(link, ['200', '0.04', '0']);
    const lines = collectLines(debuggee);
    await run(link, debuggee);
    await until(() => lines.length >= 40, '40 lines', 15_000);
    await sshd.restart({ dropSessions: true });
    const atDrop = lines.length;
    await until(() => link.state.state === 'reconnecting', 'reconnecting', 15_000);
    await until(() => link.state.state === 'up', 'link up', 15_000);
    await until(() => lines.length > atDrop + 20, 'lines after the drop', 15_000);
    expect((await link.current!.run(`kill -0 ${debuggee.pid}`)).code).toBe(0);
    await debuggee.ended;
    expect(atDrop).toBeLessThan(180);
    expect(lines).toEqual(expectedLines(200));
  });

  /**
   * Runs `program` (`BURSTS LINES PAUSE`: bursts 50 ms apart, ~3 s in all) and restarts sshd,
   * dropping the session, once ten bursts have arrived: the drop lands in the middle of the
   * flood, which the mux reads in large gathered pieces. Resolves with all the lines once the
   * program has ended.
   */
  async function floodAcrossRestart(
    program: string,
    bursts: number,
    perBurst: number,
  ): Promise<Line[]> {
    const link = await openLink();
    const debuggee = await launch(link, [String(bursts), String(perBurst), '0.05'], program);
    const lines = collectLines(debuggee);
    await run(link, debuggee);
    await until(() => lines.length >= 10 * perBurst, 'ten bursts', 30_000);
    await sshd.restart({ dropSessions: true });
    const atDrop = lines.length;
    await until(() => link.state.state === 'reconnecting', 'reconnecting', 30_000);
    await until(() => link.state.state === 'up', 'link up', 30_000);
    await debuggee.ended;
    expect(atDrop).toBeLessThan(bursts * perBurst);
    return lines;
  }

  it('loses no line of a flood across an sshd restart, shows none twice, keeps the order', async () => {
    // Each burst of 2000 stdout lines ends with a stderr line.
    const perBurst = 2000;
    const lines = await floodAcrossRestart(FLOOD_BURSTS, 60, perBurst);
    const expected = Array.from({ length: 60 * perBurst }, (_, n): Line =>
      n % perBurst === perBurst - 1 ? ['stderr', `err ${n}`] : ['stdout', `out ${n}`],
    );
    expect(firstDifference(lines, expected)).toEqual({ at: -1, lines: [] });
  }, 120_000);

  it('keeps stdout, stderr and os.write(1) lines of a flood in exact order across an sshd restart, none lost or doubled', async () => {
    const lines = await floodAcrossRestart(MIXED_FLOOD, 60, 1500);
    expect(firstDifference(lines, mixedLines(60 * 1500).slice(0, -1))).toEqual({
      at: -1,
      lines: [],
    });
  }, 120_000);

  it('terminate kills the mux, the program and debugpy (nothing left in the group)', async () => {
    const link = await openLink();
    const debuggee = await launch(link, ['100000', '0.01', '0']);
    const lines = collectLines(debuggee);
    await run(link, debuggee);
    await until(() => lines.length >= 10, '10 lines', 15_000);
    // The announced pid is the mux: the group leader, parent of Python.
    const { stdout: children } = await execFileAsync('pgrep', ['-P', String(debuggee.pid)]);
    const python = Number(children.trim().split('\n')[0]);
    const { stdout: pgid } = await execFileAsync('ps', ['-o', 'pgid=', '-p', String(python)]);
    expect(Number(pgid.trim())).toBe(debuggee.pid);
    expect((await debugpyPids(debuggee.remotePort)).length).toBeGreaterThanOrEqual(2);

    await debuggee.terminate();
    expect(await debuggee.exit).toEqual({ code: null, signal: 'SIGTERM' });
    await debuggee.ended;
    expect(await groupPids(debuggee.pid)).toEqual([]);
    expect(await debugpyPids(debuggee.remotePort)).toEqual([]);
  });

  it('SIGTERM to the mux alone ends the program too', async () => {
    const link = await openLink();
    const debuggee = await launch(link, ['100000', '0.01', '0']);
    const lines = collectLines(debuggee);
    await run(link, debuggee);
    await until(() => lines.length >= 10, '10 lines', 15_000);
    process.kill(debuggee.pid, 'SIGTERM'); // the pid only, not the group
    expect(await debuggee.exit).toEqual({ code: null, signal: 'SIGTERM' });
    await debuggee.ended;
    await until(async () => (await groupPids(debuggee.pid)).length === 0, 'group gone', 5000);
    // The output up to the end is whole (order is the first test's business).
    const byNumber = (line: Line): number => Number(line[1].split(' ')[1]);
    expect([...lines].sort((a, b) => byNumber(a) - byNumber(b))).toEqual(
      expectedLines(lines.length),
    );
  });
});
