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
    switch (event.event) {
      case 'stopped':
        this.stopped = (event as DebugProtocol.StoppedEvent).body;
        return { state: 'stopped' };
      case 'continued':
        this.stopped = undefined;
        return { state: 'running' };
      case 'thread': {
        const { reason, threadId } = (event as DebugProtocol.ThreadEvent).body;
        if (reason === 'exited') this.threadsById.delete(threadId);
        else if (!this.threadsById.has(threadId))
          this.threadsById.set(threadId, { id: threadId, name: `Thread ${threadId}` });
        return {};
      }
      case 'exited':
        this.exitCode = (event as DebugProtocol.ExitedEvent).body.exitCode;
        return {};
      case 'process': {
        const body = (event as DebugProtocol.ProcessEvent).body;
        const named = typeof body.name === 'string' && body.name.length > 0;
        return {
          info: {
            ...(typeof body.systemProcessId === 'number' ? { pid: body.systemProcessId } : {}),
            ...(named ? { program: body.name } : {}),
            ...(named && origin === 'connect' ? { target: body.name } : {}),
          },
        };
      }
      case 'output': {
        const body = (event as DebugProtocol.OutputEvent).body;
        const category = body.category ?? 'console';
        if (
          (category === 'stdout' || category === 'stderr') &&
          body.variablesReference === undefined &&
          body.group === undefined
        ) {
          return { output: { category, text: body.output } };
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
      for (const thread of (response as DebugProtocol.ThreadsResponse).body?.threads ?? [])
        this.threadsById.set(thread.id, thread);
    }
    if (RESUMING.has(command)) {
      this.stopped = undefined;
      return { state: 'running' };
    }
    return {};
  }
}
