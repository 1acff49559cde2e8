import type {
  LaunchJsonAttach,
  SshConfigCandidates,
} from '../../src-common/protocol/connections.js';
import type { Profile, ProfileDraft } from '../../src-common/protocol/profile.js';
import { connection } from '../backend/connection.svelte.js';
import { errorMessage } from '../../src-common/errors.js';

/** A new, empty profile with OpenSSH's and debugpy's defaults. */
export function blankProfile(): ProfileDraft {
  return {
    name: '',
    host: '',
    port: 22,
    user: '',
    auth: { kind: 'agent' },
    python: 'python3',
    cwd: '',
    pathMappings: [],
    justMyCode: true,
    jumpHosts: [],
    env: [],
    logFiles: [],
  };
}

/** `user@host:port`, as the profile list shows a profile. */
export function profileAddress(profile: Pick<Profile, 'user' | 'host' | 'port'>): string {
  return `${profile.user}@${profile.host}:${profile.port}`;
}

/**
 * Saved connection profiles (app methods `profiles.list`, `profiles.save`, `profiles.delete`),
 * the selected one, and the one being edited.
 */
class ProfilesStore {
  list = $state.raw<Profile[]>([]);
  loaded = $state(false);
  selectedId = $state<string | null>(null);
  /** The draft in the profile form; null when the form is closed. */
  editing = $state<ProfileDraft | null>(null);
  /** Error of the last save (the relay's validation text), shown next to the form. */
  formError = $state<string | null>(null);
  saving = $state(false);
  /** Error of the last list/delete, shown in the panel. */
  error = $state<string | null>(null);
  /** The profile file was unreadable at start and moved aside: where it is now, and why. */
  recovery = $state<{ movedTo: string; reason: string } | null>(null);

  selected = $derived(this.list.find((p) => p.id === this.selectedId) ?? null);

  /** Reloads the list from the relay. */
  async refresh(): Promise<void> {
    try {
      const { profiles, recovery } = await connection.client.request('profiles.list', {});
      this.list = profiles;
      this.recovery = recovery ?? null;
      this.loaded = true;
      this.error = null;
      if (!profiles.some((p) => p.id === this.selectedId))
        this.selectedId = profiles[0]?.id ?? null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  select(id: string): void {
    this.selectedId = id;
  }

  /** Opens the form for a new profile, or a copy of an existing one to edit. */
  edit(profile?: Profile): void {
    this.editing = profile
      ? {
          ...profile,
          auth: { ...profile.auth },
          pathMappings: profile.pathMappings.map((m) => ({ ...m })),
          jumpHosts: profile.jumpHosts.map((j) =>
            j.kind === 'address' ? { ...j, auth: { ...j.auth } } : { ...j },
          ),
          env: profile.env.map((v) => ({ ...v })),
          logFiles: [...profile.logFiles],
        }
      : blankProfile();
    // The watch list is saved on its own (`profiles.setWatches`); a form save keeps it.
    if (this.editing) delete this.editing.watchExpressions;
    this.formError = null;
  }

  cancelEdit(): void {
    this.editing = null;
    this.formError = null;
  }

  /** Saves a draft; on success closes the form and selects the profile. Returns success. */
  async save(draft: ProfileDraft): Promise<boolean> {
    this.saving = true;
    this.formError = null;
    try {
      const { profile } = await connection.client.request('profiles.save', { profile: draft });
      const others = this.list.filter((p) => p.id !== profile.id);
      const at = this.list.findIndex((p) => p.id === profile.id);
      this.list =
        at < 0 ? [...others, profile] : this.list.map((p) => (p.id === profile.id ? profile : p));
      this.selectedId = profile.id;
      this.editing = null;
      return true;
    } catch (err) {
      this.formError = errorMessage(err);
      return false;
    } finally {
      this.saving = false;
    }
  }

  /**
   * Saves imported drafts as new profiles, one by one; a name already taken gets ` (2)`, ….
   * @returns the names saved and one sentence per draft that failed.
   */
  async importDrafts(drafts: ProfileDraft[]): Promise<{ saved: string[]; failed: string[] }> {
    const saved: string[] = [];
    const failed: string[] = [];
    for (const draft of drafts) {
      const taken = new Set(this.list.map((p) => p.name));
      let name = draft.name;
      for (let n = 2; taken.has(name); n++) name = `${draft.name} (${n})`;
      try {
        const { profile } = await connection.client.request('profiles.save', {
          profile: { ...draft, name },
        });
        this.list = [...this.list, profile];
        saved.push(profile.name);
      } catch (err) {
        failed.push(`${draft.name}: ${errorMessage(err)}`);
      }
    }
    if (saved.length > 0 && this.selectedId === null) this.selectedId = this.list[0]?.id ?? null;
    return { saved, failed };
  }

  /** Deletes a profile (after the user confirmed). */
  async remove(id: string): Promise<void> {
    try {
      await connection.client.request('profiles.delete', { id });
      this.list = this.list.filter((p) => p.id !== id);
      if (this.selectedId === id) this.selectedId = this.list[0]?.id ?? null;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }
}

/**
 * Reads an OpenSSH client config on the relay's machine (default `~/.ssh/config`) into drafts.
 * @throws RelayRequestError with the relay's sentence (no such file, unreadable).
 */
export function readSshConfig(path?: string): Promise<SshConfigCandidates> {
  return connection.client.request('profiles.importSshConfig', path ? { path } : {});
}

/** Reads the debugpy attach configurations of a project's `.vscode/launch.json`. */
export function readLaunchJson(
  projectPath: string,
): Promise<{ path: string; configurations: LaunchJsonAttach[]; skipped: string[] }> {
  return connection.client.request('profiles.importLaunchJson', { projectPath });
}

/** Adds or replaces an attach configuration in a project's launch.json; resolves with its path. */
export async function writeLaunchJson(
  projectPath: string,
  configuration: LaunchJsonAttach,
): Promise<string> {
  const { path } = await connection.client.request('profiles.exportLaunchJson', {
    projectPath,
    configuration,
  });
  return path;
}

/** The window's profiles. */
export const profiles = new ProfilesStore();
