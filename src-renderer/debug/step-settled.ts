/**
 * Whether a session's view is one a step passes through rather than one to look at: the
 * previous stop still shown while the program runs (the resume grace), or a stop whose top
 * frame, scopes or first scope's variables are still on their way. A step goes through four or
 * five of these in 10–20 ms; painting each costs the renderer a style, layout and paint pass on
 * the main thread while the next DAP answer waits behind it (`npm run bench:profile`), so the
 * store paints them only when a step takes longer than a frame or two (`stores/paint-hold.ts`).
 */
import type { DebugSessionView } from './session-view.js';

/** True for a view in the middle of a step (see the module comment). */
export function isMidStep(view: DebugSessionView): boolean {
  if (view.state === 'running') return view.staleFrames || view.staleVariables;
  if (view.state !== 'stopped') return false;
  if (view.staleFrames || view.staleVariables) return true;
  // The stop's stack is on its way.
  if (view.stop !== null && view.frames.length === 0) return true;
  // Its scopes are.
  if (view.frames.length > 0 && view.scopes.length === 0 && view.scopesError === null) return true;
  // Its first cheap scope's variables are (that scope opens by itself at each stop).
  const first = view.scopes.find((s) => !s.expensive && s.variablesReference > 0);
  if (first === undefined) return false;
  const locals = view.children.get(first.variablesReference);
  return locals === undefined || locals.status === 'loading';
}
