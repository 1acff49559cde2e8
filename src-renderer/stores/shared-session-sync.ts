/**
 * What other clients of a session did, applied in this window (the relay's shared session state,
 * `src-main/relay/session-echo.ts`): their breakpoint changes go into this window's breakpoint
 * book, their watch lists into the session's model, their console evaluations into its console,
 * marked with who typed them.
 */
import { fromWire } from '../../src-common/snapshot-point.js';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { AppEvents } from '../../src-common/protocol/client-protocol.js';
import type { BreakpointBook } from './breakpoints/breakpoint-book.js';
import type { ConsoleChannel } from '../console/console-channel.js';

/**
 * Makes the enabled breakpoints of `path` in `book` equal to `wanted` (another client's
 * `setBreakpoints`): adds or updates the wanted lines, removes the others. Disabled breakpoints of
 * this window are left alone (they were never sent).
 */
export function applyRemoteBreakpoints(
  book: BreakpointBook,
  path: string,
  wanted: readonly DebugProtocol.SourceBreakpoint[],
): void {
  const current = book.sourceBreakpointsOf(path);
  const same = (a: DebugProtocol.SourceBreakpoint, b: DebugProtocol.SourceBreakpoint): boolean =>
    a.line === b.line &&
    (a.condition ?? '') === (b.condition ?? '') &&
    (a.hitCondition ?? '') === (b.hitCondition ?? '') &&
    (a.logMessage ?? '') === (b.logMessage ?? '');
  for (const bp of current) {
    if (!wanted.some((w) => w.line === bp.line)) book.remove(path, bp.line);
  }
  for (const wire of wanted) {
    if (current.some((c) => same(c, wire))) continue;
    // A snapshot point's condition travels inside its message: back in its own field here.
    const bp = fromWire(wire);
    book.upsert(path, bp.line, {
      ...(bp.condition ? { condition: bp.condition } : {}),
      ...(bp.hitCondition ? { hitCondition: bp.hitCondition } : {}),
      ...(bp.logMessage ? { logMessage: bp.logMessage } : {}),
    });
  }
}

/** Writes another client's console evaluation: `[Browser 2] > expression`, then its result. */
export function writeConsoleEcho(
  console: ConsoleChannel,
  echo: AppEvents['session.consoleEcho'],
): void {
  console.write(`[${echo.by.name}] > ${echo.expression}`, 'info');
  console.write(echo.result, echo.ok ? 'result' : 'error');
}

/**
 * How far into a session's output stream this window has shown (relay `session.output` `start`
 * and `end`, characters since the session started). When the window joins again after a
 * reconnection the relay replays its output ring; what was shown already is skipped, so no line
 * appears twice.
 */
export class OutputCursor {
  private shown = 0;

  /**
   * The part of `text` not shown yet ('' when all of it was). Text without a stream range is
   * always new. A "lines dropped" marker (`start === end`) is kept only when it marks a gap after
   * what this window has.
   */
  unseen(text: string, start?: number, end?: number): string {
    if (start === undefined || end === undefined) return text;
    if (start === end) return start > this.shown ? text : '';
    if (end <= this.shown) return '';
    const fresh = start < this.shown ? text.slice(this.shown - start) : text;
    this.shown = end;
    return fresh;
  }
}
