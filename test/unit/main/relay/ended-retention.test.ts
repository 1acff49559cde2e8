import { describe, expect, it } from 'vitest';
import {
  sessionsToForget,
  type RetainedSession,
} from '../../../../src-main/relay/ended-retention.js';

const ended = (id: string, endedAt: number, holdsLiveMembers = false): RetainedSession => ({
  id,
  isEnded: true,
  endedAt,
  holdsLiveMembers,
});
const live = (id: string): RetainedSession => ({
  id,
  isEnded: false,
  endedAt: undefined,
  holdsLiveMembers: false,
});

describe('ended-session retention', () => {
  it('forgets the oldest ended sessions beyond the count, never a live one', () => {
    const sessions = [ended('s1', 10), live('s2'), ended('s3', 30), ended('s4', 20), live('s5')];
    expect(sessionsToForget(sessions, 40, { maxEndedSessions: 1, endedRetentionMs: 0 })).toEqual([
      's1',
      's4',
    ]);
    expect(sessionsToForget(sessions, 40, { maxEndedSessions: 0, endedRetentionMs: 0 })).toEqual([
      's1',
      's4',
      's3',
    ]);
  });

  it('forgets ended sessions older than the age limit', () => {
    const sessions = [ended('s1', 1000), ended('s2', 5000)];
    expect(
      sessionsToForget(sessions, 6000, { maxEndedSessions: 10, endedRetentionMs: 4000 }),
    ).toEqual(['s1']);
  });

  it('keeps an ended root while its tree has live processes', () => {
    const sessions = [ended('s1', 10, true), ended('s2', 20)];
    expect(
      sessionsToForget(sessions, 10_000, { maxEndedSessions: 0, endedRetentionMs: 1 }),
    ).toEqual(['s2']);
  });
});
