/**
 * The SSH links the relay keeps for what the user opens by hand — local forwards
 * (`tunnels.open`) and log tails (`logs.open`): one {@link ReconnectingSsh} per profile, shared by
 * all of them and counted, so ten log tabs on one machine make one SSH connection (as OpenSSH's
 * `ControlMaster` would). The link is closed when its last user releases it. A link that failed
 * for good (auth, host key) or was closed is replaced by a fresh one on the next acquire.
 */
import type { ReconnectingSsh } from '../ssh/reconnecting-ssh.js';

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

  /**
   * The profile's link, made with `connect` when there is none that can still come back (the
   * first caller's `connect` is used; concurrent callers wait for the same connection).
   * @throws the connection's error (host key, auth, network); nothing is held then.
   */
  async acquire(
    profileId: string,
    connect: () => Promise<ReconnectingSsh>,
  ): Promise<ProfileLinkLease> {
    let entry = this.entries.get(profileId);
    if (entry) {
      const state = await entry.link.then(
        (link) => link.state.state,
        () => 'failed' as const,
      );
      // Another caller may have replaced it while we waited.
      if ((state === 'failed' || state === 'closed') && this.entries.get(profileId) === entry) {
        this.entries.delete(profileId);
      }
      entry = this.entries.get(profileId);
    }
    if (!entry) {
      const created: Entry = { link: connect(), users: 0 };
      entry = created;
      this.entries.set(profileId, created);
      created.link.catch(() => {
        if (this.entries.get(profileId) === created) this.entries.delete(profileId);
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
        if (this.entries.get(profileId) === held) this.entries.delete(profileId);
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
