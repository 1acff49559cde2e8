/**
 * Wires the pure breakpoint display (`breakpoint-display.ts`) to the window's stores: the current
 * profile's book, the active session's verification (only when the session is live and of that
 * profile), the profile's path mappings, the launched program's path and the open document's text.
 * Call from a reactive context (`$derived`) to follow changes.
 */
import type { PathMapping } from '../../../src-common/protocol/profile.js';
import type { LineBreakpoint } from './breakpoint-book.js';
import { breakpoints } from './breakpoints.svelte.js';
import { profiles } from '../profiles.svelte.js';
import { sessions } from '../sessions.svelte.js';
import { sourceEditor } from '../source.svelte.js';
import type { SourceBreakpoint } from '../../editor/debug-markers.js';
import {
  displayBreakpoint,
  toSourceBreakpoint,
  type BreakpointDisplay,
} from './breakpoint-display.js';
import type { ExplainContext } from './unverified-reason.js';

/**
 * The path mappings each session was attached with: the profile's at first sight. A fix saves
 * new mappings in the profile, but the running session keeps the old ones until relaunched.
 */
// A plain cache, filled while deriving: it must not itself be reactive.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const attachMappings = new Map<string, readonly PathMapping[]>();

function mappingsOf(sessionId: string, profileId: string): readonly PathMapping[] {
  let mappings = attachMappings.get(sessionId);
  if (!mappings) {
    const profile = profiles.list.find((p) => p.id === profileId);
    if (!profile) return [];
    mappings = profile.pathMappings.map((m) => ({ ...m }));
    attachMappings.set(sessionId, mappings);
  }
  return mappings;
}

/** The active session when it is live and uses the shown book's profile, else null. */
function liveSession(): { id: string; profileId: string; target: string } | null {
  const info = sessions.activeInfo;
  const view = sessions.activeView;
  if (!info || !view || view.state === 'ended') return null;
  if (info.profileId !== breakpoints.profileKey) return null;
  return { id: info.id, profileId: info.profileId, target: info.target };
}

function lineTextOf(bp: LineBreakpoint): string | null {
  const doc = sourceEditor.document;
  if (!doc || doc.path !== bp.path) return null;
  return doc.content.split(/\r?\n/)[bp.line - 1] ?? null;
}

/** The display of every breakpoint of the current profile (all files, by path then line). */
export function currentDisplays(path?: string): BreakpointDisplay[] {
  const list = path === undefined ? breakpoints.all : breakpoints.breakpointsOf(path);
  const session = liveSession();
  const view = sessions.activeView;
  const mappings = session ? mappingsOf(session.id, session.profileId) : [];
  return list.map((bp) => {
    const statuses = session && view ? (view.breakpoints.get(bp.path) ?? []) : null;
    const context: ExplainContext | null = session
      ? {
          mappings,
          programPath: session.target.startsWith('/') ? session.target : null,
          lineText: lineTextOf(bp),
        }
      : null;
    return displayBreakpoint(bp, statuses, context);
  });
}

/** Gutter markers of one file. */
export function sourceMarkers(path: string): SourceBreakpoint[] {
  return currentDisplays(path).map(toSourceBreakpoint);
}
