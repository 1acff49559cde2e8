/**
 * Remote forwards to the tracer port (ssh(1) `-R 127.0.0.1:<port>:…`), one per profile: programs
 * on the profile's machine call `debugpy.connect(("127.0.0.1", <port>))` and arrive over the SSH
 * connection as tracers of that profile (its path mappings and justMyCode apply).
 *
 * Each forward rides the profile's shared, reconnecting link (`connect/profile-links.ts`, the same
 * one forwards opened by hand and log tails use) as a {@link KeptRemoteForward}: `reconnecting`
 * while the link is down, asked for again on the same remote port when it is back (programs have
 * that port pasted in), `failed` with the reason when the link gives up; it stays listed until the
 * user closes it or opens it again.
 *
 * Sessions that arrived over a forward live in its SSH channels: a drop ends them (pydevd does not
 * dial again), which the Sessions panel shows. Closing a forward stops new arrivals; the link is
 * released when the last channel that came over it has closed.
 */
import type { Logger } from '../log/logger.js';
import type { ForwardState } from '../../src-common/protocol/connections.js';
import type { TracerTunnelInfo } from '../../src-common/protocol/client-protocol.js';
import type { Profile } from '../../src-common/protocol/profile.js';
import { KeptRemoteForward } from '../ssh/forwards/kept-remote-forward.js';
import { SshError } from '../ssh/ssh-error.js';
import type { ClientChannel } from 'ssh2';
import type { Duplex } from 'node:stream';
import type { ProfileLinkLease } from '../connect/profile-links.js';
import type { TracerPeer } from '../tracer/tracer-listener.js';
import { RelayError } from '../../src-common/errors.js';
import { countBytes } from './counted-stream.js';

/** The two lines a program pastes to dial `127.0.0.1:<port>` on its own machine. */
export function tunnelSnippet(port: number): string {
  return `import debugpy\ndebugpy.connect(("127.0.0.1", ${port}))`;
}

interface Tunnel {
  info: TracerTunnelInfo;
  lease: ProfileLinkLease;
  forward: KeptRemoteForward;
  /** Bytes to (`out`) and from (`in`) the remote side over every channel so far; channels open. */
  traffic: { in: number; out: number; channels: number };
  /** Closed by the user or the relay: the lease goes with the last channel. */
  closed: boolean;
  released: boolean;
}

/** A dial-in forward with its state and traffic, for the Tunnels panel (`forward-registry.ts`). */
export interface DialInForwardTraffic extends TracerTunnelInfo {
  /** `up`, `reconnecting` (link down, or the port not listening again yet) or `failed`. */
  state: ForwardState;
  /** Why it is reconnecting or failed. */
  reason?: string;
  bytesIn: number;
  bytesOut: number;
  connections: number;
}

/** Options of {@link DialInForwards}. */
export interface DialInForwardsOptions {
  /** Hands an arriving channel to the tracer listener (which applies the tracer cap). */
  accept: (stream: Duplex, peer: TracerPeer) => boolean;
  logger: Logger;
  /** Called when a tunnel opens, closes or changes state. */
  onChange: () => void;
}

/**
 * The dial-in remote forwards, at most one per profile (`open`, `close`, `list`); the app API
 * calls them tracer tunnels (`tracerTunnel.*`). See the module comment.
 */
export class DialInForwards {
  private readonly byProfile = new Map<string, Tunnel>();
  /** Opens under way (they may wait on a host key or password answer), by profile id. */
  private readonly opening = new Map<
    string,
    { promise: Promise<TracerTunnelInfo>; closed: boolean }
  >();

  constructor(private readonly options: DialInForwardsOptions) {}

  /** The listed tunnels (up, reconnecting or failed). */
  list(): TracerTunnelInfo[] {
    return [...this.byProfile.values()].map((t) => t.info);
  }

  /** The listed tunnels with state, byte counters and open channels. */
  traffic(): DialInForwardTraffic[] {
    return [...this.byProfile.values()].map((t) => {
      const reason = t.forward.reason;
      return {
        ...t.info,
        state: t.forward.state,
        ...(reason !== undefined ? { reason } : {}),
        bytesIn: t.traffic.in,
        bytesOut: t.traffic.out,
        connections: t.traffic.channels,
      };
    });
  }

