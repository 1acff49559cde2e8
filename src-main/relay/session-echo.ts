/**
 * What one client of a session does that the others should see (qdb showed every client what the
 * others typed): a console evaluation and its result, and a breakpoint change. App clients get app
 * events (`session.consoleEcho`, `session.breakpointsChanged`); DAP clients get what DAP has for
 * it (an `output` event in the `console` category, `breakpoint` events).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { describeErrorResponse } from '../dap/dap-errors.js';
import { describeClient, type SessionClient } from './session-clients.js';
import type { SessionClientInfo } from '../../src-common/protocol/client-protocol.js';
import type { BreakpointChange } from './shared-breakpoints.js';

/** Tells `others` that `by` evaluated `expression` in the console and got `response`. */
export function echoEvaluation(
  sessionId: string,
  by: SessionClient,
  others: SessionClient[],
  expression: string,
  response: DebugProtocol.Response,
): void {
  const ok = response.success;
  // DAP says `result` is a string; a tracer's answer is not trusted to be one.
  const raw: unknown = ok
    ? ((response as DebugProtocol.EvaluateResponse).body?.result ?? '')
    : describeErrorResponse(response);
  const result = typeof raw === 'string' ? raw : '(the tracer answered with no text)';
  const who = describeClient(by);
  for (const client of others) {
    if (client.kind === 'app') {
      client.sendEvent('session.consoleEcho', { sessionId, by: who, expression, ok, result });
    } else {
      client.sendDap(sessionId, {
        seq: 0,
        type: 'event',
        event: 'output',
        body: { category: 'console', output: `[${who.name}] > ${expression}\n${result}\n` },
      });
    }
  }
}

/** Tells `others` that `who` changed a source's breakpoints. */
export function shareBreakpointChange(
  sessionId: string,
  who: SessionClientInfo,
  others: SessionClient[],
  change: BreakpointChange,
): void {
  for (const client of others) {
    if (client.kind === 'app') {
      client.sendEvent('session.breakpointsChanged', {
        sessionId,
        source: change.source,
        breakpoints: change.requested,
        verification: change.verification,
        by: who,
      });
    } else {
      for (const body of change.events) {
        client.sendDap(sessionId, { seq: 0, type: 'event', event: 'breakpoint', body });
      }
    }
  }
}
