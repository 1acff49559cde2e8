/**
 * Keeps a launched (or attached) session across SSH drops: while the link reconnects, the
 * session's `link` says so (the UI shows "reconnecting"); once it is back, a new DAP connection is
 * made to the same debugpy through the same local forward, the attach handshake is done again with
 * the session's shared breakpoints, and the session switches to it (`DebugSession.replaceTracer`).
 *
 * A silent drop (VPN gone, no FIN/RST) leaves the OLD connection's sshd alive on the server,
 * holding debugpy's only client slot, so the adapter refuses the new `attach` ("… is already being
 * debugged"). Before each attempt the tracer ends such stale sshd processes of its own link
 * (`StartedTracer.freeStaleClients`, `remote/probes/stale-slot.ts`), and attempts are retried with
 * backoff (0.5 s doubling up to 8 s) for up to {@link REATTACH_WITHIN_MS}, the session's `link`
 * saying what is happening meanwhile.
 *
 * A network problem never ends the program: when the re-attach cannot be done in time, or the link
 * gives up (auth, host key), the session DETACHES (DAP `disconnect` without `terminateDebuggee`,
 * `TracerLink.release`): a launched program keeps running and the end reason gives its pid and
 * how to get back to it (attach by PID); an attached program was never ours to end.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Logger } from '../log/logger.js';
import type { LaunchBreakpoints } from '../../src-common/protocol/client-protocol.js';
import type { LinkStatus } from '../ssh/connection/reconnecting-ssh.js';
import {
  attachToDebugpy,
  type AttachOptions,
  type DebugpyAttachArguments,
} from './attach-handshake.js';
import type { DebugSession } from '../relay/debug-session.js';
import type { StartedTracer } from './launch-tracer.js';
import { errorMessage } from '../../src-common/errors.js';

/** How long to keep trying to re-attach once the link is back, in ms (default). */
export const REATTACH_WITHIN_MS = 60_000;

/** The wait after failed re-attach attempt `attempt` (1-based), in ms: 0.5 s doubling, at most 8 s. */
export function reattachDelay(attempt: number): number {
  return Math.min(8000, 500 * 2 ** Math.max(0, attempt - 1));
}

/** The session's shared breakpoints as handshake input. */
function breakpointsOf(session: DebugSession): LaunchBreakpoints[] {
  return session.breakpoints.flatMap((args: DebugProtocol.SetBreakpointsArguments) =>
    args.source.path ? [{ path: args.source.path, breakpoints: args.breakpoints ?? [] }] : [],
  );
}

/**
 * The end reason of a session that could not get its debugger back: the program runs on (a launch
 * says where, with its pid, and how to get back to it). The way back is "Attach to port" of the
 * debugpy it already runs (`remotePort`): attaching by PID would inject a second debugpy, which
 * debugpy refuses ("this process already has a debug adapter").
 */
function detachReason(session: DebugSession, cause: string, remotePort?: number): string {
  const { origin, host, pid } = session.info;
  const why = cause.replace(/[.\s]+$/, '');
  if (origin === 'attach') return `${why}; detached, the program keeps running on ${host}`;
  const which = pid === undefined ? 'the program' : `the program (process ${pid})`;
  const back =
    remotePort === undefined
      ? ''
      : `: its debugpy still listens on 127.0.0.1:${remotePort} there — once nothing else holds it, use Launch → Attach to port ${remotePort} to debug it again`;
  return `${why}; ${which} is still running on ${host}${back}`;
}

/**
 * Wires `tracer`'s link status to `session` (see the module comment). Does nothing for tracers
 * that cannot reconnect. @returns a function that stops watching.
 */
export function keepSessionAttached(
  session: DebugSession,
  tracer: StartedTracer,
  attachArgs: DebugpyAttachArguments | Readonly<Record<string, unknown>>,
  options: Pick<AttachOptions, 'exceptionFilters' | 'functionBreakpoints'>,
  logger: Logger,
): () => void {
  if (!tracer.onLinkStatus || !tracer.reattach) return () => undefined;
  let dropped = false;
  /** Bumped on every drop: an attempt loop of an earlier "up" stops. */
  let generation = 0;
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const giveUp = async (why: string, keepLink = false): Promise<void> => {
    const reason = detachReason(session, why, tracer.tunnels?.()[0]?.remotePort);
    logger.warn('no debugger to re-attach; detaching, the program keeps running', { reason });
    if (!keepLink) session.updateInfo({ link: undefined });
    await session.detach(reason);
  };

  /** Frees the adapter's client slot; false when the adapter is gone (nothing listens). */
  const freeSlot = async (): Promise<boolean> => {
    if (!tracer.freeStaleClients) return true;
    try {
      const report = await tracer.freeStaleClients();
      return report.listening !== false;
    } catch (error) {
      // Not fatal: the attempt itself says whether the adapter takes us.
      logger.warn('could not look for stale connections to the debugger', {
        error: errorMessage(error),
      });
      return true;
    }
  };

  const reattachNow = async (mine: number): Promise<void> => {
    const gone = (): boolean => session.isEnded || mine !== generation;
    const deadline = Date.now() + (tracer.reattachWithinMs ?? REATTACH_WITHIN_MS);
    session.updateInfo({
      link: {
        state: 'reconnecting',
        phase: 'reattaching',
        reason: 'SSH link is back; re-attaching to the debugger',
      },
    });
    for (let attempt = 1; ; attempt++) {
      const listening = await freeSlot();
      if (gone()) return;
      if (!listening) {
        await giveUp(
          "the SSH connection came back but nothing listens on the debugger's port any more (the program has probably ended)",
        );
        return;
      }
      let why: string;
      try {
        const connection = await tracer.reattach!();
        try {
          const attached = await attachToDebugpy(
            connection,
            attachArgs,
            breakpointsOf(session),
            options,
          );
          if (gone()) {
            connection.close('the link dropped again during the re-attach');
            return;
          }
          session.replaceTracer(attached.capabilities);
          session.updateInfo({ link: undefined });
          logger.info('session re-attached after the SSH link came back', { attempt });
          return;
        } catch (error) {
          connection.close('re-attach failed');
          throw error;
        }
      } catch (error) {
        why = errorMessage(error);
      }
      if (gone()) return;
      const delay = reattachDelay(attempt);
      if (Date.now() + delay > deadline) {
        await giveUp(
          `the SSH connection came back but the debugger could not be re-attached: ${why}`,
        );
        return;
      }
      logger.info('re-attach refused; trying again', { attempt, error: why, delayMs: delay });
      session.updateInfo({
        link: {
          state: 'reconnecting',
          phase: 'reattaching',
          reason: `SSH link is back; re-attaching to the debugger: ${why}`,
          attempt: attempt + 1,
          retryAt: Date.now() + delay,
        },
      });
      await sleep(delay);
      if (gone()) return;
    }
  };

  const stopWatching = tracer.onLinkStatus((status: LinkStatus) => {
    if (session.isEnded) return;
    if (status.state === 'reconnecting') {
      if (!dropped) generation++;
      dropped = true;
      session.updateInfo({ link: { ...status, state: 'reconnecting' } });
    } else if (status.state === 'failed') {
      generation++;
      session.updateInfo({ link: { ...status, state: 'failed' } });
      void giveUp(`the SSH connection failed: ${status.reason ?? 'unknown reason'}`, true);
    } else if (status.state === 'up' && dropped) {
      dropped = false;
      const mine = generation;
      reattachNow(mine).catch((error: unknown) =>
        logger.error('re-attach failed unexpectedly', { error: errorMessage(error) }),
      );
    }
  });
  return () => {
    stopWatching();
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}