  /**
   * Opens the profile's tunnel over the link `acquire` leases (or returns the listed one when it
   * is not `failed`; a failed one is replaced).
   * @throws the SSH layer's errors (host key, auth, network; `ssh-failed` when the link is
   *   reconnecting right now or the server refuses to listen). Nothing is held then.
   */
  open(profile: Profile, acquire: () => Promise<ProfileLinkLease>): Promise<TracerTunnelInfo> {
    // A second open while one is under way (double click, two windows) waits for the same one.
    const under = this.opening.get(profile.id);
    if (under) return under.promise;
    const attempt = { promise: undefined as unknown as Promise<TracerTunnelInfo>, closed: false };
    attempt.promise = this.openNow(profile, acquire, attempt).finally(() => {
      if (this.opening.get(profile.id) === attempt) this.opening.delete(profile.id);
    });
    this.opening.set(profile.id, attempt);
    return attempt.promise;
  }

  private async openNow(
    profile: Profile,
    acquire: () => Promise<ProfileLinkLease>,
    attempt: { closed: boolean },
  ): Promise<TracerTunnelInfo> {
    const listed = this.byProfile.get(profile.id);
    if (listed && listed.forward.state !== 'failed') return listed.info;
    if (listed) await this.closeListed(profile.id);
    const closedMeanwhile = (): RelayError =>
      new RelayError('not-found', 'The tunnel was closed while it was opening.');
    const lease = await acquire();
    if (attempt.closed) {
      await lease.release();
      throw closedMeanwhile();
    }
    const traffic = { in: 0, out: 0, channels: 0 };
    const tunnelRef: { current?: Tunnel } = {};
    let forward: KeptRemoteForward;
    try {
      forward = await KeptRemoteForward.open(lease.link, {
        bindHost: '127.0.0.1',
        bindPort: 0,
        onChannel: (channel, peer) =>
          this.arrived(channel, peer, profile, lease, traffic, tunnelRef),
        logger: this.options.logger,
      });
    } catch (error) {
      await lease.release();
      throw error;
    }
    if (attempt.closed) {
      await forward.close();
      await lease.release();
      throw closedMeanwhile();
    }
    const info: TracerTunnelInfo = {
      profileId: profile.id,
      profileName: profile.name,
      remoteHost: '127.0.0.1',
      remotePort: forward.remotePort,
      snippet: tunnelSnippet(forward.remotePort),
    };
    const tunnel: Tunnel = { info, lease, forward, traffic, closed: false, released: false };
    tunnelRef.current = tunnel;
    forward.onChange(() => this.options.onChange());
    this.byProfile.set(profile.id, tunnel);
    this.options.logger.info('remote forward open', {
      profile: profile.name,
      port: info.remotePort,
    });
    this.options.onChange();
    return info;
  }

  /**
   * Closes the profile's tunnel: no new tracers arrive over it. One still opening is closed as
   * soon as it is open (its `open` rejects with `not-found`). Idempotent.
   */
  async close(profileId: string): Promise<void> {
    const under = this.opening.get(profileId);
    if (under) under.closed = true;
    await this.closeListed(profileId);
  }

  /** Closes the listed tunnel of the profile, if any (not one still opening). */
  private async closeListed(profileId: string): Promise<void> {
    const tunnel = this.byProfile.get(profileId);
    if (!tunnel) return;
    this.byProfile.delete(profileId);
    tunnel.closed = true;
    await tunnel.forward.close();
    if (tunnel.traffic.channels === 0) await this.release(tunnel);
    this.options.onChange();
  }

  /** Closes every tunnel and gives back their links (relay shutdown). */
  async closeAll(): Promise<void> {
    for (const attempt of this.opening.values()) attempt.closed = true;
    const all = [...this.byProfile.keys()];
    await Promise.all(all.map((id) => this.close(id)));
  }

  /** A program dialled in: count its bytes and hand it to the tracer listener. */
  private arrived(
    channel: ClientChannel,
    peer: { host: string; port: number },
    profile: Profile,
    lease: ProfileLinkLease,
    traffic: Tunnel['traffic'],
    tunnelRef: { current?: Tunnel },
  ): void {
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
  }

  private async release(tunnel: Tunnel): Promise<void> {
    if (tunnel.released) return;
    tunnel.released = true;
    await tunnel.lease.release();
  }
}
