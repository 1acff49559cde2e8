/**
 * What every client asks after a stop, fetched once by the relay.
 *
 * When the tracer reports `stopped`, every client of the session asks the same things: the
 * threads, the top stack frame, its scopes, the first scope's variables (VS Code does this too:
 * `debugSession.ts` fetches the top frame first, then the rest). The relay starts that chain
 * itself the moment the event arrives, while the event is still on its way to the clients, and
 * answers their identical requests from the responses (or the requests in flight). Identical
 * requests of several clients are sent to the tracer once.
 *
 * Only requests that cannot change the program's state are shared ({@link SHAREABLE}); any other
 * request, and every resume or stop, empties the cache, so a client never sees an answer that
 * predates a change it could have caused.
 *
 * The prefetch is a guess, so it yields to real work: it starts after the `stopped` event has gone
 * to the clients (next turn of the event loop), and at most {@link MAX_PREFETCHES} sessions of
 * the process prefetch at once (`prefetch-gate.ts`). When 50 programs stop together, their
 * tracers answering 50 prefetches competed with the ones still on their way to the breakpoint
 * for the same cores; a client that asks before its session's turn is answered as usual.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { PrefetchGate } from './prefetch-gate.js';

/** Most sessions of this process whose stop is prefetched at once (see the module comment). */
export const MAX_PREFETCHES = 2;

/**
 * Most answers one stop cache keeps (distinct requests since the last stop or change); what a
 * stop's clients share is a handful.
 */
export const MAX_CACHED_ANSWERS = 256;

/** The process's prefetches, shared by every session's stop cache. */
const prefetches = new PrefetchGate(MAX_PREFETCHES);

/** Sends one request to the tracer (the session's connection). */
export type TracerRequest = (command: string, args: unknown) => Promise<DebugProtocol.Response>;

/** Requests that only read the paused state (DAP "stackTrace", "scopes", "variables", …). */
const SHAREABLE = new Set([
  'threads',
  'stackTrace',
  'scopes',
  'variables',
  'source',
  'exceptionInfo',
]);

/** `evaluate` contexts that VS Code and debugpy treat as reads (no side effects expected). */
const READ_ONLY_EVALUATE_CONTEXTS = new Set(['watch', 'hover']);

/** Levels of the top-frame request; the renderer paints the top frame first with exactly this. */
const TOP_FRAME_ARGS = (threadId: number): DebugProtocol.StackTraceArguments => ({
  threadId,
  startFrame: 0,
  levels: 1,
});

/** See the module comment. */
export class StopCache {
  private readonly entries = new Map<string, Promise<DebugProtocol.Response>>();
  private generation = 0;

  constructor(private readonly send: TracerRequest) {}

  /**
   * Empties the cache (the program ran, or may have changed) and, for a stop of a known thread,
   * prefetches the top frame, its scopes and the first cheap scope's variables, then threads.
   */
  onStopped(threadId: number | undefined): void {
    this.clear();
    if (threadId === undefined) return;
    const generation = this.generation;
    prefetches.run(() =>
      generation === this.generation ? this.prefetch(threadId, generation) : Promise.resolve(),
    );
  }

  /** The prefetch chain of a stop of `threadId`; never rejects. */
  private prefetch(threadId: number, generation: number): Promise<void> {
    // The stopped thread's top frame, scopes and locals first: pydevd answers in order, and
    // `threads` ahead of them delayed the locals by its own cost (~5 ms) on every step.
    return this.get('stackTrace', TOP_FRAME_ARGS(threadId))
      .then(async (response) => {
        const frame = (response.body as DebugProtocol.StackTraceResponse['body'] | undefined)
          ?.stackFrames?.[0];
        if (!response.success || !frame || generation !== this.generation) return;
        const scopes = await this.get('scopes', { frameId: frame.id });
        const first = (
          scopes.body as DebugProtocol.ScopesResponse['body'] | undefined
        )?.scopes?.find((s) => !s.expensive && s.variablesReference > 0);
        if (!scopes.success || !first || generation !== this.generation) return;
        await this.get('variables', { variablesReference: first.variablesReference });
      })
      .catch(() => undefined)
      .then(async () => {
        if (generation === this.generation) await this.get('threads', undefined);
      })
      .then(
        () => undefined,
        // A prefetch cut short (the connection closed) is not an error.
        () => undefined,
      );
  }

  /** Forgets everything (resume, stop, or a request that may change state). */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /**
   * The shared answer for a read-only request, or undefined when the request must go to the
   * tracer itself. A request that may change state empties the cache first.
   */
  lookup(command: string, args: unknown): Promise<DebugProtocol.Response> | undefined {
    if (!SHAREABLE.has(command)) {
      if (!isReadOnlyEvaluate(command, args)) this.clear();
      return undefined;
    }
    return this.get(command, args);
  }

  /** The cached or in-flight answer for `command(args)`, sending it when there is none. */
  private get(command: string, args: unknown): Promise<DebugProtocol.Response> {
    const key = `${command} ${canonicalJson(args)}`;
    const known = this.entries.get(key);
    if (known) return known;
    const generation = this.generation;
    const pending = this.send(command, args);
    // A client asking for ever new arguments while the program is paused must not grow the cache
    // without bound: past the cap, answers go to their asker only.
    if (this.entries.size >= MAX_CACHED_ANSWERS) return pending;
    this.entries.set(key, pending);
    // Failures and timeouts are not kept: the next asker tries again.
    pending.then(
      (response) => {
        if (!response.success && generation === this.generation) this.entries.delete(key);
      },
      () => {
        if (generation === this.generation) this.entries.delete(key);
      },
    );
    return pending;
  }
}

function isReadOnlyEvaluate(command: string, args: unknown): boolean {
  if (command !== 'evaluate' || typeof args !== 'object' || args === null) return false;
  const context = (args as { context?: unknown }).context;
  return typeof context === 'string' && READ_ONLY_EVALUATE_CONTEXTS.has(context);
}

/**
 * JSON with object keys sorted, so equal arguments give equal keys whatever their order.
 * Arguments without nested objects (`stackTrace`, `scopes`, `variables`: nearly every request
 * the cache sees) are serialised by the engine with the sorted key list, not with a replacer
 * called for every value; nested ones with the replacer.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  if (isFlatRecord(value)) return JSON.stringify(value, Object.keys(value).sort());
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

/** True for an object (not an array) none of whose values is an object or array. */
function isFlatRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'object' && v !== null) return false;
  }
  return true;
}
