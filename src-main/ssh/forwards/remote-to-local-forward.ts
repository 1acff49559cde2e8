/**
 * A remote forward opened by hand (ssh(1) `-R [bind_address:]port:host:hostport`): the SSH server
 * listens on `bindHost:bindPort` of the remote machine, and each connection made there is carried
 * back over SSH and connected from the laptop to `localHost:localPort` — so a program on the
 * remote machine can reach a service of the laptop (a local database, a licence server, a mock).
 * It is kept by a {@link KeptRemoteForward}: same remote port after every reconnect.
 */
import net from 'node:net';
import type { ClientChannel } from 'ssh2';
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import { KeptRemoteForward } from './kept-remote-forward.js';
import type { ReconnectingSsh } from '../connection/reconnecting-ssh.js';
import type { TunnelInfo } from './kept-local-forward.js';
import { errorMessage } from '../../../src-common/errors.js';

/** What {@link RemoteToLocalForward.open} forwards. */
export interface RemoteToLocalTarget {
  /** Address the SSH server listens on, e.g. `127.0.0.1` (others need sshd's `GatewayPorts`). */
  bindHost: string;
  /** Port on the remote machine; 0 = one the server picks. */
  bindPort: number;
  /** Where the laptop connects each forwarded connection to, e.g. `127.0.0.1`. */
  localHost: string;
  localPort: number;
}

/**
 * A `-R` forward whose connections reach `localHost:localPort` on the laptop, kept across
 * reconnects, with its Tunnels panel row (`info()`). See the module comment.
 */
export class RemoteToLocalForward {
  private readonly sockets = new Set<net.Socket>();
  private bytesOut = 0;
  private bytesIn = 0;
  /** The last connection the laptop side refused, for the row's reason. */
  private lastRefusal: string | undefined;
  private readonly listeners = new Set<(info: TunnelInfo) => void>();
  private forward!: KeptRemoteForward;

  private constructor(
    private readonly target: RemoteToLocalTarget,
    private readonly logger: Logger,
  ) {}

  /**
   * Asks the link's server to listen and starts carrying connections.
   * @throws SshError `ssh-failed` when the link is not up or the server refuses to listen (port
   *   taken, `AllowTcpForwarding` / `PermitListen` forbid it).
   */
  static async open(
    link: ReconnectingSsh,
    target: RemoteToLocalTarget,
    logger: Logger = silentLogger,
  ): Promise<RemoteToLocalForward> {
    const tunnel = new RemoteToLocalForward(target, logger);
    tunnel.forward = await KeptRemoteForward.open(link, {
      bindHost: target.bindHost,
      bindPort: target.bindPort,
      onChannel: (channel) => tunnel.carry(channel),
      logger,
    });
    tunnel.forward.onChange(() => tunnel.changed());
    return tunnel;
  }

  /** The present state and counters (`localPort`/`localHost` are the laptop's target). */
  info(): TunnelInfo {
    const state = this.forward.state;
    const reason = state === 'up' ? this.lastRefusal : (this.forward.reason ?? this.lastRefusal);
    return {
      id: `R${this.forward.remotePort}`,
      direction: 'remote',
      localHost: this.target.localHost,
      localPort: this.target.localPort,
      remoteHost: this.target.bindHost,
      remotePort: this.forward.remotePort,
      state,
      ...(reason !== undefined ? { reason } : {}),
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

  /** Stops the remote listener and drops every carried connection. Idempotent. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await this.forward.close();
    this.changed();
  }

  /** One connection made on the remote port: connect it on the laptop and pipe both ways. */
  private carry(channel: ClientChannel): void {
    const { localHost, localPort } = this.target;
    const socket = net.connect(localPort, localHost);
    socket.setNoDelay(true);
    this.sockets.add(socket);
    this.changed();
    socket.once('connect', () => {
      if (this.lastRefusal !== undefined) {
        this.lastRefusal = undefined;
        this.changed();
      }
    });
    socket.on('error', (error) => {
      this.lastRefusal = `the last connection could not reach ${localHost}:${localPort} on this computer: ${errorMessage(error)}`;
      this.logger.info('remote forward target refused', {
        target: `${localHost}:${localPort}`,
        error: errorMessage(error),
      });
      socket.destroy();
    });
    socket.once('close', () => {
      this.sockets.delete(socket);
      channel.close();
      this.changed();
    });
    channel.on('error', () => socket.destroy());
    channel.once('close', () => socket.destroy());
    channel.on('data', (chunk: Buffer) => (this.bytesIn += chunk.length));
    socket.on('data', (chunk: Buffer) => (this.bytesOut += chunk.length));
    channel.pipe(socket).pipe(channel);
  }

  private changed(): void {
    const info = this.info();
    for (const listener of this.listeners) listener(info);
  }
}
