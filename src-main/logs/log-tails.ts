/**
 * Log tabs on the relay's side (`logs.open` / `logs.close`): a remote file followed with
 * `tail -F` ({@link RemoteFileTail}) over the profile's shared, kept-up SSH link
 * (`connect/profile-links.ts`), streamed to the one client that opened it as `logs.output` events,
 * with `logs.status` for tail's own messages (a missing file, a file that appeared or was
 * truncated), the link reconnecting, how the tail picked up after a reconnect (on from the next
 * unread byte, or the new file from its start when the file was rotated or truncated during the
 * drop), and the end. A path may start with `~/` (the remote home). Closing the tab, or the client
 * going away, kills the remote `tail` by pid (`RemoteFileTail.stop`), so no `tail` is left behind
 * on the server; when the link is down at that moment, the tail's lease on the link is kept until
 * it is back and the kill is done (without holding up the answer).
 *
 * A tab may also follow a container's log (`docker logs -f`, `remote/containers/container-logs.ts`)
 * instead of a file: the same events, over the same link.
 *
 * Output is gathered for {@link DEFAULT_LOG_FLUSH_MS} into one event; when a client cannot keep
 * up with a flood, the oldest pending text is dropped (at most {@link MAX_PENDING_LOG_CHARS}
 * wait) and a line says how much.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Logger } from '../log/logger.js';
import type { AppEventName, AppEvents } from '../../src-common/protocol/client-protocol.js';
import type { LogTailState } from '../../src-common/protocol/connections.js';
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';
import { RemoteFileTail, type TailResume } from '../remote/tail/remote-file-tail.js';
import type { SshConnection } from '../ssh/connection/ssh-connection.js';
import { remotePathWord } from '../ssh/exec/remote-path.js';
import { SshError } from '../ssh/ssh-error.js';
import { RelayError } from '../../src-common/errors.js';
import type { LinkedProfile, ProfileLinkLease, ProfileLinks } from '../connect/profile-links.js';
import type { ContainerTarget, Profile } from '../../src-common/protocol/profile.js';
import { ContainerLogStream } from '../remote/containers/container-logs.js';

/** How many of the file's last lines a new tab starts with. */
export const INITIAL_LOG_LINES = 200;
/** How long output is gathered into one `logs.output` event, in ms. */
export const DEFAULT_LOG_FLUSH_MS = 30;
/** Most characters waiting for one tab; older ones are dropped beyond this. */
export const MAX_PENDING_LOG_CHARS = 2 * 1024 * 1024;
/** How long `logs.close` waits for the remote `tail` to be killed before answering, in ms. */
export const CLOSE_WAIT_MS = 5000;

/** What a tab is told when its tail picked up again after a reconnect (`logs.status` message). */
export const RESUME_MESSAGES: Record<TailResume['file'], string> = {
  same: 'Reconnected; following on from the next unread byte.',
  replaced:
    'Reconnected. The file was rotated (or truncated) while the connection was down; showing the new file from its start.',
  missing:
    'Reconnected. The file was moved or deleted while the connection was down; the new one will be shown from its start once it appears.',
};

/** The client a tail belongs to (a `ClientHandle`). */
export interface LogTailClient {
  id: string;
  sendEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void;
}

interface Tail {
  logId: string;
  client: LogTailClient;
  path: string;
  /** Set right after the entry is made (its callbacks need the entry). */
  tail: { stop(): Promise<void> } | undefined;
  lease: ProfileLinkLease;
  pending: string;
  timer: NodeJS.Timeout | undefined;
  offStatus: () => void;
}

/** See the module comment. */
export class LogTails {
  private readonly tails = new Map<string, Tail>();
  /** Clients that went away: an open of theirs still under way is undone when it gets there. */
  private readonly gone = new WeakSet<LogTailClient>();
  private nextId = 1;

  constructor(
    private readonly options: { links: ProfileLinks; logger: Logger; flushMs?: number },
  ) {}

  /** Tails open now (all clients). */
  get size(): number {
    return this.tails.size;
  }

  /**
   * Starts following `path` on the profile's machine for `client`, from its last
   * {@link INITIAL_LOG_LINES} lines (from its first byte once it appears, if it does not exist).
   * With `container`, follows that container's log instead (`path` then only names the tab in
   * the relay's log).
   * @throws the SSH layer's errors (host key, auth, network), or `ssh-failed` while the shared
   *   link is reconnecting.
   */
  async open(
    client: LogTailClient,
    profile: LinkedProfile & Pick<Profile, 'name'>,
    path: string,
    connect: () => Promise<ReconnectingSsh>,
    container?: ContainerTarget,
  ): Promise<{ logId: string }> {
    const lease = await this.options.links.acquire(profile, connect);
    let fromByte: number;
    try {
      const connection = lease.link.current;
      if (!connection) {
        throw new SshError(
          'ssh-failed',
          `the SSH connection to ${profile.host} is reconnecting; try again when it is back`,
        );
      }
      fromByte = container ? 0 : await startOffset(connection, path);
      if (this.gone.has(client)) throw new SshError('ssh-failed', 'the client went away');
    } catch (error) {
      await lease.release();
      throw error;
    }
    const logId = `log${this.nextId++}`;
    const entry: Tail = {
      logId,
      client,
      path,
      tail: undefined,
      lease,
      pending: '',
      timer: undefined,
      offStatus: () => undefined,
    };
    const onEnd = (reason: string): void => {
      // A closed tab (`stop`) is told nothing more, even if its link fails while it waits.
      if (reason !== 'stopped' && this.tails.get(logId) === entry) {
        this.flush(entry);
        this.status(entry, 'ended', `The tail ended: ${reason}.`);
      }
      void this.forget(entry);
    };
    entry.tail = container
      ? ContainerLogStream.start(lease.link, {
          cli: container.kind,
          name: container.name,
          tailLines: INITIAL_LOG_LINES,
          onData: (text) => this.queue(entry, text),
          onResume: () => {
            this.flush(entry);
            this.status(entry, 'following', 'Reconnected; following on from the last line shown.');
          },
          onEnd,
          logger: this.options.logger,
        })
      : this.startFileTail(lease.link, entry, path, fromByte, onEnd);
    entry.offStatus = lease.link.onStatus((status) => {
      if (status.state === 'reconnecting')
        this.status(entry, 'reconnecting', `Reconnecting: ${status.reason ?? 'link dropped'}`);
      // The message comes with the resumed tail (`onResume`): on, or from the new file's start.
      else if (status.state === 'up') this.status(entry, 'following');
    });
    this.tails.set(logId, entry);
    this.options.logger.info('log tail started', { logId, profile: profile.name, path });
    return { logId };
  }

