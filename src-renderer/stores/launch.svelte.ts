import { consoleSize } from '../console/console-size.js';
import type { LaunchTarget } from '../../src-common/protocol/client-protocol.js';
import type {
  PreflightMode,
  PreflightResult,
  RemoteProcessInfo,
} from '../../src-common/protocol/connections.js';
import type { Profile } from '../../src-common/protocol/profile.js';
import { launchBreakpointParams } from './breakpoints/launch-breakpoints.js';
import { connection } from '../backend/connection.svelte.js';
import {
  asksEveryTime,
  checkedFields,
  firstFailure,
  PassedPreflights,
  type PreflightTarget,
} from './launch-preflight.js';
import { profileAddress, profiles } from './profiles.svelte.js';
import { RelayRequestError } from '../backend/relay-client.js';
import { sessions } from './sessions.svelte.js';
import { sourceEditor } from './source.svelte.js';
import { splitArgs } from './shell-args.js';
import { errorMessage } from '../../src-common/errors.js';
import { containerPicker } from './containers.svelte.js';
import { pidAttach, type PidAttach } from './process-attach.js';

/** What the launch dialog collects. */
export interface LaunchForm {
  /** Start a file or module under debugpy, or attach to a running process (`pid`) or debugpy (`port`). */
  run: 'file' | 'module' | 'pid' | 'port';
  /** A file path or a module name, per `run`. */
  program: string;
  /** For `pid`: the chosen process, as typed or picked ('' = none yet). */
  pid: string;
  /** For `port`: the remote port a user-started debugpy listens on, as typed. */
  port: string;
  /** Arguments as typed; split like a shell ({@link splitArgs}). */
  args: string;
  cwd: string;
  justMyCode: boolean;
  /**
   * For `file`/`module`: run inside this container of the machine; for `port`: the debugpy
   * listens inside it ('' = on the machine).
   */
  container: string;
  /**
   * For `file`/`module` in a container: where the container's Python has no debugpy, copy the
   * machine's in for the session (the container target's `copyDebugpy`).
   */
  copyDebugpy: boolean;
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

  /** The last preflight's answer for the open dialog (null: not run yet). */
  preflight = $state.raw<PreflightResult | null>(null);
  checking = $state(false);
  /** Checks that passed recently: a launch right after them does not run them again. */
  private readonly passed = new PassedPreflights();

  /** The remote user's Python processes, for "Attach to process" (null: not listed yet). */
  processes = $state.raw<RemoteProcessInfo[] | null>(null);
  listing = $state(false);

  /** Opens the dialog for a profile. */
  open(profile: Profile): void {
    this.profile = profile;
    this.error = null;
    this.progress = null;
    this.preflight = null;
    this.processes = null;
    containerPicker.reset(profile);
  }

  /**
   * Runs `session.preflight` for the form (which may ask for a host key or a password). Shows a
   * failure to run it at all as the dialog's error.
   */
  async check(form: LaunchForm): Promise<PreflightResult | null> {
    const profile = this.profile;
    if (!profile || this.checking) return null;
    const target = preflightTarget(profile, form, this.processes);
    // A process the list shows in a container is checked inside it, by its pid there.
    const inside = target.mode === 'attach-pid' ? this.pidAttach(profile, form) : undefined;
    const container =
      typeof inside === 'object'
        ? inside.container
        : target.container && target.mode !== 'attach-pid'
          ? containerPicker.target(profile, target.container, target.copyDebugpy)
          : undefined;
    this.checking = true;
    try {
      this.preflight = await connection.client.request('session.preflight', {
        profileId: profile.id,
        mode: target.mode,
        ...(target.pid !== undefined ? { pid: target.pid } : {}),
        ...(target.port !== undefined ? { port: target.port } : {}),
        ...(container ? { container } : {}),
      });
      this.passed.record(target, this.preflight);
      return this.preflight;
    } catch (err) {
      this.error = errorMessage(err);
      return null;
    } finally {
      this.checking = false;
    }
  }

  /**
   * Before a launch or attach: runs the checks unless they passed a moment ago for the same
   * target or would ask a second one-time code (`launch-preflight.ts`). @returns false (with the
   * first failure as the dialog's error and the list shown) when something needs fixing first.
   */
  private async checkFirst(profile: Profile, form: LaunchForm): Promise<boolean> {
    if (asksEveryTime(profile, (id) => profiles.list.find((p) => p.id === id))) return true;
    if (this.passed.isFresh(preflightTarget(profile, form, this.processes))) return true;
    this.progress = `Checking ${profileAddress(profile)}…`;
    const result = await this.check(form);
    if (result?.ok) return true;
    if (result) this.error = firstFailure(result);
    this.progress = null;
    return false;
  }

  /**
   * Where the form's pid is attached: on the machine, or inside the container the process list
   * shows the process in (`process-attach.ts`); a sentence when that cannot be done.
   */
  pidAttach(profile: Profile, form: LaunchForm): PidAttach | string | undefined {
    const pid = parsePositive(form.pid);
    return pid ? pidAttach(profile, pid, this.processes) : undefined;
  }

