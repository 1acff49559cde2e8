/**
 * The debug model of one session (after VS Code's `debugSession.ts`/`debugModel.ts`). The class
 * is the public face; its parts are the other files of `debug/`: stop handling and the resume
 * grace, stacks and frames, variables and paging, watches, execution actions.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionInfo } from '../../src-common/protocol/client-protocol.js';
import {
  applyBreakpointEvent,
  requestLineBreakpoints,
  statusesFromAnswer,
} from './breakpoint-status.js';
import { dapErrorText } from './dap-response.js';
import * as actions from './execution-actions.js';
import { ModelCore } from './model-core.js';
import type {
  ConsoleKind,
  DebugSessionModelDeps,
  ResumeCommand,
  VariableTarget,
} from './model-types.js';
import { refreshThreads, selectFrame, selectThread, toggleThread } from './stacks.js';
import { handleStopped, markEnded, markRunning } from './stop-handling.js';
import { setVariable, showPage, toggleExpanded } from './variables.js';
import * as watches from './watches.js';
import { initialSessionView, type DebugSessionView } from './session-view.js';
import {
  evaluateHover,
  fullValue,
  requestCompletions,
  type CompletionResult,
  type HoverValue,
} from './inspection.js';

export type {
  ConsoleKind,
  ConsoleSink,
  DapRequester,
  DebugSessionModelDeps,
  ResumeCommand,
  VariableTarget,
} from './model-types.js';
import { errorMessage } from '../../src-common/errors.js';
export { RESUME_GRACE_MS } from './model-types.js';

/**
 * The debug model of one session: state, threads, the selected thread's stack, scopes and lazily
 * loaded variables, watch expressions and breakpoint verification. It reacts to DAP events and
 * issues DAP requests; every change replaces {@link view} and notifies listeners. Results of
 * requests made for an earlier stop or frame are dropped (a generation counter), so a quick step
 * never paints stale frames; on resume the previous stop's frames stay, dimmed, for a short grace
 * so stepping does not flicker.
 */
export class DebugSessionModel {
  private readonly core: ModelCore;

  constructor(
    readonly sessionId: string,
    deps: DebugSessionModelDeps,
  ) {
    this.core = new ModelCore(deps, initialSessionView(), (path, breakpoints) =>
      this.setBreakpoints(path, breakpoints),
    );
    this.core.current = {
      ...this.core.current,
      watches: (deps.watchExpressions ?? []).map((e) => watches.newWatch(this.core, e)),
    };
  }

  /** The current snapshot. */
  get view(): DebugSessionView {
    return this.core.current;
  }

  /** Registers a change listener; returns its remover. */
  onChange(listener: (view: DebugSessionView) => void): () => void {
    return this.core.onChange(listener);
  }

  // ---- inputs ----

  /** Records the tracer's capabilities (from `session.join`, or the relay's `initialize` answer). */
  applyCapabilities(capabilities: DebugProtocol.Capabilities): void {
    this.core.update({ capabilities });
  }

  /** Applies the relay's view of the session (`sessions.changed`, `session.join`). */
  applySessionInfo(info: SessionInfo): void {
    const state = this.core.current.state;
    if (info.state === 'ended') {
      // The relay knows why (closed by the user, SSH lost, exit code): its reason wins.
      if (state !== 'ended') markEnded(this.core, info.endReason ?? null);
      else if (info.endReason) this.core.update({ endReason: info.endReason });
    } else if (state === 'starting' && info.state === 'running') {
      this.core.update({ state: 'running' });
    }
  }

  /**
   * Loads the paused state without a `stopped` event (a client that joins a paused session):
   * the first thread's stack.
   */
  async refreshStopped(): Promise<void> {
    await handleStopped(this.core, { reason: 'pause' });
  }

  /** Handles one DAP event of this session. */
  async handleEvent(event: DebugProtocol.Event): Promise<void> {
    switch (event.event) {
      case 'stopped':
        return handleStopped(this.core, (event as DebugProtocol.StoppedEvent).body);
      case 'continued': {
        const body = (event as DebugProtocol.ContinuedEvent).body;
        const stopped = this.core.current.stop?.threadId ?? null;
        if (body.allThreadsContinued === true || stopped === null || body.threadId === stopped) {
          markRunning(this.core);
        }
        return;
      }
      case 'output':
        return this.handleOutput((event as DebugProtocol.OutputEvent).body);
      case 'breakpoint': {
        const bp = (event as DebugProtocol.BreakpointEvent).body.breakpoint;
        const breakpoints = applyBreakpointEvent(this.core.current.breakpoints, bp);
        if (breakpoints) this.core.update({ breakpoints });
        return;
      }
      case 'thread':
        return refreshThreads(this.core);
      case 'exited':
        this.core.update({ exitCode: (event as DebugProtocol.ExitedEvent).body.exitCode });
        markEnded(this.core, null);
        this.core.temporary.forget();
        return;
      case 'terminated':
        markEnded(this.core, null);
        this.core.temporary.forget();
        return;
      default:
        return;
    }
  }

