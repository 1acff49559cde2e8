/**
 * The profile store: saved connection profiles in `<dir>/profiles.json`.
 *
 * - The directory is created with mode 0700 and the file written with mode 0600.
 * - Every write replaces the file atomically (`write-file-atomic`: temp file, fsync, rename), so a
 *   crash leaves either the old or the new file, never half of one.
 * - Writes run one at a time, in call order; each starts from the state the previous one left,
 *   so concurrent saves all land. Between processes (the app and a `periscope web` sharing the
 *   directory), each write holds `profiles.json.lock` and starts from the file as it is on disk.
 * - A file that is not JSON, fails validation or has a newer version is moved aside to
 *   `profiles.json.corrupt-<timestamp>` and the store starts empty; `recoveredFrom` names the
 *   moved file so the UI can tell the user. Nothing is deleted.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { createLogger, type Logger } from '../log/logger.js';
import type { Profile, ProfileDraft } from '../../src-common/protocol/profile.js';
import { withFileLock } from './file-lock.js';
import {
  DEBUG_OPTION_DEFAULTS,
  DEFAULT_ATTACH_PORT,
  DEFAULT_MAX_CHILD_PROCESSES,
  migrate,
  parseProfileDraft,
  parseWatchExpressions,
  PROFILE_FILE_VERSION,
  type ProfileFile,
} from './profile-schema.js';
import { errorMessage } from '../../src-common/errors.js';
import type { AppErrorCode } from '../../src-common/protocol/client-protocol.js';

export { ProfileValidationError, ProfileFileVersionError } from './profile-schema.js';

/** Name of the profiles file inside the store's directory. */
export const PROFILES_FILE_NAME = 'profiles.json';

/** `save` with an `id` the store does not hold, or `delete` of an unknown id. */
export class ProfileNotFoundError extends Error {
  override readonly name = 'ProfileNotFoundError';
  /** What the client sees (`AppErrorCode`). */
  readonly code = 'not-found' satisfies AppErrorCode;

  constructor(readonly id: string) {
    super(`no profile with id "${id}"`);
  }
}

/** Options of {@link ProfileStore.open}. */
export interface ProfileStoreOptions {
  /** Where recovery and write failures are logged. Default: a stderr logger scoped `profiles`. */
  logger?: Logger;
}

/** Saved connection profiles, persisted in one JSON file. */
export class ProfileStore {
  /** Path of the profiles file, `<dir>/profiles.json`. */
  readonly filePath: string;

  /**
   * Where an unreadable profiles file was moved at open (`profiles.json.corrupt-<timestamp>`),
   * or `undefined` when the file was fine or absent.
   */
  readonly recoveredFrom: string | undefined;

  /** Why the file was moved aside (the parse or validation error), with `recoveredFrom`. */
  readonly recoveryReason: string | undefined;

