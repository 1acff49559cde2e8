/**
 * The Tunnels panel's state: every forward of every SSH connection the relay holds (app method
 * `tunnels.list`, kept current by the `tunnels.changed` event), and opening / closing forwards by
 * hand (`tunnels.open`, `tunnels.close`).
 */
import type { ForwardInfo, OpenForwardParams } from '../../src-common/protocol/connections.js';
import { connection } from '../backend/connection.svelte.js';
import { errorMessage } from '../../src-common/errors.js';

class TunnelsStore {
  list = $state.raw<ForwardInfo[]>([]);
  /** The last failure of an action here, for the panel. */
  error = $state<string | null>(null);
  /** Forward ids with a close under way. */
  busy = $state.raw<string[]>([]);
  /** A `tunnels.open` under way (it may wait for a host-key or password answer). */
  opening = $state(false);
  private started = false;

  /** Subscribes to `tunnels.changed` and loads the list on every (re)connection. Idempotent. */
  init(): void {
    if (this.started) return;
    this.started = true;
    connection.client.onAppEvent('tunnels.changed', ({ tunnels }) => {
      this.list = tunnels;
    });
    connection.onConnected(() => void this.load());
    if (connection.state === 'connected') void this.load();
  }

  /** Reloads the list. */
  async load(): Promise<void> {
    try {
      this.list = (await connection.client.request('tunnels.list', {})).tunnels;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** Opens a local forward by hand; resolves with it, or null (the error is in `error`). */
  async open(params: OpenForwardParams): Promise<ForwardInfo | null> {
    this.opening = true;
    try {
      const { tunnel } = await connection.client.request('tunnels.open', params);
      this.error = null;
      if (!this.list.some((t) => t.id === tunnel.id)) this.list = [...this.list, tunnel];
      return tunnel;
    } catch (err) {
      this.error = errorMessage(err);
      return null;
    } finally {
      this.opening = false;
    }
  }

  /** Closes a forward (for a session's forward, that ends the session). */
  async close(id: string): Promise<void> {
    this.busy = [...this.busy, id];
    try {
      await connection.client.request('tunnels.close', { id });
      this.list = this.list.filter((t) => t.id !== id);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = this.busy.filter((b) => b !== id);
    }
  }
}

/** The window's view of the relay's forwards. */
export const tunnels = new TunnelsStore();
