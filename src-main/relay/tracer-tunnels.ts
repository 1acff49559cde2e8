/**
 * Remote forwards to the tracer port (ssh(1) `-R 127.0.0.1:<port>:…`), one per profile: programs
 * on the profile's machine call `debugpy.connect(("127.0.0.1", <port>))` and arrive over the SSH
 * connection as tracers of that profile (its path mappings and justMyCode apply).
 *
 * Each forward rides the profile's shared, reconnecting link (`profile-links.ts`, the same one
 * forwards opened by hand and log tails use). When the link drops, the forward is `reconnecting`
 * (with the link's reason); when the link is back, the forward is asked for again on the SAME
 * remote port — programs have that port pasted in — and is `up` again. If the server will not
 * listen there yet (after a network drop the old connection's sshd can hold the port until its
 * own keepalive gives up), it is asked again with backoff (1 s doubling to 30 s), the reason
 * saying so. A link that fails for good (auth, host key) leaves the forward `failed` with that
 * reason; it stays listed until the user closes it or opens it again.
 *
 * Sessions that arrived over a forward live in its SSH channels: a drop ends them (pydevd does not
 * dial again), which the Sessions panel shows. Closing a forward stops new arrivals; the link is
 * released when the last channel that came over it has closed.
 */
import type { Logger } from '../log/logger.js';
import type { ForwardState } from '../protocol/connections.js';
import type { TracerTunnelInfo } from '../protocol/client-protocol.js';
import type { Profile } from '../protocol/profile.js';
import { backoffDelay, type LinkStatus } from '../ssh/reconnecting-ssh.js';
import type { RemoteForward, SshConnection } from '../ssh/ssh-connection.js';
import { SshError, errorMessage } from '../ssh/ssh-error.js';
import type { Duplex } from 'node:stream';
import type { ProfileLinkLease } from './profile-links.js';
import type { TracerPeer } from './tracer-listener.js';
import { countBytes } from './counted-stream.js';

/** The two lines a program pastes to dial `127.0.0.1:<port>` on its own machine. */
export function tunnelSnippet(port: number): string {
  return `import debugpy\ndebugpy.connect(("127.0.0.1", ${port}))`;
}

/** First and largest wait, in ms, between asks for the same remote port after a reconnect. */
const REBIND_BASE_MS = 1000;
const REBIND_MAX_MS = 30_000;

interface Tunnel {
  info: TracerTunnelInfo;
  lease: ProfileLinkLease;
  /** The forward on the connection that is up now; absent while reconnecting or failed. */
  forward?: RemoteForward;
  state: ForwardState;
  reason?: string;
  /** Bytes to (`out`) and from (`in`) the remote side over every channel so far; channels open. */
  traffic: { in: number; out: number; channels: number };
  /** Closed by the user or the relay: nothing is re-opened; the lease goes with the last channel. */
  closed: boolean;
  released: boolean;
  rebindTimer?: NodeJS.Timeout;
  unsubscribe: (() => void)[];
}

/** A dial-in forward with its state and traffic, for the Tunnels panel (`tunnels.ts`). */
export interface TracerTunnelTraffic extends TracerTunnelInfo {
  /** `up`, `reconnecting` (link down, or the port not listening again yet) or `failed`. */
  state: ForwardState;
  /** Why it is reconnecting or failed. */
  reason?: string;
  bytesIn: number;
  bytesOut: number;
  connections: number;
}

/** Options of {@link TracerTunnels}. */
export interface TracerTunnelsOptions {
  /** Hands an arriving channel to the tracer listener (which applies the tracer cap). */
  accept: (stream: Duplex, peer: TracerPeer) => boolean;
  logger: Logger;
  /** Called when a tunnel opens, closes or changes state. */
  onChange: () => void;
}

/** See the module comment. */
export class TracerTunnels {
  private readonly byProfile = new Map<string, Tunnel>();

  constructor(private readonly options: TracerTunnelsOptions) {}

  /** The listed tunnels (up, reconnecting or failed). */
  list(): TracerTunnelInfo[] {
    return [...this.byProfile.values()].map((t) => t.info);
  }

  /** The listed tunnels with state, byte counters and open channels. */
  traffic(): TracerTunnelTraffic[] {
    return [...this.byProfile.values()].map((t) => ({
      ...t.info,
      state: t.state,
      ...(t.reason !== undefined ? { reason: t.reason } : {}),
      bytesIn: t.traffic.in,
      bytesOut: t.traffic.out,
      connections: t.traffic.channels,
    }));
  }

  /**
   * Opens the profile's tunnel over the link `acquire` leases (or returns the listed one when it
   * is not `failed`; a failed one is replaced).
   * @throws the SSH layer's errors (host key, auth, network; `ssh-failed` when the link is
   *   reconnecting right now or the server refuses to listen). Nothing is held then.
   */
  async open(
    profile: Profile,
    acquire: () => Promise<ProfileLinkLease>,
  ): Promise<TracerTunnelInfo> {
    const listed = this.byProfile.get(profile.id);
    if (listed && listed.state !== 'failed') return listed.info;
    if (listed) await this.close(profile.id);
    const lease = await acquire();
    const traffic = { in: 0, out: 0, channels: 0 };
    let forward: RemoteForward;
    // Filled in below; the connection handler only runs once the forward is open.
    const tunnelRef: { current?: Tunnel } = {};
    try {
      const connection = lease.link.current;
      if (!connection) {
        throw new SshError(
          'ssh-failed',
          `the SSH link to ${profile.host} is ${lease.link.state.state} (${lease.link.state.reason ?? 'no reason given'}); try again when it is back`,
        );
      }
      forward = await this.listen(connection, 0, profile, lease, traffic, tunnelRef);
    } catch (error) {
      await lease.release();
      throw error;
    }
    const info: TracerTunnelInfo = {
      profileId: profile.id,
      profileName: profile.name,
      remoteHost: '127.0.0.1',
      remotePort: forward.remotePort,
      snippet: tunnelSnippet(forward.remotePort),
    };
    const tunnel: Tunnel = {
      info,
      lease,
      forward,
      state: 'up',
      traffic,
      closed: false,
      released: false,
      unsubscribe: [],
    };
    tunnelRef.current = tunnel;
    tunnel.unsubscribe.push(
      lease.link.onStatus((status) => this.linkStatus(tunnel, status)),
      lease.link.onReconnected((connection) => void this.rebind(tunnel, profile, connection, 1)),
    );
    this.byProfile.set(profile.id, tunnel);
    this.options.logger.info('remote forward open', {
      profile: profile.name,
      port: info.remotePort,
    });
    this.options.onChange();
    return info;
  }

