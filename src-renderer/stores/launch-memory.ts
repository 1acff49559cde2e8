/**
 * What a window launched, kept in its `sessionStorage` (this tab only, gone with it) so that after
 * a reload Restart still knows how the program was started. Keyed by session id and start time:
 * a relay that restarted numbers its sessions from `s1` again. Launch parameters hold no secrets
 * (the environment comes from the profile, on the relay); storage errors are ignored.
 */
import type { LaunchParams, SessionInfo } from '../../src-common/protocol/client-protocol.js';

const PREFIX = 'periscope.launch.';
/** Most launches remembered; older ones are forgotten first. */
const MAX_REMEMBERED = 50;

function keyOf(info: Pick<SessionInfo, 'id' | 'startedAt'>): string {
  return `${PREFIX}${info.id}@${info.startedAt}`;
}

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** Remembers how session `info` was launched. */
export function rememberLaunch(
  info: Pick<SessionInfo, 'id' | 'startedAt'>,
  params: LaunchParams,
): void {
  const store = storage();
  if (!store) return;
  try {
    const keys = Object.keys(store).filter((k) => k.startsWith(PREFIX));
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_REMEMBERED + 1)))
      store.removeItem(old);
    store.setItem(keyOf(info), JSON.stringify(params));
  } catch {
    // Full or refused: Restart just stays off after a reload.
  }
}

/** How session `info` was launched from this tab, if it was. */
export function recallLaunch(
  info: Pick<SessionInfo, 'id' | 'startedAt'>,
): LaunchParams | undefined {
  try {
    const text = storage()?.getItem(keyOf(info));
    if (!text) return undefined;
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && 'profileId' in value && 'target' in value
      ? (value as LaunchParams)
      : undefined;
  } catch {
    return undefined;
  }
}
