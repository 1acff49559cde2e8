/** When the launch dialog runs the preflight checks by itself (`launch-preflight.ts`). */
import { describe, expect, it } from 'vitest';
import type { PreflightResult } from '../../../../src-common/protocol/connections.js';
import type { Profile } from '../../../../src-common/protocol/profile.js';
import {
  PREFLIGHT_FRESH_MS,
  PassedPreflights,
  asksEveryTime,
  checkedFields,
  firstFailure,
} from '../../../../src-renderer/stores/launch-preflight.js';

const base = { id: 'p1', auth: { kind: 'key', keyPath: '~/.ssh/id' }, jumpHosts: [] };
const profile = (over: Partial<Profile>): Profile => ({ ...base, ...over }) as Profile;
const passed: PreflightResult = { ok: true, checks: [] };
const failed: PreflightResult = {
  ok: false,
  checks: [
    { id: 'ssh', label: 'SSH server reachable', status: 'ok', detail: 'answered' },
    {
      id: 'debugpy',
      label: 'debugpy importable',
      status: 'failed',
      detail: 'debugpy is not installed for /usr/bin/python3',
      fix: 'pip install debugpy',
    },
  ],
};

describe('launch preflight', () => {
  it('skips the checks only for chains that ask keyboard-interactive questions', () => {
    const lookup = (id: string): Profile | undefined =>
      id === 'otp-bastion' ? profile({ auth: { kind: 'keyboard-interactive' } }) : undefined;
    expect(asksEveryTime(profile({}), lookup)).toBe(false);
    expect(asksEveryTime(profile({ auth: { kind: 'password' } }), lookup)).toBe(false);
    expect(asksEveryTime(profile({ auth: { kind: 'keyboard-interactive' } }), lookup)).toBe(true);
    expect(
      asksEveryTime(
        profile({
          jumpHosts: [
            {
              kind: 'address',
              host: 'b',
              port: 22,
              user: 'u',
              auth: { kind: 'keyboard-interactive' },
            },
          ],
        }),
        lookup,
      ),
    ).toBe(true);
    expect(
      asksEveryTime(
        profile({ jumpHosts: [{ kind: 'profile', profileId: 'otp-bastion' }] }),
        lookup,
      ),
    ).toBe(true);
  });

  it('trusts a pass for the same target for ten minutes; a failure or another target runs again', () => {
    let now = 0;
    const memory = new PassedPreflights(() => now);
    const launch = { profileId: 'p1', fields: 'a', mode: 'launch' as const };
    expect(memory.isFresh(launch)).toBe(false);
    memory.record(launch, passed);
    expect(memory.isFresh(launch)).toBe(true);
    expect(memory.isFresh({ ...launch, mode: 'attach-pid', pid: 42 })).toBe(false);
    expect(memory.isFresh({ ...launch, profileId: 'p2' })).toBe(false);
    // The profile was edited (another interpreter): checked again.
    expect(memory.isFresh({ ...launch, fields: 'b' })).toBe(false);
    now += PREFLIGHT_FRESH_MS;
    expect(memory.isFresh(launch)).toBe(false);
    memory.record(launch, passed);
    memory.record(launch, failed);
    expect(memory.isFresh(launch)).toBe(false);
  });

  it('changes its fields when what the checks depend on changes, not otherwise', () => {
    const a = profile({ host: 'a', python: '/usr/bin/python3' });
    expect(checkedFields(a)).toBe(checkedFields({ ...a, name: 'renamed' }));
    expect(checkedFields(a)).not.toBe(checkedFields({ ...a, python: '/opt/py/bin/python3' }));
  });

  it('names the first failed check', () => {
    expect(firstFailure(failed)).toBe(
      'debugpy importable: debugpy is not installed for /usr/bin/python3',
    );
  });
});
