/**
 * Opens the SSH connection a profile describes: its host, user and auth, through its ProxyJump
 * chain (hops given by address, or by reference to other saved profiles), asking for secrets
 * through the relay when a hop needs one.
 */
import type { Logger } from '../log/logger.js';
import type { Profile } from '../../src-common/protocol/profile.js';
import {
  openSshConnection,
  SshError,
  type HostKeyPolicy,
  type SecretSource,
  type SshConnection,
  type SshTarget,
} from '../ssh/connection/ssh-connection.js';
import {
  ReconnectingSsh,
  rememberForReconnects,
  type ReconnectOptions,
} from '../ssh/connection/reconnecting-ssh.js';

/** What a connection needs beyond the profile and the host key policy. */
export interface ConnectExtras {
  /** Asked for passwords, passphrases and keyboard-interactive answers. */
  secrets?: SecretSource;
  /** Looks up the profiles that jump hosts refer to. */
  lookupProfile?: (id: string) => Profile | undefined;
  /**
   * SSH keepalive interval in ms (ssh(1) `ServerAliveInterval`; 3 unanswered drop the
   * connection, so a silent drop is noticed after about 4 intervals). Default 10000; tests
   * shorten it.
   */
  keepaliveIntervalMs?: number;
}

/**
 * The hops before `profile`'s host, first first. A profile reference contributes that profile's
 * host, port, user and auth (not its own jump hosts: chains are written out in full, as with
 * ssh(1) `-J a,b`).
 * @throws SshError `ssh-failed` when a referenced profile no longer exists.
 */
export function jumpTargets(
  profile: Profile,
  lookupProfile: (id: string) => Profile | undefined = () => undefined,
): SshTarget[] {
  return profile.jumpHosts.map((jump) => {
    if (jump.kind === 'address') {
      return { host: jump.host, port: jump.port, user: jump.user, auth: jump.auth };
    }
    const other = lookupProfile(jump.profileId);
    if (other === undefined) {
      throw new SshError(
        'ssh-failed',
        `the jump host profile of "${profile.name}" no longer exists; edit its jump hosts`,
      );
    }
    return { host: other.host, port: other.port, user: other.user, auth: other.auth };
  });
}

/** Connects to `profile`'s machine. @throws SshError as {@link openSshConnection}. */
export function connectProfile(
  profile: Profile,
  hostKeys: HostKeyPolicy,
  logger: Logger,
  extras: ConnectExtras = {},
): Promise<SshConnection> {
  return openSshConnection(
    { host: profile.host, port: profile.port, user: profile.user, auth: profile.auth },
    hostKeys,
    {
      logger,
      jumps: jumpTargets(profile, extras.lookupProfile),
      ...(extras.secrets ? { secrets: extras.secrets } : {}),
      ...(extras.keepaliveIntervalMs ? { keepaliveIntervalMs: extras.keepaliveIntervalMs } : {}),
    },
  );
}

/**
 * Connects to `profile`'s machine and keeps the link up ({@link ReconnectingSsh}: backoff 1 s up
 * to 60 s with jitter; never retried after an auth failure, a host key problem or `close()`).
 * Passwords and passphrases given for the first connection are reused, from memory only, for the
 * reconnects (keyboard-interactive answers are asked again).
 * @throws SshError of the first connection, as {@link connectProfile}.
 */
export async function connectProfileKeepingUp(
  profile: Profile,
  hostKeys: HostKeyPolicy,
  logger: Logger,
  extras: ConnectExtras = {},
  options: Pick<ReconnectOptions, 'baseDelayMs' | 'maxDelayMs'> = {},
): Promise<ReconnectingSsh> {
  const secrets = extras.secrets ? rememberForReconnects(extras.secrets) : undefined;
  const link = await ReconnectingSsh.open(
    () => connectProfile(profile, hostKeys, logger, { ...extras, ...(secrets ? { secrets } : {}) }),
    { ...options, logger },
  );
  link.onStatus((status) => {
    if (status.state === 'closed' || status.state === 'failed') secrets?.forget();
  });
  return link;
}
