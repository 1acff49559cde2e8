/**
 * Follows a remote file with `tail -F` (GNU coreutils) over an SSH link that may drop and come
 * back ({@link ReconnectingSsh}). The tail counts the bytes it has read of the CURRENT file
 * ({@link RemoteFileTail.position}): `tail`'s own notices that it switched files (`has been
 * replaced`, `has appeared`, `file truncated`) start the count again at 0 and the new file's
 * identity (device:inode) is learned. The notices come in tail's stdout, in the order tail wrote
 * them (`tail-notices.ts`), so the count is exact even when a new file's first bytes come at once. After a reconnect the tail restarts at the next unread byte
 * (`tail -c +<n+1>`) if the file is still that one and at least that long, else at byte 0 — the
 * file was rotated or truncated during the drop — and says which ({@link TailResume}). The remote
 * script is `tail-script.ts`.
 *
 * No `tail` is left on the server: each runs as `sh -c '… echo <marker> $$; exec tail …'`, so its
 * pid is known. {@link RemoteFileTail.stop} kills it (waiting briefly for the pid if it has not
 * come yet); a tail whose connection dropped (its `tail -F`, with nothing to write, lives on) is
 * killed from the next connection that is up, after checking by its command line that the pid is
 * still such a tail. Closing an exec channel alone does not end a remote `tail`.
 *
 * With `untilPid`, tail's own `--pid` option ends it once that process has gone and the file is
 * read to the end: that is how a launched program's output file is drained.
 */
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import type { ReconnectingSsh } from '../../ssh/connection/reconnecting-ssh.js';
import type { RemoteProcess } from '../../ssh/exec/remote-process.js';
import { remotePathWord } from '../../ssh/exec/remote-path.js';
import { shellQuote } from '../../ssh/exec/shell-quote.js';
import type { SshConnection } from '../../ssh/connection/ssh-connection.js';
import { TailNoticeSplitter } from './tail-notices.js';
import {
  parseTailMarker,
  reapScript,
  tailScript,
  tailSwitchOf,
  type TailMarker,
} from './tail-script.js';
import { errorMessage } from '../../../src-common/errors.js';

/** How long {@link RemoteFileTail.stop} waits for a starting tail's pid marker, in ms. */
export const MARKER_WAIT_MS = 3000;
/** How long a stopped tail waits for a dropped link to come back to kill its remote `tail`, in ms. */
export const REAP_WAIT_MS = 10 * 60_000;

/** How a tail started again after a reconnect picks up ({@link RemoteFileTailOptions.onResume}). */
export interface TailResume {
  /**
   * - `same`: the file is the one read before: on from the next unread byte.
   * - `replaced`: another file is at the path now, or it is shorter than what was read (rotated
   *   or truncated during the drop): the new file from its first byte.
   * - `missing`: no file at the path now (moved or deleted during the drop): the next one from its
   *   first byte once it appears.
   */
  file: 'same' | 'replaced' | 'missing';
}

/** Options of {@link RemoteFileTail.start}. */
export interface RemoteFileTailOptions {
  /** Remote path: absolute, relative to the login directory, or `~/…` (expanded remotely). */
  path: string;
  /** Start at this byte offset of the file (0 = the whole file). */
  fromByte: number;
  /** End once this remote process has exited and the file is read (`tail --pid`). */
  untilPid?: number;
  /** Receives the file's bytes in order. */
  onData: (chunk: Buffer) => void;
  /**
   * Receives what `tail` writes to stderr, a whole line at a time (e.g. `tail: cannot open 'x' for reading: No such file
   * or directory`, `tail: 'x' has appeared;  following new file`), UTF-8 decoded. Absent: tail's
   * stderr is only read for its file-switch notices.
   */
  onMessage?: (text: string) => void;
  /** Called when a tail started after a reconnect is running (its marker came), with how it picked up. */
  onResume?: (resume: TailResume) => void;
  /** Called once when the tail has ended for good (`reason`: why). */
  onEnd?: (reason: string) => void;
  /**
   * Runs the tail's commands somewhere else on the machine (inside a container): the host shell
   * command that runs a shell command line there. `path` and `untilPid` are then that place's.
   */
  place?: (command: string) => string;
  logger?: Logger;
}

/** One remote `tail` (one exec channel). */
interface Running {
  connection: SshConnection;
  remote: RemoteProcess;
  /** From the marker line; undefined until it came. */
  pid: number | undefined;
  /** Settles when the marker came or the channel closed. */
  settled: Promise<void>;
  /** Its pid was handed to {@link RemoteFileTail.orphans} (or it was killed). */
  retired: boolean;
}

