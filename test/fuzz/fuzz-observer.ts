/**
 * The fuzz run's own well-behaved client of the relay (one WebSocket): it follows the Sessions
 * list, joins every fuzz session as it appears (so the relay's paths to joined clients run: event
 * broadcast, output, the stop cache), and calls app methods for the targets (opening a DAP
 * endpoint). It keeps only the latest list, never the message history, so a long run stays small.
 */
import WebSocket from 'ws';
import { clientHeaders } from '../harness/relay-process.js';
import type { SessionList, SessionListPatch } from '../../src-common/protocol/client-protocol.js';
import { SessionListMirror } from '../../src-common/protocol/session-list.js';

/** A session as the list shows it (the fields the fuzzer reads). */
export interface ListedSession {
  id: string;
  state: string;
  pid?: number;
}

/** See the module comment. */
export class FuzzObserver {
  private sessions: ListedSession[] = [];
  /** The relay's list as told: whole, then patches. */
  private readonly list = new SessionListMirror();
  private readonly joined = new Set<string>();
  /** Sessions whose join the relay confirmed. */
  private readonly confirmed = new Set<string>();
  private readonly pending = new Map<number, (reply: Record<string, unknown>) => void>();
  private nextId = 1;

  private constructor(
    private readonly ws: WebSocket,
    /** Sessions never to join (the liveness probe's). */
    private readonly isProtected: (session: ListedSession) => boolean,
  ) {
    ws.on('message', (data: Buffer) => this.onMessage(data));
    ws.on('error', () => undefined);
  }

  /** Connects to the relay's client endpoint at `port` with `token`. */
  static async open(
    port: number,
    token: string,
    isProtected: (session: ListedSession) => boolean,
  ): Promise<FuzzObserver> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/client`, {
      headers: clientHeaders(port, token),
    });
    await new Promise((done, fail) => ws.once('open', done).once('error', fail));
    const observer = new FuzzObserver(ws, isProtected);
    await observer.reload();
    return observer;
  }

  /** Asks the relay for the whole session list. */
  private async reload(): Promise<void> {
    const reply = await this.app('sessions.list');
    if (reply.ok !== true) return;
    this.list.reset(reply.result as SessionList);
    this.update(this.list.sessions);
  }

  /** True while its socket is open (the relay never drops a well-behaved client). */
  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Ids of the fuzz sessions that have not ended. */
  liveIds(): string[] {
    return this.sessions
      .filter((s) => s.state !== 'ended' && !this.isProtected(s))
      .map((s) => s.id);
  }

  /** The listed session `id`, if any. */
  byId(id: string): ListedSession | undefined {
    return this.sessions.find((s) => s.id === id);
  }

  /** The listed session of process `pid`, if any. */
  byPid(pid: number): ListedSession | undefined {
    return this.sessions.find((s) => s.pid === pid);
  }

  /** How many sessions the relay lists (ended ones included). */
  get listed(): number {
    return this.sessions.length;
  }

  /** Calls an app method; resolves with the response (rejects after `timeoutMs`). */
  app(method: string, params: unknown = {}, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        fail(new Error(`no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        done(reply);
      });
      this.ws.send(JSON.stringify({ type: 'app', id, method, params }));
    });
  }

  /** Resolves with the session of process `pid` once the observer has joined it. */
  async joinedByPid(pid: number, timeoutMs = 10_000): Promise<ListedSession> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const session = this.byPid(pid);
      if (session && this.confirmed.has(session.id)) return session;
      if (Date.now() > deadline) throw new Error(`never joined the session of pid ${pid}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends a raw client-protocol message (a DAP request to a joined session, say). */
  send(text: string): void {
    this.ws.send(text);
  }

  close(): void {
    this.ws.terminate();
  }

  private onMessage(data: Buffer): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data.toString()) as Record<string, unknown>;
    } catch {
      return;
    }
    if (message.type === 'app-response' && typeof message.id === 'number') {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    } else if (message.type === 'app-event' && message.event === 'sessions.changed') {
      this.list.reset(message.body as SessionList);
      this.update(this.list.sessions);
    } else if (message.type === 'app-event' && message.event === 'sessions.patched') {
      // A patch out of step is the relay's bug: the whole list again, as the app does.
      if (this.list.patch(message.body as SessionListPatch) === 'applied')
        this.update(this.list.sessions);
      else void this.reload().catch(() => undefined);
    }
  }

  private update(sessions: ListedSession[]): void {
    this.sessions = sessions.map(({ id, state, pid }) => ({
      id,
      state,
      ...(pid !== undefined ? { pid } : {}),
    }));
    for (const s of this.sessions) {
      if (s.state === 'ended' || this.joined.has(s.id) || this.isProtected(s)) continue;
      this.joined.add(s.id);
      this.app('session.join', { sessionId: s.id })
        .then((reply) => {
          if (reply.ok === true) this.confirmed.add(s.id);
        })
        .catch(() => undefined);
    }
  }
}
