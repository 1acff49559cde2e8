/**
 * One SSH hop: an ssh2 `Client` connected, host key verified and authenticated, either over TCP
 * or over a stream (the `direct-tcpip` channel of the previous hop, ssh(1) `ProxyJump`).
 */
import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig } from 'ssh2';
import { loadSsh2 } from './ssh2-module.js';
import type { Logger } from '../../log/logger.js';
import type { ProfileAuth } from '../../../src-common/protocol/profile.js';
import { connectError, serverOfferListener } from './connect-error.js';
import {
  bindHostVerifier,
  hostKeyAlgorithmsFor,
  type HostKeyPolicy,
} from '../host-keys/host-key-verifier.js';
import { bindAuth, type SecretSource } from './ssh-auth.js';
import { SshError } from '../ssh-error.js';
import { errorMessage } from '../../../src-common/errors.js';

/** Where to connect and as whom. */
export interface SshTarget {
  host: string;
  /** 1–65535; 22 is OpenSSH's default. */
  port: number;
  user: string;
  auth: ProfileAuth;
}

/** Settings of one hop's handshake. */
export interface HopOptions {
  /** Time for TCP connect + handshake + auth, in ms, not counting time the user takes to answer. */
  readyTimeoutMs: number;
  /** SSH keepalive interval in ms (ssh(1) `ServerAliveInterval`); 3 unanswered drop the connection. */
  keepaliveIntervalMs: number;
  secrets: SecretSource | undefined;
  logger: Logger;
}

/**
 * Connects one hop. `sock` is the stream to run SSH over (a jump host's forwarded channel);
 * without it ssh2 opens TCP to `target.host:target.port`. Agent forwarding is off.
 * @throws SshError `host-key-changed` | `host-key-revoked` | `host-key-rejected` | `auth-failed` |
 *   `ssh-failed` (unreachable, timeout, handshake).
 */
export async function connectHop(
  target: SshTarget,
  hostKeys: HostKeyPolicy,
  options: HopOptions,
  sock?: Duplex,
): Promise<Client> {
  const { logger, readyTimeoutMs } = options;
  const where = `${target.host}:${target.port}`;
  const serverHostKey = await hostKeyAlgorithmsFor(hostKeys, target.host, target.port);
  const client = new (await loadSsh2()).Client();

  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let asking = 0;
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
      if (asking > 0 || settled) return;
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
    // The timeout is paused while the user answers a question (host key, password).
    const askStart = (): void => {
      asking += 1;
      clearTimeout(timer);
    };
    const askEnd = (): void => {
      asking -= 1;
      startTimer();
    };
    const bound = bindHostVerifier(hostKeys, target.host, target.port, {
      onAskStart: askStart,
      onAskEnd: askEnd,
      logger,
    });
    const secrets: SecretSource | undefined = options.secrets
      ? async (request) => {
          askStart();
          try {
            return await options.secrets!(request);
          } finally {
            askEnd();
          }
        }
      : undefined;
    const auth = bindAuth(target, secrets);
    const offered = new Map<string, string>();
    const attempt = {
      host: target.host,
      port: target.port,
      user: target.user,
      authDescription: auth.description,
      offered,
    };
    const refusal = (): SshError | undefined => bound.refusal() ?? auth.failure();
    client.on('error', (error) => fail(refusal() ?? connectError(error, attempt)));
    client.on('close', () =>
      fail(
        refusal() ??
          new SshError('ssh-failed', `${where} closed the connection during the SSH handshake`),
      ),
    );
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      logger.info('ssh connected', { where, user: target.user });
      resolve(client);
    });
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      authHandler: auth.authHandler,
      agentForward: false,
      hostVerifier: bound.verifier,
      readyTimeout: 0, // our own timer, paused while the user decides
      keepaliveInterval: options.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey },
      // Only to name the server's algorithms when none is in common (connect-error.ts).
      debug: serverOfferListener(offered, () => !settled),
      ...(sock ? { sock } : {}),
    };
    startTimer();
    try {
      client.connect(config);
    } catch (error) {
      fail(connectError(error, attempt));
    }
  });
}

/**
 * Opens a `direct-tcpip` channel (RFC 4254 §7.2) from `via` to `host:port`, to run the next hop's
 * SSH over (what `ssh -J` does with `-W`).
 * @throws SshError `ssh-failed` when the jump host refuses (e.g. `AllowTcpForwarding no`) or cannot
 *   reach the next hop.
 */
export function forwardThrough(
  via: Client,
  viaName: string,
  host: string,
  port: number,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const refused = (why: string): void =>
      reject(
        new SshError(
          'ssh-failed',
          `the jump host ${viaName} could not open a connection to ${host}:${port}: ${why}`,
        ),
      );
    try {
      via.forwardOut('127.0.0.1', 0, host, port, (error, channel) =>
        error ? refused(channelOpenFailure(error)) : resolve(channel),
      );
    } catch (error) {
      refused(errorMessage(error));
    }
  });
}

/** RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN_FAILURE reason codes, in words. */
const OPEN_FAILURE_REASONS: Record<number, string> = {
  1: 'administratively prohibited (the server does not allow TCP forwarding: AllowTcpForwarding)',
  2: 'connect failed (nothing listens there, or it is unreachable from that host)',
  3: 'unknown channel type',
  4: 'resource shortage',
};

/** Words for a failed channel open: ssh2 sets `reason` to the RFC 4254 code. */
export function channelOpenFailure(error: Error): string {
  const reason = (error as { reason?: unknown }).reason;
  return (typeof reason === 'number' ? OPEN_FAILURE_REASONS[reason] : undefined) ?? error.message;
}
