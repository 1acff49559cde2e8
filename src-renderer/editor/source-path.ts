/** Splitting a source path for the source view's header. */

/** A path as the header shows it: the directory (dimmed) and the file name (bold). */
export interface SourcePathParts {
  /** Directory including its trailing separator, or '' when the path has none. */
  directory: string;
  fileName: string;
}

/**
 * Splits at the last `/` or `\` (remote paths are POSIX, local ones may be Windows paths).
 * A trailing separator is kept in `directory`; `fileName` is then ''.
 */
export function splitSourcePath(path: string): SourcePathParts {
  const index = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return { directory: path.slice(0, index + 1), fileName: path.slice(index + 1) };
}
