/**
 * ProfileLinks: one kept-up SSH link per profile, shared and counted — and a new one once the
 * profile's address, login or jump hosts were edited (what is open keeps its link until released).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Profile } from '../../../../src-common/protocol/profile.js';
import { ProfileLinks } from '../../../../src-main/connect/profile-links.js';
import type { ReconnectingSsh } from '../../../../src-main/ssh/connection/reconnecting-ssh.js';

const profile = {
  id: 'p1',
  name: 'box',
  host: 'box.example',
  port: 22,
  user: 'alice',
  auth: { kind: 'agent' },
  jumpHosts: [],
} as unknown as Profile;

/** A link that counts its closes (`closed()`). */
function fakeLink(): { link: ReconnectingSsh; closed: () => number } {
  const close = vi.fn(() => Promise.resolve());
  const link = { state: { state: 'up' }, close } as unknown as ReconnectingSsh;
  return { link, closed: () => close.mock.calls.length };
}

describe('ProfileLinks', () => {
  it('shares one link per profile and closes it with the last release', async () => {
    const links = new ProfileLinks();
    const made = fakeLink();
    const connect = vi.fn(() => Promise.resolve(made.link));
    const a = await links.acquire(profile, connect);
    const renamed: Profile = { ...profile, name: 'renamed' };
    const b = await links.acquire(renamed, connect);
    expect(a.link).toBe(b.link);
    expect(connect).toHaveBeenCalledTimes(1);
    await a.release();
    expect(made.closed()).toBe(0);
    await b.release();
    expect(made.closed()).toBe(1);
  });

  it('makes a new link once a jump host profile it goes through was edited', async () => {
    let bastionHost = 'bastion.example';
    const links = new ProfileLinks((id) =>
      id === 'b1' ? { ...profile, id: 'b1', host: bastionHost } : undefined,
    );
    const through: Profile = { ...profile, jumpHosts: [{ kind: 'profile', profileId: 'b1' }] };
    const first = fakeLink();
    const second = fakeLink();
    const a = await links.acquire(through, () => Promise.resolve(first.link));
    bastionHost = 'new-bastion.example';
    const b = await links.acquire(through, () => Promise.resolve(second.link));
    expect(a.link).toBe(first.link);
    expect(b.link).toBe(second.link);
  });

  it('makes a new link after the profile now points elsewhere; the old one serves its users', async () => {
    const links = new ProfileLinks();
    const old = fakeLink();
    const fresh = fakeLink();
    const held = await links.acquire(profile, () => Promise.resolve(old.link));
    const edited: Profile = { ...profile, host: 'new-box.example' };
    const next = await links.acquire(edited, () => Promise.resolve(fresh.link));
    expect(next.link).toBe(fresh.link);
    expect(held.link).toBe(old.link);
    expect(links.size).toBe(2);
    await held.release();
    expect(old.closed()).toBe(1);
    expect(fresh.closed()).toBe(0);
    await next.release();
    expect(links.size).toBe(0);
  });
});
