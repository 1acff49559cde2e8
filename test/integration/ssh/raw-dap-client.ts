/**
 * A deliberately tiny DAP client for tests: Content-Length framing over a socket, requests by
 * command, events collected. Independent of src-main/dap so SSH tests do not depend on it.
 */
import net from 'node:net';

export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  body?: Record<string, unknown>;
}

export class RawDapClient {
  private buffer = Buffer.alloc(0);
  private seq = 0;
  private readonly waiters: {
    match: (m: DapMessage) => boolean;
    resolve: (m: DapMessage) => void;
  }[] = [];
  readonly received: DapMessage[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawDapClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawDapClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a request; returns its seq. */
  send(command: string, args?: object): number {
    const seq = ++this.seq;
    const body = Buffer.from(JSON.stringify({ seq, type: 'request', command, arguments: args }));
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    return seq;
  }

  /** Resolves with the first message (already received or future) that matches. */
  next(match: (m: DapMessage) => boolean, timeoutMs = 15_000): Promise<DapMessage> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no matching DAP message in time')),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  response(requestSeq: number): Promise<DapMessage> {
    return this.next((m) => m.type === 'response' && m.request_seq === requestSeq);
  }

  event(name: string): Promise<DapMessage> {
    return this.next((m) => m.type === 'event' && m.event === name);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(
        /Content-Length: (\d+)/.exec(this.buffer.subarray(0, end).toString('latin1'))?.[1],
      );
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(
        this.buffer.subarray(end + 4, end + 4 + length).toString('utf8'),
      ) as DapMessage;
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.received.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(message)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    }
  }
}
