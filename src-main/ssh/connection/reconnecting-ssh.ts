/**
 * An SSH link that comes back by itself: when an established connection drops (network, server
 * restart, keepalive timeout), it reconnects with exponential backoff and jitter (1 s doubling up
 * to 60 s, each wait drawn from [½, 1] of the step), and tells its listeners so forwards are
 * re-opened and sessions re-attached. It never retries after an authentication failure, a host key
 * problem (changed, revoked, rejected) or a close by the user: those end in state `failed` or
 * `closed`, with the reason.
 */
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import type { SecretRequest, SecretSource } from './ssh-auth.js';
import type { SshConnection } from './ssh-connection.js';
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

/**
 * - `connecting`: the first connection is being made.
 * - `up`: connected.
 * - `reconnecting`: the connection dropped; waiting or trying again (`attempt`, `retryAt`).
 * - `failed`: gave up (auth, host key) — see `reason`; nothing more happens.
 * - `closed`: closed by the user.
 */
export type LinkState = 'connecting' | 'up' | 'reconnecting' | 'failed' | 'closed';

/** A state change, as listeners receive it. */
export interface LinkStatus {
  state: LinkState;
  /** Why the link is reconnecting, failed or closed. */
  reason?: string;
  /** Reconnect attempts since the drop (1 = the first retry). */
  attempt?: number;
  /** When the next attempt starts, ms since the epoch (while `reconnecting`). */
  retryAt?: number;
}

/** Options of {@link ReconnectingSsh.open}. */
export interface ReconnectOptions {
  /** First backoff step in ms. Default 1000. */
  baseDelayMs?: number;
  /** Largest backoff step in ms. Default 60000. */
  maxDelayMs?: number;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
  logger?: Logger;
}

/** Errors that a retry cannot fix: the user must act (fix the key, the password, known_hosts). */
const FINAL_CODES = new Set([
  'auth-failed',
  'host-key-changed',
  'host-key-revoked',
  'host-key-rejected',
]);

/**
 * The wait before reconnect attempt `attempt` (1-based): step = min(max, base · 2^(attempt−1)),
 * wait = step · (½ + ½ · random()).
 */
export function backoffDelay(
  attempt: number,
  baseDelayMs = 1000,
  maxDelayMs = 60_000,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + 0.5 * random()));
}

/** See the module comment. Create with {@link ReconnectingSsh.open}. */
export class ReconnectingSsh {
  private connection: SshConnection | undefined;
  private status: LinkStatus = { state: 'connecting' };
  private readonly statusListeners = new Set<(status: LinkStatus) => void>();
  private readonly upListeners = new Set<(connection: SshConnection) => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly logger: Logger;

