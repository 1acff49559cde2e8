import type { LaunchTarget } from '../../src-main/protocol/client-protocol.js';
import type { Profile } from '../../src-main/protocol/profile.js';
import { launchBreakpointParams } from './breakpoints/launch-breakpoints.js';
import { connection } from './connection.svelte.js';
import { errorMessage } from './dap-response.js';
import { profileAddress } from './profiles.svelte.js';
import { sessions } from './sessions.svelte.js';
import { sourceEditor } from './source.svelte.js';
import { splitArgs } from './shell-args.js';

/** What the launch dialog collects. */
export interface LaunchForm {
  run: 'file' | 'module';
  /** A file path or a module name, per `run`. */
  program: string;
  /** Arguments as typed; split like a shell ({@link splitArgs}). */
  args: string;
  cwd: string;
  justMyCode: boolean;
}

/**
 * The "Launch program" dialog: which profile, the form's last values, and the launch in
 * progress (`session.launch`, which may wait on a host-key prompt and so has no time limit).
 */
class LaunchStore {
  profile = $state.raw<Profile | null>(null);
  launching = $state(false);
  progress = $state<string | null>(null);
  error = $state<string | null>(null);
  /** Last program per profile id, to prefill the dialog. */
  private readonly lastForm = new Map<string, LaunchForm>();

  /** Opens the dialog for a profile. */
  open(profile: Profile): void {
    this.profile = profile;
    this.error = null;
    this.progress = null;
  }

  close(): void {
    if (this.launching) return;
    this.profile = null;
  }

  /**
   * Changes fields of a profile's remembered form (e.g. justMyCode after the Breakpoints panel
   * turned it off in the profile), so the next launch dialog shows them. No-op without one.
   */
  patchLastForm(profileId: string, patch: Partial<LaunchForm>): void {
    const form = this.lastForm.get(profileId);
    if (form) this.lastForm.set(profileId, { ...form, ...patch });
  }

  /** The form's initial values: the last launch of this profile, else the profile's defaults. */
  initialForm(profile: Profile): LaunchForm {
    return (
      this.lastForm.get(profile.id) ?? {
        run: 'file',
        program: '',
        args: '',
        cwd: profile.cwd,
        justMyCode: profile.justMyCode,
      }
    );
  }

  /** Launches; on success closes the dialog and activates the new session. */
  async launch(form: LaunchForm): Promise<void> {
    const profile = this.profile;
    if (!profile || this.launching) return;
    let args: string[];
    try {
      args = splitArgs(form.args);
    } catch (err) {
      this.error = errorMessage(err);
      return;
    }
    const program = form.program.trim();
    if (!program) {
      this.error =
        form.run === 'file'
          ? 'Enter the path of the Python file to run.'
          : 'Enter the module to run.';
      return;
    }
    const target: LaunchTarget =
      form.run === 'file' ? { kind: 'file', path: program } : { kind: 'module', module: program };
    this.lastForm.set(profile.id, { ...form });
    this.launching = true;
    this.error = null;
    this.progress = `Connecting to ${profileAddress(profile)}…`;
    try {
      const params = {
        profileId: profile.id,
        target,
        args,
        cwd: form.cwd.trim(),
        justMyCode: form.justMyCode,
        ...launchBreakpointParams(profile.id),
      };
      const { session } = await connection.client.request('session.launch', params);
      this.launching = false;
      this.profile = null;
      this.progress = null;
      await sessions.launched(session, params);
      // Show the program being debugged, unless the user (or a stop) already chose a source.
      if (target.kind === 'file' && program.startsWith('/') && !sourceEditor.document) {
        await sourceEditor.open(program, session.id);
      }
    } catch (err) {
      this.error = errorMessage(err);
      this.progress = null;
    } finally {
      this.launching = false;
    }
  }
}

/** The window's launch dialog. */
export const launcher = new LaunchStore();
