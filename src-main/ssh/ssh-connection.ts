/**
 * One SSH connection (ssh2 `Client`) to a remote machine: host key verification against
 * known_hosts, key or agent authentication, keepalive, and what Periscope does over it: exec,
 * local forwards and SFTP reads.
 */
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { ProfileAuth } from '../protocol/profile.js';
import { connectError } from './connect-error.js';
import { bindHostVerifier, hostKeyAlgorithmsFor, type HostKeyPolicy } from './host-key-verifier.js';
import { openLocalForward, type LocalForward } from './local-forward.js';
import { RemoteProcess, type RemoteExit } from './remote-process.js';
import { readRemoteFile } from './sftp-read.js';
import { resolveSshAuth } from './ssh-auth.js';
import { SshError, errorMessage } from './ssh-error.js';

export type { HostKeyPolicy, HostKeyQuestion } from './host-key-verifier.js';
export type { LocalForward } from './local-forward.js';
export { RemoteProcess, type RemoteExit } from './remote-process.js';
export { SshError, type SshErrorCode } from './ssh-error.js';

/** Where to connect and as whom. */
export interface SshTarget {
  host: string;
  /** 1–65535; 22 is OpenSSH's default. */
  port: number;
  user: string;
  auth: ProfileAuth;
}

/** Options of {@link openSshConnection}. */
export interface SshConnectOptions {
  /** Time allowed for TCP connect + handshake + authentication, in ms, not counting the time the user takes to answer a host key question. Default 20000. */
  readyTimeoutMs?: number;
  /** Interval of SSH keepalive requests, in ms (ssh(1) `ServerAliveInterval`); after 3 unanswered the connection is dropped. Default 10000. */
  keepaliveIntervalMs?: number;
  logger?: Logger;
}

/** Output of {@link SshConnection.run}. */
export interface CommandResult extends RemoteExit {
  stdout: string;
  stderr: string;
}

/**
 * Connects, verifies the host key with `hostKeys` (see {@link HostKeyPolicy}) and authenticates.
 * Agent forwarding is off.
 * @throws SshError `host-key-changed` | `host-key-revoked` | `host-key-rejected` (user declined) |
 *   `auth-failed` (server refused, key unreadable, no agent) | `ssh-failed` (unreachable, timeout, handshake).
 */
export async function openSshConnection(
  target: SshTarget,
  hostKeys: HostKeyPolicy,
  options: SshConnectOptions = {},
): Promise<SshConnection> {
  const logger = options.logger ?? silentLogger;
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const where = `${target.host}:${target.port}`;
  const auth = await resolveSshAuth(target.auth);
  const serverHostKey = await hostKeyAlgorithmsFor(hostKeys, target.host, target.port);
  const client = new Client();

  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (error: SshError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      logger.info('ssh connect failed', { where, code: error.code, message: error.message });
      client.destroy();
      reject(error);
    };
    const startTimer = (): void => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          fail(
            new SshError(
              'ssh-failed',
              `timed out after ${readyTimeoutMs} ms connecting to ${where}`,
            ),
          ),
        readyTimeoutMs,
      );
    };
    const bound = bindHostVerifier(hostKeys, target.host, target.port, {
      onAskStart: () => clearTimeout(timer),
      onAskEnd: () => {
        if (!settled) startTimer();
      },
      logger,
    });
    const attempt = {
      host: target.host,
      port: target.port,
      user: target.user,
      authDescription: auth.description,
    };
    client.on('error', (error) => fail(bound.refusal() ?? connectError(error, attempt)));
    client.on('close', () =>
      fail(
        bound.refusal() ??
          new SshError('ssh-failed', `${where} closed the connection during the SSH handshake`),
      ),
    );
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      logger.info('ssh connected', { where, user: target.user });
      resolve(new SshConnection(client, target, logger));
    });
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      agent: auth.agent,
      privateKey: auth.privateKey,
      agentForward: false,
      hostVerifier: bound.verifier,
      readyTimeout: 0, // our own timer, paused while the user decides about a host key
      keepaliveInterval: options.keepaliveIntervalMs ?? 10_000,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey },
    };
    startTimer();
    try {
      client.connect(config);
    } catch (error) {
      fail(connectError(error, attempt));
    }
  });
}

/** An established SSH connection. Create with {@link openSshConnection}. */
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
   * `maxOutputBytes`, default 1 MiB; the rest is dropped).
   * @throws SshError `ssh-failed` as {@link exec}.
   */
  async run(command: string, options: { maxOutputBytes?: number } = {}): Promise<CommandResult> {
    const cap = options.maxOutputBytes ?? 1024 * 1024;
    const remote = await this.exec(command);
    remote.stdin.end();
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
   * Reads a remote file over SFTP (one SFTP session per connection, opened on first use).
   * @throws SshError `file-not-found` | `file-too-big` (over `maxBytes`) | `ssh-failed`.
   */
  async readFile(remotePath: string, maxBytes: number): Promise<Buffer> {
    return readRemoteFile(await this.openSftp(), this.where, remotePath, maxBytes);
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
