/**
 * Peers on the tracer port that have not yet shown they are tracers. Anyone who can reach the port
 * can open a connection and say nothing, so a connection is not a tracer until it answers a DAP
 * request: the relay asks `pydevdSystemInfo` (which pydevd answers at once, ~1 ms, with its pid
 * and parent pid) and waits at most {@link IDENTIFY_TIMEOUT_MS}. A peer that has not answered by
 * then is closed. Peers waiting to be identified are kept apart from the tracers, so they never
 * count against the tracer limit, and they have their own limit
 * ({@link DEFAULT_MAX_UNIDENTIFIED}): when it is reached, the peer that has waited longest is
 * closed to make room, so a program that dials in while idle connections are held still gets its
 * turn.
 */
import type { Duplex } from 'node:stream';
import type { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import { processOf, type DialledProcess } from './dialled-tracer.js';

/** How long a new peer on the tracer port has to answer its first request, in ms. */
export const IDENTIFY_TIMEOUT_MS = 5000;
/** Default most peers waiting to be identified at once (apart from the tracers). */
export const DEFAULT_MAX_UNIDENTIFIED = 64;

/** What the relay learnt from a peer that answered: which process it is, if it said. */
export interface Identified {
  process: DialledProcess | undefined;
}

/** Options of {@link TracerIdentification}. */
export interface IdentificationOptions {
  /** Most peers waiting at once (default {@link DEFAULT_MAX_UNIDENTIFIED}). */
  maxWaiting?: number;
  /** How long each may wait, in ms (default {@link IDENTIFY_TIMEOUT_MS}). */
  timeoutMs?: number;
  logger: Logger;
}

interface Waiting {
  connection: DapConnection;
  stream: Duplex;
  where: string;
}

/** See the module comment. */
export class TracerIdentification {
  /** Peers waiting, oldest first (a `Map` keeps insertion order). */
  private readonly waiting = new Map<DapConnection, Waiting>();
  private readonly maxWaiting: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: IdentificationOptions) {
    this.maxWaiting = options.maxWaiting ?? DEFAULT_MAX_UNIDENTIFIED;
    this.timeoutMs = options.timeoutMs ?? IDENTIFY_TIMEOUT_MS;
  }

  /** Peers waiting to be identified now. */
  get count(): number {
    return this.waiting.size;
  }

  /**
   * Asks the peer on `connection` who it is. Resolves with what it said once it answers (any DAP
   * response counts), or undefined when it did not answer in time, was shed to make room, or went
   * away; it is closed then. Never rejects.
   */
  async identify(
    connection: DapConnection,
    stream: Duplex,
    where: string,
  ): Promise<Identified | undefined> {
    if (this.waiting.size >= this.maxWaiting) this.shedOldest();
    this.waiting.set(connection, { connection, stream, where });
    try {
      const response = await connection.sendRequest(
        'pydevdSystemInfo',
        {},
        { timeoutMs: this.timeoutMs },
      );
      if (!this.waiting.delete(connection)) return undefined;
      return { process: processOf(response) };
    } catch {
      if (this.waiting.delete(connection)) {
        this.options.logger.warn(
          `closed a peer on the tracer port: no DAP answer within ${this.timeoutMs} ms, so not a tracer`,
          { from: where },
        );
        drop(connection, stream, 'not a tracer: no DAP answer in time');
      }
      return undefined;
    }
  }

  /** Closes every peer still waiting. */
  close(): void {
    for (const { connection, stream } of this.waiting.values())
      drop(connection, stream, 'the tracer port closed');
    this.waiting.clear();
  }

  private shedOldest(): void {
    const oldest = this.waiting.values().next().value;
    if (!oldest) return;
    this.waiting.delete(oldest.connection);
    this.options.logger.warn(
      `closed the longest-waiting peer on the tracer port: ${this.maxWaiting} peers had not yet answered (limit), and another arrived`,
      { from: oldest.where },
    );
    drop(oldest.connection, oldest.stream, 'shed: too many peers not yet identified');
  }
}

/** Closes the DAP connection and the stream at once (no grace for a peer that is not a tracer). */
function drop(connection: DapConnection, stream: Duplex, reason: string): void {
  connection.close(reason);
  stream.destroy();
}
