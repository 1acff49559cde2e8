import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionInfo } from '../../src-main/protocol/client-protocol.js';
import { applyBreakpointEvent, requestLineBreakpoints } from './breakpoint-status.js';
import { dapErrorText, errorMessage, expectSuccess } from './dap-response.js';
import {
  initialSessionView,
  type DebugSessionView,
  type VariableChildren,
  type WatchItem,
} from './debug-session-view.js';
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

  constructor(
    readonly sessionId: string,
    private readonly deps: DebugSessionModelDeps,
  ) {
    this.current = {
      ...initialSessionView(),
      watches: (deps.watchExpressions ?? []).map((expression) => this.newWatch(expression)),
    };
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
        return;
      case 'terminated':
        this.markEnded(null);
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

  /** Selects a thread and loads its stack (only while paused). */
  async selectThread(threadId: number): Promise<void> {
    if (this.current.state !== 'stopped' || threadId === this.current.selectedThreadId) return;
    const gen = ++this.generation;
    this.update({ selectedThreadId: threadId, ...this.clearedFrames() });
    await this.loadStack(threadId, gen);
  }

  /** Selects a frame of the loaded stack: shows its source, reloads scopes and watch values. */
  async selectFrame(frameId: number): Promise<void> {
    const frame = this.current.frames.find((f) => f.id === frameId);
    if (!frame || this.current.state !== 'stopped') return;
    await this.loadFrame(frame, this.generation);
  }

  /** Expands or collapses a scope or variable; expanding loads its children once. */
  async toggleExpanded(variablesReference: number): Promise<void> {
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
    await this.loadChildren(
      variablesReference,
      () => gen === this.generation && fgen === this.frameGeneration,
    );
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
   */
  async setBreakpoints(path: string, lines: readonly number[]): Promise<void> {
    if (this.current.state === 'ended') return;
    const statuses = await requestLineBreakpoints(this.deps.dapRequest, path, lines);
    const breakpoints = new Map(this.current.breakpoints);
    if (statuses.length === 0) breakpoints.delete(path);
    else breakpoints.set(path, statuses);
    this.update({ breakpoints });
  }

  // ---- internals ----

  private async handleStopped(body: DebugProtocol.StoppedEvent['body']): Promise<void> {
    const gen = ++this.generation;
    this.update({
      state: 'stopped',
      stop: {
        reason: body.reason,
        threadId: body.threadId ?? null,
        ...(body.description ? { description: body.description } : {}),
        ...(body.text ? { text: body.text } : {}),
      },
      ...this.clearedFrames(),
    });
    try {
      const threads = expectSuccess<DebugProtocol.ThreadsResponse>(
        await this.deps.dapRequest('threads'),
      );
      if (gen !== this.generation) return;
      const list = threads.body.threads;
      const threadId = body.threadId ?? this.current.selectedThreadId ?? list[0]?.id ?? null;
      const stop = this.current.stop ? { ...this.current.stop, threadId } : null;
      this.update({ threads: list, selectedThreadId: threadId, stop });
      if (threadId !== null) await this.loadStack(threadId, gen);
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

  private async loadFrame(frame: DebugProtocol.StackFrame, gen: number): Promise<void> {
    const fgen = ++this.frameGeneration;
    const isCurrent = () => gen === this.generation && fgen === this.frameGeneration;
    this.update({
      selectedFrameId: frame.id,
      scopes: [],
      children: new Map(),
      expanded: new Set(),
      scopesError: null,
    });
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
