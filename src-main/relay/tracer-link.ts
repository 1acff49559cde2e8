/**
 * The tracer side of a debug session: the DAP connection to the tracer (a debugpy adapter or a
 * pydevd that dialled in) and whatever keeps it alive (an SSH link and forward for a launch, a
 * socket for a dialled-in tracer), and how the program's end is read from it.
 */
import type { DapConnection } from '../dap/dap-connection.js';

/** The tracer side of a session: the DAP connection and whatever keeps it alive. */
export interface TracerLink {
  readonly connection: DapConnection;
  /** Settles when the debugged program's process has exited, when the link can tell. */
  readonly programExit?: Promise<ProgramExit>;
  /**
   * Settles once the program's output has all arrived (a launch's output tail has drained), when
   * the link can tell. A session that ends waits for it, at most {@link OUTPUT_DRAIN_WAIT_MS}, so
   * the last lines a program prints as it exits are not lost to debugpy's quicker `exited`.
   */
  readonly outputEnded?: Promise<unknown>;
  /**
   * Ends the tracer side for good: for a launch, terminates the remote program and closes the
   * forward and the SSH connection; for a dialled-in tracer, closes its socket. Idempotent; never
   * rejects.
   */
  dispose(): Promise<void>;
  /**
   * Detach: lets go of the program without ending it (closes the DAP connection and the forward;
   * a launch keeps its SSH connection, which carries the program's output, until the program
   * exits). A later {@link dispose} no longer terminates the program. Absent: detach disposes.
   */
  release?(): void;
  /**
   * True while the link is re-establishing its transport (SSH reconnect): a DAP connection that
   * closes then does not end the session; the relay re-attaches and calls
   * `DebugSession.replaceTracer`, or ends the session if that fails.
   */
  reconnecting?(): boolean;
}

/** How a program's process ended (SSH exit-status / exit-signal). */
export interface ProgramExit {
  code: number | null;
  signal: string | null;
}

/** How long to wait for the program's exit status once the debugger says it is over, in ms. */
export const EXIT_STATUS_WAIT_MS = 3000;

/** Longest wait for a program's last output once its debugger is gone, in ms. */
export const OUTPUT_DRAIN_WAIT_MS = 2000;

/**
 * Waits up to {@link EXIT_STATUS_WAIT_MS} for `programExit` and says how the program ended
 * (`exit code 3`, `killed by signal TERM`), or undefined when it did not settle in time.
 */
export async function waitForProgramExit(
  programExit: Promise<ProgramExit>,
): Promise<string | undefined> {
  const exit = await Promise.race([
    programExit,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), EXIT_STATUS_WAIT_MS).unref()),
  ]);
  if (!exit) return undefined;
  return exit.code !== null ? `exit code ${exit.code}` : `killed by signal ${exit.signal ?? '?'}`;
}
