import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchUnderDebugpy,
  type RemoteDebuggee,
} from '../../../src-main/remote/launch/remote-launch.js';
import type { SshConnection } from '../../../src-main/ssh/connection/ssh-connection.js';
import { SshError } from '../../../src-main/ssh/ssh-error.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { RawDapClient } from './raw-dap-client.js';
import { connectTo, policyIn, tempDir } from './ssh-test-kit.js';

const execFileAsync = promisify(execFile);
const PYTHON = '/usr/bin/python3';

/** Pids of debugpy processes (program and adapter) whose command line mentions `port`. */
async function debugpyPids(port: number): Promise<number[]> {
  try {
    const { stdout } = await execFileAsync('pgrep', ['-f', `debugpy.*${port}`]);
    return stdout.trim().split('\n').map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('launch under debugpy over SSH', () => {
  let sshd: TestSshd;
  let tmp: { dir: string; remove(): Promise<void> };
  let connection: SshConnection;
  const debuggees: RemoteDebuggee[] = [];

  beforeAll(async () => {
    tmp = await tempDir('periscope launch '); // a space in the path exercises quoting
    sshd = await startSshd();
    await writeFile(path.join(tmp.dir, 'known_hosts'), `${sshd.knownHostsLine()}\n`);
    connection = await connectTo(sshd, policyIn(tmp.dir));
    await writeFile(
      path.join(tmp.dir, 'tracee.py'),
      [
        'import sys, time',
        'print("argv", sys.argv[1:], flush=True)',
        'print("hello from the tracee ✓", flush=True)',
        'print("to stderr", file=sys.stderr, flush=True)',
        'for i in range(600):',
        '    print("tick", i, flush=True)',
        '    time.sleep(0.1)',
      ].join('\n'),
    );
    await writeFile(path.join(tmp.dir, 'tracee_mod.py'), 'import time\ntime.sleep(60)\n');
  });
  afterAll(async () => {
    for (const debuggee of debuggees) await debuggee.terminate();
    // Safety net (the "remote" machine is this one): nothing of ours may outlive the tests.
    for (const debuggee of debuggees) {
      for (const pid of await debugpyPids(debuggee.remotePort)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await connection?.close();
    await sshd?.stop();
    await tmp?.remove();
  });

  it('starts a program, answers DAP through a local forward, streams its output, and terminate kills the group', async () => {
    const debuggee = await launchUnderDebugpy(connection, {
      python: PYTHON,
      target: { kind: 'file', path: 'tracee.py' },
      args: ['--flag', 'two words', "it's"],
      cwd: tmp.dir,
    });
    debuggees.push(debuggee);
    expect(debuggee.pid).toBeGreaterThan(1);
    let stdout = '';
    let stderr = '';
    debuggee.onOutput((category, text) =>
      category === 'stdout' ? (stdout += text) : (stderr += text),
    );

    const forward = await connection.openLocalForward('127.0.0.1', debuggee.remotePort);
    const dap = await RawDapClient.connect(forward.localPort);
    try {
      const init = await dap.response(
        dap.send('initialize', { adapterID: 'periscope-test', clientID: 'periscope' }),
      );
      expect(init.success).toBe(true);
      expect(init.body?.supportsConfigurationDoneRequest).toBe(true);
      dap.send('attach', { justMyCode: false });
      await dap.event('initialized');
      expect((await dap.response(dap.send('configurationDone'))).success).toBe(true);

      await expect.poll(() => stdout, { timeout: 15_000 }).toContain('tick 2');
      expect(stdout).not.toContain('__periscope_pid__');
      expect(stdout).toContain(`argv ['--flag', 'two words', "it's"]`);
      expect(stdout).toContain('hello from the tracee ✓');
      await expect.poll(() => stderr).toContain('to stderr');

      // The program and debugpy's adapter both run in the session's process group.
      expect((await debugpyPids(debuggee.remotePort)).length).toBeGreaterThanOrEqual(2);
      const { stdout: pgid } = await execFileAsync('ps', [
        '-o',
        'pgid=',
        '-p',
        String(debuggee.pid),
      ]);
      expect(Number(pgid.trim())).toBe(debuggee.pid);
    } finally {
      dap.close();
      await forward.close();
    }

    await debuggee.terminate();
    const exit = await debuggee.exit;
    expect(exit.code === null ? exit.signal : exit.code).toBeTruthy();
    expect(await debugpyPids(debuggee.remotePort)).toEqual([]);
  });

  it('starts a module target and terminates it before any client attaches', async () => {
    const debuggee = await launchUnderDebugpy(connection, {
      python: PYTHON,
      target: { kind: 'module', module: 'tracee_mod' },
      args: [],
      cwd: tmp.dir,
    });
    debuggees.push(debuggee);
    expect((await debugpyPids(debuggee.remotePort)).length).toBeGreaterThanOrEqual(1);
    const started = Date.now();
    await debuggee.terminate();
    expect(await debuggee.exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await debugpyPids(debuggee.remotePort)).toEqual([]);
  });

  it('says how to install debugpy when the interpreter cannot import it', async () => {
    const noDebugpy = path.join(tmp.dir, 'python-without-debugpy');
    await writeFile(noDebugpy, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
    await chmod(noDebugpy, 0o755);
    const error = await launchUnderDebugpy(connection, {
      python: noDebugpy,
      target: { kind: 'file', path: 'tracee.py' },
      args: [],
      cwd: tmp.dir,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).code).toBe('launch-failed');
    expect((error as SshError).message).toBe(
      `debugpy is not importable by ${noDebugpy} on 127.0.0.1: install it with \`${noDebugpy} -m pip install debugpy\` (or your distribution's python3-debugpy package)`,
    );
  });

  it('reports a missing interpreter', async () => {
    await expect(
      launchUnderDebugpy(connection, {
        python: '/nonexistent/python3',
        target: { kind: 'file', path: 'tracee.py' },
        args: [],
        cwd: '',
      }),
    ).rejects.toSatisfy(
      (error: SshError) =>
        error.code === 'launch-failed' &&
        /^the Python interpreter \/nonexistent\/python3 was not found on 127\.0\.0\.1/.test(
          error.message,
        ),
    );
  });

  it('names the working directory when it does not exist, before debugpy starts', async () => {
    const missingDir = path.join(tmp.dir, 'no such dir');
    const error = await launchUnderDebugpy(connection, {
      python: PYTHON,
      target: { kind: 'file', path: 'tracee.py' },
      args: [],
      cwd: missingDir,
    }).catch((e: unknown) => e);
    expect((error as SshError).code).toBe('launch-failed');
    expect((error as SshError).message).toBe(
      `The working directory "${missingDir}" does not exist on 127.0.0.1`,
    );
  });
});
