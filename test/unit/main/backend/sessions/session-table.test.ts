import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  AppEvents,
  SessionInfo,
  SessionState,
} from '../../../../../src-common/protocol/client-protocol.js';
import { SessionListMirror } from '../../../../../src-common/protocol/session-list.js';
import {
  SESSIONS_BROADCAST_MS,
  SessionTable,
  type SessionEntry,
} from '../../../../../src-main/backend/sessions/session-table.js';

/** A session as the table reads it: an id and its current info. */
class FakeSession {
  infoReads = 0;
  constructor(
    readonly id: string,
    private current: SessionInfo,
  ) {}
  get info(): SessionInfo {
    this.infoReads += 1;
    return this.current;
  }
  set(patch: Partial<SessionInfo>, drop: (keyof SessionInfo)[] = []): void {
    const next: Record<string, unknown> = { ...this.current, ...patch };
    for (const key of drop) delete next[key];
    this.current = next as unknown as SessionInfo;
  }
}

function entry(id: string, state: SessionState = 'running'): { e: SessionEntry; s: FakeSession } {
  const s = new FakeSession(id, {
    id,
    profileId: 'p1',
    profileName: 'box',
    target: `${id}.py`,
    state,
    startedAt: 1000,
    clients: [],
  });
  return { e: { session: s, tracer: {} } as unknown as SessionEntry, s };
}

/** A broadcast as sent. */
interface Sent {
  event: string;
  body: { version: number; patches?: unknown[] };
}
const read = (json: string | undefined): Sent => JSON.parse(json ?? '') as Sent;

/** A client of the table's broadcasts: the messages it got, and its copy of the list. */
class Listener {
  readonly messages: string[] = [];
  readonly mirror = new SessionListMirror();
  gaps = 0;
  take(json: string): void {
    this.messages.push(json);
    const m = JSON.parse(json) as { event: string; body: unknown };
    if (m.event === 'sessions.changed') this.mirror.reset(m.body as AppEvents['sessions.changed']);
    else if (this.mirror.patch(m.body as AppEvents['sessions.patched']) === 'gap') this.gaps += 1;
  }
}

