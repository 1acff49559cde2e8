/**
 * The {@link TracerLink} of a program Periscope launched over a reconnecting SSH link, on the
 * machine (`launch-tracer.ts`, DAP through a local forward) or in a container
 * (`container-tracer.ts`, DAP through a stdio bridge): after a drop the DAP connection's close
 * is not the program's end (`reconnecting`) until a new connection is opened (`reattach`);
 * closing the session undoes what the launch opened; detaching leaves the link up until the
 * program has ended, for its output.
 */
import type { DapConnection } from '../dap/dap-connection.js';
import type { RemoteDebuggee } from '../remote/launch/remote-launch.js';
import type { TracerLink } from '../relay/tracer-link.js';
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';

/** The link and its re-attach. */
export interface LaunchedLink {
  link: TracerLink;
  /** Opens a new DAP connection, which becomes `link.connection`. */
  reattach: () => Promise<DapConnection>;
}

/** Options of {@link launchedLink}. */
export interface LaunchedLinkOptions {
  ssh: ReconnectingSsh;
  debuggee: Pick<RemoteDebuggee, 'exit' | 'ended'>;
  /** Opens a DAP connection to the program's debugpy. */
  open: () => Promise<DapConnection>;
  /** Closes what the launch opened (the program included, unless released). Never rejects. */
  undo: () => Promise<void>;
  /** On detach, before the link waits for the program to end (e.g. close the forward). */
  onRelease: () => void;
}

/** Opens the first DAP connection and makes the link. @throws what `open` throws. */
export async function launchedLink(options: LaunchedLinkOptions): Promise<LaunchedLink> {
  const { ssh, debuggee, open, undo, onRelease } = options;
  let connection = await open();
  // From a drop until the re-attach: the DAP connection's close is not the program's end.
  let dropped = false;
  ssh.onStatus((status) => {
    if (status.state === 'reconnecting') dropped = true;
  });
  let disposed: Promise<void> | undefined;
  const link: TracerLink = {
    get connection() {
      return connection;
    },
    programExit: debuggee.exit,
    outputEnded: debuggee.ended,
    reconnecting: () => dropped && ssh.state.state !== 'failed' && ssh.state.state !== 'closed',
    dispose: () => {
      disposed ??= (async () => {
        connection.close('session closed');
        await undo();
      })();
      return disposed;
    },
    release: () => {
      onRelease();
      connection.close('detached');
      // The SSH link stays while the program runs: it carries the program's output.
      void debuggee.ended.then(() => link.dispose());
    },
  };
  return {
    link,
    reattach: async () => {
      connection = await open();
      dropped = false;
      return connection;
    },
  };
}
