/**
 * The relay's sessions as process trees: a debugged program's root session and the sessions of
 * its child processes (`SessionInfo.parentId`: gunicorn workers, a reloader's server,
 * multiprocessing workers), for the Sessions list and the Call Stack's processes. Pure functions
 * of the session list.
 */
import type { SessionInfo } from '../../src-common/protocol/client-protocol.js';

/** One row of the Sessions list: a session and how deep it sits in its tree (0 = a program). */
export interface SessionRow {
  session: SessionInfo;
  depth: number;
}

/** A tree's ended children, folded into one row of the list. */
export interface EndedRow {
  /** The session whose ended children these are. */
  parentId: string;
  depth: number;
  count: number;
}

/**
 * The list as rows: programs (roots) in the list's order (newest first), each followed by its
 * live child processes, oldest first, depth by depth. The ended children of a program that
 * still runs fold into one {@link EndedRow} unless `showEnded` has its id; those of an ended
 * program are not listed (the program's row says it is over).
 */
export function sessionRows(
  sessions: readonly SessionInfo[],
  showEnded: ReadonlySet<string> = new Set(),
): (SessionRow | EndedRow)[] {
  const ids = new Set(sessions.map((s) => s.id));
  const children = new Map<string, SessionInfo[]>();
  for (const s of sessions)
    if (s.parentId && ids.has(s.parentId))
      children.set(s.parentId, [...(children.get(s.parentId) ?? []), s]);
  const rows: (SessionRow | EndedRow)[] = [];
  const visit = (session: SessionInfo, depth: number, rootEnded: boolean): void => {
    rows.push({ session, depth });
    if (rootEnded) return;
    const kids = [...(children.get(session.id) ?? [])].sort((a, b) => a.startedAt - b.startedAt);
    const ended = kids.filter((k) => k.state === 'ended');
    for (const kid of kids)
      if (kid.state !== 'ended' || showEnded.has(session.id)) visit(kid, depth + 1, false);
    if (ended.length > 0 && !showEnded.has(session.id))
      rows.push({ parentId: session.id, depth: depth + 1, count: ended.length });
  };
  for (const s of sessions)
    if (!s.parentId || !ids.has(s.parentId)) visit(s, 0, s.state === 'ended');
  return rows;
}

/** The root of the tree `id` is in (the session itself when it has no listed parent). */
export function rootOf(sessions: readonly SessionInfo[], id: string): SessionInfo | undefined {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  let at = byId.get(id);
  for (let hops = 0; at?.parentId && byId.has(at.parentId) && hops < 1000; hops++)
    at = byId.get(at.parentId);
  return at;
}

/**
 * The processes of the tree `id` is in, root first, then the live children in the order they
 * came (and `id` itself, even when it has ended), for the Call Stack.
 */
export function processesOf(sessions: readonly SessionInfo[], id: string): SessionInfo[] {
  const root = rootOf(sessions, id);
  if (!root) return [];
  const members = [root];
  const walk = (parent: SessionInfo, depth: number): void => {
    if (depth > 100) return;
    const kids = sessions
      .filter((s) => s.parentId === parent.id && (s.state !== 'ended' || s.id === id))
      .sort((a, b) => a.startedAt - b.startedAt);
    for (const kid of kids) {
      members.push(kid);
      walk(kid, depth + 1);
    }
  };
  walk(root, 0);
  return members;
}

/** True when `id` is the tree's root or any of its descendants is. */
export function inTree(sessions: readonly SessionInfo[], rootId: string, id: string): boolean {
  return rootOf(sessions, id)?.id === rootId;
}
