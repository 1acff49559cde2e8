import type { DebugProtocol } from '@vscode/debugprotocol';
import { untrack } from 'svelte';
import type { LaunchParams, SessionInfo } from '../../src-common/protocol/client-protocol.js';
import { breakpoints } from './breakpoints/breakpoints.svelte.js';
import { recallLaunch, rememberLaunch } from './launch-memory.js';
import { launchBreakpointParams } from './breakpoints/launch-breakpoints.js';
import { sessionBreakpoints } from './breakpoints/session-breakpoints.svelte.js';
import { ConsoleChannel } from '../console/console-channel.js';
import { connection } from '../backend/connection.svelte.js';
import { DebugSessionModel, type ResumeCommand } from '../debug/session-model.js';
import type { DebugSessionView } from '../debug/session-view.js';
import { setHoverEvaluator } from '../editor/hover-evaluator.js';
import { sourceEditor } from './source.svelte.js';
import { ProfileWatches } from './profile-watches.js';
import { profiles } from './profiles.svelte.js';
import { OutputCursor, applyRemoteBreakpoints, writeConsoleEcho } from './shared-session-sync.js';
import { inTree, processesOf, rootOf } from './process-trees.js';
import { errorMessage } from '../../src-common/errors.js';
import { SessionListMirror } from '../../src-common/protocol/session-list.js';
import { isMidStep } from '../debug/step-settled.js';
import { PaintHold } from './paint-hold.js';
import { TerminalSizeSender } from '../console/terminal-input.js';

/** One session this window knows: its model and console. */
interface SessionEntry {
  model: DebugSessionModel;
  console: ConsoleChannel;
  /** Joined (launched here or `session.join` answered). */
  joined: boolean;
  /** What was launched, when this window launched it (for Restart). */
  params?: LaunchParams;
  /** The profile whose saved watch list this session's watches are written to. */
  profileId?: string;
  /** How much of the session's output the console shows (a rejoin's replay skips it). */
  output: OutputCursor;
  /** A `session.join` under way. */
  joining?: Promise<void>;
  /** Paints the model's views, once per step (`paint-hold.ts`). */
  paints: PaintHold<DebugSessionView>;
  /** Sizes for the program's terminal (a session with `terminal`), created on first resize. */
  terminalSize?: TerminalSizeSender;
}

/**
 * The sessions of the relay (`sessions.changed`, then `sessions.patched`), the active one, and a
 * {@link DebugSessionModel} + console per session this window follows. DAP events create a
 * session's model on first sight, so events that arrive before `session.launch` answers are kept.
 */
class SessionsStore {
  list = $state.raw<SessionInfo[]>([]);
  activeId = $state<string | null>(null);
  /** Latest view per session id. */
  views = $state.raw<Record<string, DebugSessionView>>({});
  /** Watch expressions while no session is active (the selected profile's saved list). */
  idleWatches = $state.raw<string[]>([]);
  /** A restart is under way (the toolbar disables its button). */
  restarting = $state(false);
  error = $state<string | null>(null);
  private readonly entries = new Map<string, SessionEntry>();
  /** The relay's session list as told so far: whole, then patches (`session-list.ts`). */
  private readonly relayList = new SessionListMirror();
  /** Set while another client's change is applied here, so it is not sent back. */
  private applyingRemote = false;
  /** Console shown while no session is active. */
  readonly idleConsole = new ConsoleChannel();
  /** Saved watch lists, kept in the profiles (`profiles.setWatches`). */
  private readonly savedWatches = new ProfileWatches({
    profiles: () => untrack(() => profiles.list),
    setWatches: (id, watchExpressions) =>
      connection.client.request('profiles.setWatches', { id, watchExpressions }),
    storage,
    onError: (message) => this.activeConsole().write(message, 'error'),
  });

  activeInfo = $derived(this.list.find((s) => s.id === this.activeId) ?? null);
  activeView = $derived(this.activeId ? (this.views[this.activeId] ?? null) : null);

