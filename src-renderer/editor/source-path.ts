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

/** What "Open file" was given: a path, and a line (and column) when it ended in `:N` (`:N:M`). */
export interface PathAndLine {
  path: string;
  /** 1-based line, or null. */
  line: number | null;
}

/**
 * Reads `path:line` and `path:line:column` (as compilers, tracebacks copied from a terminal and
 * `grep -n` write them; the column is dropped). Only a trailing run of digits counts, so a Windows
 * drive (`C:\x.py`) or a colon inside a name stays part of the path. A traceback's
 * `File "x.py", line 12` is read too.
 */
export function parsePathAndLine(text: string): PathAndLine {
  const trimmed = text.trim();
  const traceback = /^File "(.+)", line (\d+)/.exec(trimmed);
  if (traceback) return { path: traceback[1] as string, line: Number(traceback[2]) };
  const match = /^(.*?):(\d+)(?::\d+)?$/.exec(trimmed);
  if (match && match[1] && Number(match[2]) > 0) return { path: match[1], line: Number(match[2]) };
  return { path: trimmed, line: null };
}
