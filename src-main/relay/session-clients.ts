/**
 * The clients joined to one debug session, and the fan-out of what the session tells them all:
 * the tracer's DAP events (in arrival order; one client failing does not stop the others) and app
 * events. Also when the session last had no client, for the orphan sweep (`session-sweep.ts`).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Logger } from '../log/logger.js';
import type {
  AppEventName,
  AppEvents,
  SessionClientInfo,
} from '../../src-common/protocol/client-protocol.js';

/** A joined client as the session sees it. The relay's client handle implements it. */
export interface SessionClient {
  /** Relay-unique client id, for logs. */
  readonly id: string;
  /** Who it is for people (`Browser 2`, `Visual Studio Code (127.0.0.1:50112)`). */
  readonly name: string;
  /** `app`: speaks the client protocol; `dap`: a plain DAP client on the DAP endpoint. */
  readonly kind: 'app' | 'dap';
  /** Delivers a DAP response or event of session `sessionId` to this client. */
  sendDap(sessionId: string, message: DebugProtocol.Response | DebugProtocol.Event): void;
  /** Delivers an app event (e.g. the program's output) to this client (ignored by DAP clients). */
  sendEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void;
}

/** A client as other clients see it. */
export function describeClient(client: SessionClient): SessionClientInfo {
  return { id: client.id, name: client.name, kind: client.kind };
}

/** See the module comment. */
export class SessionClients implements Iterable<SessionClient> {
  private readonly clients = new Set<SessionClient>();
  /** When the last client left (ms since the epoch), or creation; undefined while clients exist. */
  private idleSinceMs: number | undefined = Date.now();
  private everJoined = false;

  /** @param sessionId the session whose messages are sent; @param logger for delivery failures. */
  constructor(
    private readonly sessionId: string,
    private readonly logger: Logger,
  ) {}

  /** When the session last had no client (ms since the epoch); undefined while it has some. */
  get idleSince(): number | undefined {
    return this.idleSinceMs;
  }

  /** True once any client has joined. */
  get hadClient(): boolean {
    return this.everJoined;
  }

  /** The joined clients, in join order (live: a client added while iterating is visited). */
  [Symbol.iterator](): Iterator<SessionClient> {
    return this.clients[Symbol.iterator]();
  }

  /** True when `client` has joined. */
  has(client: SessionClient): boolean {
    return this.clients.has(client);
  }

  /** Adds a client that has not joined yet; stops the idle clock. */
  add(client: SessionClient): void {
    this.clients.add(client);
    this.everJoined = true;
    this.idleSinceMs = undefined;
  }

  /**
   * Removes a client; the last one leaving starts the idle clock.
   * @returns false when it had not joined.
   */
  remove(client: SessionClient): boolean {
    if (!this.clients.delete(client)) return false;
    if (this.clients.size === 0) this.idleSinceMs = Date.now();
    return true;
  }

  /** The joined clients, oldest first. */
  all(): SessionClient[] {
    return [...this.clients];
  }

  /** The joined clients but `client`. */
  others(client: SessionClient): SessionClient[] {
    return [...this.clients].filter((c) => c !== client);
  }

  /** The joined clients as listed to people. */
  infos(): SessionClientInfo[] {
    return [...this.clients].map(describeClient);
  }

  /** Sends a DAP event to every client; a client that fails is logged and skipped. */
  sendDap(event: DebugProtocol.Event): void {
    for (const client of this.clients) {
      try {
        client.sendDap(this.sessionId, event);
      } catch (error) {
        this.logger.warn('could not deliver an event to a client', {
          client: client.id,
          error: String(error),
        });
      }
    }
  }

  /** Sends an app event to every client. */
  sendEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void {
    for (const client of this.clients) client.sendEvent(event, body);
  }
}