  /** Subscribes to the relay's events. Call once after the connection started. */
  init(): void {
    const client = connection.client;
    window.addEventListener('pagehide', () => this.savedWatches.flush());
    setHoverEvaluator(
      (expression) => this.activeModel()?.hoverValue(expression) ?? Promise.resolve(null),
    );
    client.onDapEvent((sessionId, event) => {
      void this.entry(sessionId).model.handleEvent(event);
      if (event.event === 'stopped') this.focusStopped(sessionId);
      if (event.event === 'continued' && sessionId === this.activeId) this.focusAnotherStopped();
    });
    client.onAppEvent('sessions.changed', (list) => {
      this.relayList.reset(list);
      this.applyList(this.relayList.sessions);
    });
    client.onAppEvent('sessions.patched', (patch) => {
      const outcome = this.relayList.patch(patch);
      if (outcome === 'applied') this.applyList(this.relayList.sessions);
      // Out of step (a patch lost or for a list this window never had): the whole list again.
      else if (outcome === 'gap') void this.refresh();
    });
    client.onAppEvent('session.output', ({ sessionId, category, text, start, end }) => {
      const entry = this.entry(sessionId);
      const fresh = entry.output.unseen(text, start, end);
      if (fresh) entry.console.write(fresh, category);
    });
    // Shared session state: what the session's other clients did.
    client.onAppEvent('session.consoleEcho', (echo) =>
      writeConsoleEcho(this.entry(echo.sessionId).console, echo),
    );
    client.onAppEvent('session.breakpointsChanged', (change) => {
      const info = this.list.find((s) => s.id === change.sessionId);
      const path = change.source.path;
      if (!info || !path) return;
      this.applyRemote(() =>
        applyRemoteBreakpoints(breakpoints.book(info.profileId), path, change.breakpoints),
      );
      // The tracer's verdict on them, as the client that set them got it.
      this.entries
        .get(change.sessionId)
        ?.model.applySharedBreakpoints(path, change.breakpoints, change.verification ?? []);
    });
    client.onAppEvent('session.watchesChanged', ({ sessionId, expressions }) => {
      const model = this.entries.get(sessionId)?.model;
      if (model) this.applyRemote(() => void model.setWatchExpressions(expressions));
    });
    breakpoints.onChange((profileKey, change) => {
      if (this.applyingRemote) return;
      const book = breakpoints.book(profileKey);
      for (const info of this.list) {
        const entry = this.entries.get(info.id);
        if (!entry || info.profileId !== profileKey || info.state === 'ended') continue;
        // A child process gets the change from the relay, which shares it within the tree.
        if (info.parentId) continue;
        if (change.kind === 'source')
          void entry.model.setBreakpoints(change.path, book.sourceBreakpointsOf(change.path));
        else if (change.kind === 'functions')
          void sessionBreakpoints.sendFunctions(info.id, profileKey);
        else void sessionBreakpoints.sendExceptionFilters(info.id, profileKey);
      }
    });
  }

