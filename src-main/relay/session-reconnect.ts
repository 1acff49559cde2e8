/**
 * Keeps a launched session across SSH drops: while the link reconnects, the session's `link`
 * says so (the UI shows "reconnecting"); once it is back, a new DAP connection is made to the
 * same debugpy through the same local forward, the attach handshake is done again with the
 * session's shared breakpoints, and the session switches to it (`DebugSession.replaceTracer`).
 * When the link gives up (auth, host key) or the tracer is gone, the session ends with the reason.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Logger } from '../log/logger.js';
import type { LaunchBreakpoints } from '../protocol/client-protocol.js';
import type { LinkStatus } from '../ssh/reconnecting-ssh.js';
import {
  attachToDebugpy,
  type AttachOptions,
  type DebugpyAttachArguments,
} from './attach-handshake.js';
import type { DebugSession } from './debug-session.js';
import type { StartedTracer } from './remote-tracer.js';

/** The session's shared breakpoints as handshake input. */
function breakpointsOf(session: DebugSession): LaunchBreakpoints[] {
  return session.breakpoints.flatMap((args: DebugProtocol.SetBreakpointsArguments) =>
    args.source.path ? [{ path: args.source.path, breakpoints: args.breakpoints ?? [] }] : [],
  );
}

/**
 * Wires `tracer`'s link status to `session` (see the module comment). Does nothing for tracers
 * that cannot reconnect. @returns a function that stops watching.
 */
export function keepSessionAttached(
  session: DebugSession,
  tracer: StartedTracer,
  attachArgs: DebugpyAttachArguments,
  options: Pick<AttachOptions, 'exceptionFilters' | 'functionBreakpoints'>,
  logger: Logger,
): () => void {
  if (!tracer.onLinkStatus || !tracer.reattach) return () => undefined;
  let dropped = false;
  const reattachNow = async (): Promise<void> => {
    try {
      const connection = await tracer.reattach!();
      const attached = await attachToDebugpy(
        connection,
        attachArgs,
        breakpointsOf(session),
        options,
      );
      session.replaceTracer(attached.capabilities);
      session.updateInfo({ link: undefined });
      logger.info('session re-attached after the SSH link came back');
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      logger.warn('re-attach failed; ending the session', { error: why });
      await session.close(
        `the SSH connection came back but the program's debugger did not: ${why}`,
      );
    }
  };
  return tracer.onLinkStatus((status: LinkStatus) => {
    if (session.isEnded) return;
    if (status.state === 'reconnecting') {
      dropped = true;
      session.updateInfo({ link: { ...status, state: 'reconnecting' } });
    } else if (status.state === 'failed') {
      session.updateInfo({ link: { ...status, state: 'failed' } });
      void session.close(`the SSH connection failed: ${status.reason ?? 'unknown reason'}`);
    } else if (status.state === 'up' && dropped) {
      dropped = false;
      void reattachNow();
    }
  });
}