  /**
   * Lists the remote user's Python processes (`processes.list`), each with the container it
   * runs in, if any.
   */
  async listProcesses(): Promise<void> {
    const profile = this.profile;
    if (!profile || this.listing) return;
    this.listing = true;
    try {
      const { processes } = await connection.client.request('processes.list', {
        profileId: profile.id,
      });
      this.processes = processes;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.listing = false;
    }
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
        pid: '',
        // The profile's: a hand-started debugpy's port, e.g. taken from VS Code's launch.json.
        port: String(profile.attachPort),
        args: '',
        cwd: profile.cwd,
        justMyCode: profile.justMyCode,
        container: '',
        copyDebugpy: false,
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
    if (form.run === 'pid' || form.run === 'port') return this.attach(profile, form);
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
    let checked = false;
    try {
      checked = await this.checkFirst(profile, form);
      if (!checked) return;
      this.progress = `Connecting to ${profileAddress(profile)}…`;
      const container = form.container
        ? containerPicker.target(profile, form.container, form.copyDebugpy)
        : null;
      const params = {
        profileId: profile.id,
        target,
        args,
        cwd: form.cwd.trim(),
        justMyCode: form.justMyCode,
        ...(container && { container }),
        // A program in a terminal starts at the size the console shows it.
        ...(profile.console !== 'internalConsole' &&
          consoleSize.current && { terminalSize: consoleSize.current }),
        ...launchBreakpointParams(profile.id),
      };
      const { session } = await connection.client.request('session.launch', params);
      if (container) await containerPicker.remember(profile, container);
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
      this.launching = false;
      if (!checked) await this.diagnose(profile, form, err);
    } finally {
      this.launching = false;
    }
  }

  /** `session.attach` to a process by pid or a user-started debugpy by port. */
  private async attach(profile: Profile, form: LaunchForm): Promise<void> {
    const value = parsePositive(form.run === 'pid' ? form.pid : form.port);
    if (!value || (form.run === 'port' && value > 65535)) {
      this.error =
        form.run === 'pid'
          ? 'Pick a process from the list (or type its pid).'
          : 'Enter the port the program’s debugpy listens on (1–65535).';
      return;
    }
    // A process in a container: attached inside it, by its pid there, never from the machine.
    const where = form.run === 'pid' ? pidAttach(profile, value, this.processes) : undefined;
    if (typeof where === 'string') {
      this.error = where;
      return;
    }
    this.lastForm.set(profile.id, { ...form });
    this.launching = true;
    this.error = null;
    let checked = false;
    try {
      checked = await this.checkFirst(profile, form);
      if (!checked) return;
      // A port inside a container: reached through `docker exec`, nothing published.
      const container = where
        ? (where.container ?? null)
        : form.run === 'port' && form.container
          ? containerPicker.target(profile, form.container)
          : null;
      const inside = container ? ` in ${container.name}` : '';
      this.progress = where
        ? `Attaching to process ${where.pid}${inside} on ${profileAddress(profile)}…`
        : `Attaching to port ${value}${inside} on ${profileAddress(profile)}…`;
      const { session } = await connection.client.request('session.attach', {
        profileId: profile.id,
        to: where
          ? { kind: 'pid', pid: where.pid, ...(container && { container }) }
          : { kind: 'port', port: value, ...(container && { container }) },
        justMyCode: form.justMyCode,
        ...launchBreakpointParams(profile.id),
      });
      if (container) await containerPicker.remember(profile, container);
      this.launching = false;
      this.profile = null;
      this.progress = null;
      // No launch parameters: an attached program cannot be restarted from here.
      await sessions.launched(session);
    } catch (err) {
      this.error = errorMessage(err);
      this.progress = null;
      this.launching = false;
      if (!checked) await this.diagnose(profile, form, err);
    } finally {
      this.launching = false;
    }
  }

  /**
   * After a launch or attach that failed without checks first (they had passed a moment ago, or
   * the profile asks one-time codes): runs the preflight so the dialog names the cause — only for
   * profiles that log in without asking (agent, key), so a failure never asks for a password twice,
   * and not after the user declined the host key (the preflight would ask about it again).
   */
  private async diagnose(profile: Profile, form: LaunchForm, err: unknown): Promise<void> {
    if (this.profile !== profile) return;
    if (err instanceof RelayRequestError && err.code === 'host-key-rejected') return;
    if (profile.auth.kind === 'agent' || profile.auth.kind === 'key') await this.check(form);
  }
}

/**
 * The checks a form needs: its mode, and the pid or port it names (for a process the list
 * shows in a container: its pid there, and that container).
 */
function preflightTarget(
  profile: Profile,
  form: LaunchForm,
  processes: readonly RemoteProcessInfo[] | null,
): PreflightTarget {
  const mode: PreflightMode =
    form.run === 'pid' ? 'attach-pid' : form.run === 'port' ? 'attach-port' : 'launch';
  const machinePid = parsePositive(form.pid);
  const where = machinePid ? pidAttach(profile, machinePid, processes) : undefined;
  const pid = typeof where === 'object' ? where.pid : machinePid;
  const inside = typeof where === 'object' ? where.container?.name : undefined;
  const port = parsePositive(form.port);
  return {
    profileId: profile.id,
    fields: checkedFields(profile),
    mode,
    ...(mode === 'attach-pid' && pid ? { pid } : {}),
    ...(mode === 'attach-pid' && inside ? { container: inside } : {}),
    ...(mode === 'attach-port' && port && port <= 65535 ? { port } : {}),
    ...(mode !== 'attach-pid' && form.container ? { container: form.container } : {}),
    ...(mode === 'launch' && form.container && form.copyDebugpy ? { copyDebugpy: true } : {}),
  };
}

function parsePositive(text: string): number | null {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) && n > 0 ? n : null;
}

/** The window's launch dialog. */
export const launcher = new LaunchStore();
