/**
 * DapConnection against a real debugpy adapter (`python -m debugpy --listen … --wait-for-client`):
 * the attach handshake of ENVIRONMENT.md, a breakpoint, a stack trace, and the end of the program.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DapConnection } from '../../../src-main/dap/dap-connection.js';
import { silentLogger } from '../../../src-main/log/logger.js';

const PROGRAM = `import sys
def greet(name):
    message = "hello " + name
    return message
print(greet("periscope"))
sys.exit(0)
`;
const BREAK_LINE = 4; // return message

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
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

function nextEvent(connection: DapConnection, name: string): Promise<DebugProtocol.Event> {
  return new Promise((resolve) => {
    const unsubscribe = connection.onEvent((event) => {
      if (event.event === name) {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

describe('DapConnection with a real debugpy adapter', () => {
  let dir: string;
  let tracer: ChildProcess | undefined;
  let connection: DapConnection;
  let stderr = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'periscope-dap-'));
    const program = join(dir, 'greet.py');
    writeFileSync(program, PROGRAM);
    const port = await freePort();
    tracer = spawn(
      '/usr/bin/python3',
      [
        '-Xfrozen_modules=off',
        '-m',
        'debugpy',
        '--listen',
        `127.0.0.1:${port}`,
        '--wait-for-client',
        program,
      ],
      {
        env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    tracer.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const socket = await connectWithRetry(port, 15_000);
    socket.setNoDelay(true);
    connection = new DapConnection(socket, { name: 'debugpy', logger: silentLogger });
  });

  afterAll(() => {
    connection?.close('test over');
    if (tracer && tracer.exitCode === null) tracer.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('initializes, attaches, stops at a breakpoint and runs to the end', async () => {
    const initialize = await connection.call('initialize', {
      adapterID: 'periscope',
      clientID: 'periscope',
      pathFormat: 'path',
      linesStartAt1: true,
      columnsStartAt1: true,
    });
    expect(initialize.success, stderr).toBe(true);
    expect(initialize.request_seq).toBe(1);
    expect(initialize.body?.supportsConfigurationDoneRequest).toBe(true);

    const initialized = nextEvent(connection, 'initialized');
    // debugpy answers attach only after configurationDone: no timeout, and do not await it yet.
    const attach = connection.call(
      'attach',
      { justMyCode: false } as DebugProtocol.AttachRequestArguments,
      {
        timeoutMs: 0,
      },
    );
    await initialized;

    const program = join(dir, 'greet.py');
    const breakpoints = await connection.call('setBreakpoints', {
      source: { path: program },
      breakpoints: [{ line: BREAK_LINE }],
    });
    expect(breakpoints.body.breakpoints).toHaveLength(1);
    const stopped = nextEvent(connection, 'stopped');
    const terminated = nextEvent(connection, 'terminated');
    await connection.call('configurationDone', undefined);
    await expect(attach).resolves.toMatchObject({ success: true, command: 'attach' });

    const stop = (await stopped) as DebugProtocol.StoppedEvent;
    expect(stop.body.reason).toBe('breakpoint');
    const threadId = stop.body.threadId ?? 0;
    const stack = await connection.call('stackTrace', { threadId, startFrame: 0, levels: 1 });
    expect(stack.body.stackFrames[0]).toMatchObject({ name: 'greet', line: BREAK_LINE });

    const missing = await connection.sendRequest('scopes', { frameId: 987654 });
    expect(missing.success).toBe(false);

    await connection.call('continue', { threadId });
    await terminated;
    expect(connection.pendingCount).toBe(0);
  });
});
