/**
 * The relay's sessions by id (`s1`, `s2`, … in order of creation), each with the tracer that
 * serves it, and the `sessions.changed` app event that tells every client the list changed.
 * Changes within {@link SESSIONS_BROADCAST_MS} go out as one message, serialised once: with 50
 * sessions and 150 clients, sending the whole list to everyone on every state change cost the
 * relay more than a second of a fan-out.
 */
import type { SessionInfo } from '../../../src-common/protocol/client-protocol.js';
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
  /** A pending `sessions.changed` broadcast (see {@link changed}). */
  private broadcast: NodeJS.Timeout | undefined;

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

  /** Sends `sessions.changed` to every client within {@link SESSIONS_BROADCAST_MS}. */
  changed(): void {
    if (this.broadcast) return;
    this.broadcast = setTimeout(() => {
      this.broadcast = undefined;
      this.send(
        JSON.stringify({
          type: 'app-event',
          event: 'sessions.changed',
          body: { sessions: this.list() },
        }),
      );
    }, SESSIONS_BROADCAST_MS);
  }

  /**
   * Cancels a pending broadcast (the relay is shutting down). Its handle stays set, so when one
   * was pending, {@link changed} schedules nothing more.
   */
  cancelBroadcast(): void {
    if (this.broadcast) clearTimeout(this.broadcast);
  }
}
