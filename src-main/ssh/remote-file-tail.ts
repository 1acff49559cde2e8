/**
 * Follows a remote file with `tail -F` (GNU coreutils) over an SSH link that may drop and come
 * back ({@link ReconnectingSsh}): bytes are counted, so after a reconnect the tail restarts at the
 * next unread byte (`tail -c +<n+1>`) and nothing is lost or repeated. Each tail runs as
 * `sh -c 'echo <marker> $$; exec tail …'`, so its remote pid is known and {@link stop} kills it
 * for certain (closing an exec channel does not end a remote `tail` that has nothing to write).
 *
 * With `untilPid`, tail's own `--pid` option ends it once that process has gone and the file is
 * read to the end: that is how a launched program's output files are drained.
 */
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { ReconnectingSsh } from './reconnecting-ssh.js';
import type { RemoteProcess } from './remote-process.js';
import { shellQuote } from './shell-quote.js';
import { errorMessage } from './ssh-error.js';

const PID_LINE = /^__periscope_tail__ (\d+)\n/;

/** Options of {@link RemoteFileTail.start}. */
export interface RemoteFileTailOptions {
  /** Absolute remote path (quoted for the shell here; `~` is not expanded). */
  path: string;
  /** Start at this byte offset (0 = the whole file). Default: the last 10 lines (`tail`'s own). */
  fromByte?: number;
  /** End once this remote process has exited and the file is read (`tail --pid`). */
  untilPid?: number;
  /** Receives the file's bytes in order. */
  onData: (chunk: Buffer) => void;
  /**
   * Receives what `tail` writes to stderr, a whole line at a time (e.g. `tail: cannot open 'x' for reading: No such file
   * or directory`, `tail: 'x' has appeared;  following new file`), UTF-8 decoded. Absent: tail's
   * stderr is discarded.
   */
  onMessage?: (text: string) => void;
  /** Called once when the tail has ended for good (`reason`: why). */
  onEnd?: (reason: string) => void;
  logger?: Logger;
}

/** See the module comment. */
export class RemoteFileTail {
  private bytes = 0;
  private remotePid: number | undefined;
  private process: RemoteProcess | undefined;
  private stopped = false;
  private ended = false;
  private readonly offReconnect: () => void;
  private readonly offStatus: () => void;
  private resolveDone!: () => void;
  /** Settles when the tail has ended for good (stopped, `untilPid` gone, or the link failed). */
  readonly done: Promise<void> = new Promise((resolve) => (this.resolveDone = resolve));
  private readonly logger: Logger;

  private constructor(
    private readonly link: ReconnectingSsh,
    private readonly options: RemoteFileTailOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.offReconnect = link.onReconnected(() => void this.run());
    this.offStatus = link.onStatus((status) => {
      if (status.state === 'failed' || status.state === 'closed')
        this.finish(`the SSH connection ${status.state === 'failed' ? 'failed' : 'was closed'}`);
    });
  }

  /** Starts following (on the link's current connection; again after each reconnect). */
  static start(link: ReconnectingSsh, options: RemoteFileTailOptions): RemoteFileTail {
    const tail = new RemoteFileTail(link, options);
    void tail.run();
    return tail;
  }

  /** Bytes of the file received so far (plus the starting offset). */
  get position(): number {
    return (this.options.fromByte ?? 0) + this.bytes;
  }

  /** The remote `tail`'s pid while one runs. */
  get pid(): number | undefined {
    return this.remotePid;
  }

  /**
   * Ends the tail for good: kills the remote `tail` by pid (then closes its channel). Idempotent;
   * never rejects.
   */
  async stop(): Promise<void> {
    if (this.stopped) return this.done;
    this.stopped = true;
    const pid = this.remotePid;
    const connection = this.link.current;
    if (pid !== undefined && connection) {
      await connection.run(`kill ${pid} 2>/dev/null; exit 0`).catch(() => undefined);
    }
    this.process?.close();
    this.finish('stopped');
    return this.done;
  }

  private command(): string {
    const { path, untilPid, onMessage } = this.options;
    const from =
      this.options.fromByte === undefined && this.bytes === 0
        ? []
        : ['-c', `+${this.position + 1}`];
    const args = [...from, '-s', '0.2', ...(untilPid ? [`--pid=${untilPid}`] : []), '-F', path];
    const tail = ['tail', ...args.map(shellQuote)].join(' ');
    const stderr = onMessage ? '' : ' 2>/dev/null';
    return `exec sh -c ${shellQuote(`echo "__periscope_tail__ $$"; exec ${tail}${stderr}`)}`;
  }

  private async run(): Promise<void> {
    if (this.stopped || this.ended) return;
    const connection = this.link.current;
    if (!connection) return; // run again on reconnect
    let remote: RemoteProcess;
    try {
      remote = await connection.exec(this.command());
    } catch (error) {
      this.logger.debug('tail could not start; waiting for the link', {
        error: errorMessage(error),
      });
      return;
    }
    if (this.stopped) {
      remote.close();
      return;
    }
    this.process = remote;
    this.remotePid = undefined;
    remote.stdin.end();
    const onMessage = this.options.onMessage;
    if (onMessage) {
      remote.stderr.setEncoding('utf8');
      // Whole lines only: a chunk may end mid-message ("tail:" then " cannot open …").
      let partial = '';
      remote.stderr.on('data', (text: string) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onMessage(`${line}\n`);
      });
      remote.stderr.on('end', () => {
        if (partial !== '') onMessage(partial);
        partial = '';
      });
    } else remote.stderr.resume();
    let head: Buffer | undefined = Buffer.alloc(0);
    remote.stdout.on('data', (chunk: Buffer) => {
      if (head !== undefined) {
        head = Buffer.concat([head, chunk]);
        const match = PID_LINE.exec(head.toString('latin1'));
        if (!match) return;
        this.remotePid = Number(match[1]);
        chunk = head.subarray(match[0].length);
        head = undefined;
        if (chunk.length === 0) return;
      }
      this.bytes += chunk.length;
      this.options.onData(chunk);
    });
    const exit = await remote.exit;
    if (this.process === remote) this.process = undefined;
    this.remotePid = undefined;
    if (exit.code !== null || exit.signal !== null) {
      // tail ended by itself: --pid's process is gone (code 0), or the file cannot be followed.
      this.finish(
        exit.code === 0 ? 'the program has exited' : `tail exited with code ${exit.code}`,
      );
    }
    // code null: the connection dropped; `onReconnected` runs the tail again from `position`.
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.offReconnect();
    this.offStatus();
    this.options.onEnd?.(reason);
    this.resolveDone();
  }
}
