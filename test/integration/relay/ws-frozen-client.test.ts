/**
 * A frozen WebSocket client (it stops reading, as a SIGSTOPped browser does) is dropped within two
 * ping intervals even when nothing is sent to it; a client that answers stays.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { WsClientTransport } from '../../../src-main/web/ws-client-transport.js';

const INTERVAL_MS = 300;

describe('frozen WebSocket clients', () => {
  let server: Server | undefined;
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await new Promise((r) => server?.close(r) ?? r(undefined));
  });

  it('are dropped when they stop answering pings; live ones stay', async () => {
    server = createServer();
    const wss = new WebSocketServer({ server });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;

    async function client(): Promise<{
      ws: WebSocket;
      transport: WsClientTransport;
      closedAt: () => number | undefined;
    }> {
      const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      sockets.push(ws);
      await new Promise((r) => ws.once('open', r));
      const transport = new WsClientTransport(
        await accepted,
        'ws test',
        undefined,
        undefined,
        INTERVAL_MS,
      );
      let closed: number | undefined;
      transport.onClose(() => (closed = Date.now()));
      return { ws, transport, closedAt: () => closed };
    }

    const live = await client();
    const frozen = await client();
    const frozenAt = Date.now();
    (frozen.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 5));
    const dropped = frozen.closedAt();
    expect(dropped).toBeDefined();
    expect((dropped ?? Infinity) - frozenAt).toBeLessThanOrEqual(INTERVAL_MS * 2 + 200);
    expect(live.closedAt()).toBeUndefined();
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
    wss.close();
  });
});
