/**
 * TCP helpers for forward tests: an echo server on 127.0.0.1 (what a forward leads to), a round
 * trip through a port, and polling until a condition holds.
 */
import net from 'node:net';

/** An echo server on 127.0.0.1 at a free port. */
export async function echoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Connects to 127.0.0.1:`port`, sends `text`, resolves with what came back once it is all there.
 * @throws on a socket error, or when the peer closes before echoing it all.
 */
export function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.length >= text.length) {
        socket.end();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.once('close', () => {
      if (received.length < text.length)
        reject(new Error(`closed after ${received.length} of ${text.length} bytes`));
    });
    socket.write(text);
  });
}

/**
 * Polls `check` (which may be async) every 50 ms.
 * @throws naming `what` when it does not hold within `timeoutMs` (default 10 s).
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  what = 'condition',
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
