/**
 * Remote file paths as shell words: a path the user typed (a profile's saved log file, a log tab's
 * path) may start with `~/`, which must expand to the remote user's home directory on the remote
 * side — {@link shellQuote} alone would quote the `~` and name a file literally called `~`.
 */
import { shellQuote } from './shell-quote.js';

/**
 * `path` as one POSIX shell word that the remote shell expands to the file meant: a leading `~/`
 * becomes `"$HOME"/` followed by the quoted rest, a bare `~` becomes `"$HOME"`; anything else is
 * {@link shellQuote}d as is. `"$HOME"` (not `~`) so the word also expands where tilde expansion
 * does not happen (after `=` in some shells, inside `case` patterns). `~user/…` is not expanded
 * (profiles accept only absolute paths and `~/…`).
 */
export function remotePathWord(path: string): string {
  if (path === '~' || path === '~/') return '"$HOME"';
  if (path.startsWith('~/')) return `"$HOME"/${shellQuote(path.slice(2))}`;
  return shellQuote(path);
}
