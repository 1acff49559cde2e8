/**
 * A WebSocket client that stops reading is disconnected with a reason once too much is queued for
 * it, instead of the relay buffering without bound.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { WsClientTransport } from '../../../src-main/web/ws-client-transport.js';

describe('slow WebSocket clients', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise((r) => server?.close(r) ?? r(undefined));
  });

  it('are disconnected when their backlog passes the limit', async () => {
    server = createServer();
    const wss = new WebSocketServer({ server });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((r) => ws.once('open', r));
    // The client stops reading: its TCP window fills, then the server's send buffer grows.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const transport = new WsClientTransport(await accepted, 'ws test', 256 * 1024);
    let closed = false;
    transport.onClose(() => (closed = true));
    const chunk = JSON.stringify({ type: 'app-event', event: 'x', body: 'y'.repeat(64 * 1024) });
    const deadline = Date.now() + 10_000;
    let sent = 0;
    while (!closed && Date.now() < deadline) {
      transport.send(chunk);
      sent += chunk.length;
      await new Promise((r) => setImmediate(r));
    }
    expect(closed).toBe(true);
    // Bounded: it gave up after the kernel buffers plus the 256 KiB backlog, not after 10 s of sends.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    ws.terminate();
    wss.close();
  });
});
