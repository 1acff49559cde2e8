import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionInfo } from '../../src-main/protocol/client-protocol.js';
import { applyBreakpointEvent, requestLineBreakpoints } from './breakpoint-status.js';
import { dapErrorText, errorMessage, expectSuccess } from './dap-response.js';
import {
  initialSessionView,
  type ContainerPage,
  type DebugSessionView,
  type ThreadStack,
  type VariableChildren,
  type WatchItem,
} from './debug-session-view.js';
import {
  evaluateHover,
  fullValue,
  requestCompletions,
  setValue,
  type CompletionResult,
  type HoverValue,
} from './inspection.js';
import { TemporaryBreakpoint } from './temporary-breakpoint.js';
import {
  PAGE_SIZE,
  firstPageItems,
  headerEntries,
  indexName,
  loadPage,
  pagedContainer,
  type PagedContainer,
} from './variable-paging.js';
import { evaluateWatchExpression, newWatchItem, withWatchResult } from './watch-evaluation.js';

/** Kinds of console text (the console widget colours them). */
export type ConsoleKind = 'stdout' | 'stderr' | 'console' | 'input' | 'result' | 'error' | 'info';

/** Where the model writes program and tracer output (a `ConsoleChannel`). */
export interface ConsoleSink {
  write(text: string, kind: ConsoleKind): void;
}

/** Sends one DAP request to this session and resolves with the response (also when it failed). */
export type DapRequester = (command: string, args?: unknown) => Promise<DebugProtocol.Response>;

/** What a {@link DebugSessionModel} needs from the outside. */
export interface DebugSessionModelDeps {
  dapRequest: DapRequester;
  console: ConsoleSink;
  /** Shows the source of a selected frame (loads it when needed). Errors are reported by the caller. */
  showSource?: (source: DebugProtocol.Source, line: number) => Promise<void>;
  /** Watch expressions to start with. */
  watchExpressions?: readonly string[];
}

/** Commands that resume a stopped thread. */
export type ResumeCommand = 'continue' | 'next' | 'stepIn' | 'stepOut';

/** Where a variable row sits, so it can be set in place: its container and the variable. */
export interface VariableTarget {
  /** `variablesReference` of the scope or variable that lists it; null for page items. */
  containerRef: number | null;
  variable: DebugProtocol.Variable;
}

/** Maximum frames fetched after the top frame (DAP `stackTrace` `levels`). */
const REST_OF_STACK_LEVELS = 199;

/**
 * The debug model of one session (after VS Code's `debugSession.ts`/`debugModel.ts`): state,
 * threads, the selected thread's stack, scopes and lazily loaded variables, watch expressions and
 * breakpoint verification. It reacts to DAP events and issues DAP requests; every change replaces
 * {@link view} and notifies listeners. Results of requests made for an earlier stop or frame are
 * dropped (a generation counter), so a quick step never paints stale frames.
 */
export class DebugSessionModel {
  private current: DebugSessionView;
  private readonly listeners = new Set<(view: DebugSessionView) => void>();
  /** Bumped on every stop and resume. */
  private generation = 0;
  /** Bumped on every frame selection. */
  private frameGeneration = 0;
  private nextWatchId = 1;
  /** Paged containers by `variablesReference`: how to fetch their other pages. */
  private readonly containers = new Map<number, PagedContainer>();
  /** The breakpoint of "run to cursor", between the request and the next stop. */
  private readonly temporary: TemporaryBreakpoint;

  constructor(
    readonly sessionId: string,
    private readonly deps: DebugSessionModelDeps,
  ) {
    this.current = {
      ...initialSessionView(),
      watches: (deps.watchExpressions ?? []).map((expression) => this.newWatch(expression)),
    };
    this.temporary = new TemporaryBreakpoint(deps.dapRequest, (path, breakpoints) =>
      this.setBreakpoints(path, breakpoints),
    );
  }

