/**
 * A program that runs in a pseudo-terminal (launch.json's `console` `integratedTerminal`; real
 * sshd, real /usr/bin/python3 and debugpy), at the level of the launch: the program leads a
 * session of its own, outside the output mux's process group, so `terminate` must end that
 * session too — here a program and a child in another process group of it that both ignore
 * SIGTERM, which only the KILL of the session reaches. The terminal is the mux's, so it survives
 * an SSH drop: keys and a resize sent after the reconnect reach the program.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReconnectingSsh } from '../../../src-main/ssh/connection/reconnecting-ssh.js';
import {
  launchUnderDebugpy,
  type RemoteDebuggee,
} from '../../../src-main/remote/launch/remote-launch.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { until } from '../../harness/tcp-echo.js';
import { RawDapClient } from '../ssh/raw-dap-client.js';
import { connectTo, policyIn, tempDir } from '../ssh/ssh-test-kit.js';

const execFileAsync = promisify(execFile);
const STUBBORN = resolve('test/fixtures/programs/console/stubborn_terminal.py');
const ECHO = resolve('test/fixtures/programs/console/terminal_io.py');

/** Pids of the processes whose command line contains `text`. */
async function pidsWith(text: string): Promise<number[]> {
  try {
    const { stdout } = await execFileAsync('pgrep', ['-f', text]);
    return stdout.trim().split('\n').map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('launch in a terminal: terminate ends the terminal session', () => {
  let sshd: TestSshd;
  let tmp: { dir: string; remove(): Promise<void> };
  const cleanup: (() => Promise<unknown>)[] = [];
  const markers: string[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    tmp = await tempDir('periscope-pty-stop-');
    await writeFile(`${tmp.dir}/known_hosts`, `${sshd.knownHostsLine()}\n`);
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });
  afterAll(async () => {
    // Safety net (the "remote" machine is this one): nothing of ours may outlive the tests.
    for (const marker of markers)
      for (const pid of await pidsWith(marker)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    await sshd?.stop();
    await tmp?.remove();
  });

  async function launch(
    program: string,
    args: string[],
  ): Promise<RemoteDebuggee & { link: ReconnectingSsh }> {
    const link = await ReconnectingSsh.open(() => connectTo(sshd, policyIn(tmp.dir)), {
      baseDelayMs: 200,
      maxDelayMs: 1000,
    });
    cleanup.push(() => link.close());
    const debuggee = await launchUnderDebugpy(link.current!, {
      python: '/usr/bin/python3',
      target: { kind: 'file', path: program },
      args,
      cwd: tmp.dir,
      link,
      terminal: { cols: 80, rows: 24 },
    });
    cleanup.push(() => debuggee.terminate());
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
    return Object.assign(debuggee, { link });
  }

  it('kills a program and its child that ignore SIGTERM, in another process group of the terminal', async () => {
    const marker = `periscope-stubborn-${process.pid}-${Date.now()}`;
    markers.push(marker);
    const debuggee = await launch(STUBBORN, [marker]);
    let text = '';
    debuggee.onOutput((_category, chunk) => (text += chunk));
    await until(() => text.includes('started'), 'the program started', 15_000);
    // The mux (its argv holds the command's), the program and its shell child.
    expect((await pidsWith(marker)).length).toBe(3);
    expect(debuggee.resizeTerminal).toBeTypeOf('function');

    await debuggee.terminate();
    expect(await debuggee.exit).toEqual({ code: null, signal: 'SIGKILL' });
    await debuggee.ended;
    await until(async () => (await pidsWith(marker)).length === 0, 'all gone', 5000);
  });

  it('keeps the terminal across an SSH drop: keys and a resize after the reconnect reach it', async () => {
    const debuggee = await launch(ECHO, []);
    let text = '';
    debuggee.onOutput((_category, chunk) => (text += chunk));
    await until(() => text.includes('Your name? '), 'the prompt', 15_000);
    await sshd.restart({ dropSessions: true });
    await until(() => debuggee.link.state.state === 'reconnecting', 'reconnecting', 15_000);
    await until(() => debuggee.link.state.state === 'up', 'link up', 15_000);
    await debuggee.resizeTerminal!({ cols: 50, rows: 10 });
    // The mux applies a size within 100 ms; the program reports it after its input.
    await new Promise((r) => setTimeout(r, 300));
    await debuggee.writeStdin!('Ada\r');
    await until(() => text.includes('resized 50x10'), 'the resize', 15_000);
    await until(() => text.includes('press two keys'), 'cbreak', 15_000);
    await debuggee.writeStdin!('ok');
    await debuggee.ended;
    expect(text).toContain('hello Ada\r\n');
    expect(text).toContain("keys b'ok'");
    expect(text).toContain('done 3');
    // (No exit status after a reconnect: the mux's channel went with the old connection.)
  });

  it('a resize after the end says the terminal is closed', async () => {
    const debuggee = await launch(ECHO, []);
    let text = '';
    debuggee.onOutput((_category, chunk) => (text += chunk));
    await until(() => text.includes('Your name? '), 'the prompt', 15_000);
    await debuggee.writeStdin!('x\r');
    // cbreak mode is set with TCSAFLUSH, which drops keys typed ahead: wait for it.
    await until(() => text.includes('press two keys'), 'cbreak', 15_000);
    await debuggee.writeStdin!('ab');
    await debuggee.ended;
    expect(text).toContain("keys b'ab'");
    await expect(debuggee.resizeTerminal!({ cols: 10, rows: 10 })).rejects.toThrow(
      /terminal is closed/,
    );
  });
});