  /** Closes the profile's tunnel: no new tracers arrive over it. Idempotent. */
  async close(profileId: string): Promise<void> {
    const tunnel = this.byProfile.get(profileId);
    if (!tunnel) return;
    this.byProfile.delete(profileId);
    tunnel.closed = true;
    clearTimeout(tunnel.rebindTimer);
    for (const unsubscribe of tunnel.unsubscribe) unsubscribe();
    const forward = tunnel.forward;
    tunnel.forward = undefined;
    await forward?.close().catch(() => undefined);
    if (tunnel.traffic.channels === 0) await this.release(tunnel);
    this.options.onChange();
  }

  /** Closes every tunnel and gives back their links (relay shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.byProfile.keys()];
    await Promise.all(all.map((id) => this.close(id)));
  }

  /** Asks `connection`'s server to listen on 127.0.0.1:`port` (0 = any) for this profile. */
  private listen(
    connection: SshConnection,
    port: number,
    profile: Profile,
    lease: ProfileLinkLease,
    traffic: Tunnel['traffic'],
    tunnelRef: { current?: Tunnel },
  ): Promise<RemoteForward> {
    return connection.openRemoteForward('127.0.0.1', port, (channel, peer) => {
      this.options.logger.info('tracer arrived over a remote forward', {
        profile: profile.name,
        from: `${peer.host}:${peer.port}`,
      });
      let seen = { read: 0, written: 0 };
      const counted = countBytes(channel, (c) => {
        traffic.in += c.read - seen.read;
        traffic.out += c.written - seen.written;
        seen = { ...c };
      });
      traffic.channels++;
      counted.stream.once('close', () => {
        traffic.channels--;
        const tunnel = tunnelRef.current;
        if (tunnel?.closed && traffic.channels === 0) void this.release(tunnel);
      });
      this.options.accept(counted.stream, {
        host: profile.host,
        profileId: profile.id,
        readFile: (path, maxBytes) => {
          const current = lease.link.current;
          if (!current) {
            return Promise.reject(
              new SshError('ssh-failed', `the SSH link to ${profile.host} is reconnecting`),
            );
          }
          return current.readFile(path, maxBytes);
        },
      });
    });
  }

  /** Follows the link: down → `reconnecting`, failed for good → `failed` (the link's reason). */
  private linkStatus(tunnel: Tunnel, status: LinkStatus): void {
    if (tunnel.closed) return;
    if (status.state === 'reconnecting' || status.state === 'failed' || status.state === 'closed') {
      clearTimeout(tunnel.rebindTimer);
      tunnel.forward = undefined;
      tunnel.state = status.state === 'reconnecting' ? 'reconnecting' : 'failed';
      tunnel.reason =
        status.state === 'closed' ? 'the SSH link was closed' : (status.reason ?? 'link lost');
      this.options.logger.warn('remote forward lost with its SSH link', {
        profile: tunnel.info.profileName,
        state: tunnel.state,
        reason: tunnel.reason,
      });
      this.options.onChange();
    }
  }

  /** The link is back: ask for the same remote port again, with backoff while it is refused. */
  private async rebind(
    tunnel: Tunnel,
    profile: Profile,
    connection: SshConnection,
    attempt: number,
  ): Promise<void> {
    if (tunnel.closed || connection.isClosed || tunnel.lease.link.current !== connection) return;
    const port = tunnel.info.remotePort;
    let forward: RemoteForward;
    try {
      forward = await this.listen(connection, port, profile, tunnel.lease, tunnel.traffic, {
        current: tunnel,
      });
    } catch (error) {
      if (tunnel.closed || connection.isClosed) return;
      const delay = backoffDelay(attempt, REBIND_BASE_MS, REBIND_MAX_MS);
      tunnel.state = 'reconnecting';
      tunnel.reason = `${errorMessage(error)} — the old connection may still hold port ${port}; asking again in ${Math.ceil(delay / 1000)} s`;
      this.options.logger.warn('remote forward not re-opened yet', {
        profile: profile.name,
        port,
        attempt,
        reason: errorMessage(error),
      });
      this.options.onChange();
      tunnel.rebindTimer = setTimeout(
        () => void this.rebind(tunnel, profile, connection, attempt + 1),
        delay,
      );
      tunnel.rebindTimer.unref();
      return;
    }
    if (tunnel.closed || connection.isClosed) {
      await forward.close();
      return;
    }
    tunnel.forward = forward;
    tunnel.state = 'up';
    delete tunnel.reason;
    this.options.logger.info('remote forward re-opened', { profile: profile.name, port });
    this.options.onChange();
  }

  private async release(tunnel: Tunnel): Promise<void> {
    if (tunnel.released) return;
    tunnel.released = true;
    await tunnel.lease.release();
  }
}
