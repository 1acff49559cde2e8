/**
 * Path mappings as debugpy applies them to breakpoints and stack frames (pydevd
 * `pydevd_file_utils.setup_client_server_paths`): the first mapping whose `localRoot` contains a
 * laptop path (the root itself or below it, compared by whole path segments) replaces that prefix
 * with its `remoteRoot`, and back. Roots are compared without surrounding whitespace and trailing
 * separators. The one implementation for both processes: the relay reads a mapped source over
 * SFTP when the laptop has no copy (`toRemotePath`), the renderer explains an unverified
 * breakpoint (`matchMapping`) and suggests the mapping that would fix it (`suggestMapping`).
 */
import type { PathMapping } from './protocol/profile.js';

/** A mapping that covers a path, with its index in the profile's list. */
export interface MatchedMapping {
  index: number;
  mapping: PathMapping;
  /** The path on the remote machine the laptop path maps to. */
  remotePath: string;
}

/** The first mapping whose `localRoot` covers `path`, or null (debugpy then uses `path` as is). */
export function matchMapping(
  path: string,
  mappings: readonly PathMapping[],
): MatchedMapping | null {
  const found = rebase(path, mappings, 'localRoot', 'remoteRoot');
  return found && { index: found.index, mapping: found.mapping, remotePath: found.path };
}

/**
 * The remote path of a laptop path (see {@link matchMapping}). Returns `path` unchanged when no
 * mapping matches (remote-only files are named by remote paths).
 */
export function toRemotePath(path: string, mappings: readonly PathMapping[]): string {
  return rebase(path, mappings, 'localRoot', 'remoteRoot')?.path ?? path;
}

/** The laptop path of a remote path (the inverse of {@link toRemotePath}). */
export function toLocalPath(path: string, mappings: readonly PathMapping[]): string {
  return rebase(path, mappings, 'remoteRoot', 'localRoot')?.path ?? path;
}

function rebase(
  path: string,
  mappings: readonly PathMapping[],
  from: keyof PathMapping,
  to: keyof PathMapping,
): { index: number; mapping: PathMapping; path: string } | null {
  for (const [index, mapping] of mappings.entries()) {
    const root = trimRoot(mapping[from]);
    if (!root) continue;
    const rest =
      path === root
        ? ''
        : path.startsWith(`${root}/`) || path.startsWith(`${root}\\`)
          ? path.slice(root.length + 1)
          : null;
    if (rest === null) continue;
    const target = trimRoot(mapping[to]);
    // A root of `/` adds no separator of its own: `/home/me` → `/` maps `/home/me/x` to `/x`.
    const mapped = rest ? `${target === '/' ? '' : target}/${rest.replace(/\\/g, '/')}` : target;
    return { index, mapping, path: mapped };
  }
  return null;
}

/** A root without surrounding whitespace and trailing separators (`/` stays `/`). */
function trimRoot(root: string): string {
  const trimmed = root.trim();
  return trimmed.length > 1 ? trimmed.replace(/[\\/]+$/, '') : trimmed;
}

function components(path: string): string[] {
  return path.split(/[\\/]+/);
}

/**
 * The mapping that makes `laptopPath` the same file as `remotePath` (an absolute path on the
 * remote machine, e.g. the launched program): the common trailing path components are kept and
 * the differing leading parts become the roots. Null when the file names differ, the remote path
 * is not absolute, or the paths are the same.
 * Example: `/home/me/app/main.py` + `/srv/app/main.py` → `/home/me` → `/srv`.
 */
export function suggestMapping(laptopPath: string, remotePath: string): PathMapping | null {
  if (!remotePath.startsWith('/')) return null;
  const local = components(laptopPath);
  const remote = components(remotePath);
  let common = 0;
  while (
    common < local.length - 1 &&
    common < remote.length - 1 &&
    local[local.length - 1 - common] === remote[remote.length - 1 - common]
  ) {
    common += 1;
  }
  if (common === 0) return null;
  const localRoot = local.slice(0, local.length - common).join('/') || '/';
  const remoteRoot = remote.slice(0, remote.length - common).join('/') || '/';
  if (localRoot === remoteRoot) return null;
  return { localRoot, remoteRoot };
}

/** The directory of a path (`/a/b/c.py` → `/a/b`). */
export function dirName(path: string): string {
  const index = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return index <= 0 ? path.slice(0, 1) || '/' : path.slice(0, index);
}
