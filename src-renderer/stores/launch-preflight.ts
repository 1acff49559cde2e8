/**
 * When the launch dialog runs the preflight checks (issue 3: "Preflight before a launch or
 * attach") by itself: before every launch or attach, unless the same checks for the same profile
 * and target passed a short while ago ({@link PREFLIGHT_FRESH_MS}), and never for a profile whose
 * chain logs in with keyboard-interactive (its answers are often one-time codes: checking first
 * would ask for a second code). Passwords are asked once for both: the relay keeps what was just
 * typed for a moment (`src-main/connect/secret-prompts.ts`).
 */
import type {
  PreflightCheck,
  PreflightMode,
  PreflightResult,
} from '../../src-common/protocol/connections.js';
import type { Profile } from '../../src-common/protocol/profile.js';

/** How long passed checks are trusted for the same profile and target, in ms (10 minutes). */
export const PREFLIGHT_FRESH_MS = 10 * 60_000;

/** What the checks are about: the profile, the mode and the pid or port they were run for. */
export interface PreflightTarget {
  profileId: string;
  /** What of the profile the checks depend on ({@link checkedFields}): an edit runs them again. */
  fields: string;
  mode: PreflightMode;
  pid?: number;
  port?: number;
  /** For a launch into (or an attach to a port in) a container: its name. */
  container?: string;
  /** For a launch into a container: the machine's debugpy is copied in where it has none. */
  copyDebugpy?: boolean;
}

/** The profile's fields the checks depend on (address, login, jumps, interpreter), as one string. */
export function checkedFields(profile: Profile): string {
  const { host, port, user, auth, jumpHosts, python } = profile;
  return JSON.stringify([host, port, user, auth, jumpHosts, python]);
}

/** True when connecting to `profile` (or a jump host on the way) asks keyboard-interactive questions. */
export function asksEveryTime(
  profile: Profile,
  lookup: (profileId: string) => Profile | undefined,
): boolean {
  if (profile.auth.kind === 'keyboard-interactive') return true;
  return profile.jumpHosts.some((hop) =>
    hop.kind === 'address'
      ? hop.auth.kind === 'keyboard-interactive'
      : lookup(hop.profileId)?.auth.kind === 'keyboard-interactive',
  );
}

/** The first failed check as one sentence for the dialog, e.g. `debugpy importable: …`. */
export function firstFailure(result: PreflightResult): string {
  const failed: PreflightCheck | undefined = result.checks.find((c) => c.status === 'failed');
  return failed
    ? `${failed.label}: ${failed.detail}`
    : 'The checks found a problem; see the list below.';
}

/** Checks that passed, by target, with when (see the module comment). */
export class PassedPreflights {
  private readonly passedAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a result: a pass is remembered, a failure forgets an earlier pass. */
  record(target: PreflightTarget, result: PreflightResult): void {
    if (result.ok) this.passedAt.set(keyOf(target), this.now());
    else this.passedAt.delete(keyOf(target));
  }

  /** True when the same checks passed less than {@link PREFLIGHT_FRESH_MS} ago. */
  isFresh(target: PreflightTarget): boolean {
    const at = this.passedAt.get(keyOf(target));
    return at !== undefined && this.now() - at < PREFLIGHT_FRESH_MS;
  }
}

function keyOf(target: PreflightTarget): string {
  return `${target.profileId}\0${target.fields}\0${target.mode}\0${target.pid ?? ''}\0${target.port ?? ''}\0${target.container ?? ''}\0${target.copyDebugpy === true ? 'copy' : ''}`;
}
