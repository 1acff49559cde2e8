/**
 * A client of a session's DAP endpoint that stops reading is disconnected with a reason once too
 * much is queued for it, instead of the relay buffering without bound; the session and its other
 * clients carry on. (The WebSocket counterpart is `ws-slow-client.test.ts`.)
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src-main/log/logger.js';
import { DapEndpoint } from '../../../src-main/relay/dap-endpoint.js';
import { DebugSession } from '../../../src-main/relay/debug-session.js';
import { createFakeTracer } from '../../fixtures/fake-tracer.js';

/** One DAP message on the wire (Content-Length framing). */
function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe('slow DAP endpoint clients', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('are disconnected with a reason when their backlog passes the limit; the session goes on', async () => {
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger = createLogger(
      'test',
      (level, _scope, message, fields) => {
        if (level === 'warn') warnings.push({ message, ...(fields ? { fields } : {}) });
      },
      'debug',
    );
    const { client: tracerSide } = createFakeTracer();
    const session = new DebugSession({
      info: { id: 's1', profileId: '', profileName: 'x', target: 't', startedAt: 0 },
      tracer: { connection: tracerSide, dispose: () => Promise.resolve() },
      logger,
      onChange: () => undefined,
      limits: {},
    });
    session.markAttached({ supportsConfigurationDoneRequest: true });
    let ids = 0;
    const endpoint = await DapEndpoint.open({
      session,
      logger,
      nextClientId: () => `d${++ids}`,
      admit: () => undefined,
      onChange: () => undefined,
      maxBacklogBytes: 256 * 1024,
    });
    cleanups.push(() => endpoint.close());

    const join = async (): Promise<{ socket: Socket; received: () => number }> => {
      const socket = connect({ host: '127.0.0.1', port: endpoint.info.port });
      cleanups.push(() => socket.destroy());
      let bytes = 0;
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      await new Promise((r) => socket.once('connect', r));
      socket.write(frame({ seq: 1, type: 'request', command: 'initialize', arguments: {} }));
      await expect.poll(() => bytes, { timeout: 5000 }).toBeGreaterThan(0);
      return { socket, received: () => bytes };
    };
    const slow = await join();
    const reader = await join();
    expect(endpoint.clientCount).toBe(2);

    // The slow client stops reading: its TCP window fills, then the relay's send buffer grows.
    slow.socket.pause();
    let slowClosed = false;
    slow.socket.once('close', () => (slowClosed = true));
    const line = `${'x'.repeat(1023)}\n`;
    const deadline = Date.now() + 15_000;
    let pushed = 0;
    while (endpoint.clientCount === 2 && Date.now() < deadline) {
      for (let i = 0; i < 64; i++) session.pushOutput('stdout', line);
      pushed += 64 * line.length;
      // Let the batcher deliver and the sockets drain.
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(endpoint.clientCount).toBe(1);
    // Its connection is gone: once it reads again it finds the end of the stream.
    slow.socket.on('error', () => undefined);
    slow.socket.resume();
    await expect.poll(() => slowClosed, { timeout: 5000 }).toBe(true);
    // Bounded: dropped after the kernel buffers plus the 256 KiB backlog, not after 15 s of output.
    expect(pushed).toBeLessThan(64 * 1024 * 1024);
    // The reason is logged with how far behind it was.
    const warning = warnings.find((w) => w.message.includes('cannot keep up'));
    expect(warning?.fields).toMatchObject({ client: 'd1' });
    expect(Number(warning?.fields?.unsentBytes)).toBeGreaterThan(256 * 1024);

    // The client that reads is still served.
    const before = reader.received();
    session.pushOutput('stdout', 'still here\n');
    await expect.poll(() => reader.received(), { timeout: 5000 }).toBeGreaterThan(before);
    expect(session.isEnded).toBe(false);
  }, 30_000);
});
