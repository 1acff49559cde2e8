/**
 * Attaching to a tracer that dialled in (`debugpy.connect`): the DAP handshake with pydevd itself
 * (`attach-handshake.ts`, with `redirectOutput` so the program's output reaches the clients),
 * bounded by the attach timeout. On failure the session ends with the reason and the relay detaches
 * (the program runs on).
 */
import type { Logger } from '../log/logger.js';
import type { PathMapping } from '../../src-common/protocol/profile.js';
import { attachToDebugpy, HANDSHAKE_STEP_TIMEOUT_MS } from './attach-handshake.js';
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
      },
      [],
      { stepTimeoutMs },
    );
    session.markAttached(attached.capabilities);
    options.logger.info('dialled-in tracer attached', { session: session.id });
  } catch (error) {
    const message = errorMessage(error);
    options.logger.warn('dialled-in tracer failed to attach', { session: session.id, message });
    await session.detach(message);
  }
}
