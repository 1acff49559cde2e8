/**
 * The relay's side of one connected client: numbering of what the relay sends it (DAP `seq`
 * of relay→client messages is per client), and typed senders for each message family.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type {
  AppError,
  AppEventName,
  AppEvents,
  RelayMessage,
} from '../../../src-common/protocol/client-protocol.js';
import type { SessionClient } from '../../relay/session-clients.js';
import type { HostKeyAsker } from '../../connect/host-key-prompts.js';
import type { ClientTransport } from './client-transport.js';

/** See the module comment. */
export class ClientHandle implements SessionClient, HostKeyAsker {
  private nextSeq = 1;
  readonly kind = 'app';

  constructor(
    readonly id: string,
    readonly transport: ClientTransport,
    /** Who it is for people, e.g. `Browser 2` (see {@link clientDisplayName}). */
    readonly name: string = clientDisplayName(id, transport.label),
  ) {}

  sendDap(sessionId: string, message: DebugProtocol.Response | DebugProtocol.Event): void {
    this.send({ type: 'dap', sessionId, message: { ...message, seq: this.nextSeq++ } });
  }

  sendResult(id: number, result: unknown): void {
    this.send({ type: 'app-response', id, ok: true, result });
  }

  sendError(id: number, error: AppError): void {
    this.send({ type: 'app-response', id, ok: false, error });
  }

  sendEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void {
    this.send({ type: 'app-event', event, body });
  }

  sendHostKeyPrompt(body: AppEvents['hostKey.prompt']): void {
    this.sendEvent('hostKey.prompt', body);
  }

  /**
   * Sends a message serialised once for many clients (a broadcast). Only for messages without
   * per-client numbering (app events).
   */
  sendSerialized(json: string): void {
    this.transport.send(json);
  }

  private send(message: RelayMessage): void {
    this.transport.send(JSON.stringify(message));
  }
}

/**
 * A client's name for other clients: `Browser <n>` for a WebSocket (web mode), `Window <n>` for
 * anything else (an app window), where `<n>` is the number of its id (`c3` → 3).
 */
export function clientDisplayName(id: string, transportLabel: string): string {
  const n = id.replace(/^\D+/, '');
  return `${transportLabel.startsWith('ws ') ? 'Browser' : 'Window'} ${n}`;
}
