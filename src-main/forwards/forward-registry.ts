/**
 * The Tunnels panel's source of truth: every port forward of every SSH connection the relay holds
 * — the local forward (`-L`) of each launched session, the dial-in remote forward (`-R`) of each
 * profile (`dial-in-forwards.ts`), and local and remote forwards the user opened by hand — with
 * state and byte counters, as {@link ForwardInfo}s.
 *
 * Clients learn of changes through `tunnels.changed`: the list is compared with the last one sent
 * every {@link DEFAULT_TUNNELS_INTERVAL_MS} (byte counters move without an event of their own) and
 * on every known change (opened, closed, link state), and sent when it differs — never more often
 * than once per interval, so a busy forward costs two messages a second, not one per chunk.
 */
import type { Logger } from '../log/logger.js';
import type { ForwardInfo, OpenForwardParams } from '../../src-common/protocol/connections.js';
import type { TracerPortInfo } from '../../src-common/protocol/client-protocol.js';
import type { Profile } from '../../src-common/protocol/profile.js';
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';
import { RemoteToLocalForward } from '../ssh/forwards/remote-to-local-forward.js';
import { KeptLocalForward, type TunnelInfo } from '../ssh/forwards/kept-local-forward.js';
import { RelayError } from '../../src-common/errors.js';
import type { LinkedProfile, ProfileLinkLease, ProfileLinks } from '../connect/profile-links.js';
import type { DialInForwardTraffic } from './dial-in-forwards.js';

/** Shortest time between two `tunnels.changed` broadcasts, and the polling period, in ms. */
export const DEFAULT_TUNNELS_INTERVAL_MS = 500;

/** The forwards one launched session keeps (`StartedTracer.tunnels()`). */
export interface SessionForwards {
  sessionId: string;
  profileId: string;
  profileName: string;
  tunnels: TunnelInfo[];
}

/** Options of {@link ForwardRegistry}. */
export interface ForwardRegistryOptions {
  /** The forwards of the live sessions. */
  sessionForwards: () => SessionForwards[];
  /** The dial-in remote forwards with their traffic. */
  dialIn: () => DialInForwardTraffic[];
  /** Where dial-in forwards lead on the laptop. */
  tracerPort: () => TracerPortInfo | null;
  /** Links for forwards opened by hand (shared with log tails). */
  links: ProfileLinks;
  /** Ends a session whose forward the user closed (its debugger connection goes through it). */
  endSession: (sessionId: string) => Promise<void>;
  /** Closes a profile's dial-in remote forward. */
  closeDialIn: (profileId: string) => Promise<void>;
  /** Sends one serialised `tunnels.changed` app event to every client. */
  broadcast: (json: string) => void;
  logger: Logger;
  /** Default {@link DEFAULT_TUNNELS_INTERVAL_MS}. */
  intervalMs?: number;
}

interface ManualForward {
  id: string;
  profile: LinkedProfile & Pick<Profile, 'name'>;
  params: OpenForwardParams;
  lease?: ProfileLinkLease;
  tunnel?: KeptLocalForward | RemoteToLocalForward;
  /** Closed by the user (possibly while still opening). */
  closed: boolean;
}

/**
 * Every forward of every SSH link, for the Tunnels panel: {@link ForwardRegistry.list} the rows,
 * `open` / `close` the ones opened by hand, `changed` to tell clients. See the module comment.
 */
export class ForwardRegistry {
  private readonly manual = new Map<string, ManualForward>();
  private nextId = 1;
  private lastJson = '';
  private lastSentAt = 0;
  private pending: NodeJS.Timeout | undefined;
  private readonly poll: NodeJS.Timeout;
  private readonly intervalMs: number;

  constructor(private readonly options: ForwardRegistryOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_TUNNELS_INTERVAL_MS;
    this.lastJson = this.serialise(this.list());
    this.poll = setInterval(() => this.changed(), this.intervalMs);
    this.poll.unref();
  }

  /** Every forward now: sessions' first, then dial-in, then those opened by hand. */
  list(): ForwardInfo[] {
    const forwards: ForwardInfo[] = [];
    for (const session of this.options.sessionForwards()) {
      for (const tunnel of session.tunnels) {
        if (tunnel.state === 'closed') continue;
        forwards.push(
          fromTunnel(`${session.sessionId}/${tunnel.id}`, tunnel, session, {
            kind: 'session',
            sessionId: session.sessionId,
          }),
        );
      }
    }
    const port = this.options.tracerPort();
    for (const dialIn of this.options.dialIn()) {
      forwards.push({
        id: `dial-in/${dialIn.profileId}`,
        direction: 'remote',
        profileId: dialIn.profileId,
        profileName: dialIn.profileName,
        owner: { kind: 'dial-in' },
        localHost: port?.host ?? '127.0.0.1',
        localPort: port?.port ?? 0,
        remoteHost: dialIn.remoteHost,
        remotePort: dialIn.remotePort,
        state: dialIn.state,
        ...(dialIn.reason !== undefined ? { reason: dialIn.reason } : {}),
        bytesOut: dialIn.bytesOut,
        bytesIn: dialIn.bytesIn,
        connections: dialIn.connections,
      });
    }
    for (const entry of this.manual.values()) forwards.push(this.describe(entry));
    return forwards;
  }