  /** The current snapshot. */
  get view(): DebugSessionView {
    return this.current;
  }

  /** Registers a change listener; returns its remover. */
  onChange(listener: (view: DebugSessionView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- inputs ----

  /** Records the tracer's capabilities (from `session.join`, or the relay's `initialize` answer). */
  applyCapabilities(capabilities: DebugProtocol.Capabilities): void {
    this.update({ capabilities });
  }

  /** Applies the relay's view of the session (`sessions.changed`, `session.join`). */
  applySessionInfo(info: SessionInfo): void {
    if (info.state === 'ended') {
      // The relay knows why (closed by the user, SSH lost, exit code): its reason wins.
      if (this.current.state !== 'ended') this.markEnded(info.endReason ?? null);
      else if (info.endReason) this.update({ endReason: info.endReason });
    } else if (this.current.state === 'starting' && info.state === 'running') {
      this.update({ state: 'running' });
    }
  }

  /**
   * Loads the paused state without a `stopped` event (a client that joins a paused session):
   * the first thread's stack.
   */
  async refreshStopped(): Promise<void> {
    await this.handleStopped({ reason: 'pause' });
  }

  /** Handles one DAP event of this session. */
  async handleEvent(event: DebugProtocol.Event): Promise<void> {
    switch (event.event) {
      case 'stopped':
        return this.handleStopped((event as DebugProtocol.StoppedEvent).body);
      case 'continued': {
        const body = (event as DebugProtocol.ContinuedEvent).body;
        const stopped = this.current.stop?.threadId ?? null;
        if (body.allThreadsContinued === true || stopped === null || body.threadId === stopped) {
          this.markRunning();
        }
        return;
      }
      case 'output':
        return this.handleOutput((event as DebugProtocol.OutputEvent).body);
      case 'breakpoint':
        return this.handleBreakpointEvent((event as DebugProtocol.BreakpointEvent).body.breakpoint);
      case 'thread':
        return this.refreshThreads();
      case 'exited':
        this.update({ exitCode: (event as DebugProtocol.ExitedEvent).body.exitCode });
        this.markEnded(null);
        this.temporary.forget();
        return;
      case 'terminated':
        this.markEnded(null);
        this.temporary.forget();
        return;
      default:
        return;
    }
  }

  // ---- actions ----

  /** Resumes the stopped thread with `continue`, `next` (step over), `stepIn` or `stepOut`. */
  async resume(command: ResumeCommand): Promise<void> {
    const threadId = this.current.stop?.threadId ?? this.current.selectedThreadId;
    if (this.current.state !== 'stopped' || threadId === null) return;
    this.markRunning();
    try {
      expectSuccess(await this.deps.dapRequest(command, { threadId }));
    } catch (err) {
      this.deps.console.write(`${command} failed: ${errorMessage(err)}\n`, 'error');
    }
  }

  /** Pauses the program (DAP `pause`) on the selected thread, or the first one. */
  async pause(): Promise<void> {
    if (this.current.state !== 'running') return;
    try {
      let threadId = this.current.selectedThreadId ?? this.current.threads[0]?.id;
      if (threadId === undefined) {
        await this.refreshThreads();
        threadId = this.current.threads[0]?.id ?? 0;
      }
      expectSuccess(await this.deps.dapRequest('pause', { threadId }));
    } catch (err) {
      this.deps.console.write(`pause failed: ${errorMessage(err)}\n`, 'error');
    }
  }

  /**
   * Run to cursor: a temporary breakpoint at `line` of `path` (sent with the file's own
   * breakpoints, which come back on the next stop), then `continue`. This is VS Code's "Run to
   * Cursor" and runs the code in between; DAP `goto` ({@link jumpToCursor}) would skip it.
   */
  async runToCursor(path: string, line: number): Promise<void> {
    if (this.current.state !== 'stopped') return;
    try {
      await this.temporary.place(path, line);
    } catch (err) {
      this.deps.console.write(`Run to cursor failed: ${errorMessage(err)}\n`, 'error');
      return;
    }
    await this.resume('continue');
  }

  /**
   * Jump to cursor (DAP `gotoTargets` + `goto`, gated on `supportsGotoTargetsRequest`): moves the
   * stopped thread's next statement to `line` without running the code in between.
   */
  async jumpToCursor(path: string, line: number): Promise<void> {
    const threadId = this.current.stop?.threadId ?? this.current.selectedThreadId;
    if (this.current.state !== 'stopped' || threadId === null) return;
    try {
      if (!this.current.capabilities.supportsGotoTargetsRequest) {
        throw new Error('the debugger cannot jump to a line');
      }
      const targets = expectSuccess<DebugProtocol.GotoTargetsResponse>(
        await this.deps.dapRequest('gotoTargets', { source: { path }, line }),
      ).body.targets;
      const target = targets[0];
      if (!target) throw new Error(`line ${line} cannot be jumped to`);
      this.markRunning();
      expectSuccess(await this.deps.dapRequest('goto', { threadId, targetId: target.id }));
    } catch (err) {
      this.deps.console.write(`Jump to cursor failed: ${errorMessage(err)}\n`, 'error');
    }
  }

  /**
   * The calls of the selected frame's line that "step into target" can enter (DAP
   * `stepInTargets`, gated on `supportsStepInTargetsRequest`). Empty when there are none.
   * @throws Error with the adapter's text when the request fails.
   */
  async stepInTargets(): Promise<DebugProtocol.StepInTarget[]> {
    const frameId = this.current.selectedFrameId;
    if (this.current.state !== 'stopped' || frameId === null) return [];
    if (!this.current.capabilities.supportsStepInTargetsRequest) return [];
    return expectSuccess<DebugProtocol.StepInTargetsResponse>(
      await this.deps.dapRequest('stepInTargets', { frameId }),
    ).body.targets;
  }

  /** Steps into one target of {@link stepInTargets} (DAP `stepIn` with `targetId`). */
  async stepIntoTarget(targetId: number): Promise<void> {
    const threadId = this.current.stop?.threadId ?? this.current.selectedThreadId;
    if (this.current.state !== 'stopped' || threadId === null) return;
    this.markRunning();
    try {
      expectSuccess(await this.deps.dapRequest('stepIn', { threadId, targetId }));
    } catch (err) {
      this.deps.console.write(`Step into target failed: ${errorMessage(err)}\n`, 'error');
    }
  }

  /** Selects a thread and loads its stack (only while paused). */
  async selectThread(threadId: number): Promise<void> {
    if (this.current.state !== 'stopped' || threadId === this.current.selectedThreadId) return;
    const gen = ++this.generation;
    this.update({ selectedThreadId: threadId, ...this.clearedFrames() });
    await this.loadStack(threadId, gen);
  }

  /**
   * Expands or collapses a thread row other than the selected one; expanding loads that thread's
   * stack (DAP `stackTrace`) into `threadStacks`.
   */
  async toggleThread(threadId: number): Promise<void> {
    if (this.current.state !== 'stopped') return;
    const stacks = new Map(this.current.threadStacks);
    if (stacks.has(threadId)) {
      stacks.delete(threadId);
      this.update({ threadStacks: stacks });
      return;
    }
    await this.loadThreadStack(threadId, this.generation);
  }

  /** Selects a frame of another thread: that thread becomes the selected one, then the frame. */
  async selectThreadFrame(threadId: number, frameId: number): Promise<void> {
    if (threadId !== this.current.selectedThreadId) await this.selectThread(threadId);
    if (this.current.selectedFrameId !== frameId) await this.selectFrame(frameId);
  }

  /** Selects a frame of the loaded stack: shows its source, reloads scopes and watch values. */
  async selectFrame(frameId: number): Promise<void> {
    const frame = this.current.frames.find((f) => f.id === frameId);
    if (!frame || this.current.state !== 'stopped') return;
    await this.loadFrame(frame, this.generation);
  }

  /**
   * Expands or collapses a scope or variable; expanding loads its children once. A variable with
   * more than {@link PAGE_SIZE} items (given as `variable`) is shown a page at a time.
   */
  async toggleExpanded(
    variablesReference: number,
    variable?: DebugProtocol.Variable,
  ): Promise<void> {
    const expanded = new Set(this.current.expanded);
    if (expanded.has(variablesReference)) {
      expanded.delete(variablesReference);
      this.update({ expanded });
      return;
    }
    expanded.add(variablesReference);
    this.update({ expanded });
    const gen = this.generation;
    const fgen = this.frameGeneration;
    const isCurrent = () => gen === this.generation && fgen === this.frameGeneration;
    await this.loadChildren(variablesReference, isCurrent);
    const loaded = this.current.children.get(variablesReference);
    if (!variable || loaded?.status !== 'loaded' || this.current.pages.has(variablesReference)) {
      return;
    }
    const container = pagedContainer(variable, loaded.variables);
    if (!container || !isCurrent()) return;
    this.containers.set(variablesReference, container);
    const items = firstPageItems(loaded.variables).map((item, i) =>
      container.kind === 'iterable' ? { ...item, name: indexName(i, container.length) } : item,
    );
    this.setChildren(variablesReference, {
      status: 'loaded',
      variables: headerEntries(loaded.variables),
    });
    this.setPage(variablesReference, {
      length: container.length,
      start: 0,
      status: 'loaded',
      variables: items,
    });
  }

  /**
   * Shows the page of a paged container that starts at `start` (clamped to the container and
   * rounded down to a page boundary): evaluates a slice of it in the selected frame.
   */
  async showPage(variablesReference: number, start: number): Promise<void> {
    const container = this.containers.get(variablesReference);
    const frameId = this.current.selectedFrameId;
    const page = this.current.pages.get(variablesReference);
    if (!container || !page || frameId === null || this.current.state !== 'stopped') return;
    const last = Math.max(0, container.length - 1);
    const first = Math.floor(Math.min(Math.max(0, start), last) / PAGE_SIZE) * PAGE_SIZE;
    const gen = this.generation;
    const fgen = this.frameGeneration;
    this.setPage(variablesReference, { ...page, start: first, status: 'loading' });
    let next: ContainerPage;
    try {
      const variables = await loadPage(this.deps.dapRequest, container, first, frameId);
      next = { length: container.length, start: first, status: 'loaded', variables };
    } catch (err) {
      next = { ...page, start: first, status: 'error', variables: [], message: errorMessage(err) };
    }
    if (gen !== this.generation || fgen !== this.frameGeneration) return;
    if (this.current.pages.get(variablesReference)?.start !== first) return;
    this.setPage(variablesReference, next);
  }

  /**
   * Sets a variable to the value of a Python expression (DAP `setVariable`, or `setExpression`
   * for items of a page after the first), updates its row and re-evaluates the watches.
   * Returns null on success, else the error text to show at the input.
   */
  async setVariable(target: VariableTarget, value: string): Promise<string | null> {
    if (this.current.state !== 'stopped') return 'The program is not paused.';
    const frameId = this.current.selectedFrameId;
    const result = await setValue(
      this.deps.dapRequest,
      { containerRef: target.containerRef, variable: target.variable, frameId },
      value,
      this.current.capabilities,
    );
    if (!result.ok) return result.message;
    const replace = (v: DebugProtocol.Variable): DebugProtocol.Variable =>
      v.name === target.variable.name && v.evaluateName === target.variable.evaluateName
        ? {
            ...v,
            value: result.value,
            ...(result.type ? { type: result.type } : {}),
            variablesReference: result.variablesReference,
          }
        : v;
    const children = new Map(this.current.children);
    for (const [ref, entry] of children) {
      if (entry.status === 'loaded')
        children.set(ref, { ...entry, variables: entry.variables.map(replace) });
    }
    const pages = new Map(this.current.pages);
    for (const [ref, page] of pages)
      pages.set(ref, { ...page, variables: page.variables.map(replace) });
    this.update({ children, pages });
    await this.reevaluateWatches();
    return null;
  }

  /**
   * The whole text of a variable's value (debugpy cuts listed values at 1000 characters).
   * @throws Error with the adapter's text when it cannot be evaluated.
   */
  async fullValue(
    variable: Pick<DebugProtocol.Variable, 'value' | 'evaluateName'>,
  ): Promise<string> {
    return fullValue(
      this.deps.dapRequest,
      variable,
      this.current.selectedFrameId,
      this.current.capabilities,
    );
  }

  /** The value of an expression under the mouse in the source view, or null (not paused, error). */
  async hoverValue(expression: string): Promise<HoverValue | null> {
    const frameId = this.current.selectedFrameId;
    if (this.current.state !== 'stopped' || frameId === null) return null;
    return evaluateHover(this.deps.dapRequest, expression, frameId);
  }

  /**
   * Completions of console input (DAP `completions` in the selected frame, gated on
   * `supportsCompletionsRequest`); `cursor` is a 0-based offset in `line`.
   */
  async completions(line: string, cursor: number): Promise<CompletionResult> {
    if (!this.current.capabilities.supportsCompletionsRequest || this.current.state !== 'stopped') {
      return { replaceLength: 0, items: [] };
    }
    return requestCompletions(this.deps.dapRequest, line, cursor, this.current.selectedFrameId);
  }

  /** Adds a watch expression and evaluates it when paused. Blank input is ignored. */
  async addWatch(expression: string): Promise<void> {
    const text = expression.trim();
    if (!text) return;
    const watch = this.newWatch(text);
    this.update({ watches: [...this.current.watches, watch] });
    const frameId = this.current.selectedFrameId;
    if (this.current.state === 'stopped' && frameId !== null) {
      const gen = this.generation;
      const fgen = this.frameGeneration;
      await this.evaluateWatch(
        watch.id,
        frameId,
        () => gen === this.generation && fgen === this.frameGeneration,
      );
    }
  }

  /** Removes a watch expression. */
  removeWatch(id: number): void {
    this.update({ watches: this.current.watches.filter((w) => w.id !== id) });
  }

  /** Replaces a watch's expression (blank removes it) and evaluates it when paused. */
  async editWatch(id: number, expression: string): Promise<void> {
    const text = expression.trim();
    if (!text) return this.removeWatch(id);
    const old = this.current.watches.find((w) => w.id === id);
    if (!old || old.expression === text) return;
    const watch = { ...newWatchItem(id, text) };
    this.update({ watches: this.current.watches.map((w) => (w.id === id ? watch : w)) });
    const frameId = this.current.selectedFrameId;
    if (this.current.state === 'stopped' && frameId !== null) {
      const gen = this.generation;
      const fgen = this.frameGeneration;
      await this.evaluateWatch(
        id,
        frameId,
        () => gen === this.generation && fgen === this.frameGeneration,
      );
    }
  }

  /** Moves a watch to position `index` (0-based, clamped) of the list. */
  moveWatch(id: number, index: number): void {
    const list = [...this.current.watches];
    const from = list.findIndex((w) => w.id === id);
    if (from === -1) return;
    const [watch] = list.splice(from, 1);
    if (!watch) return;
    list.splice(Math.max(0, Math.min(index, list.length)), 0, watch);
    this.update({ watches: list });
  }

  /** Replaces the watch list (a profile's saved watches) and evaluates it when paused. */
  async setWatchExpressions(expressions: readonly string[]): Promise<void> {
    const same =
      expressions.length === this.current.watches.length &&
      expressions.every((e, i) => this.current.watches[i]?.expression === e);
    if (same) return;
    this.update({ watches: expressions.map((e) => this.newWatch(e)) });
    await this.reevaluateWatches();
  }

  /** The watch expressions, in order (to carry them to the next session). */
  watchExpressions(): string[] {
    return this.current.watches.map((w) => w.expression);
  }

  /**
   * Evaluates a console expression (DAP `evaluate`, context `repl`) in the selected frame.
   * Never throws: failures come back as `{ ok: false, text }` with the adapter's message.
   */
  async evaluate(expression: string): Promise<{ ok: boolean; text: string }> {
    const args: DebugProtocol.EvaluateArguments = { expression, context: 'repl' };
    if (this.current.selectedFrameId !== null) args.frameId = this.current.selectedFrameId;
    try {
      const response = await this.deps.dapRequest('evaluate', args);
      if (!response.success) return { ok: false, text: dapErrorText(response) };
      const body = (response as DebugProtocol.EvaluateResponse).body;
      void this.reevaluateWatches();
      return { ok: true, text: body.result };
    } catch (err) {
      return { ok: false, text: errorMessage(err) };
    }
  }

  /**
   * Replaces the breakpoints of one file (DAP `setBreakpoints` with all its lines) and records
   * their verification. Does nothing once the session has ended.
   * (Breakpoints issue: a breakpoint may also be a `SourceBreakpoint` with condition, hit
   * condition or logpoint message; see `breakpoint-status.ts`.)
   */
  async setBreakpoints(
    path: string,
    lines: readonly (number | DebugProtocol.SourceBreakpoint)[],
  ): Promise<void> {
    if (this.current.state === 'ended') return;
    this.temporary.record(path, lines);
    const statuses = await requestLineBreakpoints(this.deps.dapRequest, path, lines);
    const breakpoints = new Map(this.current.breakpoints);
    if (statuses.length === 0) breakpoints.delete(path);
    else breakpoints.set(path, statuses);
    this.update({ breakpoints });
  }

  // ---- internals ----

  private async handleStopped(body: DebugProtocol.StoppedEvent['body']): Promise<void> {
    const gen = ++this.generation;
    const ranToCursor = this.temporary.isPlaced;
    void this.temporary.remove().catch((err: unknown) => {
      this.deps.console.write(
        `Could not remove the run-to-cursor breakpoint: ${errorMessage(err)}\n`,
        'error',
      );
    });
    const expandedThreads = [...this.current.threadStacks.keys()];
    this.update({
      state: 'stopped',
      stop: {
        reason: body.reason,
        threadId: body.threadId ?? null,
        ...(body.description ? { description: body.description } : {}),
        ...(!body.description && ranToCursor && body.reason === 'breakpoint'
          ? { description: 'Paused at the cursor line' }
          : {}),
        ...(body.text ? { text: body.text } : {}),
      },
      threadStacks: new Map(),
      ...this.clearedFrames(),
    });
    try {
      // The stopped thread is known from the event: its stack is fetched (and painted) without
      // waiting for the thread list, which is only needed for the call stack's other threads.
      const known = body.threadId ?? null;
      if (known !== null) this.update({ selectedThreadId: known });
      const knownStack = known !== null ? this.loadStack(known, gen) : null;
      const threads = expectSuccess<DebugProtocol.ThreadsResponse>(
        await this.deps.dapRequest('threads'),
      );
      if (gen !== this.generation) return;
      const list = threads.body.threads;
      const threadId = known ?? this.current.selectedThreadId ?? list[0]?.id ?? null;
      const stop = this.current.stop ? { ...this.current.stop, threadId } : null;
      this.update({ threads: list, selectedThreadId: threadId, stop });
      const others = expandedThreads.filter(
        (id) => id !== threadId && list.some((t) => t.id === id),
      );
      await Promise.all([
        knownStack ?? (threadId !== null ? this.loadStack(threadId, gen) : Promise.resolve()),
        ...others.map((id) => this.loadThreadStack(id, gen)),
      ]);
    } catch (err) {
      if (gen === this.generation) {
        this.deps.console.write(`Could not load the paused state: ${errorMessage(err)}\n`, 'error');
      }
    }
  }

  /** Top frame first (paint it), then the rest of the stack. */
  private async loadStack(threadId: number, gen: number): Promise<void> {
    const top = expectSuccess<DebugProtocol.StackTraceResponse>(
      await this.deps.dapRequest('stackTrace', { threadId, startFrame: 0, levels: 1 }),
    );
    if (gen !== this.generation) return;
    const frames = top.body.stackFrames;
    const total = top.body.totalFrames;
    const complete = frames.length === 0 || (total !== undefined && total <= frames.length);
    this.update({ frames, framesComplete: complete });
    if (frames[0]) await this.loadFrame(frames[0], gen);
    if (complete || gen !== this.generation) return;
    const rest = expectSuccess<DebugProtocol.StackTraceResponse>(
      await this.deps.dapRequest('stackTrace', {
        threadId,
        startFrame: frames.length,
        levels: REST_OF_STACK_LEVELS,
      }),
    );
    if (gen !== this.generation) return;
    this.update({
      frames: [...this.current.frames, ...rest.body.stackFrames],
      framesComplete: true,
    });
  }

  /** Loads the stack of a thread other than the selected one into `threadStacks`. */
  private async loadThreadStack(threadId: number, gen: number): Promise<void> {
    const set = (stack: ThreadStack): void => {
      const stacks = new Map(this.current.threadStacks);
      stacks.set(threadId, stack);
      this.update({ threadStacks: stacks });
    };
    set({ status: 'loading' });
    let stack: ThreadStack;
    try {
      const response = expectSuccess<DebugProtocol.StackTraceResponse>(
        await this.deps.dapRequest('stackTrace', { threadId, startFrame: 0, levels: 200 }),
      );
      stack = { status: 'loaded', frames: response.body.stackFrames };
    } catch (err) {
      stack = { status: 'error', message: errorMessage(err) };
    }
    if (gen === this.generation && this.current.threadStacks.has(threadId)) set(stack);
  }

  private async loadFrame(frame: DebugProtocol.StackFrame, gen: number): Promise<void> {
    const fgen = ++this.frameGeneration;
    const isCurrent = () => gen === this.generation && fgen === this.frameGeneration;
    this.update({
      selectedFrameId: frame.id,
      scopes: [],
      children: new Map(),
      expanded: new Set(),
      pages: new Map(),
      scopesError: null,
    });
    this.containers.clear();
    await Promise.all([
      this.showSource(frame),
      this.loadScopes(frame.id, isCurrent),
      this.evaluateWatches(frame.id, isCurrent),
    ]);
  }

  private async showSource(frame: DebugProtocol.StackFrame): Promise<void> {
    if (!frame.source || !this.deps.showSource) return;
    try {
      await this.deps.showSource(frame.source, frame.line);
    } catch (err) {
      this.deps.console.write(`Could not open the source: ${errorMessage(err)}\n`, 'error');
    }
  }

  private async loadScopes(frameId: number, isCurrent: () => boolean): Promise<void> {
    try {
      const response = expectSuccess<DebugProtocol.ScopesResponse>(
        await this.deps.dapRequest('scopes', { frameId }),
      );
      if (!isCurrent()) return;
      const scopes = response.body.scopes;
      this.update({ scopes });
      const first = scopes.find((s) => !s.expensive && s.variablesReference > 0);
      if (first) {
        this.update({ expanded: new Set([...this.current.expanded, first.variablesReference]) });
        await this.loadChildren(first.variablesReference, isCurrent);
      }
    } catch (err) {
      if (isCurrent()) this.update({ scopesError: errorMessage(err) });
    }
  }

  private async loadChildren(ref: number, isCurrent: () => boolean): Promise<void> {
    const known = this.current.children.get(ref);
    if (known && known.status !== 'error') return;
    this.setChildren(ref, { status: 'loading' });
    let children: VariableChildren;
    try {
      const response = expectSuccess<DebugProtocol.VariablesResponse>(
        await this.deps.dapRequest('variables', { variablesReference: ref }),
      );
      children = { status: 'loaded', variables: response.body.variables };
    } catch (err) {
      children = { status: 'error', message: errorMessage(err) };
    }
    if (isCurrent()) this.setChildren(ref, children);
  }

  private setPage(ref: number, page: ContainerPage): void {
    const pages = new Map(this.current.pages);
    pages.set(ref, page);
    this.update({ pages });
  }

  private setChildren(ref: number, value: VariableChildren): void {
    const children = new Map(this.current.children);
    children.set(ref, value);
    this.update({ children });
  }

  private async reevaluateWatches(): Promise<void> {
    const frameId = this.current.selectedFrameId;
    if (this.current.state !== 'stopped' || frameId === null) return;
    const gen = this.generation;
    const fgen = this.frameGeneration;
    await this.evaluateWatches(
      frameId,
      () => gen === this.generation && fgen === this.frameGeneration,
    );
  }

  private async evaluateWatches(frameId: number, isCurrent: () => boolean): Promise<void> {
    await Promise.all(
      this.current.watches.map((w) => this.evaluateWatch(w.id, frameId, isCurrent)),
    );
  }

  private async evaluateWatch(
    id: number,
    frameId: number,
    isCurrent: () => boolean,
  ): Promise<void> {
    const watch = this.current.watches.find((w) => w.id === id);
    if (!watch) return;
    const result = await evaluateWatchExpression(this.deps.dapRequest, watch.expression, frameId);
    if (!isCurrent()) return;
    this.update({
      watches: this.current.watches.map((w) => (w.id === id ? withWatchResult(w, result) : w)),
    });
  }

  private async refreshThreads(): Promise<void> {
    if (this.current.state === 'ended') return;
    try {
      const response = expectSuccess<DebugProtocol.ThreadsResponse>(
        await this.deps.dapRequest('threads'),
      );
      this.update({ threads: response.body.threads });
    } catch {
      // The thread list is refreshed again on the next stop.
    }
  }

  private handleOutput(body: DebugProtocol.OutputEvent['body']): void {
    const category = body.category ?? 'console';
    if (category === 'telemetry') return;
    const kind: ConsoleKind =
      category === 'stdout' || category === 'stderr' || category === 'console'
        ? category
        : category === 'important'
          ? 'info'
          : 'console';
    this.deps.console.write(body.output, kind);
  }

  private handleBreakpointEvent(bp: DebugProtocol.Breakpoint): void {
    const breakpoints = applyBreakpointEvent(this.current.breakpoints, bp);
    if (breakpoints) this.update({ breakpoints });
  }

  private markRunning(): void {
    if (this.current.state === 'running' || this.current.state === 'ended') return;
    this.generation++;
    this.update({
      state: 'running',
      stop: null,
      ...this.clearedFrames(),
      threadStacks: new Map(),
      watches: this.current.watches.map((w) => ({ ...w, stale: true })),
    });
  }

  private markEnded(reason: string | null): void {
    this.generation++;
    this.update({
      state: 'ended',
      endReason: reason ?? this.current.endReason,
      stop: null,
      ...this.clearedFrames(),
      watches: this.current.watches.map((w) => ({ ...w, stale: true })),
    });
  }

  private clearedFrames(): Partial<DebugSessionView> {
    return {
      frames: [],
      framesComplete: false,
      selectedFrameId: null,
      scopes: [],
      children: new Map(),
      expanded: new Set(),
      pages: new Map(),
      scopesError: null,
    };
  }

  private newWatch(expression: string): WatchItem {
    return newWatchItem(this.nextWatchId++, expression);
  }

  private update(patch: Partial<DebugSessionView>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener(this.current);
  }
}
