/**
 * One SSH connection (ssh2 `Client`) to a remote machine: host key verification against
 * known_hosts, key or agent authentication, keepalive, and what Periscope does over it: exec,
 * local forwards and SFTP reads.
 */
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import type { HostKeyPolicy } from '../host-keys/host-key-verifier.js';
import { openLocalForward, type LocalForward } from './local-forward.js';
import { RemoteProcess, type RemoteExit } from '../exec/remote-process.js';
import { listRemoteDirectory, type RemoteDirEntry } from '../exec/sftp-list.js';
import { readRemoteFile } from '../exec/sftp-read.js';
import type { SecretSource } from './ssh-auth.js';
import { SshError } from '../ssh-error.js';
import { channelOpenFailure, connectHop, forwardThrough, type SshTarget } from './ssh-hop.js';
import { errorMessage } from '../../../src-common/errors.js';

export type { HostKeyPolicy, HostKeyQuestion } from '../host-keys/host-key-verifier.js';
export type { LocalForward } from './local-forward.js';
export { RemoteProcess, type RemoteExit } from '../exec/remote-process.js';
export { SshError, type SshErrorCode } from '../ssh-error.js';
export type { SecretRequest, SecretSource } from './ssh-auth.js';
export type { SshTarget } from './ssh-hop.js';

/** A remote forward opened by {@link SshConnection.openRemoteForward}. */
export interface RemoteForward {
  /** The port the server listens on. */
  remotePort: number;
  /** Stops the forward (connections already made stay open). Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link openSshConnection}. */
export interface SshConnectOptions {
  /** Time allowed per hop for TCP connect + handshake + authentication, in ms, not counting the time the user takes to answer a host key or password question. Default 20000 (at most 30000 is sensible). */
  readyTimeoutMs?: number;
  /** Interval of SSH keepalive requests, in ms (ssh(1) `ServerAliveInterval`); after 3 unanswered the connection is dropped. Default 10000. */
  keepaliveIntervalMs?: number;
  /** ProxyJump chain (ssh(1) `-J`), first hop first; the host key of every hop is verified. */
  jumps?: SshTarget[];
  /** Asked for passwords, key passphrases and keyboard-interactive answers. */
  secrets?: SecretSource;
  logger?: Logger;
}

/** Output of {@link SshConnection.run}. */
export interface CommandResult extends RemoteExit {
  stdout: string;
  stderr: string;
}

/**
 * Connects (through `options.jumps` when given: each next hop over a `direct-tcpip` channel of the
 * previous one, as ssh(1) `ProxyJump`), verifies every hop's host key with `hostKeys` (see
 * {@link HostKeyPolicy}) and authenticates each hop with its own `auth`. Agent forwarding is off.
 * On failure every hop opened so far is closed.
 * @throws SshError `host-key-changed` | `host-key-revoked` | `host-key-rejected` (user declined) |
 *   `auth-failed` (server refused, key unreadable, no agent, user cancelled) | `ssh-failed`
 *   (unreachable, timeout, handshake, a jump host refused to forward).
 */
export async function openSshConnection(
  target: SshTarget,
  hostKeys: HostKeyPolicy,
  options: SshConnectOptions = {},
): Promise<SshConnection> {
  const logger = options.logger ?? silentLogger;
  const hopOptions = {
    readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 10_000,
    secrets: options.secrets,
    logger,
  };
  const hops = [...(options.jumps ?? []), target];
  const clients: Client[] = [];
  try {
    for (const [index, hop] of hops.entries()) {
      const previous = clients[index - 1];
      const sock =
        previous === undefined
          ? undefined
          : await forwardThrough(previous, describeHop(hops[index - 1]!), hop.host, hop.port);
      // A jump host's questions say which hop asks (the destination's do not).
      const { secrets } = hopOptions;
      const options =
        index < hops.length - 1 && secrets
          ? { ...hopOptions, secrets: jumpSecrets(secrets, index + 1) }
          : hopOptions;
      clients.push(await connectHop(hop, hostKeys, options, sock));
    }
  } catch (error) {
    for (const client of clients.reverse()) client.destroy();
    throw error;
  }
  const final = clients.pop()!;
  return new SshConnection(final, target, logger, clients);
}

/** `secrets`, with each request marked as coming from jump host `position` (1-based). */
function jumpSecrets(secrets: SecretSource, position: number): SecretSource {
  return (request) => secrets({ ...request, jumpHost: position });
}

function describeHop(hop: SshTarget): string {
  return `${hop.user}@${hop.host}:${hop.port}`;
}

/**
 * An established SSH connection. Create with {@link openSshConnection}. If any jump host's
 * connection drops, this one closes too (its transport is a channel of that connection).
 */
export class SshConnection {
  /** `user@host:port`, for messages. */
  readonly where: string;
  private closeReason: string | undefined;
  private lastError: string | undefined;
  private closedByUs = false;
  private readonly closeListeners = new Set<(reason: string) => void>();
  private readonly forwards = new Set<LocalForward>();
  private readonly closed: Promise<void>;
  private sftp: Promise<SFTPWrapper> | undefined;

