/**
 * The liveness probe after each fuzz batch: a real program under a real debugpy
 * (`/usr/bin/python3 -m debugpy --connect`) dials the relay under fuzzing, and a fresh client
 * joins its session, sets a breakpoint, is stopped there, steps over one line and reads a local
 * variable. Any step failing or taking longer than its bound fails the probe.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { AppSocket, RelayProcess } from '../harness/relay-process.js';

/** The probe's program: `total += step` is on line 16, `message = describe(…)` on line 17. */
export const PROBE_PROGRAM = resolve('test/fixtures/programs/counter.py');
const BREAK_LINE = 16;

/** What one probe measured. */
export interface ProbeResult {
  /** From starting the program to reading the variable after the step, in ms. */
  ms: number;
  /** The value of `total` read after the step. */
  total: string;
}

/**
 * Runs the probe against `relay`. `onPid` is told the program's pid at once (so the fuzzers leave
 * its session alone). Rejects with what failed.
 */
export async function probeDebugpy(
  relay: RelayProcess,
  onPid: (pid: number) => void,
  timeoutMs = 30_000,
): Promise<ProbeResult> {
  const started = Date.now();
  const program = spawn(
    '/usr/bin/python3',
    [
      '-Xfrozen_modules=off',
      '-m',
      'debugpy',
      '--connect',
      `127.0.0.1:${relay.tracerPort}`,
      PROBE_PROGRAM,
      '100000',
    ],
    {
      env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  program.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  if (program.pid !== undefined) onPid(program.pid);
  const deadline = started + timeoutMs;
  let client: AppSocket | undefined;
  try {
    client = await relay.connectClient();
    const c = client;
    const left = (): number => Math.max(1, deadline - Date.now());
    const sessionId = await poll(
      async () => {
        if (program.exitCode !== null) throw new Error(`the probe program exited: ${stderr}`);
        const reply = await c.app('sessions.list', {}, left());
        const sessions = (
          reply.result as { sessions: { id: string; pid?: number; state: string }[] }
        ).sessions;
        return sessions.find((s) => s.pid === program.pid && s.state === 'running')?.id;
      },
      deadline,
      'the probe session to be running',
    );
    const joined = await c.app('session.join', { sessionId }, left());
    if (!joined.ok) throw new Error(`join failed: ${joined.error?.message ?? '?'}`);
    let seq = 1;
    const dap = async (command: string, args: unknown): Promise<Record<string, unknown>> => {
      const response = await c.dap(sessionId, seq++, command, args, left());
      if (response.success !== true)
        throw new Error(`${command} failed: ${String(response.message)}`);
      return (response.body ?? {}) as Record<string, unknown>;
    };
    const stoppedAfter = (from: number): Promise<Record<string, unknown>> =>
      c
        .waitFor((m) => {
          const message = m.message as { type?: string; event?: string } | undefined;
          return (
            m.sessionId === sessionId &&
            message?.type === 'event' &&
            message.event === 'stopped' &&
            c.received.indexOf(m) >= from
          );
        }, left())
        .then((m) => (m.message as { body: Record<string, unknown> }).body);
    const topLine = async (threadId: unknown): Promise<{ line: unknown; frameId: unknown }> => {
      const trace = await dap('stackTrace', { threadId, levels: 1 });
      const frame = (trace.stackFrames as { id: unknown; line: unknown }[] | undefined)?.[0];
      return { line: frame?.line, frameId: frame?.id };
    };

    const before = c.received.length;
    await dap('setBreakpoints', {
      source: { path: PROBE_PROGRAM },
      breakpoints: [{ line: BREAK_LINE }],
    });
    const stop = await stoppedAfter(before);
    const at = await topLine(stop.threadId);
    if (at.line !== BREAK_LINE)
      throw new Error(`stopped at line ${String(at.line)}, not ${BREAK_LINE}`);
    const beforeStep = c.received.length;
    await dap('next', { threadId: stop.threadId });
    const stepped = await stoppedAfter(beforeStep);
    if (stepped.reason !== 'step')
      throw new Error(`after next: stopped for ${String(stepped.reason)}`);
    const after = await topLine(stepped.threadId);
    if (after.line !== BREAK_LINE + 1) throw new Error(`stepped to line ${String(after.line)}`);
    const scopes = await dap('scopes', { frameId: after.frameId });
    const locals = (scopes.scopes as { name: string; variablesReference: number }[])[0];
    const variables = await dap('variables', { variablesReference: locals?.variablesReference });
    const total = (variables.variables as { name: string; value: string }[]).find(
      (v) => v.name === 'total',
    );
    if (!total || !/^\d+$/.test(total.value))
      throw new Error(`no numeric "total" in ${JSON.stringify(variables)}`);
    return { ms: Date.now() - started, total: total.value };
  } finally {
    client?.close();
    program.kill('SIGKILL');
  }
}

async function poll<T>(
  probe: () => Promise<T | undefined>,
  deadline: number,
  what: string,
): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
