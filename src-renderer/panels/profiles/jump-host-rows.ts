/**
 * The profile form's editable model of a ProxyJump chain (ssh(1) `-J`): one row per hop, either
 * another saved profile or an address typed as `user@host[:port]` with its own authentication
 * (agent, key file, password or keyboard-interactive), converted to and from the profile's
 * `jumpHosts`. Secrets are never part of a row: they are asked for when connecting.
 */
import type { JumpHost, ProfileAuth } from '../../../src-common/protocol/profile.js';

/** One hop as the form edits it; fields of the kind not chosen are kept so switching back loses nothing. */
export interface JumpHostRow {
  kind: 'profile' | 'address';
  /** Id of the saved profile to go through (kind `profile`); '' = none chosen yet. */
  profileId: string;
  /** `user@host` or `user@host:port` (kind `address`). */
  address: string;
  /** Authentication of an address hop: any {@link ProfileAuth} kind. */
  authKind: ProfileAuth['kind'];
  /** Key file of kind `key`; kept (default {@link DEFAULT_JUMP_KEY}) while another kind is chosen. */
  keyPath: string;
}

/** The key file a new address hop proposes. */
export const DEFAULT_JUMP_KEY = '~/.ssh/id_ed25519';

/** A new row: through another profile when there is one to choose, otherwise by address. */
export function blankJumpRow(firstProfileId: string | undefined): JumpHostRow {
  return {
    kind: firstProfileId === undefined ? 'address' : 'profile',
    profileId: firstProfileId ?? '',
    address: '',
    authKind: 'agent',
    keyPath: DEFAULT_JUMP_KEY,
  };
}

/** `user@host` with `:port` only when it is not 22; IPv6 hosts in brackets. */
function formatAddress(hop: { user: string; host: string; port: number }): string {
  const host = hop.host.includes(':') ? `[${hop.host}]` : hop.host;
  return `${hop.user}@${host}${hop.port === 22 ? '' : `:${hop.port}`}`;
}

/** The rows for a profile's stored chain, first hop first. */
export function toJumpRows(jumpHosts: readonly JumpHost[]): JumpHostRow[] {
  return jumpHosts.map((hop) =>
    hop.kind === 'profile'
      ? { ...blankJumpRow(hop.profileId), kind: 'profile' }
      : {
          kind: 'address',
          profileId: '',
          address: formatAddress(hop),
          authKind: hop.auth.kind,
          keyPath: hop.auth.kind === 'key' ? hop.auth.keyPath : DEFAULT_JUMP_KEY,
        },
  );
}

const ADDRESS = /^([^@\s]+)@(\[[^\]\s]+\]|[^@\s:[\]]+)(?::(\d+))?$/;

/**
 * The chain to save, or one sentence naming the first row that is not a hop (no profile chosen,
 * address not `user@host[:port]`, port outside 1–65535). The relay validates the rest.
 */
export function fromJumpRows(
  rows: readonly JumpHostRow[],
): { jumpHosts: JumpHost[] } | { error: string } {
  const jumpHosts: JumpHost[] = [];
  for (const [i, row] of rows.entries()) {
    const which = `Jump host ${i + 1}`;
    if (row.kind === 'profile') {
      if (row.profileId === '') return { error: `${which}: choose the profile to go through.` };
      jumpHosts.push({ kind: 'profile', profileId: row.profileId });
      continue;
    }
    const match = ADDRESS.exec(row.address.trim());
    if (!match?.[1] || !match[2])
      return { error: `${which}: write the address as user@host or user@host:port.` };
    const port = match[3] === undefined ? 22 : Number(match[3]);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      return { error: `${which}: the port must be from 1 to 65535.` };
    const auth: ProfileAuth =
      row.authKind === 'key'
        ? { kind: 'key', keyPath: row.keyPath.trim() }
        : { kind: row.authKind };
    jumpHosts.push({
      kind: 'address',
      user: match[1],
      host: match[2].replace(/^\[(.*)\]$/, '$1'),
      port,
      auth,
    });
  }
  return { jumpHosts };
}
