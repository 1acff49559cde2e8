/** The profile form's jump host rows: to and from a profile's `jumpHosts`, and what is refused. */
import { describe, expect, it } from 'vitest';
import type { JumpHost } from '../../../../../src-common/protocol/profile.js';
import {
  DEFAULT_JUMP_KEY,
  blankJumpRow,
  fromJumpRows,
  toJumpRows,
} from '../../../../../src-renderer/panels/profiles/jump-host-rows.js';

describe('jump host rows', () => {
  it('round-trips profile hops and address hops, with agent, key and kept auth kinds', () => {
    const chain: JumpHost[] = [
      { kind: 'profile', profileId: 'p1' },
      { kind: 'address', host: 'bastion.example', port: 22, user: 'ops', auth: { kind: 'agent' } },
      {
        kind: 'address',
        host: '10.0.0.5',
        port: 2222,
        user: 'deploy',
        auth: { kind: 'key', keyPath: '~/.ssh/jump' },
      },
      { kind: 'address', host: 'fe80::1', port: 2200, user: 'me', auth: { kind: 'password' } },
    ];
    const rows = toJumpRows(chain);
    expect(rows.map((r) => (r.kind === 'address' ? r.address : r.profileId))).toEqual([
      'p1',
      'ops@bastion.example',
      'deploy@10.0.0.5:2222',
      'me@[fe80::1]:2200',
    ]);
    expect(fromJumpRows(rows)).toEqual({ jumpHosts: chain });
  });

  it('round-trips all four auth kinds of an address hop', () => {
    const kinds = [
      { kind: 'agent' },
      { kind: 'key', keyPath: '/keys/jump' },
      { kind: 'password' },
      { kind: 'keyboard-interactive' },
    ] as const;
    const chain: JumpHost[] = kinds.map((auth, i) => ({
      kind: 'address',
      host: `hop${i}.example`,
      port: 2200 + i,
      user: 'alice',
      auth,
    }));
    const rows = toJumpRows(chain);
    expect(rows.map((r) => r.authKind)).toEqual([
      'agent',
      'key',
      'password',
      'keyboard-interactive',
    ]);
    expect(rows.map((r) => r.keyPath)).toEqual([
      DEFAULT_JUMP_KEY,
      '/keys/jump',
      DEFAULT_JUMP_KEY,
      DEFAULT_JUMP_KEY,
    ]);
    expect(fromJumpRows(rows)).toEqual({ jumpHosts: chain });
  });

  it('a new address row switched to password or keyboard-interactive saves no key path', () => {
    const row = { ...blankJumpRow(undefined), address: 'alice@127.0.0.1:2222' };
    expect(fromJumpRows([{ ...row, authKind: 'password' }])).toEqual({
      jumpHosts: [
        {
          kind: 'address',
          host: '127.0.0.1',
          port: 2222,
          user: 'alice',
          auth: { kind: 'password' },
        },
      ],
    });
    const back = fromJumpRows([{ ...row, authKind: 'keyboard-interactive' }]);
    expect(back).toMatchObject({ jumpHosts: [{ auth: { kind: 'keyboard-interactive' } }] });
    expect(JSON.stringify(back)).not.toContain('keyPath');
    // Switching back to key file finds the key path it had.
    expect(fromJumpRows([{ ...row, authKind: 'key' }])).toMatchObject({
      jumpHosts: [{ auth: { kind: 'key', keyPath: DEFAULT_JUMP_KEY } }],
    });
  });

  it('an empty list is a direct connection', () => {
    expect(fromJumpRows([])).toEqual({ jumpHosts: [] });
  });

  it('names the first row that is not a hop', () => {
    const ok = { ...blankJumpRow(undefined), address: 'a@b' };
    expect(fromJumpRows([ok, { ...ok, address: 'no-user' }])).toEqual({
      error: 'Jump host 2: write the address as user@host or user@host:port.',
    });
    expect(fromJumpRows([{ ...ok, address: 'a@b:70000' }])).toEqual({
      error: 'Jump host 1: the port must be from 1 to 65535.',
    });
    expect(fromJumpRows([{ ...blankJumpRow(undefined), kind: 'profile' }])).toEqual({
      error: 'Jump host 1: choose the profile to go through.',
    });
  });

  it('a new row goes through the first other profile when there is one', () => {
    expect(blankJumpRow('p9')).toMatchObject({ kind: 'profile', profileId: 'p9' });
    expect(blankJumpRow(undefined)).toMatchObject({ kind: 'address', authKind: 'agent' });
  });
});
