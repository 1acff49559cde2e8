/**
 * A remote forward (ssh(1) `-R [bind_address:]port:…`) that outlives its SSH connection: kept on a
 * {@link ReconnectingSsh}, it is asked for again on the SAME remote port each time the link comes
 * back — whoever uses it on the remote machine has that port written down. When the link drops it
 * is `reconnecting` with the link's reason; when the server will not listen there yet (after a
 * network drop the old connection's sshd can hold the port until its own keepalive gives up) it
 * is asked again with backoff (1 s doubling to 30 s) and the reason says so. A link that fails for
 * good (auth, host key) leaves it `failed`; nothing more is tried.
 *
 * Connections the server forwards arrive as SSH channels on `onChannel`, on whichever connection
 * is up. Channels open when the link dropped went with it.
 */
import type { ClientChannel } from 'ssh2';
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import {
  backoffDelay,
  type LinkStatus,
  type ReconnectingSsh,
} from '../connection/reconnecting-ssh.js';
import type { RemoteForward, SshConnection } from '../connection/ssh-connection.js';
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

/** Re-bind attempts (30–60 s with the default backoff) blamed on the old connection. */
const OLD_HOLDER_ATTEMPTS = 6;

/** `up`, `reconnecting` (link down, or the port not listening again yet), `failed`, `closed`. */
export type KeptForwardState = 'up' | 'reconnecting' | 'failed' | 'closed';

/** Options of {@link KeptRemoteForward.open}. */
export interface KeptRemoteForwardOptions {
  /** Address the server listens on, e.g. `127.0.0.1` (sshd's `GatewayPorts` governs others). */
  bindHost: string;
  /** Port the server listens on; 0 = one the server picks (kept from then on). */
  bindPort: number;
  /** Receives each forwarded connection. */
  onChannel: (channel: ClientChannel, peer: { host: string; port: number }) => void;
  /** First and largest wait between asks for the port after a reconnect, in ms. 1000 / 30000. */
  rebindBaseMs?: number;
  rebindMaxMs?: number;
  logger?: Logger;
}

/** See the module comment. */
export class KeptRemoteForward {
  private forward: RemoteForward | undefined;
  private current: KeptForwardState = 'up';
  private why: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[];
  private readonly logger: Logger;

  private constructor(
    private readonly link: ReconnectingSsh,
    private readonly options: KeptRemoteForwardOptions,
    forward: RemoteForward,
  ) {
    this.forward = forward;
    this.remotePort = forward.remotePort;
    this.logger = options.logger ?? silentLogger;
    this.unsubscribe = [
      link.onStatus((status) => this.linkStatus(status)),
      link.onReconnected((connection) => void this.rebind(connection, 1)),
    ];
  }

  /** The port the server listens on (the same after every reconnect). */
  readonly remotePort: number;

  /**
   * Asks the link's connection for the forward.
   * @throws SshError `ssh-failed` when the link is not up right now, or the server refuses to
   *   listen (port taken, `AllowTcpForwarding no`).
   */
  static async open(
    link: ReconnectingSsh,
    options: KeptRemoteForwardOptions,
  ): Promise<KeptRemoteForward> {
    const connection = link.current;
    if (!connection) {
      const { state, reason } = link.state;
      throw new SshError(
        'ssh-failed',
        `the SSH link is ${state}${reason ? ` (${reason})` : ''}; try again when it is back`,
      );
    }
    const forward = await connection.openRemoteForward(
      options.bindHost,
      options.bindPort,
      options.onChannel,
    );
    return new KeptRemoteForward(link, options, forward);
  }

  /** The present state. */
  get state(): KeptForwardState {
    return this.current;
  }

  /** Why it is reconnecting or failed; undefined while up. */
  get reason(): string | undefined {
    return this.why;
  }

  /** Calls `listener` on every state change. @returns a function that removes it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the forward (channels already open stay). The link is not closed. Idempotent. */
  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.set('closed', undefined);
    clearTimeout(this.timer);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    const forward = this.forward;
    this.forward = undefined;
    await forward?.close().catch(() => undefined);
  }

  private linkStatus(status: LinkStatus): void {
    if (this.current === 'closed' || status.state === 'up' || status.state === 'connecting') return;
    clearTimeout(this.timer);
    this.forward = undefined;
    if (status.state === 'reconnecting') {
      this.set('reconnecting', status.reason ?? 'the SSH link dropped');
    } else {
      this.set('failed', status.state === 'closed' ? 'the SSH link was closed' : status.reason);
    }
    this.logger.warn('remote forward lost with its SSH link', {
      port: this.remotePort,
      state: this.current,
      reason: this.why,
    });
  }

  private async rebind(connection: SshConnection, attempt: number): Promise<void> {
    if (this.current === 'closed' || connection.isClosed || this.link.current !== connection) {
      return;
    }
    const { bindHost, onChannel } = this.options;
    let forward: RemoteForward;
    try {
      forward = await connection.openRemoteForward(bindHost, this.remotePort, onChannel);
    } catch (error) {
      if (this.isClosed() || connection.isClosed) return;
      const delay = backoffDelay(
        attempt,
        this.options.rebindBaseMs ?? 1000,
        this.options.rebindMaxMs ?? 30_000,
      );
      // At first the old connection's sshd is the likely holder; after minutes, something else.
      const holder =
        attempt <= OLD_HOLDER_ATTEMPTS
          ? `the old connection may still hold port ${this.remotePort}`
          : `port ${this.remotePort} stays taken on the server, perhaps by another program (see \`ss -ltnp\` there)`;
      this.set(
        'reconnecting',
        `${errorMessage(error)} — ${holder}; asking again in ${Math.ceil(delay / 1000)} s`,
      );
      this.logger.warn('remote forward not re-opened yet', {
        port: this.remotePort,
        attempt,
        reason: errorMessage(error),
      });
      this.timer = setTimeout(() => void this.rebind(connection, attempt + 1), delay);
      this.timer.unref();
      return;
    }
    if (this.isClosed() || connection.isClosed) {
      await forward.close();
      return;
    }
    this.forward = forward;
    this.logger.info('remote forward re-opened', { port: this.remotePort });
    this.set('up', undefined);
  }

  /** Closed meanwhile (a method, so that checks after an `await` are not narrowed away). */
  private isClosed(): boolean {
    return this.current === 'closed';
  }

  private set(state: KeptForwardState, reason: string | undefined): void {
    this.current = state;
    this.why = reason;
    for (const listener of this.listeners) listener();
  }
}
