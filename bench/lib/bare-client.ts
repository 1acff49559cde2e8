/**
 * A bare DAP client: one `DapConnection` straight to a debugpy adapter, doing the attach
 * handshake and the "what does the user see after a stop" chain that every figure compares to.
 */
import { connect, type Socket } from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapConnection } from '../../src-main/dap/dap-connection.js';
import { silentLogger } from '../../src-main/log/logger.js';
import { attachToDebugpy } from '../../src-main/tracer/attach-handshake.js';

/** Connects to a debugpy adapter (TCP_NODELAY on the client side too, for a fair baseline). */
export async function connectBareClient(port: number): Promise<DapConnection> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  return new DapConnection(socket, {
    name: 'bench',
    logger: silentLogger,
    requestTimeoutMs: 60_000,
  });
}

/** Attaches with breakpoints at `lines` of `program`. */
export async function attachBare(
  connection: DapConnection,
  program: string,
  lines: number[],
): Promise<void> {
  await attachToDebugpy(connection, { name: 'bench', justMyCode: true, pathMappings: [] }, [
    { path: program, breakpoints: lines.map((line) => ({ line })) },
  ]);
}

/** Connects to a debugpy adapter and attaches with breakpoints at `lines` of `program`. */
export async function attachBareClient(
  port: number,
  program: string,
  lines: number[],
): Promise<DapConnection> {
  const connection = await connectBareClient(port);
  await attachBare(connection, program, lines);
  return connection;
}

/** Resolves with the next event named `event`. */
export function nextEvent(
  connection: DapConnection,
  event: string,
  timeoutMs = 30_000,
): Promise<DebugProtocol.Event> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = connection.onEvent((e) => {
      if (e.event !== event) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Sends a request and returns its body; throws on failure. */
export async function call<T>(
  connection: DapConnection,
  command: string,
  args?: unknown,
): Promise<T> {
  const response = await connection.sendRequest(command, args);
  if (!response.success) throw new Error(`${command} failed: ${response.message ?? ''}`);
  return response.body as T;
}

/** What a client needs to paint a stop: top frame, its scopes, its locals. Returns the top frame. */
export async function loadTopFrame(
  connection: DapConnection,
  threadId: number,
): Promise<DebugProtocol.StackFrame> {
  const { stackFrames } = await call<DebugProtocol.StackTraceResponse['body']>(
    connection,
    'stackTrace',
    {
      threadId,
      startFrame: 0,
      levels: 1,
    },
  );
  const top = stackFrames[0];
  if (!top) throw new Error('no stack frame');
  const { scopes } = await call<DebugProtocol.ScopesResponse['body']>(connection, 'scopes', {
    frameId: top.id,
  });
  const locals = scopes[0];
  if (locals)
    await call(connection, 'variables', { variablesReference: locals.variablesReference });
  return top;
}
