import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../../../src-common/protocol/client-protocol.js';
import { diffSession, SessionListMirror } from '../../../../src-common/protocol/session-list.js';

function info(id: string, extra: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id,
    profileId: 'p1',
    profileName: 'box',
    target: 'app.py',
    state: 'running',
    startedAt: 1000,
    clients: [],
    ...extra,
  };
}

describe('diffSession', () => {
  it('names the fields that changed and the ones gone, nothing else', () => {
    const before = info('s1', { state: 'stopped', endReason: 'x', clients: [] });
    const after = info('s1', {
      state: 'ended',
      clients: [{ id: 'c1', name: 'Browser 1', kind: 'app' }],
    });
    delete after.endReason;
    expect(diffSession(before, after)).toEqual({
      set: { state: 'ended', clients: [{ id: 'c1', name: 'Browser 1', kind: 'app' }] },
      unset: ['endReason'],
    });
  });

  it('is undefined when nothing changed (equal arrays are not a change)', () => {
    const a = info('s1', { clients: [{ id: 'c1', name: 'Browser 1', kind: 'app' }] });
    const b = info('s1', { clients: [{ id: 'c1', name: 'Browser 1', kind: 'app' }] });
    expect(diffSession(a, b)).toBeUndefined();
  });
});

describe('SessionListMirror', () => {
  it('applies patches that follow the version it holds', () => {
    const mirror = new SessionListMirror();
    mirror.reset({ sessions: [info('s1'), info('s2')], version: 3 });
    expect(
      mirror.patch({
        since: 3,
        version: 4,
        patches: [
          { id: 's1', removed: true },
          { id: 's2', set: { state: 'stopped' } },
          { id: 's3', info: info('s3', { target: 'worker.py' }) },
        ],
      }),
    ).toBe('applied');
    expect(mirror.version).toBe(4);
    expect(mirror.sessions.map((s) => [s.id, s.state, s.target])).toEqual([
      ['s2', 'stopped', 'app.py'],
      ['s3', 'running', 'worker.py'],
    ]);
  });

  it('ignores a patch it already has (a whole list answered after the patch was sent)', () => {
    const mirror = new SessionListMirror();
    mirror.reset({ sessions: [info('s1', { state: 'stopped' })], version: 5 });
    expect(
      mirror.patch({ since: 4, version: 5, patches: [{ id: 's1', set: { state: 'running' } }] }),
    ).toBe('stale');
    expect(mirror.sessions[0]?.state).toBe('stopped');
  });

  it('reports a gap, and changes nothing, when a version is missing or no list came yet', () => {
    const fresh = new SessionListMirror();
    expect(fresh.patch({ since: 0, version: 1, patches: [{ id: 's1', info: info('s1') }] })).toBe(
      'gap',
    );
    expect(fresh.sessions).toEqual([]);
    const mirror = new SessionListMirror();
    mirror.reset({ sessions: [info('s1')], version: 2 });
    expect(
      mirror.patch({ since: 3, version: 4, patches: [{ id: 's1', set: { state: 'ended' } }] }),
    ).toBe('gap');
    expect(mirror.sessions[0]?.state).toBe('running');
    expect(mirror.version).toBe(2);
  });

  it('refuses a patch of fields for a session it does not have, applying none of it', () => {
    const mirror = new SessionListMirror();
    mirror.reset({ sessions: [info('s1')], version: 1 });
    expect(
      mirror.patch({
        since: 1,
        version: 2,
        patches: [
          { id: 's1', set: { state: 'stopped' } },
          { id: 's9', set: { state: 'stopped' } },
        ],
      }),
    ).toBe('gap');
    expect(mirror.sessions.map((s) => s.state)).toEqual(['running']);
    expect(mirror.version).toBe(1);
  });

  it('takes a whole list of a restarted relay (a lower version) on a new connection', () => {
    const mirror = new SessionListMirror();
    mirror.reset({ sessions: [info('s1'), info('s2')], version: 40 });
    mirror.reset({ sessions: [info('s1', { state: 'stopped' })], version: 0 });
    expect(mirror.version).toBe(0);
    expect(mirror.sessions.map((s) => s.state)).toEqual(['stopped']);
    expect(mirror.patch({ since: 0, version: 1, patches: [{ id: 's1', removed: true }] })).toBe(
      'applied',
    );
    expect(mirror.sessions).toEqual([]);
  });

  it('keeps a session learnt from a launch answer until the patch that brings it replaces it', () => {
    const mirror = new SessionListMirror();
    mirror.reset({ sessions: [], version: 1 });
    expect(mirror.insert(info('s1', { state: 'starting', pid: 7 }))).toBe(true);
    expect(mirror.insert(info('s1'))).toBe(false);
    mirror.patch({ since: 1, version: 2, patches: [{ id: 's1', info: info('s1') }] });
    expect(mirror.sessions).toEqual([info('s1')]);
  });
});
