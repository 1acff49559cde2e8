/**
 * Keeps a command-line relay running until SIGINT or SIGTERM, then closes the relay (ending or
 * detaching its sessions) and the server, and exits: 0 when closed, 1 when closing took over 5 s.
 * A second signal while closing is ignored (a terminal's Ctrl-C may reach both a parent script
 * and this process).
 */
import type { WebServer } from '../web/web-server.js';

/** How long closing may take before the process exits anyway, in ms. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * Never resolves: the process exits from the signal handler. `relay` is the backend (or what
 * closes it: web mode's may not be loaded yet).
 */
export function runUntilSignal(
  relay: { close(): Promise<void> },
  server: WebServer,
): Promise<number> {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void relay
      .close()
      .then(() => server.close())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(1), CLOSE_TIMEOUT_MS).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise<number>(() => undefined);
}
