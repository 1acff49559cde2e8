/**
 * Path mappings applied by the relay (debugpy applies the same `pathMappings` to breakpoints and
 * stack frames): a laptop path under a mapping's `localRoot` is the remote path under its
 * `remoteRoot`, and back. Used to read a mapped source over SFTP when the laptop has no copy.
 */
import type { PathMapping } from './protocol/profile.js';

/**
 * The remote path of a laptop path: the first mapping whose `localRoot` contains `path` (the root
 * itself or below it, compared by whole path segments) replaces that prefix with `remoteRoot`.
 * Returns `path` unchanged when no mapping matches (remote-only files are named by remote paths).
 */
export function toRemotePath(path: string, mappings: readonly PathMapping[]): string {
  return rebase(path, mappings, 'localRoot', 'remoteRoot');
}

/** The laptop path of a remote path (the inverse of {@link toRemotePath}). */
export function toLocalPath(path: string, mappings: readonly PathMapping[]): string {
  return rebase(path, mappings, 'remoteRoot', 'localRoot');
}

function rebase(
  path: string,
  mappings: readonly PathMapping[],
  from: keyof PathMapping,
  to: keyof PathMapping,
): string {
  for (const mapping of mappings) {
    const root = trimSlash(mapping[from]);
    if (root === '') continue;
    if (path === root) return mapping[to];
    if (path.startsWith(`${root}/`) || path.startsWith(`${root}\\`)) {
      return `${trimSlash(mapping[to])}/${path.slice(root.length + 1).replace(/\\/g, '/')}`;
    }
  }
  return path;
}

function trimSlash(root: string): string {
  return root.length > 1 ? root.replace(/[\\/]+$/, '') : root;
}
