import { RelayClient, type ConnectionState } from './relay-client.js';
import { createDefaultTransport } from './relay-transport.js';

/**
 * The renderer's one link to the relay and its state for the UI (banner, status bar).
 * `client` is created on {@link ConnectionStore.start}, not at import, so importing is free of
 * side effects.
 */
class ConnectionStore {
  state = $state<ConnectionState>('connecting');
  /** Why the link was lost (transport text), when `state` is `lost`. */
  reason = $state<string | null>(null);
  private relay: RelayClient | null = null;
  private readonly connectedHooks = new Set<() => void>();

  /** The relay client. @throws {Error} before {@link start}. */
  get client(): RelayClient {
    if (!this.relay) throw new Error('The relay connection has not been started.');
    return this.relay;
  }

  /** Creates the client for this window's transport and connects. Idempotent. */
  start(): void {
    if (this.relay) return;
    this.relay = new RelayClient(createDefaultTransport());
    this.relay.onStateChange((state, reason) => {
      this.state = state;
      this.reason = state === 'lost' ? (reason ?? null) : null;
      if (state === 'connected') for (const hook of this.connectedHooks) hook();
    });
    this.relay.connect();
  }

  /** Reconnects after a loss. */
  reconnect(): void {
    this.relay?.connect();
  }

  /** Runs `hook` on every (re)connection, e.g. to reload lists. Returns the remover. */
  onConnected(hook: () => void): () => void {
    this.connectedHooks.add(hook);
    return () => this.connectedHooks.delete(hook);
  }
}

/** The window's relay connection. */
export const connection = new ConnectionStore();
