/**
 * The tracer port: where programs that call `debugpy.connect((host, port))` arrive (qdb's tracer
 * server). pydevd dials in and speaks DAP itself, with no adapter in between, so each connection
 * becomes a {@link TracerLink} the relay attaches to as a DAP client (`dialled-tracer.ts`).
 *
 * Streams can also arrive from elsewhere than the TCP port: an SSH remote forward hands its
 * channels to {@link TracerListener.accept}. The listener binds loopback unless told otherwise.
 * A new peer is not a tracer until it answers a DAP request within 5 s (`tracer-identification.ts`);
 * until then it does not count against the tracer cap, and idle peers cannot fill the port. The
 * listener releases tracers beyond its cap with a warning in the log: pydevd blocks the program
 * when its socket just closes, so the relay goes through a minimal handshake and `disconnect`s
 * with `terminateDebuggee: false`, and the program runs on undebugged.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DapConnection } from '../dap/dap-connection.js';
import type { Logger } from '../log/logger.js';
import type { TracerLink } from '../relay/tracer-link.js';
import type { RemoteFileReader } from './source-reader.js';
import type { DialledProcess } from './dialled-tracer.js';
import { TracerIdentification, type IdentificationOptions } from './tracer-identification.js';

/** Default most tracers connected at once. */
export const DEFAULT_MAX_TRACERS = 32;

/** Where a tracer came from. */
export interface TracerPeer {
  /** The peer's address as the relay sees it (`127.0.0.1`), or the SSH host of a tunnel. */
  host: string;
  port?: number;
  /** The profile whose remote forward carried it, if any. */
  profileId?: string;
  /** Reads files on the tracer's machine (the tunnel's SFTP), when the relay can. */
  readFile?: RemoteFileReader;
}

/** A tracer that dialled in: the link to attach to, where it came from, and which process it is. */
export interface DialledTracer {
  link: TracerLink;
  peer: TracerPeer;
  /** What pydevd said about its process when it identified itself; undefined if it did not say. */
  process: DialledProcess | undefined;
}

/** Options of {@link TracerListener}. */
export interface TracerListenerOptions {
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Most tracers connected at once (default {@link DEFAULT_MAX_TRACERS}). */
  maxTracers?: number;
  /** Bounds on peers not yet identified as tracers (defaults in `tracer-identification.ts`). */
  identification?: Pick<IdentificationOptions, 'maxWaiting' | 'timeoutMs'>;
  logger: Logger;
  /** Called for each accepted tracer; the callee owns the link from then on. */
  onTracer: (tracer: DialledTracer) => void;
}

/** See the module comment. */
export class TracerListener {
  private readonly server: Server;
  private readonly live = new Set<Duplex>();
  private readonly maxTracers: number;
  private readonly identification: TracerIdentification;
  private closed = false;
  private nextId = 1;
  private boundPort = 0;
  readonly host: string;

  private constructor(private readonly options: TracerListenerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.maxTracers = options.maxTracers ?? DEFAULT_MAX_TRACERS;
    this.identification = new TracerIdentification({
      ...options.identification,
      logger: options.logger,
    });
    this.server = createServer((socket: Socket) => {
      socket.setNoDelay(true);
      this.accept(socket, {
        host: stripMappedIpv4(socket.remoteAddress ?? '?'),
        ...(socket.remotePort !== undefined ? { port: socket.remotePort } : {}),
      });
    });
  }

