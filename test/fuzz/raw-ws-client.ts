/**
 * An authenticated WebSocket client of the relay's client endpoint made by hand on a TCP socket,
 * so it can send frames no WebSocket library would (`ws-frames.ts`). It reads and discards what
 * the relay sends (so the relay never sees a slow client), and knows when it was dropped.
 */
import { connect, type Socket } from 'node:net';
import { clientHeaders } from '../harness/relay-process.js';

/** See the module comment. */
export class RawWsClient {
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    this.closedPromise = new Promise((done) =>
      socket.once('close', () => {
        this.closedFlag = true;
        done();
      }),
    );
    socket.on('data', () => undefined);
  }

  /** Upgrades a connection to `/client` on 127.0.0.1:`port` with the token (as the harness sends it). */
  static async open(port: number, token: string): Promise<RawWsClient> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    await new Promise((done, fail) => socket.once('connect', done).once('error', fail));
    socket.write(
      [
        'GET /client HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        ...Object.entries(clientHeaders(port, token)).map(([name, value]) => `${name}: ${value}`),
        '',
        '',
      ].join('\r\n'),
    );
    const head = await new Promise<string>((done, fail) => {
      let text = '';
      const onData = (d: Buffer): void => {
        text += d.toString('latin1');
        if (text.includes('\r\n\r\n')) {
          socket.off('data', onData);
          done(text);
        }
      };
      socket.on('data', onData);
      socket.once('close', () => fail(new Error(`the relay closed the upgrade: ${text}`)));
    });
    if (!head.startsWith('HTTP/1.1 101')) {
      socket.destroy();
      throw new Error(`WebSocket upgrade refused: ${head.split('\r\n')[0] ?? ''}`);
    }
    return new RawWsClient(socket);
  }

  /** True once the connection closed. */
  get closed(): boolean {
    return this.closedFlag || this.socket.destroyed;
  }

  /** Writes raw bytes (frames). */
  write(bytes: Buffer[]): void {
    if (!this.closed) for (const b of bytes) this.socket.write(b);
  }

  /** Resolves once fewer than `bytes` wait to be sent; destroys it after `timeoutMs` without. */
  async drained(bytes = 1 << 20, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && this.socket.writableLength > bytes) {
      if (Date.now() > deadline) {
        this.socket.destroy();
        return;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Ends the connection; destroys it after `graceMs` if the relay keeps it open. */
  async end(graceMs = 300): Promise<void> {
    if (this.closed) return;
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), graceMs);
    await this.closedPromise;
    clearTimeout(timer);
  }
}
