/**
 * Quick open (Ctrl+P, as in VS Code): the Python files of a folder on a profile's machine
 * (`files.index`), filtered as the person types (`quick-open/fuzzy-score.ts`); the chosen one
 * opens in the source view, at its laptop path when a path mapping covers it (so breakpoints set
 * there are the ones debugpy gets).
 */
import { toLocalPath } from '../../src-common/path-mapping.js';
import { errorMessage } from '../../src-common/errors.js';
import type { Profile } from '../../src-common/protocol/profile.js';
import { connection } from '../backend/connection.svelte.js';
import { rankPaths } from '../quick-open/fuzzy-score.js';
import { sourceEditor } from './source.svelte.js';

/** Results shown at once. */
export const QUICK_OPEN_RESULTS = 50;

class QuickOpenStore {
  /** The profile whose machine is listed; null while closed. */
  profile = $state.raw<Profile | null>(null);
  /** The session files open in (null: read through the profile). */
  sessionId: string | null = null;
  /** The folder listed, as typed; the index's absolute root once listed. */
  root = $state('');
  query = $state('');
  files = $state.raw<string[]>([]);
  truncated = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  private listedKey = '';

  /** The best matches of the query, best first. */
  get results(): { path: string; positions: number[] }[] {
    return rankPaths(this.query, this.files, QUICK_OPEN_RESULTS);
  }

  /** Opens quick open on `profile`'s machine, listing `root` (listed once per profile and root). */
  show(profile: Profile, root: string, sessionId: string | null): void {
    this.profile = profile;
    this.sessionId = sessionId;
    this.query = '';
    this.error = null;
    if (`${profile.id}\0${root}` !== this.listedKey) {
      this.root = root;
      void this.list();
    }
  }

  close(): void {
    this.profile = null;
  }

  /** Lists the folder in {@link root} again. */
  async list(): Promise<void> {
    const profile = this.profile;
    if (!profile || this.loading) return;
    const asked = this.root.trim() || '~';
    this.loading = true;
    this.error = null;
    try {
      const index = await connection.client.request('files.index', {
        profileId: profile.id,
        root: asked,
      });
      this.files = index.files;
      this.truncated = index.truncated;
      this.root = index.root;
      this.listedKey = `${profile.id}\0${index.root}`;
    } catch (err) {
      this.files = [];
      this.listedKey = '';
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  /** Opens `relative` (a result) in the source view and closes quick open. */
  async choose(relative: string): Promise<void> {
    const profile = this.profile;
    if (!profile) return;
    const remote = `${this.root.replace(/\/+$/, '')}/${relative}`;
    const path = toLocalPath(remote, profile.pathMappings);
    this.close();
    await sourceEditor.open(path, this.sessionId, null, this.sessionId ? null : profile.id);
  }
}

/** The window's quick open. */
export const quickOpen = new QuickOpenStore();
