/**
 * Liveness of a WebSocket client: the relay pings it every {@link CLIENT_PING_INTERVAL_MS}, and a
 * client that has neither answered the last ping (browsers answer in their network stack, even
 * for a background tab) nor sent anything since is taken as frozen (a stopped browser process, a
 * laptop gone to sleep, a network that drops packets silently) and dropped. So a frozen client is
 * gone within two intervals (30 s), and its sessions list it no more, even when nothing is being
 * sent to it (a client that stops reading while things are sent is dropped sooner, by the backlog
 * limit of `ws-client-transport.ts`).
 */
import type { WebSocket } from 'ws';

/** How often a WebSocket client is pinged, in ms; one missed answer drops it. */
export const CLIENT_PING_INTERVAL_MS = 15_000;

/**
 * Pings `socket` every `intervalMs`; calls `onFrozen` once (and stops) when a whole interval
 * passed with no pong and no message. Stops when the socket closes.
 */
export function keepAlive(
  socket: WebSocket,
  onFrozen: () => void,
  intervalMs = CLIENT_PING_INTERVAL_MS,
): void {
  let heard = true;
  const alive = (): void => {
    heard = true;
  };
  socket.on('pong', alive);
  socket.on('message', alive);
  const timer = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    if (!heard) {
      clearInterval(timer);
      onFrozen();
      return;
    }
    heard = false;
    socket.ping();
  }, intervalMs).unref();
  socket.once('close', () => clearInterval(timer));
}