/** See the module comment. */
export class RemoteFileTail {
  private offset: number;
  private identity: string | undefined;
  /** Bumped whenever `identity` is set, so a late `stat` answer cannot overwrite a newer one. */
  private identityVersion = 0;
  private running: Running | undefined;
  /** The launch under way (exec request sent, channel not yet wired). */
  private starting: Promise<unknown> = Promise.resolve();
  /** A tail ran before: the next one is a resume. */
  private ranBefore = false;
  /** Pids of this file's tails left on dropped connections, to kill from the next one up. */
  private readonly orphans = new Set<number>();
  private stopped = false;
  private stopping: Promise<void> | undefined;
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
    this.offset = options.fromByte;
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

  /**
   * Offset in the current file of the next unread byte: bytes received since the start (or since
   * `tail` switched to a new or truncated file), plus where that reading began.
   */
  get position(): number {
    return this.offset;
  }

  /** `command` as run where the file is (`options.place`). */
  private wrap(command: string): string {
    return this.options.place ? this.options.place(command) : command;
  }

  /** The remote `tail`'s pid while one runs (and its marker has come). */
  get pid(): number | undefined {
    return this.running?.pid;
  }

  /**
   * Ends the tail for good: no more `onData`; kills the remote `tail` by pid (waiting up to
   * {@link MARKER_WAIT_MS} for the pid of one just starting) and closes its channel. When the link
   * is down, the kill happens once it is back (up to {@link REAP_WAIT_MS}; not at all if the link
   * fails or is closed first) and the promise settles then. Idempotent; never rejects.
   */
  stop(): Promise<void> {
    this.stopped = true;
    this.stopping ??= this.shutdown().catch((error: unknown) => {
      this.logger.warn('stopping a tail failed', { error: errorMessage(error) });
      this.finish('stopped');
    });
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    await this.starting;
    const running = this.running;
    if (running) {
      if (running.pid === undefined) await withTimeout(running.settled, MARKER_WAIT_MS);
      const pid = running.pid;
      const connection = this.link.current;
      running.retired = true;
      if (pid !== undefined) {
        if (connection === running.connection) {
          await connection
            .run(this.wrap(`kill ${pid} 2>/dev/null; exit 0`))
            .catch(() => this.orphans.add(pid));
        } else this.orphans.add(pid);
      }
      running.remote.close();
    }
    if (this.orphans.size > 0) await withTimeout(this.reapWhenUp(), REAP_WAIT_MS);
    this.finish('stopped');
  }

  /** Kills {@link orphans} from the first connection that is up; gives up if the link ends. */
  private async reapWhenUp(): Promise<void> {
    for (;;) {
      const state = this.link.state.state;
      if (state === 'failed' || state === 'closed') return;
      const connection = this.link.current;
      if (connection) {
        const pids = [...this.orphans];
        try {
          await connection.run(this.wrap(reapScript(this.options.path, pids)));
          for (const pid of pids) this.orphans.delete(pid);
          return;
        } catch (error) {
          this.logger.debug('could not kill old tails yet', { error: errorMessage(error) });
        }
      }
      await new Promise<void>((resolve) => {
        const offUp = this.link.onReconnected(() => done());
        const offStatus = this.link.onStatus((s) => {
          if (s.state === 'failed' || s.state === 'closed') done();
        });
        const done = (): void => {
          offUp();
          offStatus();
          resolve();
        };
      });
    }
  }

  private async run(): Promise<void> {
    if (this.stopped || this.ended) return;
    const connection = this.link.current;
    if (!connection) return; // run again on reconnect
    const previous = this.running;
    if (previous && previous.connection !== connection) this.retire(previous);
    const launch = this.launch(connection);
    this.starting = launch;
    const running = await launch;
    if (!running) return;
    const exit = await running.remote.exit;
    if (this.running === running) this.running = undefined;
    if (this.stopped) return; // shutdown() deals with it
    if (exit.code !== null || exit.signal !== null) {
      // tail ended by itself: --pid's process is gone (code 0), or the file cannot be followed.
      this.finish(
        exit.code === 0
          ? 'the program has exited'
          : exit.code !== null
            ? `tail exited with code ${exit.code}`
            : `tail was killed (${exit.signal})`,
      );
      return;
    }
    // code null: the connection dropped; `onReconnected` runs the tail again from `position`, and
    // that tail's script kills this one (its `tail -F` may live on, with nothing to write).
    this.retire(running);
  }

