/**
 * TracerTunnels' states against a scripted link (the real sshd cases — drop, reconnect, a held
 * port — are in test/integration/connections/tunnels-reconnect.test.ts): a link that fails for
 * good leaves the forward `failed` with the link's reason and listed; opening it again replaces
 * it; closing while sessions still use its channels keeps the link until the last one closes.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../src-main/log/logger.js';
import type { Profile } from '../../../../src-common/protocol/profile.js';
import type { ProfileLinkLease } from '../../../../src-main/connect/profile-links.js';
import { DialInForwards } from '../../../../src-main/forwards/dial-in-forwards.js';
import type {
  LinkStatus,
  ReconnectingSsh,
} from '../../../../src-main/ssh/connection/reconnecting-ssh.js';
import type { SshConnection } from '../../../../src-main/ssh/connection/ssh-connection.js';

type OnChannel = (channel: PassThrough, peer: { host: string; port: number }) => void;

/** A link whose state the test drives, with one connection that records forwards. */
function scriptedLink() {
  const statusListeners = new Set<(s: LinkStatus) => void>();
  const upListeners = new Set<(c: SshConnection) => void>();
  let state: LinkStatus = { state: 'up' };
  const forwards: { port: number; onChannel: OnChannel; closed: boolean }[] = [];
  const connection = {
    isClosed: false,
    openRemoteForward: vi.fn((_host: string, port: number, onChannel: OnChannel) => {
      const forward = { port: port || 40_001, onChannel, closed: false };
      forwards.push(forward);
      return Promise.resolve({
        remotePort: forward.port,
        close: () => {
          forward.closed = true;
          return Promise.resolve();
        },
      });
    }),
  };
  const link = {
    get current() {
      return state.state === 'up' ? connection : undefined;
    },
    get state() {
      return state;
    },
    onStatus: (l: (s: LinkStatus) => void) => {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    onReconnected: (l: (c: SshConnection) => void) => {
      upListeners.add(l);
      return () => upListeners.delete(l);
    },
  };
  const set = (next: LinkStatus): void => {
    state = next;
    for (const l of statusListeners) l(next);
    if (next.state === 'up') for (const l of upListeners) l(connection as unknown as SshConnection);
  };
  const released = vi.fn(() => Promise.resolve());
  const lease: ProfileLinkLease = {
    link: link as unknown as ReconnectingSsh,
    release: released,
  };
  return { lease, set, forwards, released, connection };
}

const profile = { id: 'p1', name: 'box', host: 'box.example' } as Profile;

function tunnels() {
  const accepted: PassThrough[] = [];
  const onChange = vi.fn();
  const registry = new DialInForwards({
    accept: (stream) => {
      accepted.push(stream as PassThrough);
      return true;
    },
    logger: silentLogger,
    onChange,
  });
  return { registry, accepted, onChange };
}

describe('TracerTunnels', () => {
  it('goes reconnecting with the link, then up again on the same remote port', async () => {
    const link = scriptedLink();
    const { registry } = tunnels();
    const info = await registry.open(profile, () => Promise.resolve(link.lease));
    expect(registry.traffic()[0]).toMatchObject({ state: 'up', remotePort: 40_001 });

    link.set({ state: 'reconnecting', reason: 'connection reset', attempt: 1 });
    expect(registry.traffic()[0]).toMatchObject({
      state: 'reconnecting',
      reason: 'connection reset',
    });
    link.set({ state: 'up' });
    await vi.waitFor(() => expect(registry.traffic()[0]?.state).toBe('up'));
    expect(link.connection.openRemoteForward).toHaveBeenLastCalledWith(
      '127.0.0.1',
      info.remotePort,
      expect.any(Function),
    );
    expect(registry.traffic()[0]?.reason).toBeUndefined();
  });

  it('stays listed as failed with the reason when the link gives up; opening again replaces it', async () => {
    const first = scriptedLink();
    const { registry } = tunnels();
    await registry.open(profile, () => Promise.resolve(first.lease));
    first.set({ state: 'failed', reason: 'authentication failed for alice@box.example' });
    expect(registry.traffic()).toEqual([
      expect.objectContaining({
        state: 'failed',
        reason: 'authentication failed for alice@box.example',
      }),
    ]);
    // Opening again gives the old lease back and makes a new forward over a new link.
    const second = scriptedLink();
    await registry.open(profile, () => Promise.resolve(second.lease));
    expect(first.released).toHaveBeenCalledTimes(1);
    expect(registry.traffic()).toEqual([expect.objectContaining({ state: 'up' })]);
  });

  it('refuses to open over a link that is reconnecting, and gives the lease back', async () => {
    const link = scriptedLink();
    link.set({ state: 'reconnecting', reason: 'timed out' });
    const { registry } = tunnels();
    await expect(registry.open(profile, () => Promise.resolve(link.lease))).rejects.toThrow(
      /reconnecting \(timed out\)/,
    );
    expect(link.released).toHaveBeenCalledTimes(1);
    expect(registry.list()).toEqual([]);
  });

  it('opens once for two opens at the same time (a double click, two windows)', async () => {
    const link = scriptedLink();
    const { registry } = tunnels();
    let acquired = 0;
    const acquire = (): Promise<ProfileLinkLease> => {
      acquired++;
      return Promise.resolve(link.lease);
    };
    const [a, b] = await Promise.all([
      registry.open(profile, acquire),
      registry.open(profile, acquire),
    ]);
    expect(a).toEqual(b);
    expect(acquired).toBe(1);
    expect(link.forwards).toHaveLength(1);
  });

  it('a close while the open still waits (e.g. on a host key answer) wins: nothing stays open', async () => {
    const link = scriptedLink();
    const { registry } = tunnels();
    let answer!: (lease: ProfileLinkLease) => void;
    const opening = registry.open(
      profile,
      () => new Promise<ProfileLinkLease>((resolve) => (answer = resolve)),
    );
    await registry.close(profile.id);
    answer(link.lease);
    await expect(opening).rejects.toMatchObject({ code: 'not-found' });
    expect(registry.list()).toEqual([]);
    expect(link.released).toHaveBeenCalledTimes(1);
    expect(link.forwards).toHaveLength(0);
  });

  it('keeps the link after close while a session still uses a channel that came over it', async () => {
    const link = scriptedLink();
    const { registry, accepted } = tunnels();
    await registry.open(profile, () => Promise.resolve(link.lease));
    const channel = new PassThrough();
    link.forwards[0]?.onChannel(channel, { host: '127.0.0.1', port: 5000 });
    expect(accepted).toHaveLength(1);
    expect(registry.traffic()[0]?.connections).toBe(1);

    await registry.close(profile.id);
    expect(registry.list()).toEqual([]);
    expect(link.forwards[0]?.closed).toBe(true);
    expect(link.released).not.toHaveBeenCalled();
    accepted[0]?.destroy();
    await vi.waitFor(() => expect(link.released).toHaveBeenCalledTimes(1));
  });
});
