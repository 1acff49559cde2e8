/**
 * The session list as the relay tells it to clients: the whole list once (`sessions.changed`, the
 * first message a client gets, and the answer of `sessions.list`), then only what changed
 * (`sessions.patched`): per session, the fields set and the fields gone, a new session whole, a
 * forgotten one by id. With 50 sessions and 150 clients, the whole list to everyone at each
 * change was most of the relay's work in a fan-out.
 *
 * Every list and patch carries the relay's list `version`; a patch says which version it
 * applies to (`since`). {@link SessionListMirror} is a client's copy: it applies a patch that
 * follows what it has, ignores one it already has (a list answered after the patch was sent), and
 * reports a gap (it must ask `sessions.list` again) instead of guessing.
 */
import type { SessionInfo, SessionList, SessionListPatch } from './client-protocol.js';

/** The fields of `after` that differ from `before`, and those it no longer has; undefined if none. */
export function diffSession(
  before: SessionInfo,
  after: SessionInfo,
): { set?: Partial<SessionInfo>; unset?: (keyof SessionInfo)[] } | undefined {
  const set: Record<string, unknown> = {};
  const unset: (keyof SessionInfo)[] = [];
  const was = before as unknown as Record<string, unknown>;
  const now = after as unknown as Record<string, unknown>;
  for (const key of Object.keys(now)) {
    const value = now[key];
    if (value === undefined) continue;
    if (!sameValue(was[key], value)) set[key] = value;
  }
  for (const key of Object.keys(was))
    if (was[key] !== undefined && now[key] === undefined) unset.push(key as keyof SessionInfo);
  const changed = Object.keys(set).length > 0;
  if (!changed && unset.length === 0) return undefined;
  return {
    ...(changed ? { set: set } : {}),
    ...(unset.length > 0 ? { unset } : {}),
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What {@link SessionListMirror.patch} did with a patch. */
export type PatchOutcome =
  /** Applied: the list changed to the patch's version. */
  | 'applied'
  /** Already there (the list is at the patch's version or later): nothing done. */
  | 'stale'
  /** A version is missing in between, or no list yet: nothing done; ask `sessions.list`. */
  | 'gap';

/** See the module comment: a client's copy of the relay's session list. */
export class SessionListMirror {
  private byId = new Map<string, SessionInfo>();
  /** Undefined until a whole list arrived. */
  private at: number | undefined;

  /** The version held, or undefined before the first whole list. */
  get version(): number | undefined {
    return this.at;
  }

  /** The sessions, oldest first. */
  get sessions(): SessionInfo[] {
    return [...this.byId.values()];
  }

  /**
   * Takes a whole list, whatever its version: on one connection nothing comes after a newer
   * message (the relay sends its pending patch before a whole list), and a new connection, maybe
   * to a restarted relay, starts from its own.
   */
  reset(list: SessionList): void {
    this.byId = new Map(list.sessions.map((s) => [s.id, s]));
    this.at = list.version;
  }

  /**
   * Adds a session learnt elsewhere (the answer of `session.launch`) that the list does not have
   * yet; the patch that brings it replaces it whole. @returns false when the list has it already.
   */
  insert(info: SessionInfo): boolean {
    if (this.byId.has(info.id)) return false;
    this.byId.set(info.id, info);
    return true;
  }

  /** Applies a patch when it follows the version held (see {@link PatchOutcome}). */
  patch(change: SessionListPatch): PatchOutcome {
    if (this.at === undefined) return 'gap';
    if (change.version <= this.at) return 'stale';
    if (change.since !== this.at) return 'gap';
    const next = new Map(this.byId);
    for (const p of change.patches) {
      if ('removed' in p) next.delete(p.id);
      else if ('info' in p) next.set(p.id, p.info);
      else {
        const old = next.get(p.id);
        // A patch for a session this copy lacks cannot be applied: the copy is out of step.
        if (!old) return 'gap';
        const merged: Record<string, unknown> = { ...old, ...p.set };
        for (const key of p.unset ?? []) delete merged[key];
        next.set(p.id, merged as unknown as SessionInfo);
      }
    }
    this.byId = next;
    this.at = change.version;
    return 'applied';
  }
}
