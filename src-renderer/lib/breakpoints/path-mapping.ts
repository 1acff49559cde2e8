/**
 * Path mappings as debugpy applies them (pydevd `pydevd_file_utils.setup_client_server_paths`):
 * the first mapping whose `localRoot` is a prefix of the laptop path (at a separator) replaces that
 * prefix with `remoteRoot`. Plus a guess at the mapping that would make a laptop file match the
 * program running on the remote machine.
 */
import type { PathMapping } from '../../../src-common/protocol/profile.js';

/** A mapping that covers a path, with its index in the profile's list. */
export interface MatchedMapping {
  index: number;
  mapping: PathMapping;
  /** The path on the remote machine the laptop path maps to. */
  remotePath: string;
}

function trimSeparators(root: string): string {
  return root.length > 1 ? root.replace(/[\\/]+$/, '') : root;
}

/** The first mapping whose `localRoot` covers `path`, or null (debugpy then uses `path` as is). */
export function matchMapping(
  path: string,
  mappings: readonly PathMapping[],
): MatchedMapping | null {
  for (const [index, mapping] of mappings.entries()) {
    const local = trimSeparators(mapping.localRoot.trim());
    if (!local) continue;
    const rest =
      path === local
        ? ''
        : path.startsWith(local + '/') || path.startsWith(local + '\\')
          ? path.slice(local.length + 1)
          : null;
    if (rest === null) continue;
    const remote = trimSeparators(mapping.remoteRoot.trim());
    const remotePath = rest
      ? `${remote === '/' ? '' : remote}/${rest.replace(/\\/g, '/')}`
      : remote;
    return { index, mapping, remotePath };
  }
  return null;
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
