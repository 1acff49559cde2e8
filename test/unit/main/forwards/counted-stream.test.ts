/** The byte-counting wrapper of remote-forward channels: passes data both ways, counts, ends. */
import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { countBytes } from '../../../../src-main/forwards/counted-stream.js';

/** A duplex whose two directions are separate pipes, like a socket seen from one end. */
function pair(): { inner: Duplex; fromPeer: PassThrough; toPeer: PassThrough } {
  const fromPeer = new PassThrough();
  const toPeer = new PassThrough();
  const inner = Duplex.from({ readable: fromPeer, writable: toPeer });
  return { inner, fromPeer, toPeer };
}

describe('countBytes', () => {
  it('passes bytes both ways and counts them', async () => {
    const { inner, fromPeer, toPeer } = pair();
    const { stream, counts } = countBytes(inner);
    const read: Buffer[] = [];
    stream.on('data', (c: Buffer) => read.push(c));
    const sent: Buffer[] = [];
    toPeer.on('data', (c: Buffer) => sent.push(c));
    fromPeer.write('hello');
    stream.write('world!');
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(read).toString()).toBe('hello');
    expect(Buffer.concat(sent).toString()).toBe('world!');
    expect(counts).toEqual({ read: 5, written: 6 });
  });

  it('ends and closes when the inner stream does', async () => {
    const { inner, fromPeer } = pair();
    const { stream } = countBytes(inner);
    const ended = new Promise((r) => stream.once('end', r));
    const closed = new Promise((r) => stream.once('close', r));
    stream.resume();
    fromPeer.end('last');
    await ended;
    inner.destroy();
    await closed;
    expect(stream.destroyed).toBe(true);
  });
});
