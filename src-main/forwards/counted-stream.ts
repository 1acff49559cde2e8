/**
 * A duplex stream that passes everything through to another one and counts the bytes each way,
 * for the Tunnels panel's byte counters of channels that arrive over a remote forward. Flow
 * control is kept (the inner stream is paused while the reader does not read), and the ends,
 * errors and close of the inner stream are the wrapper's.
 */
import { Duplex } from 'node:stream';

/** Byte counters of a {@link countBytes} stream, updated as data moves. */
export interface ByteCounts {
  /** Bytes read from the inner stream (arrived from the peer). */
  read: number;
  /** Bytes written to the inner stream (sent to the peer). */
  written: number;
}

/**
 * Wraps `inner`; `onCount` is called after each chunk (in either direction) with the totals.
 * @returns the stream to hand to the consumer in place of `inner`, and its live counters.
 */
export function countBytes(
  inner: Duplex,
  onCount: (counts: ByteCounts) => void = () => undefined,
): { stream: Duplex; counts: ByteCounts } {
  const counts: ByteCounts = { read: 0, written: 0 };
  const outer = new Duplex({
    read() {
      inner.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      counts.written += chunk.length;
      onCount(counts);
      inner.write(chunk, (error) => callback(error ?? null));
    },
    final(callback) {
      inner.end(() => callback());
    },
    destroy(error, callback) {
      inner.destroy(error ?? undefined);
      callback(error);
    },
  });
  inner.on('data', (chunk: Buffer) => {
    counts.read += chunk.length;
    onCount(counts);
    if (!outer.push(chunk)) inner.pause();
  });
  inner.once('end', () => outer.push(null));
  inner.once('error', (error: Error) => outer.destroy(error));
  inner.once('close', () => {
    // Let the reader take what is buffered before the wrapper closes too.
    if (outer.readableLength === 0 || outer.readableEnded) outer.destroy();
    else outer.once('end', () => outer.destroy());
  });
  return { stream: outer, counts };
}
