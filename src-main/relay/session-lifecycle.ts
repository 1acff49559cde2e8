/**
 * A debug session's lifecycle: `starting` (handshake under way) → `running` ⇄ `stopped` →
 * `ended`, and how it ends:
 * - the user stops it (`close`: DAP `disconnect` with `terminateDebuggee: true`, then the tracer
 *   link is disposed) or detaches (`terminateDebuggee: false`; the link lets go of the program);
 * - the tracer says `terminated`: the relay leaves debugpy's adapter (so the SSH channel closes
 *   and brings the exit status), then ends with the program's exit code;
 * - the DAP connection closes (not while the link reconnects): ends with the exit status when it
 *   comes soon, else with why the connection closed.
 * Ending is once: clients get `terminated` if the tracer did not say it, and the session's output
 * is delivered first.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import type { SessionState } from '../../src-common/protocol/client-protocol.js';
import { OUTPUT_DRAIN_WAIT_MS, waitForProgramExit, type TracerLink } from './tracer-link.js';

/** What the lifecycle does to the rest of its session. */
export interface LifecycleHooks {
  /** Delivers the queued output and stops batching; the first step of ending. */
  closeOutput(): void;
  /** Right after the state became `ended`: forget the stop, stop listening to the tracer. */
  ended(): void;
  /** Sends a DAP event to every client. */
  broadcast(event: DebugProtocol.Event): void;
  /** The session's state or end reason changed. */
  changed(): void;
  /** The exit code from the tracer's `exited` event, when it came. */
  exitCode(): number | undefined;
}

/** See the module comment. */
export class SessionLifecycle {
  private current: SessionState = 'starting';
  private reason: string | undefined;
  private endTime: number | undefined;
  private terminatedBroadcast = false;
  /** A detach is under way: the tracer's `terminated` must not end the program. */
  private detaching = false;
  private finishing: Promise<void> | undefined;

  constructor(
    private readonly sessionId: string,
    private readonly tracer: TracerLink,
    private readonly logger: Logger,
    private readonly hooks: LifecycleHooks,
  ) {}

  /** The current state. */
  get state(): SessionState {
    return this.current;
  }

  /** Why the session ended; undefined before. */
  get endReason(): string | undefined {
    return this.reason;
  }

  /** True once the session has ended. */
  get isEnded(): boolean {
    return this.current === 'ended';
  }

  /** When the session ended, in ms since the epoch; undefined before. */
  get endedAt(): number | undefined {
    return this.endTime;
  }

  /** Moves to `state` unless ended or already there; tells the session when it changed. */
  set(state: SessionState): void {
    if (this.isEnded || this.current === state) return;
    this.current = state;
    this.hooks.changed();
  }

  /** The tracer came back over a new connection: the program runs (debugpy resumed it). */
  reattached(): void {
    this.current = 'running';
    this.hooks.changed();
  }

  /**
   * Ends the session when `connection` closes while it is the link's connection and the link is
   * not reconnecting.
   */
  watchClose(connection: DapConnection): void {
    connection.onClose((reason) => {
      if (connection !== this.tracer.connection || this.tracer.reconnecting?.()) return;
      this.finish(
        this.terminatedBroadcast ? 'the program ended' : `debugger connection closed: ${reason}`,
      ).catch((error: unknown) => this.failed('ending the session', error));
    });
  }

  /**
   * The tracer's `terminated` event has gone to the clients: leave the tracer, then end with the
   * exit status and dispose the link. Ignored during a detach (debugpy answers a detach's
   * `disconnect` with `terminated` too; the program runs on).
   */
  terminated(): void {
    if (this.detaching) return;
    this.terminatedBroadcast = true;
    // debugpy's adapter stays until its client leaves, and the SSH channel (hence the exit
    // status) closes only when it has gone: so leave first, then collect the exit status.
    void this.tracer.connection
      .sendRequest('disconnect', {}, { timeoutMs: 1000 })
      .catch(() => undefined)
      .then(() => this.tracer.connection.close('the program ended'))
      .then(() => this.finish('the program ended'))
      .then(() => this.tracer.dispose())
      .catch((error: unknown) => this.failed('ending the session after terminated', error));
  }

  /** A step of ending threw (a bug): logged, and the session still ends. */
  private failed(what: string, error: unknown): void {
    this.logger.error(`${what} failed`, { session: this.sessionId, error: String(error) });
    this.end('the relay failed to end the session cleanly');
  }

  /**
   * Ends the session with `reason` after a DAP `disconnect` (bounded to 2 s), then disposes the
   * tracer link, or, for a detach (`terminateDebuggee` false) on a link that can, releases it.
   */
  async disconnect(terminateDebuggee: boolean, reason: string): Promise<void> {
    if (!terminateDebuggee && this.tracer.release) this.detaching = true;
    if (!this.isEnded) {
      const connection = this.tracer.connection;
      if (!connection.isClosed) {
        await connection
          .sendRequest('disconnect', { terminateDebuggee }, { timeoutMs: 2000 })
          .catch(() => undefined);
      }
      this.end(reason);
    }
    if (!terminateDebuggee && this.tracer.release) this.tracer.release();
    else await this.tracer.dispose();
  }

  /**
   * Ends the session once the debugger is gone, with the program's exit status when it comes
   * soon (debugpy's `exited` event, else the SSH exit status), otherwise with `fallback`.
   */
  private finish(fallback: string): Promise<void> {
    this.finishing ??= this.waitForExitThenEnd(fallback);
    return this.finishing;
  }

  private async waitForExitThenEnd(fallback: string): Promise<void> {
    if (this.isEnded) return;
    const exitCode = this.hooks.exitCode();
    // `exitCode` came from the tracer; only an integer is one (program-state.ts checks it).
    let reason = Number.isSafeInteger(exitCode) ? `exit code ${String(exitCode)}` : undefined;
    if (reason === undefined && this.tracer.programExit) {
      reason = await waitForProgramExit(this.tracer.programExit);
    }
    // The connection may have closed just before the link said it was reconnecting.
    if (reason === undefined && this.tracer.reconnecting?.()) {
      this.finishing = undefined;
      return;
    }
    // debugpy's `exited` comes before the program's last output has made its way here.
    if (this.tracer.outputEnded) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.tracer.outputEnded.catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, OUTPUT_DRAIN_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    this.end(reason ?? fallback);
  }

  private end(reason: string): void {
    if (this.isEnded) return;
    this.hooks.closeOutput();
    this.reason = reason;
    this.endTime = Date.now();
    this.current = 'ended';
    this.hooks.ended();
    this.logger.info('session ended', { session: this.sessionId, reason });
    // Clients still learn that the session is over when the tracer vanished without `terminated`.
    if (!this.terminatedBroadcast) {
      this.terminatedBroadcast = true;
      this.hooks.broadcast({ seq: 0, type: 'event', event: 'terminated', body: {} });
    }
    this.hooks.changed();
  }
}