  /** `tail -F` of `path` for `entry`, from byte `fromByte`. */
  private startFileTail(
    link: ReconnectingSsh,
    entry: Tail,
    path: string,
    fromByte: number,
    onEnd: (reason: string) => void,
  ): RemoteFileTail {
    const decoder = new StringDecoder('utf8');
    return RemoteFileTail.start(link, {
      path,
      fromByte,
      onData: (chunk) => this.queue(entry, decoder.write(chunk)),
      onMessage: (text) => {
        this.flush(entry);
        for (const line of text.split('\n').filter((l) => l.trim() !== ''))
          this.status(entry, 'following', line.trim());
      },
      onResume: ({ file }) => {
        this.flush(entry);
        // A character cut in two by the rotation is not glued to the new file's first bytes.
        if (file !== 'same') this.queue(entry, decoder.end());
        this.flush(entry);
        this.status(entry, 'following', RESUME_MESSAGES[file]);
      },
      onEnd,
      logger: this.options.logger,
    });
  }

  /**
   * Stops a tail of `client`: kills the remote `tail` and releases the link. Idempotent for
   * tails that already ended.
   * @throws RelayError `not-found` when `logId` is not one of this client's open tails.
   */
  async close(client: LogTailClient, logId: string): Promise<void> {
    const entry = this.tails.get(logId);
    if (!entry || entry.client.id !== client.id) {
      throw new RelayError('not-found', `There is no open log tail "${logId}".`);
    }
    await this.stop(entry);
  }

  /** Stops every tail of a client that went away. Never rejects. */
  async dropClient(client: LogTailClient): Promise<void> {
    this.gone.add(client);
    const mine = [...this.tails.values()].filter((t) => t.client.id === client.id);
    await Promise.all(mine.map((t) => this.stop(t)));
  }

  /** Stops every tail (relay shutdown). Never rejects. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.tails.values()].map((t) => this.stop(t)));
  }

  private async stop(entry: Tail): Promise<void> {
    this.tails.delete(entry.logId);
    // Nothing more reaches the client; the link is held until the remote `tail` is killed.
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.pending = '';
    entry.offStatus();
    const stopped = (entry.tail?.stop() ?? Promise.resolve()).then(() => this.forget(entry));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      stopped,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
    this.options.logger.info('log tail stopped', { logId: entry.logId, path: entry.path });
  }

  /** Drops what the tail holds: its timer, its status listener, its use of the link. */
  private async forget(entry: Tail): Promise<void> {
    this.tails.delete(entry.logId);
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.offStatus();
    await entry.lease.release();
  }

  private queue(entry: Tail, text: string): void {
    if (text === '') return;
    entry.pending += text;
    if (entry.pending.length > MAX_PENDING_LOG_CHARS) {
      const keep = MAX_PENDING_LOG_CHARS / 2;
      const cut = entry.pending.indexOf('\n', entry.pending.length - keep);
      const from = cut === -1 ? entry.pending.length - keep : cut + 1;
      entry.pending = `… ${from.toLocaleString('en')} characters skipped (output came faster than it could be shown)\n${entry.pending.slice(from)}`;
    }
    entry.timer ??= setTimeout(
      () => this.flush(entry),
      this.options.flushMs ?? DEFAULT_LOG_FLUSH_MS,
    );
  }

  private flush(entry: Tail): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.pending === '') return;
    const text = entry.pending;
    entry.pending = '';
    entry.client.sendEvent('logs.output', { logId: entry.logId, text });
  }

  private status(entry: Tail, state: LogTailState, message?: string): void {
    entry.client.sendEvent('logs.status', {
      logId: entry.logId,
      state,
      ...(message !== undefined ? { message } : {}),
    });
  }
}

/**
 * The byte offset where the file's last {@link INITIAL_LOG_LINES} lines start (0 when the file
 * does not exist yet, so it is shown whole once it appears). Bytes appended between the two
 * measures make it start a little earlier (possibly mid-line), never later: nothing is missed.
 */
async function startOffset(connection: SshConnection, path: string): Promise<number> {
  const file = remotePathWord(path);
  const result = await connection.run(
    `if [ -f ${file} ]; then s=$(wc -c < ${file}); n=$(tail -n ${INITIAL_LOG_LINES} -- ${file} | wc -c); echo "$s $n"; else echo missing; fi`,
  );
  const match = /^(\d+) (\d+)/.exec(result.stdout.trim());
  if (!match) return 0;
  return Math.max(0, Number(match[1]) - Number(match[2]));
}
