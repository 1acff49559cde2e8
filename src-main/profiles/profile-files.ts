/**
 * The files behind importing profiles and exchanging debug settings with VS Code: reads the
 * laptop's `~/.ssh/config` (or a given file) into profile drafts, and reads or edits a project's
 * `.vscode/launch.json`. Parsing is `ssh-config-import.ts`'s and `launch-json.ts`'s; this adds
 * the files. Nothing here runs a command: see `ssh-config-import.ts`.
 */
import { readFile, stat } from 'node:fs/promises';
import { writeLaunchJsonFile } from './launch-json-file.js';
import { homedir } from 'node:os';
import path from 'node:path';
import type {
  LaunchJsonAttach,
  SshConfigCandidates,
} from '../../src-common/protocol/connections.js';
import { exportToLaunchJson, importLaunchJson } from './launch-json.js';
import { importSshConfig } from './ssh-config-import.js';
import { errorMessage, RelayError } from '../../src-common/errors.js';

/** Largest config or launch.json read, in bytes. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Expands a leading `~/` (the relay's user's home) and makes the path absolute. */
export function expandHome(file: string): string {
  if (file === '~') return homedir();
  if (file.startsWith('~/')) return path.join(homedir(), file.slice(2));
  return path.resolve(file);
}

async function readSmallText(file: string, what: string): Promise<string | undefined> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RelayError('not-found', `Could not read ${what} ${file}: ${String(error)}`);
  }
  if (size > MAX_FILE_BYTES) {
    throw new RelayError('invalid-message', `${what} ${file} is larger than 1 MiB; not read.`);
  }
  return readFile(file, 'utf8');
}

/**
 * Reads an OpenSSH client config (default `~/.ssh/config`) into profile drafts.
 * @throws RelayError `not-found` when the file does not exist; `invalid-message` when it cannot be parsed.
 */
export async function readSshConfigCandidates(file?: string): Promise<SshConfigCandidates> {
  const resolved = expandHome(file ?? '~/.ssh/config');
  const text = await readSmallText(resolved, 'the ssh config');
  if (text === undefined)
    throw new RelayError('not-found', `There is no ssh config at ${resolved}.`);
  try {
    return { path: resolved, ...importSshConfig(text) };
  } catch (error) {
    throw new RelayError('invalid-message', `Could not read ${resolved}: ${String(error)}`);
  }
}

/** The launch.json of a project folder. */
function launchJsonPath(projectPath: string): string {
  return path.join(expandHome(projectPath), '.vscode', 'launch.json');
}

/**
 * Reads the debugpy attach configurations of `<projectPath>/.vscode/launch.json`.
 * @throws RelayError `not-found` (no such file) or `invalid-message` (not JSON with comments).
 */
export async function readLaunchJson(
  projectPath: string,
): Promise<{ path: string; configurations: LaunchJsonAttach[]; skipped: string[] }> {
  const file = launchJsonPath(projectPath);
  const text = await readSmallText(file, 'launch.json');
  if (text === undefined) throw new RelayError('not-found', `There is no ${file}.`);
  try {
    return { path: file, ...importLaunchJson(text, expandHome(projectPath)) };
  } catch (error) {
    throw new RelayError('invalid-message', errorMessage(error));
  }
}

/**
 * Adds (or replaces, by name) `configuration` in `<projectPath>/.vscode/launch.json`, creating
 * the file if needed and keeping the user's comments; written atomically (write-file-atomic: temp file, fsync, rename).
 * @throws RelayError `not-found` when the project folder does not exist; `invalid-message` when
 *   the existing file cannot be read (it is left as it was).
 */
export async function writeLaunchJson(
  projectPath: string,
  configuration: LaunchJsonAttach,
): Promise<{ path: string }> {
  const folder = expandHome(projectPath);
  const isDir = await stat(folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new RelayError('not-found', `There is no project folder ${folder}.`);
  const file = launchJsonPath(projectPath);
  const existing = (await readSmallText(file, 'launch.json')) ?? '';
  let text: string;
  try {
    text = exportToLaunchJson(existing, configuration, folder);
  } catch (error) {
    throw new RelayError('invalid-message', errorMessage(error));
  }
  await writeLaunchJsonFile(file, text);
  return { path: file };
}
