/**
 * What a session has seen of the debugged program, read from the tracer's events and from the
 * responses clients got: whether it is stopped (and the `stopped` body, for late joiners), its
 * threads, its exit code, and its process (pid, name). A joining client catches up from this
 * without asking a tracer that may be stalled. Resuming requests follow DAP's "continued"
 * semantics: after their success the program runs again.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionInfo } from '../../src-common/protocol/client-protocol.js';

/** Requests after whose success the program runs again (DAP "continued" semantics). */
const RESUMING = new Set([
  'continue',
  'next',
  'stepIn',
  'stepOut',
  'stepBack',
  'reverseContinue',
  'goto',
]);

/** What an event or response means for the session; each field only when it applies. */
export interface ProgramChange {
  /** The session's new state. */
  state?: 'stopped' | 'running';
  /** What the tracer told about the process (possibly nothing new). */
  info?: Partial<Pick<SessionInfo, 'pid' | 'program' | 'target'>>;
  /** Program output (stdout/stderr of the process), to batch instead of relaying the event. */
  output?: { category: 'stdout' | 'stderr'; text: string };
}

/** See the module comment. */
export class ProgramState {
  /** The last `stopped` event's body while the program is stopped. */
  stopped: DebugProtocol.StoppedEvent['body'] | undefined;
  /** The exit code from the tracer's `exited` event. */
  exitCode: number | undefined;
  /** Threads as last seen (a `threads` response, then `thread` events), by id. */
  private readonly threadsById = new Map<number, DebugProtocol.Thread>();

  /** The threads as last seen. */
  get threads(): DebugProtocol.Thread[] {
    return [...this.threadsById.values()];
  }

  /**
   * Reads a tracer event. `origin` is the session's: a dialled-in program (`connect`) is known by
   * its process name once pydevd tells it.
   */
  onEvent(event: DebugProtocol.Event, origin: SessionInfo['origin']): ProgramChange {
    // The body comes from the tracer as it is: every field is checked before it is kept.
    const body: Record<string, unknown> = isRecord(event.body) ? event.body : {};
    switch (event.event) {
      case 'stopped':
        this.stopped = {
          ...body,
          reason: typeof body.reason === 'string' ? body.reason : 'unknown',
        };
        return { state: 'stopped' };
      case 'continued':
        this.stopped = undefined;
        return { state: 'running' };
      case 'thread': {
        const { reason, threadId } = body;
        if (!isInteger(threadId)) return {};
        if (reason === 'exited') this.threadsById.delete(threadId);
        else if (!this.threadsById.has(threadId))
          this.threadsById.set(threadId, { id: threadId, name: `Thread ${threadId}` });
        return {};
      }
      case 'exited':
        if (isInteger(body.exitCode)) this.exitCode = body.exitCode;
        return {};
      case 'process': {
        const named = typeof body.name === 'string' && body.name.length > 0;
        // The name goes into every `sessions.changed` to every client: a path's worth, no more.
        const name = named ? clampName(body.name as string) : '';
        return {
          info: {
            ...(isInteger(body.systemProcessId) ? { pid: body.systemProcessId } : {}),
            ...(named ? { program: name } : {}),
            ...(named && origin === 'connect' ? { target: name } : {}),
          },
        };
      }
      case 'output': {
        const category = body.category ?? 'console';
        if (
          (category === 'stdout' || category === 'stderr') &&
          body.variablesReference === undefined &&
          body.group === undefined
        ) {
          return { output: { category, text: outputText(body.output) } };
        }
        return {};
      }
      default:
        return {};
    }
  }

  /** Reads a successful response to a client's `command`. */
  onSuccess(command: string, response: DebugProtocol.Response): ProgramChange {
    if (command === 'threads') {
      this.threadsById.clear();
      const threads: unknown = (response.body as { threads?: unknown } | undefined)?.threads;
      for (const thread of Array.isArray(threads) ? (threads as unknown[]) : []) {
        if (isRecord(thread) && isInteger(thread.id))
          this.threadsById.set(thread.id, {
            id: thread.id,
            name: typeof thread.name === 'string' ? thread.name : `Thread ${thread.id}`,
          });
      }
    }
    if (RESUMING.has(command)) {
      this.stopped = undefined;
      return { state: 'running' };
    }
    return {};
  }
}

/** Longest program name kept from a tracer's `process` event, in characters. */
export const MAX_PROGRAM_NAME_CHARS = 4096;

function clampName(name: string): string {
  return name.length <= MAX_PROGRAM_NAME_CHARS ? name : `${name.slice(0, MAX_PROGRAM_NAME_CHARS)}…`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/**
 * The text of an `output` event's `output`, which DAP says is a string. Anything else becomes a
 * one-line marker naming what came (it is not shown, and cannot grow the output ring unbounded).
 */
export function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  const kind = output === null ? 'null' : Array.isArray(output) ? 'an array' : typeof output;
  return `[the tracer sent output that is ${kind}, not text; not shown]\n`;
}