  // ---- execution (see `execution-actions.ts`) ----

  /** Resumes the stopped thread with `continue`, `next` (step over), `stepIn` or `stepOut`. */
  resume(command: ResumeCommand): Promise<void> {
    return actions.resume(this.core, command);
  }

  /** Pauses the program (DAP `pause`) on the selected thread, or the first one. */
  pause(): Promise<void> {
    return actions.pause(this.core);
  }

  /** Run to cursor: a temporary breakpoint at `line` of `path`, then `continue`. */
  runToCursor(path: string, line: number): Promise<void> {
    return actions.runToCursor(this.core, path, line);
  }

  /** Jump to cursor (DAP `gotoTargets` + `goto`): skips the code in between. */
  jumpToCursor(path: string, line: number): Promise<void> {
    return actions.jumpToCursor(this.core, path, line);
  }

  /**
   * The calls "step into target" can enter (DAP `stepInTargets`); empty when there are none.
   * @throws Error with the adapter's text when the request fails.
   */
  stepInTargets(): Promise<DebugProtocol.StepInTarget[]> {
    return actions.stepInTargets(this.core);
  }

  /** Steps into one target of {@link stepInTargets} (DAP `stepIn` with `targetId`). */
  stepIntoTarget(targetId: number): Promise<void> {
    return actions.stepIntoTarget(this.core, targetId);
  }

  // ---- threads and frames (see `stacks.ts`) ----

  /** Selects a thread and loads its stack (only while paused). */
  selectThread(threadId: number): Promise<void> {
    return selectThread(this.core, threadId);
  }

  /** Expands or collapses a thread row other than the selected one (loads its stack). */
  toggleThread(threadId: number): Promise<void> {
    return toggleThread(this.core, threadId);
  }

  /** Selects a frame of another thread: that thread becomes the selected one, then the frame. */
  async selectThreadFrame(threadId: number, frameId: number): Promise<void> {
    if (threadId !== this.core.current.selectedThreadId) await this.selectThread(threadId);
    if (this.core.current.selectedFrameId !== frameId) await this.selectFrame(frameId);
  }

  /** Selects a frame of the loaded stack: shows its source, reloads scopes and watch values. */
  selectFrame(frameId: number): Promise<void> {
    return selectFrame(this.core, frameId);
  }

  // ---- variables (see `variables.ts`) ----

  /** Expands or collapses a scope or variable; big containers (given as `variable`) page. */
  toggleExpanded(variablesReference: number, variable?: DebugProtocol.Variable): Promise<void> {
    return toggleExpanded(this.core, variablesReference, variable);
  }

  /** Shows the page of a paged container that starts at `start` (a slice evaluated). */
  showPage(variablesReference: number, start: number): Promise<void> {
    return showPage(this.core, variablesReference, start);
  }

  /** Sets a variable in place; null on success, else the error text to show at the input. */
  setVariable(target: VariableTarget, value: string): Promise<string | null> {
    return setVariable(this.core, target, value);
  }

  /**
   * The whole text of a variable's value (debugpy cuts listed values at 1000 characters).
   * @throws Error with the adapter's text when it cannot be evaluated.
   */
  fullValue(variable: Pick<DebugProtocol.Variable, 'value' | 'evaluateName'>): Promise<string> {
    const view = this.core.current;
    return fullValue(this.core.deps.dapRequest, variable, view.selectedFrameId, view.capabilities);
  }

  /** The value of an expression under the mouse in the source view, or null (not paused, error). */
  async hoverValue(expression: string): Promise<HoverValue | null> {
    const frameId = this.core.current.selectedFrameId;
    if (this.core.current.state !== 'stopped' || frameId === null) return null;
    return evaluateHover(this.core.deps.dapRequest, expression, frameId);
  }

