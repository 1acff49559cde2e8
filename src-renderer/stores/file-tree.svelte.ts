/**
 * The Files panel's tree: folders of a profile's machine listed over SFTP when opened
 * (`files.list`), one request per folder, kept until the root changes. A file opens in the source
 * view at its laptop path when a path mapping covers it (as quick open does).
 */
import { toLocalPath } from '../../src-common/path-mapping.js';
import { errorMessage } from '../../src-common/errors.js';
import type { Profile } from '../../src-common/protocol/profile.js';
import { connection } from '../backend/connection.svelte.js';
import { sourceEditor } from './source.svelte.js';

/** One listed folder. */
export type FolderState =
  | { status: 'loading' }
  | { status: 'loaded'; entries: { name: string; directory: boolean }[]; more: number }
  | { status: 'error'; message: string };

class FileTreeStore {
  /** Whose machine and which folder; the root becomes absolute once listed. */
  profile = $state.raw<Profile | null>(null);
  root = $state('');
  folders = $state.raw<ReadonlyMap<string, FolderState>>(new Map());
  expanded = $state.raw<ReadonlySet<string>>(new Set());

  /** Shows `root` on `profile`'s machine (listing it), unless that is what is shown already. */
  async showRoot(profile: Profile, root: string): Promise<void> {
    if (this.profile?.id === profile.id && (this.root === root || this.shownFrom === root)) return;
    this.profile = profile;
    this.shownFrom = root;
    this.root = root;
    this.folders = new Map();
    this.expanded = new Set();
    const listed = await this.load(root);
    if (listed && this.profile === profile) {
      this.root = listed;
      this.expanded = new Set([listed]);
    }
  }

  /** Opens or closes a folder (listing it the first time). */
  async toggle(path: string): Promise<void> {
    if (this.expanded.has(path)) {
      this.expanded = new Set([...this.expanded].filter((p) => p !== path));
      return;
    }
    this.expanded = new Set([...this.expanded, path]);
    const known = this.folders.get(path);
    if (!known || known.status === 'error') await this.load(path);
  }

  /** Opens a file of the tree in the source view. */
  async open(path: string, sessionId: string | null): Promise<void> {
    const profile = this.profile;
    if (!profile) return;
    await sourceEditor.open(
      toLocalPath(path, profile.pathMappings),
      sessionId,
      null,
      sessionId ? null : profile.id,
    );
  }

  private shownFrom = '';

  /** Lists `path`; returns its absolute path, or null when it failed. */
  private async load(path: string): Promise<string | null> {
    const profile = this.profile;
    if (!profile) return null;
    this.set(path, { status: 'loading' });
    try {
      const listed = await connection.client.request('files.list', { profileId: profile.id, path });
      if (this.profile !== profile) return null;
      if (listed.path !== path) this.remove(path);
      this.set(listed.path, { status: 'loaded', entries: listed.entries, more: listed.more });
      return listed.path;
    } catch (err) {
      if (this.profile === profile) this.set(path, { status: 'error', message: errorMessage(err) });
      return null;
    }
  }

  // Replaced whole (`$state.raw`): the panel re-reads the map when it is a new one.
  private set(path: string, state: FolderState): void {
    this.folders = new Map([...this.folders, [path, state]]);
  }

  private remove(path: string): void {
    this.folders = new Map([...this.folders].filter(([p]) => p !== path));
  }
}

/** The window's file tree. */
export const fileTree = new FileTreeStore();
