/**
 * A local forward that outlives its SSH connection (ssh(1) `-L 127.0.0.1:<port>:<host>:<port>`
 * kept by a {@link ReconnectingSsh}): the listener on the laptop stays open on the same port while
 * the link reconnects, and new connections go through whichever SSH connection is up. Connections
 * open when the link dropped are lost (their bytes went with it); connections accepted while the
 * link is down are refused at once, so clients see a clean failure and can retry.
 */
import net from 'node:net';
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import type { LinkStatus, ReconnectingSsh } from '../connection/reconnecting-ssh.js';
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

/** Tunnel states: the link's (see {@link LinkStatus}) plus `opening` before the listener is up. */
export type TunnelState = 'opening' | 'up' | 'reconnecting' | 'failed' | 'closed';

/** What the Tunnels panel shows of one forward. */
export interface TunnelInfo {
  /** `L<localPort>` / `R<remotePort>` style id, unique per process. */
  id: string;
  /** `local` (`-L`, {@link KeptLocalForward}) or `remote` (`-R`, `remote-to-local-forward.ts`). */
  direction: 'local' | 'remote';
  /** Laptop side: the listening port (`-L`) or the port connections go to (`-R`). */
  localPort: number;
  /** Laptop side host; absent = 127.0.0.1. */
  localHost?: string;
  /** Remote side: where the SSH server connects to (`-L`) or listens (`-R`). */
  remoteHost: string;
  remotePort: number;
  state: TunnelState;
  /** Why it is reconnecting or failed. */
  reason?: string;
  /** Bytes from the laptop to the remote side, over the tunnel's life. */
  bytesOut: number;
  /** Bytes from the remote side to the laptop. */
  bytesIn: number;
  /** Connections open through it now. */
  connections: number;
}

/** Options of {@link KeptLocalForward.open}. */
export interface KeptLocalForwardOptions {
  /** Local port to listen on; 0 (default) picks a free one. */
  localPort?: number;
  logger?: Logger;
}

/**
 * A `-L` forward kept across reconnects: {@link KeptLocalForward.open} listens on the laptop,
 * `info()` is its Tunnels panel row, `close()` ends it. See the module comment.
 */
export class KeptLocalForward {
  private readonly sockets = new Set<net.Socket>();
  private bytesOut = 0;
  private bytesIn = 0;
  private link: LinkStatus;
  private closed = false;
  /** Why the server refused the last connection through the forward (cleared by a success). */
  private lastRefusal: string | undefined;
  private readonly listeners = new Set<(info: TunnelInfo) => void>();
  private readonly stopWatching: () => void;

  private constructor(
    private readonly ssh: ReconnectingSsh,
    private readonly server: net.Server,
    readonly localPort: number,
    readonly remoteHost: string,
    readonly remotePort: number,
    private readonly logger: Logger,
  ) {
    this.link = ssh.state;
    this.stopWatching = ssh.onStatus((status) => {
      this.link = status;
      if (status.state !== 'up') for (const socket of this.sockets) socket.destroy();
      this.changed();
    });
    server.on('connection', (socket) => this.accept(socket));
  }

  /**
   * Starts listening on 127.0.0.1 and forwards every accepted connection through `ssh`.
   * @throws SshError `ssh-failed` when the local port cannot be opened (e.g. in use).
   */
  static async open(
    ssh: ReconnectingSsh,
    remoteHost: string,
    remotePort: number,
    options: KeptLocalForwardOptions = {},
  ): Promise<KeptLocalForward> {
    const server = net.createServer();
    const localPort = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.localPort ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    }).catch((error: unknown) => {
      throw new SshError(
        'ssh-failed',
        `could not listen on 127.0.0.1:${options.localPort ?? 0} for a forward: ${errorMessage(error)}`,
        { cause: error },
      );
    });
    server.on('error', () => undefined);
    return new KeptLocalForward(
      ssh,
      server,
      localPort,
      remoteHost,
      remotePort,
      options.logger ?? silentLogger,
    );
  }

  /** The present state and counters. */
  info(): TunnelInfo {
    const state: TunnelState = this.closed
      ? 'closed'
      : this.link.state === 'connecting'
        ? 'opening'
        : this.link.state;
    return {
      id: `L${this.localPort}`,
      direction: 'local',
      localPort: this.localPort,
      remoteHost: this.remoteHost,
      remotePort: this.remotePort,
      state,
      ...(this.link.reason !== undefined && state !== 'up'
        ? { reason: this.link.reason }
        : this.lastRefusal !== undefined
          ? { reason: this.lastRefusal }
          : {}),
      bytesOut: this.bytesOut,
      bytesIn: this.bytesIn,
      connections: this.sockets.size,
    };
  }

  /** Calls `listener` when the state or the number of connections changes. @returns remover. */
  onChange(listener: (info: TunnelInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops listening and drops every forwarded connection (the SSH link stays). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatching();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.changed();
  }

  private accept(socket: net.Socket): void {
    const connection = this.ssh.current;
    if (this.closed || connection === undefined) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.changed();
    });
    this.changed();
    connection.openChannel(this.remoteHost, this.remotePort, socket.remotePort ?? 0).then(
      (channel) => {
        if (socket.destroyed) {
          channel.close();
          return;
        }
        if (this.lastRefusal !== undefined) {
          this.lastRefusal = undefined;
          this.changed();
        }
        channel.on('error', () => socket.destroy());
        channel.once('close', () => socket.destroy());
        socket.once('close', () => channel.close());
        socket.on('data', (chunk: Buffer) => (this.bytesOut += chunk.length));
        channel.on('data', (chunk: Buffer) => (this.bytesIn += chunk.length));
        socket.pipe(channel).pipe(socket);
      },
      (error: unknown) => {
        // Shown on the row: "up" alone would hide that nothing answers on the remote side.
        this.lastRefusal = `the last connection was refused on the remote side: ${errorMessage(error)}`;
        this.logger.info('tunnel channel refused', {
          tunnel: this.info().id,
          error: errorMessage(error),
        });
        socket.destroy();
      },
    );
  }

  private changed(): void {
    const info = this.info();
    for (const listener of this.listeners) listener(info);
  }
}