  /**
   * Completions of console input (DAP `completions` in the selected frame, gated on
   * `supportsCompletionsRequest`); `cursor` is a 0-based offset in `line`.
   */
  async completions(line: string, cursor: number): Promise<CompletionResult> {
    const view = this.core.current;
    if (!view.capabilities.supportsCompletionsRequest || view.state !== 'stopped') {
      return { replaceLength: 0, items: [] };
    }
    return requestCompletions(this.core.deps.dapRequest, line, cursor, view.selectedFrameId);
  }

  // ---- watches (see `watches.ts`) ----

  /** Adds a watch expression and evaluates it when paused. Blank input is ignored. */
  addWatch(expression: string): Promise<void> {
    return watches.addWatch(this.core, expression);
  }

  /** Removes a watch expression. */
  removeWatch(id: number): void {
    watches.removeWatch(this.core, id);
  }

  /** Replaces a watch's expression (blank removes it) and evaluates it when paused. */
  editWatch(id: number, expression: string): Promise<void> {
    return watches.editWatch(this.core, id, expression);
  }

  /** Moves a watch to position `index` (0-based, clamped) of the list. */
  moveWatch(id: number, index: number): void {
    watches.moveWatch(this.core, id, index);
  }

  /** Replaces the watch list (a profile's saved watches) and evaluates it when paused. */
  setWatchExpressions(expressions: readonly string[]): Promise<void> {
    return watches.setWatchExpressions(this.core, expressions);
  }

  /** The watch expressions, in order (to carry them to the next session). */
  watchExpressions(): string[] {
    return this.core.current.watches.map((w) => w.expression);
  }

  // ---- console and breakpoints ----

  /**
   * Evaluates a console expression (DAP `evaluate`, context `repl`) in the selected frame.
   * Never throws: failures come back as `{ ok: false, text }` with the adapter's message.
   */
  async evaluate(expression: string): Promise<{ ok: boolean; text: string }> {
    const args: DebugProtocol.EvaluateArguments = { expression, context: 'repl' };
    const frameId = this.core.current.selectedFrameId;
    if (frameId !== null) args.frameId = frameId;
    try {
      const response = await this.core.deps.dapRequest('evaluate', args);
      if (!response.success) return { ok: false, text: dapErrorText(response) };
      const body = (response as DebugProtocol.EvaluateResponse).body;
      void watches.reevaluateWatches(this.core);
      return { ok: true, text: body.result };
    } catch (err) {
      return { ok: false, text: errorMessage(err) };
    }
  }

  /**
   * Replaces the breakpoints of one file (DAP `setBreakpoints` with all its lines or
   * `SourceBreakpoint`s, see `breakpoint-status.ts`) and records their verification. Does
   * nothing once the session has ended.
   */
  async setBreakpoints(
    path: string,
    lines: readonly (number | DebugProtocol.SourceBreakpoint)[],
  ): Promise<void> {
    if (this.core.current.state === 'ended') return;
    this.core.temporary.record(path, lines);
    const statuses = await requestLineBreakpoints(this.core.deps.dapRequest, path, lines);
    const breakpoints = new Map(this.core.current.breakpoints);
    if (statuses.length === 0) breakpoints.delete(path);
    else breakpoints.set(path, statuses);
    this.core.update({ breakpoints });
  }

  /**
   * Records the verification of a file's breakpoints that another client of the session set
   * (`session.breakpointsChanged`: what it asked for and the tracer's answer), so this window
   * shows the tracer's verdict without sending `setBreakpoints` again.
   */
  applySharedBreakpoints(
    path: string,
    requested: readonly DebugProtocol.SourceBreakpoint[],
    verification: readonly DebugProtocol.Breakpoint[],
  ): void {
    if (this.core.current.state === 'ended') return;
    this.core.temporary.record(path, requested);
    const breakpoints = new Map(this.core.current.breakpoints);
    if (requested.length === 0) breakpoints.delete(path);
    else breakpoints.set(path, statusesFromAnswer(requested, verification));
    this.core.update({ breakpoints });
  }

  private handleOutput(body: DebugProtocol.OutputEvent['body']): void {
    const category = body.category ?? 'console';
    // DAP says `output` is text; the relay makes sure, and a stray value is never appended.
    if (category === 'telemetry' || typeof body.output !== 'string') return;
    const kind: ConsoleKind =
      category === 'stdout' || category === 'stderr' || category === 'console'
        ? category
        : category === 'important'
          ? 'info'
          : 'console';
    this.core.deps.console.write(body.output, kind);
  }
}