  /** Reloads the session list. */
  async refresh(): Promise<void> {
    try {
      this.relayList.reset(await connection.client.request('sessions.list', {}));
      this.applyList(this.relayList.sessions);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /**
   * After a reconnection the relay treats this window as a new client: forget the joins and
   * join the active session again (which reloads its paused state).
   */
  async rejoinActive(): Promise<void> {
    for (const entry of this.entries.values()) entry.joined = false;
    // A reload: nothing shown yet, so show the newest program still running (as before it).
    if (!this.activeId) {
      const live = this.list.find((s) => !s.parentId && s.state !== 'ended');
      if (live) this.activeId = live.id;
    }
    const id = this.activeId;
    if (id && this.list.some((s) => s.id === id && s.state !== 'ended')) await this.activate(id);
    // The program of an active child process too, so its other processes are followed again.
    const root = id ? rootOf(this.list, id) : undefined;
    if (root && root.id !== id && root.state !== 'ended') await this.join(root.id);
    this.followChildren();
  }

  /** The console of the active session (or the idle one). */
  activeConsole(): ConsoleChannel {
    return (this.activeId && this.entries.get(this.activeId)?.console) || this.idleConsole;
  }

  /** The model of the active session, if any. */
  activeModel(): DebugSessionModel | null {
    return (this.activeId && this.entries.get(this.activeId)?.model) || null;
  }

  /**
   * A session launched by this window: make it active, learn the tracer's capabilities (the
   * relay answers DAP `initialize` with them), send breakpoints for verification.
   */
  async launched(info: SessionInfo, params?: LaunchParams): Promise<void> {
    if (this.relayList.insert(info)) this.applyList(this.relayList.sessions);
    const entry = this.entry(info.id);
    entry.joined = true;
    if (params) {
      entry.params = params;
      rememberLaunch(info, params);
    }
    this.adoptProfile(entry, info.profileId);
    this.activeId = info.id;
    await Promise.all([
      this.showSelectedFrame(info.id),
      this.syncBreakpoints(info),
      this.loadCapabilities(info.id),
    ]);
  }

  /** Makes a session active, joining it first when this window does not follow it yet. */
  async activate(id: string): Promise<void> {
    this.activeId = id;
    const entry = this.entry(id);
    if (entry.joined) {
      await this.showSelectedFrame(id);
      return;
    }
    await this.join(id);
  }

  /**
   * A child process of a program this window follows stopped (a breakpoint in a worker): show
   * it, unless the session shown now is itself stopped (the user is looking at that one).
   */
  private focusStopped(id: string): void {
    const active = this.activeId;
    if (!active || active === id || this.liveState(active) === 'stopped') return;
    if (!inTree(this.list, rootOf(this.list, active)?.id ?? active, id)) return;
    void this.activate(id);
  }

  /**
   * The process shown runs on (Continue): when another process of the same program is stopped
   * (a second worker at the breakpoint), show that one, so no stop goes unseen.
   */
  private focusAnotherStopped(): void {
    const active = this.activeId;
    if (!active || this.liveState(active) === 'stopped') return;
    const stopped = processesOf(this.list, active).find(
      (p) => p.id !== active && this.liveState(p.id) === 'stopped',
    );
    if (stopped) void this.activate(stopped.id);
  }

  /**
   * A session's state as its model has it now: the painted view (`views`) may be a few ms
   * behind, held back while a step is in flight (`paint-hold.ts`).
   */
  private liveState(id: string): DebugSessionView['state'] | undefined {
    return this.entries.get(id)?.model.view.state ?? this.views[id]?.state;
  }

  /**
   * Joins the live child processes of the programs this window follows (the relay already
   * sends their events; joining gives each one's catch-up: its stop, threads, breakpoints).
   */
  private followChildren(): void {
    for (const info of this.list) {
      if (!info.parentId || info.state === 'ended' || this.entries.get(info.id)?.joined) continue;
      const root = rootOf(this.list, info.id);
      if (root && root.id !== info.id && this.entries.get(root.id)?.joined) void this.join(info.id);
    }
  }

  /** Joins session `id` (`session.join`) and catches up with its shared state. */
  private async join(id: string): Promise<void> {
    const entry = this.entry(id);
    if (entry.joining) return entry.joining;
    entry.joining = this.joinNow(id, entry).finally(() => (entry.joining = undefined));
    return entry.joining;
  }

  private async joinNow(id: string, entry: SessionEntry): Promise<void> {
    try {
      const joined = await connection.client.request('session.join', { sessionId: id });
      const { session, capabilities } = joined;
      entry.joined = true;
      entry.model.applyCapabilities(capabilities);
      this.adoptProfile(entry, session.profileId);
      // Catch up with the session's shared state before adding ours.
      this.applyRemote(() => {
        const book = breakpoints.book(session.profileId);
        for (const args of joined.breakpoints ?? []) {
          if (args.source.path)
            applyRemoteBreakpoints(book, args.source.path, args.breakpoints ?? []);
        }
        if (joined.watches?.length) void entry.model.setWatchExpressions(joined.watches);
      });
      entry.model.applySessionInfo(session);
      if (session.state === 'stopped') await entry.model.refreshStopped();
      // A child process too: the same breakpoints (the relay sends nothing it already has on to
      // the others), and this window learns how its tracer verified them.
      await this.syncBreakpoints(session);
    } catch (err) {
      entry.console.write(`Could not join the session: ${errorMessage(err)}`, 'error');
    }
  }

  /**
   * Removes ended sessions from the list for every window (`sessions.removeEnded`): `ids`, or
   * every ended one. Errors show in the Sessions panel.
   */
  async removeEnded(ids?: string[]): Promise<void> {
    try {
      await connection.client.request('sessions.removeEnded', ids ? { sessionIds: ids } : {});
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** Ends a session (`session.close`). */
  async close(id: string): Promise<void> {
    try {
      await connection.client.request('session.close', { sessionId: id });
    } catch (err) {
      this.entry(id).console.write(`Could not stop the session: ${errorMessage(err)}`, 'error');
    }
  }

  /** Toolbar actions on the active session. */
  async resume(command: ResumeCommand): Promise<void> {
    await this.activeModel()?.resume(command);
    if (command === 'continue') this.focusAnotherStopped();
  }

  async pause(): Promise<void> {
    await this.activeModel()?.pause();
  }

  async stop(): Promise<void> {
    if (this.activeId && this.activeView?.state !== 'ended') await this.close(this.activeId);
  }

  /**
   * Detach: ends the active session but leaves the program running (relay `session.detach`,
   * DAP `disconnect` with `terminateDebuggee: false`).
   */
  async detach(): Promise<void> {
    const id = this.activeId;
    if (!id || this.activeView?.state === 'ended') return;
    try {
      await connection.client.request('session.detach', { sessionId: id });
      this.entry(id).console.write(
        'Detached: the program keeps running without the debugger.',
        'info',
      );
    } catch (err) {
      this.entry(id).console.write(`Could not detach: ${errorMessage(err)}`, 'error');
    }
  }

  /** True when the active session can be restarted (this window launched it). */
  get canRestart(): boolean {
    return !!(this.activeId && this.entries.get(this.activeId)?.params) && !this.restarting;
  }

  /**
   * Restart: debugpy's `attach` sessions have no DAP `restart` (`supportsRestartRequest` is
   * absent), so the session is closed and the same program launched again with the same
   * arguments and the profile's current breakpoints.
   */
  async restart(): Promise<void> {
    const id = this.activeId;
    const entry = id ? this.entries.get(id) : undefined;
    if (!id || !entry?.params || this.restarting) return;
    this.restarting = true;
    const params = entry.params;
    try {
      if (this.activeView?.state !== 'ended') await this.close(id);
      const { session } = await connection.client.request('session.launch', {
        ...params,
        ...launchBreakpointParams(params.profileId),
      });
      await this.launched(session, params);
    } catch (err) {
      entry.console.write(`Could not restart: ${errorMessage(err)}`, 'error');
    } finally {
      this.restarting = false;
    }
  }

  /** Watch list actions: on the active session, else on the idle list. */
  async addWatch(expression: string): Promise<void> {
    const model = this.activeModel();
    if (model) await model.addWatch(expression);
    else if (expression.trim()) this.setIdleWatches([...this.idleWatches, expression.trim()]);
  }

  removeWatch(id: number): void {
    const model = this.activeModel();
    if (model) model.removeWatch(id);
    else this.setIdleWatches(this.idleWatches.filter((_, i) => i !== id));
  }

  /** Changes a watch's expression (idle list: `id` is the index). */
  async editWatch(id: number, expression: string): Promise<void> {
    const model = this.activeModel();
    if (model) return model.editWatch(id, expression);
    const text = expression.trim();
    this.setIdleWatches(
      text
        ? this.idleWatches.map((e, i) => (i === id ? text : e))
        : this.idleWatches.filter((_, i) => i !== id),
    );
  }

  /** Moves a watch to position `index` (idle list: `id` is the index). */
  moveWatch(id: number, index: number): void {
    const model = this.activeModel();
    if (model) return model.moveWatch(id, index);
    const list = [...this.idleWatches];
    const [moved] = list.splice(id, 1);
    if (moved === undefined) return;
    list.splice(Math.max(0, Math.min(index, list.length)), 0, moved);
    this.setIdleWatches(list);
  }

  /** Shows the saved watch list of a profile while no session is active. */
  useIdleProfile(profileId: string | null): void {
    this.idleProfile = profileId;
    this.idleWatches = profileId ? this.savedWatches.load(profileId) : [];
  }

  /**
   * Sends typed input to the active session's program (`session.stdin`); resolves with the error
   * to show, or null. For a program in a terminal `text` is raw keystrokes.
   */
  async sendInput(text: string, eof: boolean): Promise<string | null> {
    const id = this.activeId;
    if (!id) return 'No debug session is active.';
    try {
      await connection.client.request('session.stdin', { sessionId: id, text, eof });
      return null;
    } catch (err) {
      return `Not sent to the program: ${errorMessage(err)}`;
    }
  }

  /**
   * Sets the size of the active session's program terminal (`session.resize`, a session with
   * `terminal`), one request at a time, latest wins; failures are not shown (the next resize
   * tries again).
   */
  resizeTerminal(cols: number, rows: number): void {
    const id = this.activeId;
    const entry = id ? this.entries.get(id) : undefined;
    if (!id || !entry) return;
    entry.terminalSize ??= new TerminalSizeSender((c, r) =>
      connection.client
        .request('session.resize', { sessionId: id, cols: c, rows: r })
        .then(() => null),
    );
    entry.terminalSize.resize(cols, rows);
  }

  /** Evaluates console input in the active session's selected frame. */
  async evaluate(expression: string): Promise<{ ok: boolean; text: string }> {
    const model = this.activeModel();
    if (!model) return { ok: false, text: 'No debug session is active.' };
    return model.evaluate(expression);
  }

  private idleProfile: string | null = null;

  private setIdleWatches(list: string[]): void {
    this.idleWatches = list;
    if (this.idleProfile) this.savedWatches.save(this.idleProfile, list);
  }

  /** Ties a session's watches to its profile: the saved list is loaded, and changes are saved. */
  private adoptProfile(entry: SessionEntry, profileId: string): void {
    if (entry.profileId === profileId) return;
    entry.profileId = profileId;
    const saved = this.savedWatches.load(profileId);
    if (saved.length > 0) void entry.model.setWatchExpressions(saved);
    else this.savedWatches.save(profileId, entry.model.watchExpressions());
  }

  private async loadCapabilities(id: string): Promise<void> {
    try {
      const response = await connection.client.dapRequest(id, 'initialize', {
        adapterID: 'debugpy',
        clientID: 'periscope',
      });
      if (response.success && response.body) {
        this.entries.get(id)?.model.applyCapabilities(response.body as DebugProtocol.Capabilities);
      }
    } catch {
      // Without capabilities the optional requests stay off.
    }
  }

  /** Shows the source of a session's selected frame (after switching to it). */
  private async showSelectedFrame(id: string): Promise<void> {
    const view = this.entries.get(id)?.model.view;
    const frame = view?.frames.find((f) => f.id === view.selectedFrameId);
    if (frame?.source) await sourceEditor.openFrameSource(frame.source, frame.line, id);
  }

  private async syncBreakpoints(info: SessionInfo): Promise<void> {
    const entry = this.entries.get(info.id);
    // A snapshot does not run: no breakpoint of the profile can be hit there.
    if (!entry || info.origin === 'snapshot') return;
    const book = breakpoints.book(info.profileId);
    await Promise.all([
      ...book
        .paths()
        .map((path) => entry.model.setBreakpoints(path, book.sourceBreakpointsOf(path))),
      sessionBreakpoints.sync(info.id, info.profileId),
    ]);
  }

  /** Runs `apply` (another client's change) without sending what it changes back. */
  private applyRemote(apply: () => void): void {
    this.applyingRemote = true;
    try {
      apply();
    } finally {
      this.applyingRemote = false;
    }
  }

  private applyList(sessions: SessionInfo[]): void {
    // How this tab launched them, for Restart after a reload.
    for (const info of sessions) {
      const known = this.entries.get(info.id);
      if (known && !known.params) {
        const params = recallLaunch(info);
        if (params) known.params = params;
      }
    }
    this.list = [...sessions].sort((a, b) => b.startedAt - a.startedAt);
    // A snapshot's files are the texts it recorded, never the ones cached from today's disk.
    for (const info of sessions)
      if (info.origin === 'snapshot') sourceEditor.recordedSessions.add(info.id);
    this.forgetRemoved(new Set(sessions.map((s) => s.id)));
    for (const info of sessions) {
      const entry = this.entries.get(info.id);
      entry?.model.applySessionInfo(info);
      if (entry && info.terminal) entry.console.programTerminal = true;
    }
    this.followChildren();
    // The child process shown has ended (a worker exited, a reload): show its parent again.
    const active = this.list.find((s) => s.id === this.activeId);
    const parent = active?.parentId && this.list.find((s) => s.id === active.parentId);
    if (active?.state === 'ended' && parent && parent.state !== 'ended')
      void this.activate(parent.id);
  }

  /**
   * Drops what this window kept for sessions the relay no longer lists (removed by a person, or
   * past the relay's retention of ended sessions); the one shown goes too, and the newest live
   * session, if any, is shown instead.
   */
  private forgetRemoved(listed: ReadonlySet<string>): void {
    let changed = false;
    for (const id of [...this.entries.keys()]) {
      if (listed.has(id)) continue;
      this.entries.get(id)?.paints.dispose();
      this.entries.delete(id);
      changed = true;
    }
    if (!changed) return;
    this.views = Object.fromEntries(Object.entries(this.views).filter(([id]) => listed.has(id)));
    if (this.activeId && !listed.has(this.activeId)) {
      const next = this.list.find((s) => s.state !== 'ended' && !s.parentId);
      this.activeId = null;
      if (next) void this.activate(next.id);
    }
  }

  private entry(id: string): SessionEntry {
    let entry = this.entries.get(id);
    if (entry) return entry;
    const previous = this.activeModel();
    // A step's views paint once, with its locals; the source's current line with them.
    const paints = new PaintHold<DebugSessionView>((view) => {
      this.views = { ...this.views, [id]: view };
    }, isMidStep);
    const model = new DebugSessionModel(id, {
      dapRequest: (command, args) => connection.client.dapRequest(id, command, args),
      console: { write: (text, kind) => entry?.console.write(text, kind) },
      showSource: (source: DebugProtocol.Source, line: number) =>
        new Promise<void>((resolve, reject) =>
          paints.defer(() => {
            if (this.activeId !== id) resolve();
            else sourceEditor.openFrameSource(source, line, id).then(resolve, reject);
          }),
        ),
      watchExpressions: previous ? previous.watchExpressions() : this.idleWatches,
    });
    entry = {
      model,
      console: new ConsoleChannel(),
      joined: false,
      output: new OutputCursor(),
      paints,
    };
    const listed = this.list.find((s) => s.id === id);
    if (listed?.terminal) entry.console.programTerminal = true;
    const recalled = listed && recallLaunch(listed);
    if (recalled) entry.params = recalled;
    this.entries.set(id, entry);
    this.views = { ...this.views, [id]: model.view };
    let savedWatches = model.watchExpressions().join('\n');
    let sharedWatches = savedWatches;
    model.onChange((view) => {
      paints.offer(view);
      const profileId = this.entries.get(id)?.profileId;
      const expressions = view.watches.map((w) => w.expression);
      if (expressions.join('\n') !== sharedWatches) {
        sharedWatches = expressions.join('\n');
        if (!this.applyingRemote && this.entries.get(id)?.joined) {
          connection.client
            .request('session.watches.set', { sessionId: id, expressions })
            .catch(() => undefined);
        }
      }
      if (profileId && expressions.join('\n') !== savedWatches) {
        savedWatches = expressions.join('\n');
        this.savedWatches.save(profileId, expressions);
      }
    });
    return entry;
  }
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The window's sessions. */
export const sessions = new SessionsStore();
