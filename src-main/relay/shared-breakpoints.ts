/**
 * Breakpoints as shared session state: the last successful `setBreakpoints` of each source, whoever
 * sent it (DAP replaces a source's breakpoints as a whole, so the last request is the state), with
 * the tracer's answer. A change is turned into what other clients need to hear: the source's new
 * breakpoints (app clients) and DAP `breakpoint` events (`new` / `removed`, DAP clients).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

interface SourceEntry {
  args: DebugProtocol.SetBreakpointsArguments;
  /** The tracer's `Breakpoint`s from the response (with ids where the tracer gives them). */
  breakpoints: DebugProtocol.Breakpoint[];
}

/** What one change means for the other clients. */
export interface BreakpointChange {
  source: DebugProtocol.Source;
  /** The source's breakpoints as requested (lines from `lines` when `breakpoints` is absent). */
  requested: DebugProtocol.SourceBreakpoint[];
  /** DAP `breakpoint` event bodies for DAP clients: the old ones removed, the new ones added. */
  events: DebugProtocol.BreakpointEvent['body'][];
  /** The tracer's answer (verification), in the order of `requested`. */
  verification: DebugProtocol.Breakpoint[];
}

/** The key of a source: its path, else its `sourceReference`. */
export function sourceKey(source: DebugProtocol.Source | undefined): string {
  if (typeof source !== 'object' || source === null) return 'ref:0';
  return typeof source.path === 'string'
    ? source.path
    : `ref:${Number(source.sourceReference) || 0}`;
}

/** See the module comment. */
export class SharedBreakpoints {
  private readonly bySource = new Map<string, SourceEntry>();

  /** The last `setBreakpoints` arguments for `source`, if any. */
  argsOf(source: DebugProtocol.Source): DebugProtocol.SetBreakpointsArguments | undefined {
    return this.bySource.get(sourceKey(source))?.args;
  }

  /**
   * The tracer's current answer for `args` when they ask for exactly what the source has now
   * (lines, conditions, hit conditions, log messages), else undefined. Such a request is answered
   * from here: pydevd replaces a source's breakpoints on every `setBreakpoints`, which restarts
   * their hit counts (`pydevd_api.py` `add_breakpoint`), so a client that joins or re-syncs must not
   * turn "hit = 4" into "4 more hits from now".
   */
  answerFor(args: DebugProtocol.SetBreakpointsArguments): DebugProtocol.Breakpoint[] | undefined {
    const entry = this.bySource.get(sourceKey(args.source));
    if (!entry || !sameBreakpoints(entry.args, args)) return undefined;
    return entry.breakpoints;
  }

  /**
   * Keeps the recorded answer current with the tracer's DAP `breakpoint` events (`changed`: a
   * breakpoint verified or moved later, matched by `id`), so an answer from {@link answerFor}
   * is what the tracer would say now.
   */
  onBreakpointEvent(body: unknown): void {
    if (typeof body !== 'object' || body === null) return;
    const { reason, breakpoint } = body as Partial<DebugProtocol.BreakpointEvent['body']>;
    if (reason !== 'changed' || typeof breakpoint !== 'object' || breakpoint === null) return;
    if (breakpoint.id === undefined) return;
    for (const entry of this.bySource.values()) {
      const at = entry.breakpoints.findIndex((b) => b.id === breakpoint.id);
      if (at >= 0) entry.breakpoints[at] = { ...entry.breakpoints[at], ...breakpoint };
    }
  }

  /** The last `setBreakpoints` arguments of each source, in first-set order. */
  get all(): DebugProtocol.SetBreakpointsArguments[] {
    return [...this.bySource.values()].map((e) => e.args);
  }

  /**
   * Records a successful `setBreakpoints` (`response` is its body, when the tracer sent one) and
   * returns the change for the other clients.
   */
  record(
    args: DebugProtocol.SetBreakpointsArguments,
    response?: DebugProtocol.SetBreakpointsResponse['body'],
  ): BreakpointChange {
    const key = sourceKey(args.source);
    const previous = this.bySource.get(key)?.breakpoints ?? [];
    // The tracer's answer is read as it came: only objects in an array count as breakpoints.
    const answered: unknown = response?.breakpoints;
    const current = (Array.isArray(answered) ? (answered as unknown[]) : [])
      .filter((b): b is DebugProtocol.Breakpoint => typeof b === 'object' && b !== null)
      .map((b) => ({ ...b, source: b.source ?? args.source }));
    this.bySource.set(key, { args, breakpoints: current });
    const events: DebugProtocol.BreakpointEvent['body'][] = [
      ...previous
        .filter((b) => b.id !== undefined)
        .map((breakpoint) => ({ reason: 'removed', breakpoint })),
      ...current.map((breakpoint) => ({ reason: 'new', breakpoint })),
    ];
    return { source: args.source, requested: requestedOf(args), events, verification: current };
  }
}

/** The breakpoints a `setBreakpoints` asks for, from `breakpoints`, else the deprecated `lines`. */
export function requestedOf(
  args: DebugProtocol.SetBreakpointsArguments,
): DebugProtocol.SourceBreakpoint[] {
  if (Array.isArray(args.breakpoints)) return args.breakpoints;
  return (Array.isArray(args.lines) ? args.lines : []).map((line) => ({ line }));
}

/** True when two `setBreakpoints` ask for the same breakpoints (lines, conditions, logs). */
export function sameBreakpoints(
  a: DebugProtocol.SetBreakpointsArguments,
  b: DebugProtocol.SetBreakpointsArguments,
): boolean {
  return JSON.stringify(requestedOf(a)) === JSON.stringify(requestedOf(b));
}
