import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../../../src-common/protocol/client-protocol.js';
import {
  isNotResponding,
  notRespondingNote,
  notRespondingText,
} from '../../../../src-renderer/debug/not-responding.js';

const base: SessionInfo = {
  id: 's1',
  profileId: '',
  profileName: 'p',
  target: 't',
  state: 'stopped',
  startedAt: 0,
};

describe('not responding', () => {
  it('is said while the relay says so and the session lives', () => {
    const since = new Date(2026, 0, 1, 14, 2, 11).getTime();
    const frozen = { ...base, notRespondingSince: since };
    expect(isNotResponding(frozen)).toBe(true);
    expect(notRespondingText(frozen)).toMatch(
      /^Not responding — no answer from the program since 14:02:11 /,
    );
    expect(notRespondingNote(frozen)).toBe('not responding since 14:02:11');
    expect(isNotResponding({ ...frozen, state: 'ended' })).toBe(false);
    expect(notRespondingText(base)).toBeNull();
    expect(notRespondingNote(null)).toBeNull();
  });
});
