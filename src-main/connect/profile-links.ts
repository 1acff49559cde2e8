/**
 * The SSH links the relay keeps for what the user opens by hand — local forwards
 * (`tunnels.open`) and log tails (`logs.open`): one {@link ReconnectingSsh} per profile, shared by
 * all of them and counted, so ten log tabs on one machine make one SSH connection (as OpenSSH's
 * `ControlMaster` would). The link is closed when its last user releases it. A link that failed
 * for good (auth, host key) or was closed is replaced by a fresh one on the next acquire, and so
 * is one made before the profile's address, login or jump hosts were edited: what is open keeps
 * its link until released, what opens next goes where the profile now says.
 */
import type { Profile } from '../../src-common/protocol/profile.js';
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';

/** What of a profile its link depends on. */
export type LinkedProfile = Pick<Profile, 'id' | 'host' | 'port' | 'user' | 'auth' | 'jumpHosts'>;

/** Finds a saved profile by id (the jump hosts that name another profile). */
export type ProfileLookup = (id: string) => LinkedProfile | undefined;

/**
 * The key of a profile's link: its id and the fields the connection is made from, with the
 * address and login of jump hosts that name another profile (an edit of those counts too).
 */
function linkKey(profile: LinkedProfile, lookup: ProfileLookup): string {
  const { id, host, port, user, auth, jumpHosts } = profile;
  const hops = jumpHosts.map((hop) => {
    if (hop.kind !== 'profile') return hop;
    const via = lookup(hop.profileId);
    return via ? [hop.profileId, via.host, via.port, via.user, via.auth] : hop;
  });
  return `${id}\0${JSON.stringify([host, port, user, auth, hops])}`;
}

/** One use of a profile's link: release it exactly once (later calls do nothing). */
export interface ProfileLinkLease {
  link: ReconnectingSsh;
  /** Gives the use back; the link is closed when it was the last. Never rejects. */
  release(): Promise<void>;
}

interface Entry {
  link: Promise<ReconnectingSsh>;
  users: number;
}

/** See the module comment. */
export class ProfileLinks {
  private readonly entries = new Map<string, Entry>();

  /** @param lookup finds the profiles that jump hosts name (default: none are found). */
  constructor(private readonly lookup: ProfileLookup = () => undefined) {}

  /**
   * The profile's link, made with `connect` when there is none that can still come back (the
   * first caller's `connect` is used; concurrent callers wait for the same connection).
   * @throws the connection's error (host key, auth, network); nothing is held then.
   */
  async acquire(
    profile: LinkedProfile,
    connect: () => Promise<ReconnectingSsh>,
  ): Promise<ProfileLinkLease> {
    const key = linkKey(profile, this.lookup);
    let entry = this.entries.get(key);
    if (entry) {
      const state = await entry.link.then(
        (link) => link.state.state,
        () => 'failed' as const,
      );
      // Another caller may have replaced it while we waited.
      if ((state === 'failed' || state === 'closed') && this.entries.get(key) === entry) {
        this.entries.delete(key);
      }
      entry = this.entries.get(key);
    }
    if (!entry) {
      const created: Entry = { link: connect(), users: 0 };
      entry = created;
      this.entries.set(key, created);
      created.link.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
    }
    const held = entry;
    held.users++;
    let link: ReconnectingSsh;
    try {
      link = await held.link;
    } catch (error) {
      held.users--;
      throw error;
    }
    let released = false;
    return {
      link,
      release: async () => {
        if (released) return;
        released = true;
        held.users--;
        if (held.users > 0) return;
        if (this.entries.get(key) === held) this.entries.delete(key);
        await link.close().catch(() => undefined);
      },
    };
  }

  /** Profiles with a link now (for tests and logs). */
  get size(): number {
    return this.entries.size;
  }

  /** Closes every link (relay shutdown); leases released later do nothing harmful. */
  async closeAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.link.then((link) => link.close()).catch(() => undefined)));
  }
}