describe('SessionTable', () => {
  let listeners: Listener[];
  let table: SessionTable;
  let sent: string[];

  /** A client connecting now: the whole list first, then every broadcast (as the backend does). */
  function connect(): Listener {
    const listener = new Listener();
    listener.take(table.wholeEvent());
    listeners.push(listener);
    return listener;
  }

  /** Two running sessions, s1 and s2, already told to clients. */
  function twoSessionsTold(): [ReturnType<typeof entry>, ReturnType<typeof entry>] {
    const a = entry('s1');
    const b = entry('s2');
    table.add(a.e);
    table.add(b.e);
    table.changed();
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    return [a, b];
  }

  beforeEach(() => {
    vi.useFakeTimers();
    listeners = [];
    sent = [];
    table = new SessionTable((json) => {
      sent.push(json);
      for (const l of listeners) l.take(json);
    });
  });
  afterEach(() => {
    table.cancelBroadcast();
    vi.useRealTimers();
  });

  it('sends the changes of one window as one patch of the changed fields, serialised once', () => {
    const [a, b] = twoSessionsTold();
    const watcher = connect();
    a.s.set({ state: 'stopped' });
    table.changed('s1');
    b.s.set({ state: 'stopped' });
    table.changed('s2');
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    expect(sent).toHaveLength(2);
    expect(JSON.parse(sent[1] ?? '')).toEqual({
      type: 'app-event',
      event: 'sessions.patched',
      body: {
        since: 1,
        version: 2,
        patches: [
          { id: 's1', set: { state: 'stopped' } },
          { id: 's2', set: { state: 'stopped' } },
        ],
      },
    });
    expect(watcher.mirror.sessions).toEqual(table.list());
  });

  it('reads again only the sessions marked changed, unless told any may have', () => {
    const [a, b] = twoSessionsTold();
    a.s.infoReads = 0;
    b.s.infoReads = 0;
    a.s.set({ state: 'stopped' });
    table.changed('s1');
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    expect([a.s.infoReads, b.s.infoReads]).toEqual([1, 0]);
    b.s.set({ pid: 42 });
    table.changed();
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    expect(read(sent.at(-1)).body.patches).toEqual([{ id: 's2', set: { pid: 42 } }]);
  });

  it('sends nothing when a session changed and changed back within the window', () => {
    const a = entry('s1');
    table.add(a.e);
    table.changed('s1');
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    const count = sent.length;
    a.s.set({ state: 'stopped' });
    table.changed('s1');
    a.s.set({ state: 'running' });
    table.changed('s1');
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    expect(sent).toHaveLength(count);
  });

  it('gives a client that connects mid-window the list that the next patches follow', () => {
    const early = connect();
    const a = entry('s1');
    table.add(a.e);
    table.changed('s1');
    // Mid-window: the pending patch goes to the clients already there, then the newcomer gets
    // the whole list at that patch's version.
    const late = connect();
    expect(read(early.messages.at(-1)).event).toBe('sessions.patched');
    expect(read(late.messages[0]).body.version).toBe(1);
    a.s.set({ state: 'stopped', pid: 7 });
    table.changed('s1');
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    for (const l of [early, late]) {
      expect(l.gaps).toBe(0);
      expect(l.mirror.sessions).toEqual(table.list());
    }
  });

  it('tells a forgotten session by id, and a new one whole', () => {
    const watcher = connect();
    const a = entry('s1', 'ended');
    table.add(a.e);
    table.changed('s1');
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    table.forget(['s1']);
    const b = entry('s2');
    table.add(b.e);
    table.changed();
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    expect(read(sent.at(-1)).body.patches).toEqual([
      { id: 's1', removed: true },
      { id: 's2', info: table.list()[0] },
    ]);
    expect(watcher.mirror.sessions.map((s) => s.id)).toEqual(['s2']);
  });

  it('keeps every client in step through a long stream of changes and clients coming and going', () => {
    // A fixed pseudo-random stream (same every run): sessions appear, change state and fields,
    // lose fields, end and are forgotten; clients connect at any moment, mid-window included.
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 48271) % 2147483647; // Park and Miller's minimal standard generator
      return Math.floor((seed / 2147483647) * n);
    };
    const fakes = new Map<string, FakeSession>();
    const states: SessionState[] = ['starting', 'running', 'stopped', 'ended'];
    for (let step = 0; step < 2000; step++) {
      const roll = random(10);
      if (roll === 0 || fakes.size === 0) {
        const { e, s } = entry(table.newId());
        table.add(e);
        fakes.set(s.id, s);
        table.changed(s.id);
      } else if (roll === 1) {
        connect();
      } else if (roll === 2) {
        const ids = [...fakes.keys()];
        const id = ids[random(ids.length)] ?? '';
        table.forget([id]);
        fakes.delete(id);
        table.changed();
      } else if (roll === 3) {
        vi.advanceTimersByTime(random(2 * SESSIONS_BROADCAST_MS));
      } else {
        const ids = [...fakes.keys()];
        const id = ids[random(ids.length)] ?? '';
        const s = fakes.get(id);
        if (random(3) === 0) s?.set({}, ['pid']);
        else s?.set({ state: states[random(4)] ?? 'running', pid: random(5) });
        table.changed(id);
      }
    }
    vi.advanceTimersByTime(SESSIONS_BROADCAST_MS);
    expect(listeners.length).toBeGreaterThan(100);
    for (const l of listeners) {
      expect(l.gaps).toBe(0);
      expect(l.mirror.sessions).toEqual(table.list());
      expect(l.mirror.version).toBe(listeners[0]?.mirror.version);
    }
  });
});