  private profiles: ReadonlyMap<string, Profile>;
  private readonly logger: Logger;
  /** Tail of the write queue; never rejects. */
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    filePath: string,
    profiles: ReadonlyMap<string, Profile>,
    logger: Logger,
    recovered?: { path: string; reason: string },
  ) {
    this.filePath = filePath;
    this.profiles = profiles;
    this.logger = logger;
    this.recoveredFrom = recovered?.path;
    this.recoveryReason = recovered?.reason;
  }

  /**
   * Opens (creating if needed) the store in `dir`.
   *
   * @param dir directory holding `profiles.json`; created recursively with mode 0700 if absent;
   *   an existing one that group or others can read is narrowed to 0700 (it holds host keys,
   *   logs and, with a keychain, encrypted secrets), and the log says so.
   * @throws the file system error when `dir` cannot be created, the file cannot be read for a
   *   reason other than not existing, or an unreadable file cannot be moved aside.
   */
  static async open(dir: string, options: ProfileStoreOptions = {}): Promise<ProfileStore> {
    const logger = options.logger ?? createLogger('profiles');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const mode = (await stat(dir)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      await chmod(dir, 0o700);
      logger.info('data directory narrowed to 0700', { dir, was: mode.toString(8) });
    }
    const filePath = join(dir, PROFILES_FILE_NAME);

    const read = await readProfilesFile(filePath, logger);
    return new ProfileStore(filePath, read.profiles, logger, read.recovered);
  }

  /** Every profile, sorted by name (then id), as copies the caller may change. */
  list(): Profile[] {
    return [...this.profiles.values()]
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .map((profile) => structuredClone(profile));
  }

  /** The profile with `id` (a copy), or `undefined`. */
  get(id: string): Profile | undefined {
    const profile = this.profiles.get(id);
    return profile && structuredClone(profile);
  }

  /**
   * Creates (no `id`: a new random UUID) or replaces (existing `id`) a profile and writes the file.
   * Fields a draft may omit (`jumpHosts`, `env`, `logFiles`, `watchExpressions`, `attachPort`,
   * `subProcess`, `maxChildProcesses`, `django`, `jinja`, `containers`, `capture` and the debug
   * options of {@link DEBUG_OPTION_DEFAULTS}) keep their stored values when replacing and are empty (the
   * defaults) when creating.
   *
   * @returns the saved profile, unknown keys stripped.
   * @throws ProfileValidationError when the draft is invalid (nothing is written).
   * @throws ProfileNotFoundError when `draft.id` names no stored profile.
   * @throws the file system error when the write fails (the store keeps its previous state).
   */
  async save(draft: ProfileDraft): Promise<Profile> {
    const valid = parseProfileDraft(draft);
    return this.enqueue(async () => {
      if (valid.id !== undefined && !this.profiles.has(valid.id)) {
        throw new ProfileNotFoundError(valid.id);
      }
      const stored = valid.id === undefined ? undefined : this.profiles.get(valid.id);
      const profile: Profile = {
        ...valid,
        jumpHosts: valid.jumpHosts ?? stored?.jumpHosts ?? [],
        env: valid.env ?? stored?.env ?? [],
        logFiles: valid.logFiles ?? stored?.logFiles ?? [],
        watchExpressions: valid.watchExpressions ?? stored?.watchExpressions ?? [],
        attachPort: valid.attachPort ?? stored?.attachPort ?? DEFAULT_ATTACH_PORT,
        subProcess: valid.subProcess ?? stored?.subProcess ?? true,
        maxChildProcesses:
          valid.maxChildProcesses ?? stored?.maxChildProcesses ?? DEFAULT_MAX_CHILD_PROCESSES,
        django: valid.django ?? stored?.django ?? false,
        jinja: valid.jinja ?? stored?.jinja ?? false,
        stopOnEntry: valid.stopOnEntry ?? stored?.stopOnEntry ?? DEBUG_OPTION_DEFAULTS.stopOnEntry,
        pythonArgs: valid.pythonArgs ?? stored?.pythonArgs ?? [],
        envFile: valid.envFile ?? stored?.envFile ?? DEBUG_OPTION_DEFAULTS.envFile,
        showReturnValue:
          valid.showReturnValue ?? stored?.showReturnValue ?? DEBUG_OPTION_DEFAULTS.showReturnValue,
        containers: valid.containers ?? stored?.containers ?? [],
        capture: valid.capture ?? stored?.capture ?? true,
        gevent: valid.gevent ?? stored?.gevent ?? DEBUG_OPTION_DEFAULTS.gevent,
        pyramid: valid.pyramid ?? stored?.pyramid ?? DEBUG_OPTION_DEFAULTS.pyramid,
        sudo: valid.sudo ?? stored?.sudo ?? DEBUG_OPTION_DEFAULTS.sudo,
        console: valid.console ?? stored?.console ?? DEBUG_OPTION_DEFAULTS.console,
        id: valid.id ?? randomUUID(),
      };
      const next = new Map(this.profiles);
      next.set(profile.id, profile);
      await this.commit(next);
      return structuredClone(profile);
    });
  }

  /**
   * Replaces only the saved watch expressions of a profile and writes the file; queued with saves
   * and deletes, so a concurrent `save` that omits `watchExpressions` keeps this list.
   *
   * @returns the updated profile.
   * @throws ProfileValidationError when the list is invalid (nothing is written).
   * @throws ProfileNotFoundError when `id` names no stored profile.
   * @throws the file system error when the write fails (the store keeps its previous state).
   */
  async setWatchExpressions(id: string, watchExpressions: readonly string[]): Promise<Profile> {
    const valid = parseWatchExpressions(watchExpressions);
    return this.enqueue(async () => {
      const stored = this.profiles.get(id);
      if (!stored) throw new ProfileNotFoundError(id);
      const profile: Profile = { ...stored, watchExpressions: valid };
      const next = new Map(this.profiles);
      next.set(id, profile);
      await this.commit(next);
      return structuredClone(profile);
    });
  }

  /**
   * Deletes a profile and writes the file.
   *
   * @throws ProfileNotFoundError when `id` names no stored profile.
   * @throws the file system error when the write fails (the store keeps its previous state).
   */
  async delete(id: string): Promise<void> {
    return this.enqueue(async () => {
      if (!this.profiles.has(id)) throw new ProfileNotFoundError(id);
      const next = new Map(this.profiles);
      next.delete(id);
      await this.commit(next);
    });
  }

  /** Writes `next` to disk, then makes it the store's state. */
  private async commit(next: ReadonlyMap<string, Profile>): Promise<void> {
    const file: ProfileFile = { version: PROFILE_FILE_VERSION, profiles: [...next.values()] };
    try {
      await writeFileAtomic(this.filePath, `${JSON.stringify(file, null, 2)}\n`, {
        mode: 0o600,
        fsync: true,
      });
    } catch (error) {
      this.logger.error('writing the profiles file failed', {
        file: this.filePath,
        error: errorMessage(error),
      });
      throw error;
    }
    this.profiles = next;
  }

  /**
   * Runs `task` after every earlier task has settled, holding the file lock and starting from the
   * file as it is now on disk (another process may have written it); its result or error goes to
   * the caller.
   */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() =>
      withFileLock(this.filePath, async () => {
        const read = await readProfilesFile(this.filePath, this.logger);
        if (read.recovered || read.found) this.profiles = read.profiles;
        return task();
      }),
    );
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

interface ReadResult {
  profiles: ReadonlyMap<string, Profile>;
  /** The file existed and was valid. */
  found: boolean;
  /** The file was unreadable and moved here. */
  recovered?: { path: string; reason: string };
}

/**
 * Reads and migrates the profiles file. Absent: no profiles. Not JSON, invalid or from a newer
 * version: moved aside to `<file>.corrupt-<timestamp>` (never deleted) and no profiles.
 */
async function readProfilesFile(filePath: string, logger: Logger): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { profiles: new Map(), found: false };
    }
    throw error;
  }
  let file: ProfileFile;
  try {
    file = migrate(JSON.parse(text));
  } catch (error) {
    const reason = errorMessage(error);
    const aside = `${filePath}.corrupt-${fileTimestamp(new Date())}`;
    await rename(filePath, aside);
    logger.warn('profiles file unreadable; moved aside, starting with no profiles', {
      movedTo: aside,
      reason,
    });
    return { profiles: new Map(), found: false, recovered: { path: aside, reason } };
  }
  return { profiles: new Map(file.profiles.map((p) => [p.id, p])), found: true };
}

/** `2025-11-21T13-45-00-123Z`: an ISO time that is safe in file names on every OS. */
function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