  private constructor(
    private readonly connect: () => Promise<SshConnection>,
    private readonly options: ReconnectOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Makes the first connection with `connect` (which must make a fresh one each call) and keeps
   * it up from then on.
   * @throws the first connection's error (nothing is retried before the first success).
   */
  static async open(
    connect: () => Promise<SshConnection>,
    options: ReconnectOptions = {},
  ): Promise<ReconnectingSsh> {
    const link = new ReconnectingSsh(connect, options);
    link.attach(await connect());
    return link;
  }

  /** The connection while `up`; `undefined` otherwise. */
  get current(): SshConnection | undefined {
    return this.status.state === 'up' ? this.connection : undefined;
  }

  /** The present state. */
  get state(): LinkStatus {
    return { ...this.status };
  }

  /** Calls `listener` on every state change. @returns a function that removes it. */
  onStatus(listener: (status: LinkStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Calls `listener` with the new connection after each successful reconnect. @returns remover. */
  onReconnected(listener: (connection: SshConnection) => void): () => void {
    this.upListeners.add(listener);
    return () => this.upListeners.delete(listener);
  }

  /**
   * The user's "try now" while `reconnecting` (the network is back and the next backoff step is
   * far off): the pending wait is cut short and the next attempt starts at once, keeping its
   * attempt number. @returns false when there is no wait to cut (not reconnecting, or an
   * attempt is already under way).
   */
  retryNow(): boolean {
    if (this.status.state !== 'reconnecting' || this.timer === undefined) return false;
    const attempt = this.status.attempt ?? 1;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.setStatus({ ...this.status, retryAt: Date.now() });
    void this.retry(attempt);
    return true;
  }

  /**
   * The connection once the link is up: at once when it is, else after the reconnect (starting
   * the next attempt now, as {@link retryNow}). Resolves `undefined` when the link fails or is
   * closed, or after `timeoutMs`. Never rejects.
   */
  whenUp(timeoutMs: number): Promise<SshConnection | undefined> {
    if (this.current) return Promise.resolve(this.current);
    if (this.status.state !== 'reconnecting' && this.status.state !== 'connecting') {
      return Promise.resolve(undefined);
    }
    this.retryNow();
    return new Promise((resolve) => {
      const done = (connection: SshConnection | undefined): void => {
        clearTimeout(timer);
        off();
        resolve(connection);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const off = this.onStatus((status) => {
        if (status.state === 'up') done(this.current);
        else if (status.state === 'failed' || status.state === 'closed') done(undefined);
      });
    });
  }

  /** The user's disconnect: closes the connection and never reconnects. */
  async close(): Promise<void> {
    if (this.status.state === 'closed') return;
    clearTimeout(this.timer);
    this.setStatus({ state: 'closed', reason: 'closed' });
    await this.connection?.close();
  }

  private attach(connection: SshConnection): void {
    this.connection = connection;
    this.setStatus({ state: 'up' });
    connection.onClose((reason) => {
      if (this.status.state === 'closed' || this.connection !== connection) return;
      this.logger.warn('ssh link dropped; reconnecting', { where: connection.where, reason });
      this.scheduleRetry(1, reason);
    });
  }

  private scheduleRetry(attempt: number, reason: string): void {
    const { baseDelayMs, maxDelayMs, random } = this.options;
    const delay = backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
    this.setStatus({ state: 'reconnecting', reason, attempt, retryAt: Date.now() + delay });
    this.timer = setTimeout(() => void this.retry(attempt), delay);
  }

  private async retry(attempt: number): Promise<void> {
    this.timer = undefined;
    if (this.status.state !== 'reconnecting') return;
    let connection: SshConnection;
    try {
      connection = await this.connect();
    } catch (error) {
      if (this.status.state !== 'reconnecting') return;
      const reason = errorMessage(error);
      if (error instanceof SshError && FINAL_CODES.has(error.code)) {
        this.logger.warn('ssh link failed; not retrying', { code: error.code, reason });
        this.setStatus({ state: 'failed', reason });
        return;
      }
      this.logger.info('ssh reconnect attempt failed', { attempt, reason });
      this.scheduleRetry(attempt + 1, reason);
      return;
    }
    if (this.status.state !== 'reconnecting') {
      await connection.close(); // the user closed meanwhile
      return;
    }
    this.logger.info('ssh link back up', { where: connection.where, attempts: attempt });
    this.attach(connection);
    for (const listener of this.upListeners) {
      try {
        listener(connection);
      } catch (error) {
        this.logger.error('reconnect listener threw', { error: errorMessage(error) });
      }
    }
  }

  private setStatus(status: LinkStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) {
      try {
        listener({ ...status });
      } catch (error) {
        this.logger.error('status listener threw', { error: errorMessage(error) });
      }
    }
  }
}

/**
 * Wraps a {@link SecretSource} so that a password or key passphrase, once given, is reused for
 * the reconnects of this link — held in this process's memory only, never written anywhere.
 * keyboard-interactive answers (often one-time codes) are not reused: they are asked again.
 * `forget()` drops everything (after an auth failure, or when the link is closed).
 */
export function rememberForReconnects(source: SecretSource): SecretSource & { forget(): void } {
  const answers = new Map<string, string[]>();
  const keyOf = (r: SecretRequest): string =>
    `${r.kind}\0${r.user}@${r.host}:${r.port}\0${r.keyPath ?? ''}`;
  const remembering = async (request: SecretRequest): Promise<string[] | undefined> => {
    if (request.kind === 'keyboard-interactive') return source(request);
    const key = keyOf(request);
    const known = answers.get(key);
    if (known) return known;
    const answer = await source(request);
    if (answer) answers.set(key, answer);
    return answer;
  };
  return Object.assign(remembering, { forget: () => answers.clear() });
}
