/**
 * DapConnection's memory bounds against a hostile peer on a real TCP socket: the bytes of an
 * unfinished frame are dropped when the connection closes (issue 17, item 4), and a peer that sends
 * requests but never reads the answers is paused instead of growing our unsent buffer (item 6).
 */
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DapConnection, MAX_UNSENT_BYTES } from '../../../../src-main/dap/dap-connection.js';
import { encodeDapMessage } from '../../../../src-main/dap/framing.js';
import { silentLogger } from '../../../../src-main/log/logger.js';

let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  server?.close();
  server = undefined;
});

/** A connected pair: our DapConnection on one end, the raw peer socket on the other. */
async function pair(): Promise<{ connection: DapConnection; ours: Socket; peer: Socket }> {
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve).listen(0, '127.0.0.1');
  });
  await once(server as Server, 'listening');
  const address = (server as Server).address() as { port: number };
  const peer = connect(address.port, '127.0.0.1');
  const ours = await accepted;
  sockets.push(peer, ours);
  const connection = new DapConnection(ours, { name: 'peer', logger: silentLogger });
  return { connection, ours, peer };
}

const until = async (check: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('DapConnection bounds', () => {
  it('drops the bytes of an unfinished frame when the peer leaves', async () => {
    const { connection, peer } = await pair();
    const body = 8 * 1024 * 1024;
    peer.write(`Content-Length: ${body}\r\n\r\n`);
    peer.write(Buffer.alloc(body - 1, 0x20));
    await until(() => connection.bufferedBytes === body - 1);
    peer.end();
    await until(() => connection.isClosed);
    expect(connection.bufferedBytes).toBe(0);
  });

  it('stops reading from a peer that sends requests and never reads the answers', async () => {
    const { connection, ours, peer } = await pair();
    const big = 'x'.repeat(4000);
    connection.onRequest((request) => connection.sendResponse(request, { text: big }));
    peer.pause(); // never reads
    const frame = encodeDapMessage({
      seq: 1,
      type: 'request',
      command: 'runInTerminal',
      arguments: { args: ['x'], cwd: '/' },
    });
    // Far more requests than answers fit in the unsent bound (2,500 × ~4 KB ≈ 10 MB), in one go.
    peer.write(Buffer.concat(Array.from({ length: 2500 }, () => frame)));
    await until(() => ours.writableLength > MAX_UNSENT_BYTES);
    await until(() => connection.isReadPaused);
    await new Promise((r) => setTimeout(r, 300));
    const held = ours.writableLength;
    // Unsent answers are bounded: the threshold plus at most what one read delivered.
    expect(held).toBeLessThan(MAX_UNSENT_BYTES + 4 * 1024 * 1024);
    // The peer reads at last: the relay answers everything and reads again.
    peer.resume();
    await until(() => !connection.isReadPaused);
    expect(connection.isClosed).toBe(false);
  });
});