  /**
   * Opens a forward by hand — local (`-L`) or remote (`-R`), see {@link OpenForwardParams} — over
   * the profile's shared link (made with `connect` when there is none). Listed as `opening`
   * meanwhile.
   * @throws the SSH layer's errors (host key, auth, network; `ssh-failed` when the local port is
   *   taken or the server refuses to listen); `not-found` when the user closed it before it was
   *   open. Nothing stays open then.
   */
  async open(
    profile: LinkedProfile & Pick<Profile, 'name'>,
    params: OpenForwardParams,
    connect: () => Promise<ReconnectingSsh>,
  ): Promise<ForwardInfo> {
    const entry: ManualForward = { id: `manual/${this.nextId++}`, profile, params, closed: false };
    this.manual.set(entry.id, entry);
    this.changed();
    try {
      entry.lease = await this.options.links.acquire(profile, connect);
      this.assertNotClosed(entry);
      const logger = this.options.logger;
      entry.tunnel =
        params.direction === 'remote'
          ? await RemoteToLocalForward.open(
              entry.lease.link,
              {
                bindHost: params.remoteHost,
                bindPort: params.remotePort,
                localHost: params.localHost ?? '127.0.0.1',
                localPort: params.localPort ?? 0,
              },
              logger,
            )
          : await KeptLocalForward.open(entry.lease.link, params.remoteHost, params.remotePort, {
              ...(params.localPort ? { localPort: params.localPort } : {}),
              logger,
            });
      entry.tunnel.onChange(() => this.changed());
      this.assertNotClosed(entry);
    } catch (error) {
      this.manual.delete(entry.id);
      await entry.tunnel?.close();
      await entry.lease?.release();
      this.changed();
      throw error;
    }
    const opened = entry.tunnel.info();
    this.options.logger.info('forward opened by hand', {
      profile: profile.name,
      direction: opened.direction,
      local: `${opened.localHost ?? '127.0.0.1'}:${opened.localPort}`,
      remote: `${opened.remoteHost}:${opened.remotePort}`,
    });
    this.changed();
    return this.describe(entry);
  }

  /**
   * Closes a forward by id: one opened by hand stops listening (its connections drop); a
   * session's ends that session; a dial-in one stops new arrivals.
   * @throws RelayError `not-found` for an unknown id.
   */
  async close(id: string): Promise<void> {
    const entry = this.manual.get(id);
    if (entry) {
      entry.closed = true;
      this.manual.delete(id);
      this.changed();
      await entry.tunnel?.close();
      await entry.lease?.release();
      this.changed();
      return;
    }
    const forward = this.list().find((f) => f.id === id);
    if (!forward) throw new RelayError('not-found', 'That forward is no longer open.');
    if (forward.owner.kind === 'session') await this.options.endSession(forward.owner.sessionId);
    else await this.options.closeDialIn(forward.profileId);
    this.changed();
  }

  /**
   * Something changed: broadcast the list if it differs from the last one sent, now or, when one
   * went out less than an interval ago, at the end of that interval.
   */
  changed(): void {
    if (this.pending) return;
    const wait = this.lastSentAt + this.intervalMs - Date.now();
    if (wait > 0) {
      this.pending = setTimeout(() => {
        this.pending = undefined;
        this.changed();
      }, wait);
      this.pending.unref();
      return;
    }
    const tunnels = this.list();
    const json = this.serialise(tunnels);
    if (json === this.lastJson) return;
    this.lastJson = json;
    this.lastSentAt = Date.now();
    this.options.broadcast(json);
  }

  /** Stops polling and closes the forwards opened by hand (their links with them). */
  async closeAll(): Promise<void> {
    clearInterval(this.poll);
    if (this.pending) clearTimeout(this.pending);
    const all = [...this.manual.values()];
    this.manual.clear();
    for (const entry of all) entry.closed = true;
    await Promise.all(
      all.map(async (entry) => {
        await entry.tunnel?.close();
        await entry.lease?.release();
      }),
    );
  }

  private describe(entry: ManualForward): ForwardInfo {
    const session = { profileId: entry.profile.id, profileName: entry.profile.name };
    if (entry.tunnel) return fromTunnel(entry.id, entry.tunnel.info(), session, { kind: 'manual' });
    return {
      id: entry.id,
      direction: entry.params.direction ?? 'local',
      ...session,
      owner: { kind: 'manual' },
      localHost: entry.params.localHost ?? '127.0.0.1',
      localPort: entry.params.localPort ?? 0,
      remoteHost: entry.params.remoteHost,
      remotePort: entry.params.remotePort,
      state: 'opening',
      bytesOut: 0,
      bytesIn: 0,
      connections: 0,
    };
  }

  private assertNotClosed(entry: ManualForward): void {
    if (entry.closed) throw new RelayError('not-found', 'The forward was closed while opening.');
  }

  private serialise(tunnels: ForwardInfo[]): string {
    return JSON.stringify({ type: 'app-event', event: 'tunnels.changed', body: { tunnels } });
  }
}

function fromTunnel(
  id: string,
  tunnel: TunnelInfo,
  profile: { profileId: string; profileName: string },
  owner: ForwardInfo['owner'],
): ForwardInfo {
  return {
    id,
    direction: tunnel.direction,
    profileId: profile.profileId,
    profileName: profile.profileName,
    owner,
    localHost: tunnel.localHost ?? '127.0.0.1',
    localPort: tunnel.localPort,
    remoteHost: tunnel.remoteHost,
    remotePort: tunnel.remotePort,
    state: tunnel.state,
    ...(tunnel.reason !== undefined ? { reason: tunnel.reason } : {}),
    bytesOut: tunnel.bytesOut,
    bytesIn: tunnel.bytesIn,
    connections: tunnel.connections,
  };
}