  /** @internal Use {@link openSshConnection}. */
  constructor(
    private readonly client: Client,
    readonly target: SshTarget,
    private readonly logger: Logger,
    /** Jump host connections this one runs through, first hop first; closed after it. */
    private readonly jumpClients: Client[] = [],
  ) {
    this.where = `${target.user}@${target.host}:${target.port}`;
    client.on('error', (error) => {
      this.lastError = error.message;
      logger.warn('ssh connection error', { where: this.where, error: error.message });
    });
    this.closed = new Promise((resolve) => {
      client.once('close', () => {
        this.closeReason = this.closedByUs
          ? 'closed'
          : `the connection to ${this.where} was lost${this.lastError ? `: ${this.lastError}` : ''}`;
        logger.info('ssh connection closed', { where: this.where, reason: this.closeReason });
        for (const forward of this.forwards) void forward.close();
        for (const jump of [...jumpClients].reverse()) jump.end();
        for (const listener of this.closeListeners) this.notify(listener, this.closeReason);
        this.closeListeners.clear();
        resolve();
      });
    });
  }

  /** True once the connection has closed. */
  get isClosed(): boolean {
    return this.closeReason !== undefined;
  }

  /**
   * Runs `command` through the remote user's login shell (an SSH `exec` request, no pty).
   * @throws SshError `ssh-failed` if the channel cannot be opened (connection closed, server refused).
   */
  exec(command: string): Promise<RemoteProcess> {
    return new Promise((resolve, reject) => {
      const failed = (error: unknown): void =>
        reject(
          new SshError(
            'ssh-failed',
            `could not run a command on ${this.where}: ${errorMessage(error)}`,
            { cause: error },
          ),
        );
      try {
        this.client.exec(command, (error, channel) =>
          error ? failed(error) : resolve(new RemoteProcess(channel)),
        );
      } catch (error) {
        failed(error);
      }
    });
  }

  /**
   * Runs `command` to completion and collects its output as UTF-8 (each stream capped at
   * `maxOutputBytes`, default 1 MiB; the rest is dropped). `stdin`, if given, is written to the
   * command's standard input, which is then closed: the place for what must not be on a command
   * line, which every user of the remote machine can read in `ps`.
   * @throws SshError `ssh-failed` as {@link exec}.
   */
  async run(
    command: string,
    options: { maxOutputBytes?: number; stdin?: string } = {},
  ): Promise<CommandResult> {
    const cap = options.maxOutputBytes ?? 1024 * 1024;
    const remote = await this.exec(command);
    remote.stdin.end(options.stdin);
    const collect = (stream: NodeJS.ReadableStream): Promise<string> =>
      new Promise((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          if (size < cap) chunks.push(chunk.subarray(0, cap - size));
          size += chunk.length;
        });
        stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        stream.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
    const [stdout, stderr, exit] = await Promise.all([
      collect(remote.stdout),
      collect(remote.stderr),
      remote.exit,
    ]);
    return { ...exit, stdout, stderr };
  }

  /**
   * Opens a local forward to `remoteHost:remotePort` (as the server resolves it) on 127.0.0.1 and a
   * free port. It is closed with the connection.
   * @throws SshError `ssh-failed` if the connection is closed or no local port can be opened.
   */
  async openLocalForward(remoteHost: string, remotePort: number): Promise<LocalForward> {
    this.assertOpen();
    const forward = await openLocalForward(this.client, remoteHost, remotePort, this.logger);
    const tracked: LocalForward = {
      localPort: forward.localPort,
      close: async () => {
        this.forwards.delete(tracked);
        await forward.close();
      },
    };
    this.forwards.add(tracked);
    return tracked;
  }