  /** Binds the tracer port. Rejects when the address is taken. */
  static async listen(options: TracerListenerOptions): Promise<TracerListener> {
    const listener = new TracerListener(options);
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(options.port ?? 0, listener.host, () => {
        listener.server.off('error', reject);
        resolve();
      });
    });
    const address = listener.server.address();
    listener.boundPort = typeof address === 'object' && address ? address.port : 0;
    options.logger.info('tracer port open', { host: listener.host, port: listener.boundPort });
    return listener;
  }

  /** The bound TCP port. */
  get port(): number {
    return this.boundPort;
  }

  /** Tracers connected now. */
  get count(): number {
    return this.live.size;
  }

  /** Peers connected and not yet identified as tracers. */
  get unidentifiedCount(): number {
    return this.identification.count;
  }

  /**
   * Takes a peer's stream (a TCP socket, or an SSH channel of a remote forward). It becomes a
   * tracer once it answers its first request (`tracer-identification.ts`); over the tracer cap, it
   * is then released. Returns false when the listener is closed (the stream is destroyed).
   */
  accept(stream: Duplex, peer: TracerPeer): boolean {
    if (this.closed) {
      stream.destroy();
      return false;
    }
    const where = `${peer.host}${peer.port !== undefined ? `:${peer.port}` : ''}`;
    const connection = new DapConnection(stream, {
      name: `tracer-${this.nextId++} ${where}`,
      logger: this.options.logger,
    });
    this.identification
      .identify(connection, stream, where)
      .then((identified) => {
        if (identified) this.admit(stream, connection, peer, identified.process);
      })
      .catch((error: unknown) => {
        // A bug, not the peer's doing: logged, and the peer let go, never the process.
        this.options.logger.error('accepting a tracer failed', { error: String(error) });
        connection.close('the relay failed to accept this tracer');
      });
    return true;
  }

  /** A peer answered: it is a tracer. Over the cap it is released; else the relay gets it. */
  private admit(
    stream: Duplex,
    connection: DapConnection,
    peer: TracerPeer,
    process: DialledProcess | undefined,
  ): void {
    const where = `${peer.host}${peer.port !== undefined ? `:${peer.port}` : ''}`;
    if (this.closed || connection.isClosed) {
      connection.close('the tracer port closed');
      return;
    }
    if (this.live.size >= this.maxTracers) {
      this.options.logger.warn(
        `tracer refused: the relay already has ${this.live.size} tracers (limit ${this.maxTracers}); the program runs on undebugged`,
        { from: where },
      );
      void releaseTracer(connection);
      return;
    }
    this.live.add(stream);
    stream.once('close', () => this.live.delete(stream));
    let disposed = false;
    const link: TracerLink = {
      connection,
      dispose: () => {
        if (!disposed) {
          disposed = true;
          connection.close('session closed');
          this.live.delete(stream);
        }
        return Promise.resolve();
      },
    };
    this.options.logger.info('tracer connected', { from: where });
    this.options.onTracer({ link, peer, process });
  }

  /** Stops listening and drops every tracer stream still open. */
  close(): Promise<void> {
    this.closed = true;
    this.identification.close();
    for (const stream of this.live) stream.destroy();
    this.live.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** `::ffff:127.0.0.1` → `127.0.0.1` (IPv4 peers of a dual-stack socket). */
function stripMappedIpv4(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** How long the release handshake may take before the stream is closed anyway, in ms. */
const RELEASE_TIMEOUT_MS = 5000;

/**
 * Lets a pydevd that dialled in go without debugging it: initialize → attach → (`initialized`) →
 * configurationDone → disconnect (`terminateDebuggee: false`), then closes. Never rejects.
 */
export async function releaseTracer(connection: DapConnection): Promise<void> {
  const timeoutMs = RELEASE_TIMEOUT_MS;
  try {
    const initialized = new Promise<void>((resolve) => {
      const off = connection.onEvent((e) => {
        if (e.event === 'initialized') {
          off();
          resolve();
        }
      });
      setTimeout(resolve, timeoutMs).unref();
    });
    await connection.sendRequest(
      'initialize',
      { adapterID: 'debugpy', clientID: 'periscope' },
      { timeoutMs },
    );
    void connection
      .sendRequest('attach', { name: 'released by periscope' }, { timeoutMs })
      .catch(() => undefined);
    await initialized;
    await connection.sendRequest('configurationDone', {}, { timeoutMs });
    await connection.sendRequest('disconnect', { terminateDebuggee: false }, { timeoutMs });
  } catch {
    // The program may be gone already; nothing else to do.
  } finally {
    connection.close('released: the relay has no room for this tracer');
  }
}
