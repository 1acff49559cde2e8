/**
 * The requests the relay answers itself for every client: they concern the relay's own connection
 * to the tracer, which was set up once, when the session started. A client joining a running
 * session goes through them as if it started the session (DAP "Debug session start-up"), and the
 * relay answers so that it catches up without the tracer being attached again:
 *
 * - `initialize` → the tracer's capabilities;
 * - `attach` / `launch` → success, then an `initialized` event to that client only, so it sends
 *   its configuration (breakpoints) and `configurationDone`;
 * - `configurationDone` → success, then the `stopped` event again if the program is stopped;
 * - `disconnect` → success; the client leaves, the program keeps running whatever
 *   `terminateDebuggee` says (other clients may be watching it; ending it is `terminate` or the
 *   Sessions panel's Stop).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** The commands answered here. */
export const RELAY_ANSWERED = new Set([
  'initialize',
  'attach',
  'launch',
  'configurationDone',
  'disconnect',
]);

/** A response without the envelope fields the session fills in. */
export type LocalAnswer = Omit<DebugProtocol.Response, 'seq' | 'type' | 'request_seq' | 'command'>;

/** What answering needs from the session. */
export interface LateJoinState {
  capabilities: DebugProtocol.Capabilities;
  /** The last `stopped` event's body while the program is stopped. */
  stopped: DebugProtocol.StoppedEvent['body'] | undefined;
  /** Removes the asking client from the session. */
  leave: () => void;
}

/** The response to one of {@link RELAY_ANSWERED}, and the events to send that client after it. */
export function answerLocally(
  request: DebugProtocol.Request,
  state: LateJoinState,
): { response: LocalAnswer; after: DebugProtocol.Event[] } {
  switch (request.command) {
    case 'initialize':
      return { response: { success: true, body: state.capabilities }, after: [] };
    case 'attach':
    case 'launch':
      return {
        response: { success: true },
        after: [{ seq: 0, type: 'event', event: 'initialized' }],
      };
    case 'configurationDone':
      return {
        response: { success: true },
        after: state.stopped
          ? [{ seq: 0, type: 'event', event: 'stopped', body: state.stopped }]
          : [],
      };
    case 'disconnect':
      state.leave();
      return { response: { success: true }, after: [] };
    default:
      return {
        response: { success: false, message: `"${request.command}" is not answered by the relay.` },
        after: [],
      };
  }
}
