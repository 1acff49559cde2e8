import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionInfo } from '../../src-main/protocol/client-protocol.js';
import { breakpoints } from './breakpoints.svelte.js';
import { ConsoleChannel } from './console/console-channel.js';
import { connection } from './connection.svelte.js';
import { errorMessage } from './dap-response.js';
import { DebugSessionModel, type ResumeCommand } from './debug-session-model.js';
import type { DebugSessionView } from './debug-session-view.js';
import { sourceEditor } from './source.svelte.js';

/** One session this window knows: its model and console. */
interface SessionEntry {
  model: DebugSessionModel;
  console: ConsoleChannel;
  /** Joined (launched here or `session.join` answered). */
  joined: boolean;
}

/**
 * The sessions of the relay (`sessions.changed`), the active one, and a
 * {@link DebugSessionModel} + console per session this window follows. DAP events create a
 * session's model on first sight, so events that arrive before `session.launch` answers are kept.
 */
class SessionsStore {
  list = $state.raw<SessionInfo[]>([]);
  activeId = $state<string | null>(null);
  /** Latest view per session id. */
  views = $state.raw<Record<string, DebugSessionView>>({});
  /** Watch expressions while no session is active. */
  idleWatches = $state.raw<string[]>([]);
  error = $state<string | null>(null);
  private readonly entries = new Map<string, SessionEntry>();
  /** Console shown while no session is active. */
  readonly idleConsole = new ConsoleChannel();

  activeInfo = $derived(this.list.find((s) => s.id === this.activeId) ?? null);
  activeView = $derived(this.activeId ? (this.views[this.activeId] ?? null) : null);

  /** Subscribes to the relay's events. Call once after the connection started. */
  init(): void {
    const client = connection.client;
    client.onDapEvent((sessionId, event) => {
      void this.entry(sessionId).model.handleEvent(event);
    });
    client.onAppEvent('sessions.changed', ({ sessions }) => this.applyList(sessions));
    client.onAppEvent('session.output', ({ sessionId, category, text }) => {
      this.entry(sessionId).console.write(text, category);
    });
    breakpoints.onChange((profileKey, path, lines) => {
      for (const info of this.list) {
        const entry = this.entries.get(info.id);
        if (entry && info.profileId === profileKey && info.state !== 'ended') {
          void entry.model.setBreakpoints(path, lines);
        }
      }
    });
  }

  /** Reloads the session list. */
  async refresh(): Promise<void> {
    try {
      const { sessions } = await connection.client.request('sessions.list', {});
      this.applyList(sessions);
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
    const id = this.activeId;
    if (id && this.list.some((s) => s.id === id && s.state !== 'ended')) await this.activate(id);
  }

  /** The console of the active session (or the idle one). */
  activeConsole(): ConsoleChannel {
    return (this.activeId && this.entries.get(this.activeId)?.console) || this.idleConsole;
  }

  /** The model of the active session, if any. */
  activeModel(): DebugSessionModel | null {
    return (this.activeId && this.entries.get(this.activeId)?.model) || null;
  }

  /** A session launched by this window: make it active, send breakpoints for verification. */
  async launched(info: SessionInfo): Promise<void> {
    this.applyList([...this.list.filter((s) => s.id !== info.id), info]);
    const entry = this.entry(info.id);
    entry.joined = true;
    this.activeId = info.id;
    await Promise.all([this.showSelectedFrame(info.id), this.syncBreakpoints(info)]);
  }

  /** Makes a session active, joining it first when this window does not follow it yet. */
  async activate(id: string): Promise<void> {
    this.activeId = id;
    const entry = this.entry(id);
    if (entry.joined) {
      await this.showSelectedFrame(id);
      return;
    }
    try {
      const { session } = await connection.client.request('session.join', { sessionId: id });
      entry.joined = true;
      entry.model.applySessionInfo(session);
      if (session.state === 'stopped') await entry.model.refreshStopped();
      await this.syncBreakpoints(session);
    } catch (err) {
      entry.console.write(`Could not join the session: ${errorMessage(err)}`, 'error');
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
  }

  async pause(): Promise<void> {
    await this.activeModel()?.pause();
  }

  async stop(): Promise<void> {
    if (this.activeId && this.activeView?.state !== 'ended') await this.close(this.activeId);
  }

  /** Watch list actions: on the active session, else on the idle list. */
  async addWatch(expression: string): Promise<void> {
    const model = this.activeModel();
    if (model) await model.addWatch(expression);
    else if (expression.trim()) this.idleWatches = [...this.idleWatches, expression.trim()];
  }

  removeWatch(id: number): void {
    const model = this.activeModel();
    if (model) model.removeWatch(id);
    else this.idleWatches = this.idleWatches.filter((_, i) => i !== id);
  }

  /** Evaluates console input in the active session's selected frame. */
  async evaluate(expression: string): Promise<{ ok: boolean; text: string }> {
    const model = this.activeModel();
    if (!model) return { ok: false, text: 'No debug session is active.' };
    return model.evaluate(expression);
  }

  /** Shows the source of a session's selected frame (after switching to it). */
  private async showSelectedFrame(id: string): Promise<void> {
    const view = this.entries.get(id)?.model.view;
    const frame = view?.frames.find((f) => f.id === view.selectedFrameId);
    if (frame?.source) await sourceEditor.openFrameSource(frame.source, frame.line, id);
  }

  private async syncBreakpoints(info: SessionInfo): Promise<void> {
    const entry = this.entries.get(info.id);
    if (!entry) return;
    const book = breakpoints.book(info.profileId);
    await Promise.all(
      book.paths().map((path) => entry.model.setBreakpoints(path, book.linesOf(path))),
    );
  }

  private applyList(sessions: SessionInfo[]): void {
    this.list = [...sessions].sort((a, b) => b.startedAt - a.startedAt);
    for (const info of sessions) this.entries.get(info.id)?.model.applySessionInfo(info);
  }

  private entry(id: string): SessionEntry {
    let entry = this.entries.get(id);
    if (entry) return entry;
    const previous = this.activeModel();
    const model = new DebugSessionModel(id, {
      dapRequest: (command, args) => connection.client.dapRequest(id, command, args),
      console: { write: (text, kind) => entry?.console.write(text, kind) },
      showSource: (source: DebugProtocol.Source, line: number) =>
        this.activeId === id ? sourceEditor.openFrameSource(source, line, id) : Promise.resolve(),
      watchExpressions: previous ? previous.watchExpressions() : this.idleWatches,
    });
    entry = { model, console: new ConsoleChannel(), joined: false };
    this.entries.set(id, entry);
    this.views = { ...this.views, [id]: model.view };
    model.onChange((view) => {
      this.views = { ...this.views, [id]: view };
    });
    return entry;
  }
}

/** The window's sessions. */
export const sessions = new SessionsStore();
