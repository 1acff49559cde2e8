/**
 * The floor of a WebSocket hop, for the relay overhead's breakdown: a `ws` echo server in this
 * process (as the relay is in the benchmark), reached by a `ws` client like the benchmark's relay
 * client, each message answered with one of the size the relay's answer has. What a round trip
 * costs here is what any relay between a WebSocket client and a tracer pays before doing
 * anything: two more loopback socket writes and reads, event loop wake-ups and frame parsing.
 */
import { WebSocketServer, WebSocket } from 'ws';

/** An echo pair; `roundTrip` sends `request` and resolves when a `responseBytes` answer is back. */
export interface WsEcho {
  roundTrip(request: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 and connects one client (no compression, as the relay). */
export async function startWsEcho(responseBytes: number): Promise<WsEcho> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const answer = JSON.stringify({ type: 'dap', pad: 'x'.repeat(Math.max(0, responseBytes - 30)) });
  wss.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      // Parse as the relay does, then answer.
      JSON.parse(data.toString('utf8'));
      socket.send(answer);
    });
  });
  const { port } = wss.address() as { port: number };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let pending: (() => void) | null = null;
  ws.on('message', (data: Buffer) => {
    JSON.parse(data.toString('utf8'));
    const done = pending;
    pending = null;
    done?.();
  });
  return {
    roundTrip: (request) =>
      new Promise<void>((resolve) => {
        pending = resolve;
        ws.send(request);
      }),
    close: async () => {
      ws.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
