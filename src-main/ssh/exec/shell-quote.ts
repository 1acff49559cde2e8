/**
 * Quoting for POSIX shell command lines (sh(1), bash, dash, zsh): what we send to a remote login
 * shell through an SSH `exec` request.
 */

const SAFE_WORD = /^[A-Za-z0-9_\-.,:/@%+]+$/;

/**
 * Quotes one word so the shell passes it through unchanged as a single argument: words made only
 * of `[A-Za-z0-9_-.,:/@%+]` are left bare; anything else (spaces, `$`, quotes, `*`, `~`, `=`,
 * newlines, the empty string) is wrapped in single quotes, each `'` written as `'\''`.
 */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes each word with {@link shellQuote} and joins them with spaces. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
