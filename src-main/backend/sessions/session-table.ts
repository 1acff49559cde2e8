/**
 * The relay's sessions by id (`s1`, `s2`, … in order of creation), each with the tracer that
 * serves it, and how clients learn the list: whole when they connect (`sessions.changed`) or ask
 * (`sessions.list`), then as patches of what changed (`sessions.patched`,
 * `src-common/protocol/session-list.ts`). Changes within {@link SESSIONS_BROADCAST_MS} go out as
 * one patch, serialised once for every client; only the sessions marked changed are read again.
 * With 50 sessions and 150 clients, the whole list to everyone at every state change was most of
 * the relay's work in a fan-out (3 MiB per broadcast).
 */
import type {
  SessionInfo,
  SessionList,
  SessionPatch,
} from '../../../src-common/protocol/client-protocol.js';
import { diffSession } from '../../../src-common/protocol/session-list.js';
import { RelayError } from '../../../src-common/errors.js';
import type { DebugSession } from '../../relay/debug-session.js';
import type { StartedTracer } from '../../tracer/launch-tracer.js';
import type { RetainedSession } from '../../relay/ended-retention.js';

/** How long session-list changes are gathered into one broadcast, in ms. */
export const SESSIONS_BROADCAST_MS = 20;

/** A session and the tracer that serves it (for a dialled-in tracer, a stand-in without SSH). */
export interface SessionEntry {
  session: DebugSession;
  tracer: StartedTracer;
}

/** See the module comment. */
export class SessionTable {
  private readonly entries = new Map<string, SessionEntry>();
  private nextSessionId = 1;
  /** A pending `sessions.patched` broadcast (see {@link changed}). */
  private broadcast: NodeJS.Timeout | undefined;
  /** The list as last told to clients, by id in list order, at {@link version}. */
  private told = new Map<string, SessionInfo>();
  private version = 0;
  /** Sessions changed since the last broadcast; `all` when any may have. */
  private dirty: Set<string> | 'all' = new Set();
  /** The serialised `sessions.changed` of {@link told}, once asked for at this version. */
  private wholeJson: string | undefined;

  /** @param send delivers one serialised app event to every connected client. */
  constructor(private readonly send: (json: string) => void) {}

  /** A new session id, never used before in this relay. */
  newId(): string {
    return `s${this.nextSessionId++}`;
  }

  /** Adds a session under its id. */
  add(entry: SessionEntry): void {
    this.entries.set(entry.session.id, entry);
  }

  /**
   * Forgets sessions (ended ones: `ended-retention.ts`): off the list and out of their process
   * tree, so nothing keeps their output or buffers. @returns the ids that were here.
   */
  forget(ids: readonly string[]): string[] {
    const gone = ids.filter((id) => this.entries.has(id));
    const set = new Set(gone);
    for (const id of gone) {
      this.entries.get(id)?.session.processTree?.forget(set);
      this.entries.delete(id);
    }
    return gone;
  }

  /** What retention needs to know of every session (see `ended-retention.ts`). */
  retained(): RetainedSession[] {
    return this.sessions().map((s) => ({
      id: s.id,
      isEnded: s.isEnded,
      endedAt: s.endedAt,
      holdsLiveMembers:
        s.processTree?.root === s && s.processTree.members.some((m) => m !== s && !m.isEnded),
    }));
  }

  /** The session with id `id`, or undefined. */
  get(id: string): SessionEntry | undefined {
    return this.entries.get(id);
  }

  /** The session with id `id`. @throws RelayError `not-found` when there is none. */
  require(id: string): SessionEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new RelayError('not-found', `There is no session "${id}".`);
    return entry;
  }

  /** Every session with its tracer, oldest first (ended ones included). */
  all(): SessionEntry[] {
    return [...this.entries.values()];
  }

  /** Every session, oldest first (ended ones included). */
  sessions(): DebugSession[] {
    return this.all().map((e) => e.session);
  }

  /** The sessions as listed to clients, oldest first. */
  list(): SessionInfo[] {
    return this.sessions().map((s) => s.info);
  }

  /**
   * Sends what changed to every client within {@link SESSIONS_BROADCAST_MS} (`sessions.patched`).
   * @param id the session that changed; without it, any session may have (all are compared).
   */
  changed(id?: string): void {
    if (id === undefined) this.dirty = 'all';
    else if (this.dirty !== 'all') this.dirty.add(id);
    if (this.broadcast) return;
    this.broadcast = setTimeout(() => {
      this.broadcast = undefined;
      this.flush();
    }, SESSIONS_BROADCAST_MS);
  }

  /**
   * The list as clients have it (see {@link told}): pending changes are sent first, so a
   * client asking gets the newest list and every later patch follows it.
   */
  whole(): SessionList {
    this.flushNow();
    return { sessions: [...this.told.values()], version: this.version };
  }

  /** {@link whole} as a serialised `sessions.changed` event, serialised once per version. */
  wholeEvent(): string {
    this.flushNow();
    this.wholeJson ??= JSON.stringify({
      type: 'app-event',
      event: 'sessions.changed',
      body: { sessions: [...this.told.values()], version: this.version },
    });
    return this.wholeJson;
  }

  /** Sends a pending broadcast now (a client is about to get the whole list). */
  private flushNow(): void {
    if (!this.broadcast) return;
    clearTimeout(this.broadcast);
    this.broadcast = undefined;
    this.flush();
  }

  /** Compares the changed sessions with what clients were told and sends the patch, if any. */
  private flush(): void {
    const dirty = this.dirty;
    this.dirty = new Set();
    const patches: SessionPatch[] = [];
    const next = new Map<string, SessionInfo>();
    for (const id of this.told.keys())
      if (!this.entries.has(id)) patches.push({ id, removed: true });
    for (const [id, entry] of this.entries) {
      const old = this.told.get(id);
      if (old && dirty !== 'all' && !dirty.has(id)) {
        next.set(id, old);
        continue;
      }
      const info = entry.session.info;
      next.set(id, info);
      if (!old) patches.push({ id, info });
      else {
        const patch = diffSession(old, info);
        if (patch) patches.push({ id, ...patch });
      }
    }
    this.told = next;
    if (patches.length === 0) return;
    const since = this.version++;
    this.wholeJson = undefined;
    this.send(
      JSON.stringify({
        type: 'app-event',
        event: 'sessions.patched',
        body: { since, version: this.version, patches },
      }),
    );
  }

  /**
   * Cancels a pending broadcast (the relay is shutting down). Its handle stays set, so when one
   * was pending, {@link changed} schedules nothing more.
   */
  cancelBroadcast(): void {
    if (this.broadcast) clearTimeout(this.broadcast);
  }
}
