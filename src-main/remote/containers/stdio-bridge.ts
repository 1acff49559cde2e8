/**
 * A byte stream to a TCP port on the loopback of a container, with no port published: one SSH
 * exec channel runs `docker exec -i NAME python -c <stdio_bridge.py> PORT TAG` (`container-place.ts`
 * wraps it), whose stdin and stdout carry the bytes (laptop → SSH → `docker exec` stdio →
 * 127.0.0.1:PORT inside). The stream is a Node `Duplex`, what a DAP connection reads and writes.
 * TAG ({@link connectionTag}) names the SSH connection the bridge was opened over, so that after
 * a silent drop the bridges of earlier connections can be told apart and ended
 * (`remote/probes/stale-slot.ts`).
 */
import { randomBytes } from 'node:crypto';
import { Duplex } from 'node:stream';
import type { RemoteProcess } from '../../ssh/exec/remote-process.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { shellJoin } from '../../ssh/exec/shell-quote.js';
import { SshError } from '../../ssh/ssh-error.js';
import BRIDGE from '../python/stdio_bridge.py';
import type { ContainerPlace } from './container-place.js';

/** What the bridge prints on stderr once connected, and when it could not connect. */
const UP = '__periscope_bridge_up__';
const FAILED = '__periscope_bridge_failed__';

const tags = new WeakMap<SshConnection, string>();

/**
 * The tag of `connection` that its bridges carry on their command line: 12 hex digits, made once
 * per connection (a reconnect is a new connection, hence a new tag).
 */
export function connectionTag(connection: SshConnection): string {
  let tag = tags.get(connection);
  if (tag === undefined) {
    tag = randomBytes(6).toString('hex');
    tags.set(connection, tag);
  }
  return tag;
}

/** How long the bridge may take to connect, in ms (the `docker exec` start included). */
const BRIDGE_UP_TIMEOUT_MS = 15_000;

/**
 * Opens the bridge to `port` inside `place` over `connection`; resolves once it is connected.
 * Destroying the stream closes the channel (the bridge then sees EOF and exits).
 * @throws SshError `launch-failed` when nothing listens on the port inside or the bridge cannot
 *   start there (message carries its stderr); `ssh-failed` when the channel cannot open.
 */
export async function openStdioBridge(
  connection: SshConnection,
  place: ContainerPlace,
  port: number,
): Promise<Duplex> {
  const remote = await connection.exec(
    place.wrap(
      shellJoin([place.python, '-I', '-c', BRIDGE, String(port), connectionTag(connection)]),
    ),
  );
  let stderr = '';
  const notAnswering = (why: string): SshError =>
    new SshError(
      'launch-failed',
      `nothing answered on port ${port} inside ${place.label}: ${why.trim()}`,
    );
  const up = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      remote.close();
      reject(new SshError('launch-failed', `the bridge into ${place.label} did not connect`));
    }, BRIDGE_UP_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      // Only the tail matters (the markers, the last error): keep at most 4 KiB of it.
      stderr = (stderr + chunk.toString('utf8')).slice(-4096);
      const failed = new RegExp(`${FAILED} (.*)\n`).exec(stderr)?.[1];
      if (failed !== undefined) {
        // Said at once: `docker exec -i` may wait for its stdin to close before it exits.
        clearTimeout(timer);
        remote.close();
        reject(notAnswering(failed));
        return;
      }
      if (stderr.includes(UP)) {
        clearTimeout(timer);
        // Connected: what the bridge says from now on is not kept for the session's lifetime.
        remote.stderr.off('data', onData);
        remote.stderr.resume();
        resolve();
      }
    };
    remote.stderr.on('data', onData);
    void remote.exit.then(() => {
      clearTimeout(timer);
      const failed = new RegExp(`${FAILED} (.*)`).exec(stderr)?.[1];
      reject(
        new SshError(
          'launch-failed',
          failed !== undefined
            ? notAnswering(failed).message
            : `the bridge into ${place.label} ended before connecting: ${stderr.trim().slice(-500) || 'no message'}`,
        ),
      );
    });
  });
  await up;
  return new ChannelStream(remote);
}

/** The exec channel's stdout (read) and stdin (write) as one `Duplex`. */
class ChannelStream extends Duplex {
  constructor(private readonly remote: RemoteProcess) {
    super();
    remote.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) remote.stdout.pause();
    });
    remote.stdout.once('end', () => this.push(null));
    // The channel closed (the bridge exited, the SSH connection dropped): the stream ends.
    void remote.exit.then(() => {
      if (!this.destroyed) this.destroy();
    });
  }

  override _read(): void {
    this.remote.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    this.remote.stdin.write(chunk, (error) => done(error ?? undefined));
  }

  override _final(done: (error?: Error) => void): void {
    this.remote.stdin.end();
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.remote.close();
    done(error);
  }
}