  /**
   * Starts one tail on `connection` (killing {@link orphans} first) and makes it the running one.
   * Resolves undefined when it could not start, or the link dropped meanwhile. Never rejects.
   */
  private async launch(connection: SshConnection): Promise<Running | undefined> {
    const reap = [...this.orphans];
    const resuming = this.ranBefore;
    const command = `exec sh -c ${shellQuote(
      tailScript({
        path: this.options.path,
        offset: this.offset,
        identity: this.identity,
        untilPid: this.options.untilPid,
        reap,
      }),
    )}`;
    let remote: RemoteProcess;
    try {
      remote = await connection.exec(this.wrap(command));
    } catch (error) {
      this.logger.debug('tail could not start; waiting for the link', {
        error: errorMessage(error),
      });
      return undefined;
    }
    if (this.link.current !== connection || this.running?.connection === connection) {
      // The link dropped (and maybe came back) while the exec was under way: this one is stale.
      this.watch(connection, remote, () => undefined, true);
      remote.close();
      return undefined;
    }
    this.ranBefore = true;
    const running = this.watch(connection, remote, (marker) => {
      for (const pid of reap) this.orphans.delete(pid); // the script killed them
      const before = this.offset;
      this.offset = marker.from;
      this.setIdentity(marker.identity);
      if (!resuming || this.stopped) return;
      const file =
        marker.from === before ? 'same' : marker.identity === undefined ? 'missing' : 'replaced';
      this.logger.info('tail resumed', { path: this.options.path, file, before, ...marker });
      this.options.onResume?.({ file });
    });
    this.running = running;
    return running;
  }

  /** Hands a dropped connection's tail to {@link orphans} (its pid, if known). */
  private retire(running: Running): void {
    if (running.retired) return;
    running.retired = true;
    if (running.pid !== undefined) this.orphans.add(running.pid);
  }

  /**
   * Wires one tail's channel: the marker (then `onMarker`), the file's bytes, tail's notices. A
   * `stale` tail's bytes are dropped and its pid goes straight to {@link orphans}.
   */
  private watch(
    connection: SshConnection,
    remote: RemoteProcess,
    onMarker: (marker: TailMarker) => void,
    stale = false,
  ): Running {
    let settle!: () => void;
    const running: Running = {
      connection,
      remote,
      pid: undefined,
      settled: new Promise<void>((resolve) => (settle = resolve)),
      retired: stale,
    };
    void remote.exit.then(() => settle());
    remote.stdin.end();
    const live = (): boolean => !stale && !this.stopped && this.running === running;
    remote.stderr.setEncoding('utf8');
    // Whole lines only: a chunk may end mid-message ("tail:" then " cannot open …").
    let partial = '';
    const onLine = (line: string): void => {
      if (!live()) return;
      const change = tailSwitchOf(line);
      if (change) {
        // tail reads the new (or truncated) file from its first byte from here on.
        this.offset = 0;
        if (change === 'new-file') this.learnIdentity(connection);
        else if (change === 'gone') this.setIdentity(undefined);
      }
      this.options.onMessage?.(line);
    };
    remote.stderr.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(`${line}\n`);
    });
    remote.stderr.on('end', () => {
      if (partial !== '') onLine(partial);
      partial = '';
    });
    const onData = (chunk: Buffer): void => {
      if (!live()) return;
      this.offset += chunk.length;
      this.options.onData(chunk);
    };
    let head: Buffer | undefined = Buffer.alloc(0);
    let splitter: TailNoticeSplitter | undefined;
    remote.stdout.on('data', (chunk: Buffer) => {
      if (head !== undefined) {
        head = Buffer.concat([head, chunk]);
        const found = parseTailMarker(head);
        if (!found) return;
        running.pid = found.marker.pid;
        chunk = head.subarray(found.length);
        head = undefined;
        settle();
        if (found.marker.merged)
          splitter = new TailNoticeSplitter({ name: found.marker.name, onData, onNotice: onLine });
        if (stale) this.orphans.add(found.marker.pid);
        else onMarker(found.marker);
        if (chunk.length === 0) return;
      }
      if (splitter) splitter.push(chunk);
      else onData(chunk);
    });
    remote.stdout.on('end', () => splitter?.end());
    return running;
  }

  private setIdentity(identity: string | undefined): void {
    this.identityVersion++;
    this.identity = identity;
  }

  /** Asks for the identity of the file at the path now (the one `tail` just switched to). */
  private learnIdentity(connection: SshConnection): void {
    this.setIdentity(undefined);
    const version = this.identityVersion;
    const path = remotePathWord(this.options.path);
    connection
      .run(this.wrap(`stat -L -c %d:%i -- ${path} 2>/dev/null`))
      .then((result) => {
        const identity = result.stdout.trim();
        if (version === this.identityVersion && /^\d+:\d+$/.test(identity)) {
          this.setIdentity(identity);
        }
      })
      .catch(() => undefined);
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

/** Waits for `promise`, or `ms` at most. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}
