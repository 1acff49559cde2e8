/**
 * The state every part of the debug model shares: the current {@link DebugSessionView}, its
 * listeners, the generation counters that drop results of an earlier stop or frame, and the
 * run-to-cursor breakpoint. The parts (stop handling, variables, watches, execution actions) are
 * functions over one `ModelCore`.
 */
import type { DebugSessionView } from './session-view.js';
import { TemporaryBreakpoint, type RestoreBreakpoints } from './temporary-breakpoint.js';
import type { PagedContainer } from './variable-paging.js';
import { ExpansionMemory } from './expansion-memory.js';
import type { DebugSessionModelDeps } from './model-types.js';
import { errorMessage } from '../../src-common/errors.js';

/** See the module comment. */
export class ModelCore {
  current: DebugSessionView;
  /** Bumped on every stop and resume (and when the session ends). */
  generation = 0;
  /** Bumped on every frame selection. */
  frameGeneration = 0;
  /** Next id of a new watch item. */
  nextWatchId = 1;
  /** Paged containers of the selected frame by `variablesReference`: how to fetch their pages. */
  readonly containers = new Map<number, PagedContainer>();
  /** The Variables rows the person opened, by path, kept across stops. */
  readonly expansion = new ExpansionMemory();
  /** The breakpoint of "run to cursor", between the request and the next stop. */
  readonly temporary: TemporaryBreakpoint;
  /** Clears the previous stop's frames when the resume grace ends without a new stop. */
  graceTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<(view: DebugSessionView) => void>();

  constructor(
    readonly deps: DebugSessionModelDeps,
    initial: DebugSessionView,
    restoreBreakpoints: RestoreBreakpoints,
  ) {
    this.current = initial;
    this.temporary = new TemporaryBreakpoint(deps.dapRequest, restoreBreakpoints);
  }

  /** Replaces the view with `patch` applied and notifies the listeners. */
  update(patch: Partial<DebugSessionView>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener(this.current);
  }

  /** Registers a change listener; returns its remover. */
  onChange(listener: (view: DebugSessionView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A check that is true while neither a stop/resume nor a frame selection happened since. */
  isCurrentFrame(): () => boolean {
    const gen = this.generation;
    const fgen = this.frameGeneration;
    return () => gen === this.generation && fgen === this.frameGeneration;
  }

  /** Writes `what failed: reason` to the console as an error line. */
  reportError(what: string, err: unknown): void {
    this.deps.console.write(`${what}: ${errorMessage(err)}\n`, 'error');
  }

  /** Cancels a pending resume grace. */
  cancelGrace(): void {
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    this.graceTimer = null;
  }
}
