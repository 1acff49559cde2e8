/**
 * Remote forwards to the tracer port (ssh(1) `-R 127.0.0.1:<port>:…`), one per profile: programs
 * on the profile's machine call `debugpy.connect(("127.0.0.1", <port>))` and arrive over the SSH
 * connection as tracers of that profile (its path mappings and justMyCode apply). Closing a
 * tunnel stops new arrivals; sessions that came over it keep their channels until the SSH
 * connection closes, so the connection is kept while any of them is open.
 */
import type { Logger } from '../log/logger.js';
import type { TracerTunnelInfo } from '../protocol/client-protocol.js';
import type { Profile } from '../protocol/profile.js';
import type { RemoteForward, SshConnection } from '../ssh/ssh-connection.js';
import type { Duplex } from 'node:stream';
import type { TracerPeer } from './tracer-listener.js';
import { countBytes } from './counted-stream.js';

/** The two lines a program pastes to dial `127.0.0.1:<port>` on its own machine. */
export function tunnelSnippet(port: number): string {
  return `import debugpy\ndebugpy.connect(("127.0.0.1", ${port}))`;
}

interface Tunnel {
  info: TracerTunnelInfo;
  ssh: SshConnection;
  forward: RemoteForward;
  /** Bytes to (`out`) and from (`in`) the remote side over every channel so far; channels open. */
  traffic: { in: number; out: number; channels: number };
}

/** A dial-in forward with its traffic, for the Tunnels panel (`tunnels.ts`). */
export interface TracerTunnelTraffic extends TracerTunnelInfo {
  bytesIn: number;
  bytesOut: number;
  connections: number;
}

/** Options of {@link TracerTunnels}. */
export interface TracerTunnelsOptions {
  /** Hands an arriving channel to the tracer listener (which applies the tracer cap). */
  accept: (stream: Duplex, peer: TracerPeer) => boolean;
  logger: Logger;
  /** Called when a tunnel opens or closes. */
  onChange: () => void;
}

/** See the module comment. */
export class TracerTunnels {
  private readonly byProfile = new Map<string, Tunnel>();

  constructor(private readonly options: TracerTunnelsOptions) {}

  /** The open tunnels. */
  list(): TracerTunnelInfo[] {
    return [...this.byProfile.values()].map((t) => t.info);
  }

  /** The open tunnels with their byte counters and open channels. */
  traffic(): TracerTunnelTraffic[] {
    return [...this.byProfile.values()].map((t) => ({
      ...t.info,
      bytesIn: t.traffic.in,
      bytesOut: t.traffic.out,
      connections: t.traffic.channels,
    }));
  }

  /**
   * Opens the profile's tunnel over a connection `connect` makes (or returns the open one).
   * @throws the SSH layer's errors (host key, auth, forwarding refused).
   */
  async open(profile: Profile, connect: () => Promise<SshConnection>): Promise<TracerTunnelInfo> {
    const open = this.byProfile.get(profile.id);
    if (open && !open.ssh.isClosed) return open.info;
    const ssh = await connect();
    let forward: RemoteForward;
    const traffic = { in: 0, out: 0, channels: 0 };
    try {
      forward = await ssh.openRemoteForward('127.0.0.1', 0, (channel, peer) => {
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
        counted.stream.once('close', () => traffic.channels--);
        this.options.accept(counted.stream, {
          host: profile.host,
          profileId: profile.id,
          readFile: (path, maxBytes) => ssh.readFile(path, maxBytes),
        });
      });
    } catch (error) {
      await ssh.close();
      throw error;
    }
    const info: TracerTunnelInfo = {
      profileId: profile.id,
      profileName: profile.name,
      remoteHost: '127.0.0.1',
      remotePort: forward.remotePort,
      snippet: tunnelSnippet(forward.remotePort),
    };
    const tunnel: Tunnel = { info, ssh, forward, traffic };
    this.byProfile.set(profile.id, tunnel);
    ssh.onClose(() => {
      if (this.byProfile.get(profile.id) === tunnel) {
        this.byProfile.delete(profile.id);
        this.options.onChange();
      }
    });
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
    await tunnel.forward.close();
    this.options.onChange();
  }

  /** Closes every tunnel and its SSH connection. */
  async closeAll(): Promise<void> {
    const all = [...this.byProfile.values()];
    this.byProfile.clear();
    await Promise.all(all.map((t) => t.ssh.close()));
  }
}
