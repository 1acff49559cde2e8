/**
 * A command running on the remote machine over an SSH `exec` channel (RFC 4254 §6.5).
 */
import type { Readable, Writable } from 'node:stream';
import type { ClientChannel } from 'ssh2';

/** How a remote command ended: `code` from `exit-status`, `signal` from `exit-signal` as ssh2 names it (e.g. `SIGTERM`); both null if the channel closed without either (connection lost). */
export interface RemoteExit {
  code: number | null;
  signal: string | null;
}

/**
 * One remote command. Read (or `resume()`) both `stdout` and `stderr`: SSH flow control stops
 * the remote process when a channel window stays full, and `exit` only settles when the channel closes.
 */
export class RemoteProcess {
  /** The command's standard output (the channel's data). */
  readonly stdout: Readable;
  /** The command's standard error (the channel's extended data). */
  readonly stderr: Readable;
  /** The command's standard input; `end()` sends EOF. */
  readonly stdin: Writable;
  /** Settles once the channel has closed; never rejects. */
  readonly exit: Promise<RemoteExit>;

  constructor(private readonly channel: ClientChannel) {
    this.stdout = channel;
    this.stderr = channel.stderr;
    this.stdin = channel;
    let result: RemoteExit = { code: null, signal: null };
    channel.on('exit', (code: number | null, signal?: string) => {
      result = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
    });
    this.exit = new Promise((resolve) => channel.once('close', () => resolve(result)));
    // A channel error (e.g. the connection dropped) also closes it; swallow it so it cannot crash the process.
    channel.on('error', () => undefined);
  }

  /**
   * Sends a `signal` channel request (RFC 4254 §6.9), e.g. `TERM`. OpenSSH's sshd only honours it
   * for some sessions; to end a process tree, kill its process group with another command instead.
   */
  signal(name: string): void {
    try {
      this.channel.signal(name);
    } catch {
      // The channel is already closed.
    }
  }

  /** Closes the channel. The remote process is not killed; it sees EOF/EPIPE on its pipes. */
  close(): void {
    this.channel.close();
  }
}
