/**
 * The relay's open DAP endpoints, at most one per session (`dap-endpoint.ts`): opened by the user
 * for one session, closed by the user or when the session ends.
 */
import type { Logger } from '../log/logger.js';
import type { DapEndpointInfo } from '../../src-common/protocol/client-protocol.js';
import { DapEndpoint } from './dap-endpoint.js';
import type { DebugSession } from './debug-session.js';

/** What every endpoint shares with the relay. */
export interface DapEndpointsOptions {
  logger: Logger;
  nextClientId: () => string;
  /** Why a new client is refused (client cap), or undefined. */
  admit: () => string | undefined;
  /** Called when an endpoint opens, closes or its clients change. */
  onChange: () => void;
}

/** See the module comment. */
export class DapEndpoints {
  private readonly bySession = new Map<string, Promise<DapEndpoint>>();

  constructor(private readonly options: DapEndpointsOptions) {}

  /** DAP clients connected to all endpoints. */
  get clientCount(): number {
    return this.opened.reduce((n, e) => n + e.clientCount, 0);
  }

  private opened: DapEndpoint[] = [];

  /** Opens the session's endpoint (or returns the open one). */
  async open(session: DebugSession): Promise<DapEndpointInfo> {
    let opening = this.bySession.get(session.id);
    if (!opening) {
      opening = DapEndpoint.open({ ...this.options, session });
      this.bySession.set(session.id, opening);
      opening.then(
        (endpoint) => {
          this.opened.push(endpoint);
          session.dapEndpoint = () => endpoint.info;
          this.options.onChange();
        },
        () => this.bySession.delete(session.id),
      );
    }
    return (await opening).info;
  }

  /** Closes the session's endpoint, if open; its DAP clients are disconnected. */
  async close(session: DebugSession, reason?: string): Promise<void> {
    const opening = this.bySession.get(session.id);
    if (!opening) return;
    this.bySession.delete(session.id);
    const endpoint = await opening.catch(() => undefined);
    if (!endpoint) return;
    this.opened = this.opened.filter((e) => e !== endpoint);
    session.dapEndpoint = undefined;
    await endpoint.close(reason);
    this.options.logger.info('DAP endpoint closed', { session: session.id });
    this.options.onChange();
  }

  /** Closes every endpoint. */
  async closeAll(): Promise<void> {
    const all = [...this.bySession.values()];
    this.bySession.clear();
    this.opened = [];
    await Promise.all(
      all.map((p) =>
        p.then(
          (e) => e.close(),
          () => undefined,
        ),
      ),
    );
  }
}
