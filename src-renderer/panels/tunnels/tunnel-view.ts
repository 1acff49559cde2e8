/**
 * How the Tunnels panel words a forward (`ForwardInfo`): byte counts, the route, the OpenSSH
 * option that would make the same forward, who holds it and its state.
 */
import type { ForwardInfo, ForwardState } from '../../../src-common/protocol/connections.js';
import { isLoopbackName } from '../../../src-common/net.js';

/** `0 B`, `812 B`, `1.2 kB`, `35 kB`, `4.1 MB`, `2.0 GB` (SI units, as `ls --si`). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/**
 * The route, laptop side first for `-L` and remote side first for `-R`, e.g.
 * `:43121 → 127.0.0.1:5678` and `127.0.0.1:38211 → :45001`. The laptop's host shows only when it is
 * not loopback (`127.0.0.1:38211 → db.lan:5432`). A local port of 0 (not yet known) shows as `:…`.
 */
export function forwardRoute(forward: ForwardInfo): string {
  const loopback = isLoopbackName(forward.localHost);
  const local = `${loopback ? '' : forward.localHost}:${forward.localPort || '…'}`;
  const remote = `${forward.remoteHost}:${forward.remotePort}`;
  return forward.direction === 'local' ? `${local} → ${remote}` : `${remote} → ${local}`;
}

/** The ssh(1) option that makes the same forward, e.g. `-L 127.0.0.1:43121:127.0.0.1:5678`. */
export function sshOption(forward: ForwardInfo): string {
  const local = `${forward.localHost}:${forward.localPort}`;
  const remote = `${forward.remoteHost}:${forward.remotePort}`;
  return forward.direction === 'local' ? `-L ${local}:${remote}` : `-R ${remote}:${local}`;
}

/** Who holds the forward, e.g. `session s2`, `dial-in`, `opened by hand`. */
export function ownerLabel(forward: ForwardInfo): string {
  const owner = forward.owner;
  if (owner.kind === 'session') return `session ${owner.sessionId}`;
  return owner.kind === 'dial-in' ? 'dial-in' : 'opened by hand';
}

/** The state as the panel shows it. */
export const FORWARD_STATE_LABEL: Record<ForwardState, string> = {
  opening: 'Opening',
  up: 'Up',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
  closed: 'Closed',
};

/** What the close button does, for its tooltip and confirmation. */
export function closeEffect(forward: ForwardInfo): string {
  const owner = forward.owner;
  if (owner.kind === 'session')
    return `Closing it ends session ${owner.sessionId}: its debugger connection goes through this forward.`;
  if (owner.kind === 'dial-in')
    return `Closing it stops new programs on ${forward.profileName} from dialling in; sessions that came over it keep running.`;
  return 'Closing it stops listening and drops its connections.';
}
