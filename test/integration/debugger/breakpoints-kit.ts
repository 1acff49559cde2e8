/**
 * A program under a real debugpy adapter (`python -m debugpy --listen … --wait-for-client`),
 * attached with the relay's own handshake (`attachToDebugpy`), for the breakpoint integration
 * tests: a DAP requester like the renderer's, the events received, and waiting for one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapConnection } from '../../../src-main/dap/dap-connection.js';
import { silentLogger } from '../../../src-main/log/logger.js';
import type { LaunchBreakpoints } from '../../../src-common/protocol/client-protocol.js';
import type { PathMapping } from '../../../src-common/protocol/profile.js';
import { attachToDebugpy, type AttachResult } from '../../../src-main/tracer/attach-handshake.js';
import type { DapRequester } from '../../../src-renderer/debug/session-model.js';
import { freePort } from '../../harness/free-port.js';

/** Options of {@link runUnderDebugpy}. */
export interface RunOptions {
  args?: string[];
  justMyCode?: boolean;
  pathMappings?: PathMapping[];
  breakpoints?: LaunchBreakpoints[];
  exceptionFilters?: string[];
  functionBreakpoints?: DebugProtocol.FunctionBreakpoint[];
}

/** A started program. */
export interface DebugpyRun {
  attached: AttachResult;
  request: DapRequester;
  events: DebugProtocol.Event[];
  /** The program's own stdout. */
  stdout(): string;
  /** Text of the DAP `output` events so far. */
  outputEvents(): string;
  /** Resolves with the first event named `name` (after `from`, an index into `events`) that matches. */
  waitFor(
    name: string,
    match?: (event: DebugProtocol.Event) => boolean,
    from?: number,
    timeoutMs?: number,
  ): Promise<DebugProtocol.Event>;
  stop(): Promise<void>;
}

async function connectWithRetry(port: number, deadlineMs: number): Promise<net.Socket> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Starts `program` under debugpy and attaches as the relay does. */
export async function runUnderDebugpy(
  program: string,
  options: RunOptions = {},
): Promise<DebugpyRun> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/bin/python3',
    [
      '-Xfrozen_modules=off',
      '-m',
      'debugpy',
      '--listen',
      `127.0.0.1:${port}`,
      '--wait-for-client',
      program,
      ...(options.args ?? []),
    ],
    {
      env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const socket = await connectWithRetry(port, 15_000);
  socket.setNoDelay(true);
  const connection = new DapConnection(socket, { name: 'debugpy', logger: silentLogger });
  const events: DebugProtocol.Event[] = [];
  const waiters = new Set<() => void>();
  connection.onEvent((event) => {
    events.push(event);
    for (const waiter of [...waiters]) waiter();
  });
  const attached = await attachToDebugpy(
    connection,
    {
      name: 'breakpoint tests',
      justMyCode: options.justMyCode ?? true,
      pathMappings: options.pathMappings ?? [],
    },
    options.breakpoints ?? [],
    {
      exceptionFilters: options.exceptionFilters,
      functionBreakpoints: options.functionBreakpoints,
    },
  );
  return {
    attached,
    events,
    request: (command, args) => connection.sendRequest(command, args, { timeoutMs: 15_000 }),
    stdout: () => stdout,
    outputEvents: () =>
      events
        .filter((e) => e.event === 'output')
        .map((e) => (e as DebugProtocol.OutputEvent).body.output)
        .join(''),
    waitFor: (name, match = () => true, from = 0, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.slice(from).find((e) => e.event === name && match(e));
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no "${name}" event within ${timeoutMs} ms; stdout:\n${stdout}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    stop: async () => {
      await connection
        .sendRequest('disconnect', { terminateDebuggee: true }, { timeoutMs: 2000 })
        .catch(() => undefined);
      connection.close('test over');
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}
