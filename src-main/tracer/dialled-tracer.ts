/**
 * Attaching to a tracer that dialled in (`debugpy.connect`): the DAP handshake with pydevd itself
 * (`attach-handshake.ts`, with `redirectOutput` so the program's output reaches the clients),
 * bounded by the attach timeout. On failure the session ends with the reason and the relay detaches
 * (the program runs on).
 *
 * A dialled-in program's child processes dial the same port again, each on a connection of its
 * own, and say nothing on the parent's (pydevd patches process creation; measured with fork, spawn,
 * `os.fork` and `subprocess`): the tracer port asks pydevd which process it is
 * (`pydevdSystemInfo`: pid and parent pid, `tracer-identification.ts`; {@link processOf} reads the
 * answer), so the relay can put the child under its parent.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Logger } from '../log/logger.js';
import type { LaunchBreakpoints } from '../../src-common/protocol/client-protocol.js';
import type { PathMapping } from '../../src-common/protocol/profile.js';
import {
  attachToDebugpy,
  HANDSHAKE_STEP_TIMEOUT_MS,
  type AttachOptions,
  type DebugpyAttachArguments,
} from './attach-handshake.js';
import type { DebugSession } from '../relay/debug-session.js';
import type { TracerLink } from '../relay/tracer-link.js';
import { errorMessage } from '../../src-common/errors.js';

/** Options of {@link attachDialledTracer}. */
export interface DialledAttachOptions {
  /** Name shown in pydevd's logs. */
  name: string;
  justMyCode: boolean;
  pathMappings: PathMapping[];
  /** Bound of each handshake step, in ms (0 = the default step timeout). */
  timeoutMs: number;
  logger: Logger;
  /** Breakpoints to set before `configurationDone` (a child process gets its tree's). */
  breakpoints?: LaunchBreakpoints[];
  /** Exception filters and function breakpoints to set (a child process gets its tree's). */
  exceptions?: Pick<AttachOptions, 'exceptionFilters' | 'functionBreakpoints'>;
  /** The profile's launch.json options that debugpy applies to an attach. */
  debugOptions?: Pick<DebugpyAttachArguments, 'django' | 'jinja' | 'showReturnValue'>;
}

/** Which process a dialled-in pydevd runs in. */
export interface DialledProcess {
  pid: number;
  /** Its parent's pid (the shell or launcher for a program, the program for its child). */
  ppid: number;
}

/**
 * The process a `pydevdSystemInfo` response names (`body.process.pid`, `.ppid`), or undefined when
 * it names none or the numbers are not process ids.
 */
export function processOf(response: DebugProtocol.Response): DialledProcess | undefined {
  const process = (response.body as { process?: { pid?: unknown; ppid?: unknown } } | undefined)
    ?.process;
  const { pid, ppid } = process ?? {};
  return typeof pid === 'number' &&
    Number.isSafeInteger(pid) &&
    pid > 0 &&
    typeof ppid === 'number' &&
    Number.isSafeInteger(ppid) &&
    ppid >= 0
    ? { pid, ppid }
    : undefined;
}

/**
 * Runs the handshake and marks the session attached. Never rejects: a failure ends the session
 * (its clients see why) and is logged.
 */
export async function attachDialledTracer(
  session: DebugSession,
  link: TracerLink,
  options: DialledAttachOptions,
): Promise<void> {
  const stepTimeoutMs =
    options.timeoutMs > 0
      ? Math.min(options.timeoutMs, HANDSHAKE_STEP_TIMEOUT_MS)
      : HANDSHAKE_STEP_TIMEOUT_MS;
  try {
    const attached = await attachToDebugpy(
      link.connection,
      {
        name: options.name,
        justMyCode: options.justMyCode,
        pathMappings: options.pathMappings,
        redirectOutput: true,
        ...options.debugOptions,
      },
      options.breakpoints ?? [],
      { stepTimeoutMs, ...options.exceptions },
    );
    for (const { args, response } of attached.breakpoints)
      session.recordBreakpoints(
        args,
        response.body as DebugProtocol.SetBreakpointsResponse['body'] | undefined,
      );
    session.markAttached(attached.capabilities);
    options.logger.info('dialled-in tracer attached', { session: session.id });
  } catch (error) {
    const message = errorMessage(error);
    options.logger.warn('dialled-in tracer failed to attach', { session: session.id, message });
    await session.detach(message);
  }
}