  /**
   * Opens one `direct-tcpip` channel (RFC 4254 §7.2) to `remoteHost:remotePort` as the server
   * resolves it: a byte stream, as one connection of a local forward carries.
   * @throws SshError `ssh-failed` when the connection is closed or the server refuses (the message
   *   says why: forwarding prohibited, nothing listening).
   */
  openChannel(remoteHost: string, remotePort: number, sourcePort = 0): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      const failed = (why: string): void =>
        reject(
          new SshError(
            'ssh-failed',
            `${this.where} could not open a connection to ${remoteHost}:${remotePort}: ${why}`,
          ),
        );
      try {
        this.assertOpen();
        this.client.forwardOut('127.0.0.1', sourcePort, remoteHost, remotePort, (error, channel) =>
          error ? failed(channelOpenFailure(error)) : resolve(channel),
        );
      } catch (error) {
        failed(errorMessage(error));
      }
    });
  }

  /**
   * Opens a remote forward (ssh(1) `-R <bindHost>:<bindPort>:…`, RFC 4254 §7.1 `tcpip-forward`):
   * the server listens on `bindHost:bindPort` (port 0: one it picks) and each connection made
   * there arrives as a channel, handed to `onConnection` with the connecting peer's address.
   * The forward ends with {@link RemoteForward.close} or with the connection.
   * @throws SshError `ssh-failed` when the connection is closed or the server refuses (e.g.
   *   `AllowTcpForwarding no`, port taken).
   */
  openRemoteForward(
    bindHost: string,
    bindPort: number,
    onConnection: (channel: ClientChannel, peer: { host: string; port: number }) => void,
  ): Promise<RemoteForward> {
    return new Promise((resolve, reject) => {
      try {
        this.assertOpen();
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      let remotePort = 0;
      const onTcp = (
        details: { destIP: string; destPort: number; srcIP: string; srcPort: number },
        accept: () => ClientChannel,
        refuse: () => void,
      ): void => {
        if (remotePort === 0 || details.destPort !== remotePort) return;
        if (closed) return refuse();
        onConnection(accept(), { host: details.srcIP, port: details.srcPort });
      };
      let closed = false;
      this.client.on('tcp connection', onTcp);
      this.client.forwardIn(bindHost, bindPort, (error, port) => {
        if (error) {
          this.client.off('tcp connection', onTcp);
          reject(
            new SshError(
              'ssh-failed',
              `${this.where} refused to listen on ${bindHost}:${bindPort}: ${error.message}`,
            ),
          );
          return;
        }
        remotePort = port || bindPort;
        resolve({
          remotePort,
          close: () =>
            new Promise<void>((done) => {
              if (closed) return done();
              closed = true;
              this.client.off('tcp connection', onTcp);
              if (this.isClosed) return done();
              try {
                this.client.unforwardIn(bindHost, remotePort, () => done());
              } catch {
                done();
              }
            }),
        });
      });
    });
  }

  /**
   * Reads a remote file over SFTP (one SFTP session per connection, opened on first use).
   * @throws SshError `file-not-found` | `file-too-big` (over `maxBytes`) | `ssh-failed`.
   */
  async readFile(remotePath: string, maxBytes: number): Promise<Buffer> {
    return readRemoteFile(await this.openSftp(), this.where, remotePath, maxBytes);
  }

  /**
   * Lists a remote directory over SFTP, folders first (`ssh/exec/sftp-list.ts`).
   * @throws SshError `file-not-found` | `ssh-failed`.
   */
  async listDirectory(
    remotePath: string,
  ): Promise<{ path: string; entries: RemoteDirEntry[]; more: number }> {
    return listRemoteDirectory(await this.openSftp(), this.where, remotePath);
  }

  /** Closes the connection (and its forwards); resolves once the socket has closed (at most ~2 s). */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.closedByUs = true;
    this.client.end();
    const timer = setTimeout(() => this.client.destroy(), 2000);
    await this.closed;
    clearTimeout(timer);
  }

  /**
   * Calls `listener` once when the connection closes, with a reason (`closed` when we closed it,
   * else a sentence saying it was lost). Called at once (asynchronously) if already closed.
   * @returns a function that removes the listener.
   */
  onClose(listener: (reason: string) => void): () => void {
    if (this.closeReason !== undefined) {
      const reason = this.closeReason;
      queueMicrotask(() => this.notify(listener, reason));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  private notify(listener: (reason: string) => void, reason: string): void {
    try {
      listener(reason);
    } catch (error) {
      this.logger.error('close listener threw', { error: errorMessage(error) });
    }
  }

  private openSftp(): Promise<SFTPWrapper> {
    this.assertOpen();
    this.sftp ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) {
          this.sftp = undefined;
          reject(
            new SshError('ssh-failed', `could not start SFTP on ${this.where}: ${error.message}`, {
              cause: error,
            }),
          );
          return;
        }
        sftp.once('close', () => (this.sftp = undefined));
        sftp.on('error', () => undefined);
        resolve(sftp);
      });
    });
    return this.sftp;
  }

  private assertOpen(): void {
    if (this.closeReason !== undefined) {
      throw new SshError(
        'ssh-failed',
        `the connection to ${this.where} is closed (${this.closeReason})`,
      );
    }
  }
}
