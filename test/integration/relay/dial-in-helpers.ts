/**
 * Helpers for tests with real tracers that dial the relay: start a Python program that calls
 * `debugpy.connect` (only /usr/bin/python3 has debugpy), wait for its session, collect its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { SessionInfo } from '../../../src-common/protocol/client-protocol.js';
import type { Backend } from '../../../src-main/backend/backend.js';

/** The fixture that dials in and counts: `total += step` is on this line. */
export const DIAL_IN_PROGRAM = resolve('test/fixtures/programs/dial_in.py');
export const DIAL_IN_TOTAL_LINE = 16;
export const FLOOD_PROGRAM = resolve('test/fixtures/programs/flood.py');

/** A running tracer process. */
export interface DialInProcess {
  child: ChildProcess;
  /** Everything it printed to stdout so far. */
  stdout: () => string;
  /** Resolves with the exit code (or null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts `program` with the tracer port and extra args. */
export function startDialIn(program: string, port: number, args: string[] = []): DialInProcess {
  const child = spawn(
    '/usr/bin/python3',
    ['-Xfrozen_modules=off', program, String(port), ...args],
    {
      env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', () => undefined);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, stdout: () => out, exited };
}

/** Polls the relay until `predicate` holds for its sessions (default 15 s). */
export async function waitForSessions(
  relay: Backend,
  predicate: (sessions: SessionInfo[]) => boolean,
  timeoutMs = 15_000,
): Promise<SessionInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sessions = relay.listSessions();
    if (predicate(sessions)) return sessions;
    if (Date.now() > deadline)
      throw new Error(`sessions never matched; now: ${JSON.stringify(sessions)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Kills every process still running (test teardown). */
export function killAll(processes: DialInProcess[]): void {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
}
