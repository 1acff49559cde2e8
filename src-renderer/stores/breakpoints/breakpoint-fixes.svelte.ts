/**
 * Applies the fixes the Breakpoints panel offers for a breakpoint that will not stop
 * (`unverified-reason.ts`): save a path mapping in the profile, open the profile editor with a
 * mapping row to complete, turn justMyCode off, move a breakpoint to the line debugpy used.
 * Mappings and justMyCode are attach settings, so they apply from the next launch: after a saved
 * fix, {@link fixes.notice} offers to relaunch.
 */
import type { Profile } from '../../../src-common/protocol/profile.js';
import { breakpoints } from './breakpoints.svelte.js';
import { launcher } from '../launch.svelte.js';
import { profiles } from '../profiles.svelte.js';
import { sessions } from '../sessions.svelte.js';
import type { BreakpointFix } from './unverified-reason.js';

/** Full description of a fix, for its button's accessible name and tooltip. */
export function fixLabel(fix: BreakpointFix): string {
  switch (fix.kind) {
    case 'set-mapping':
      return fix.replaceIndex === undefined
        ? `Add mapping ${fix.mapping.localRoot} → ${fix.mapping.remoteRoot}`
        : `Change mapping to ${fix.mapping.localRoot} → ${fix.mapping.remoteRoot}`;
    case 'edit-mappings':
      return 'Edit path mappings…';
    case 'just-my-code-off':
      return 'Turn justMyCode off';
    case 'move-line':
      return `Move to line ${fix.line}`;
  }
}

/** Short visible text of a fix's button (the mapping itself is shown above it). */
export function fixButtonText(fix: BreakpointFix): string {
  if (fix.kind === 'set-mapping')
    return fix.replaceIndex === undefined ? 'Add this mapping' : 'Use this mapping';
  return fixLabel(fix);
}

/** A saved fix that needs a new session, and for which profile. */
export interface FixNotice {
  profileId: string;
  text: string;
}

class BreakpointFixes {
  notice = $state.raw<FixNotice | null>(null);
  error = $state<string | null>(null);

  /** Applies a fix for the breakpoint at `path:line` of the current profile. */
  async apply(fix: BreakpointFix, path: string, line: number): Promise<void> {
    this.error = null;
    if (fix.kind === 'move-line') {
      breakpoints.move(path, line, fix.line);
      return;
    }
    const profile = profiles.list.find((p) => p.id === breakpoints.profileKey);
    if (!profile) {
      this.error = 'The profile of these breakpoints no longer exists.';
      return;
    }
    if (fix.kind === 'edit-mappings') {
      profiles.edit({ ...profile, pathMappings: [...profile.pathMappings, { ...fix.draft }] });
      return;
    }
    if (fix.kind === 'set-mapping') {
      const mappings = [...profile.pathMappings];
      if (fix.replaceIndex !== undefined) mappings.splice(fix.replaceIndex, 1, { ...fix.mapping });
      // debugpy uses the first mapping that matches: a new, more specific one goes first.
      else mappings.unshift({ ...fix.mapping });
      await this.save(
        { ...profile, pathMappings: mappings },
        `Path mapping ${fix.mapping.localRoot} → ${fix.mapping.remoteRoot} saved.`,
      );
      return;
    }
    await this.save({ ...profile, justMyCode: false }, 'justMyCode turned off in the profile.');
    launcher.patchLastForm(profile.id, { justMyCode: false });
  }

  /** Stops the profile's live session (if active) and opens the launch dialog again. */
  async relaunch(): Promise<void> {
    const notice = this.notice;
    const profile = profiles.list.find((p) => p.id === notice?.profileId);
    this.notice = null;
    if (!profile) return;
    const info = sessions.activeInfo;
    if (info && info.profileId === profile.id && info.state !== 'ended') await sessions.stop();
    launcher.open(profile);
  }

  dismiss(): void {
    this.notice = null;
  }

  private async save(profile: Profile, done: string): Promise<void> {
    const ok = await profiles.save(profile);
    if (!ok) {
      this.error = profiles.formError ?? 'Could not save the profile.';
      return;
    }
    const live = sessions.list.some((s) => s.profileId === profile.id && s.state !== 'ended');
    this.notice = {
      profileId: profile.id,
      text: live ? `${done} It applies to new sessions: relaunch to use it.` : `${done}`,
    };
  }
}

/** The window's breakpoint fixes. */
export const fixes = new BreakpointFixes();
