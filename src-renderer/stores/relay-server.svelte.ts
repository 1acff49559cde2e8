/**
 * The relay as a server, as this window sees it: the tracer port where programs dial in (and the
 * lines to paste into them), and each session's DAP endpoint (open / close; who is connected comes
 * with the session list, `SessionInfo.dapEndpoint`).
 */
import type {
  TracerPortInfo,
  TracerTunnelInfo,
} from '../../src-common/protocol/client-protocol.js';
import { connection } from '../backend/connection.svelte.js';
import { errorMessage } from '../../src-common/errors.js';

/** The two lines a program needs to dial a tracer port at `host:port`. */
export function dialInSnippet(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `import debugpy\ndebugpy.connect(("${shown}", ${port}))`;
}

class RelayServerStore {
  tracerPort = $state.raw<TracerPortInfo | null>(null);
  tunnels = $state.raw<TracerTunnelInfo[]>([]);
  /** The last failure of an action here, for the panel. */
  error = $state<string | null>(null);
  /** Session ids (or `tunnel:<profileId>`) with an action under way. */
  busy = $state.raw<string[]>([]);

  /** Reloads the tracer port and tunnels. */
  async load(): Promise<void> {
    try {
      const { tracerPort, tunnels } = await connection.client.request('tracerPort.info', {});
      this.tracerPort = tracerPort;
      this.tunnels = tunnels;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** Opens a session's DAP endpoint (loopback, fresh port). */
  async openDapEndpoint(sessionId: string): Promise<void> {
    await this.run(sessionId, () =>
      connection.client.request('session.dapEndpoint.open', { sessionId }),
    );
  }

  /** Closes a session's DAP endpoint; its DAP clients are disconnected. */
  async closeDapEndpoint(sessionId: string): Promise<void> {
    await this.run(sessionId, () =>
      connection.client.request('session.dapEndpoint.close', { sessionId }),
    );
  }

  /** Opens a remote forward from a profile's machine to the tracer port (asks host keys as needed). */
  async openTunnel(profileId: string): Promise<void> {
    await this.run(`tunnel:${profileId}`, async () => {
      await connection.client.request('tracerTunnel.open', { profileId });
      await this.load();
    });
  }

  /** Closes a profile's remote forward. */
  async closeTunnel(profileId: string): Promise<void> {
    await this.run(`tunnel:${profileId}`, async () => {
      await connection.client.request('tracerTunnel.close', { profileId });
      await this.load();
    });
  }

  private async run(sessionId: string, action: () => Promise<unknown>): Promise<void> {
    this.busy = [...this.busy, sessionId];
    try {
      await action();
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = this.busy.filter((id) => id !== sessionId);
    }
  }
}

/** The window's view of the relay server. */
export const relayServer = new RelayServerStore();
