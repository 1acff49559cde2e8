/**
 * The profile form's text for launch.json's `pythonArgs`: interpreter flags typed on one line,
 * as on a command line (`-X dev -O`): each whitespace-separated word is one argv entry, and a
 * word with spaces in it is quoted, `"…"` or `'…'` (inside double quotes, `\"` and `\\` are a
 * quote and a backslash), as a POSIX shell reads them. No variables, globs or other expansion.
 * {@link joinPythonArgs} writes the flags back so that splitting gives the same list: a profile
 * imported from launch.json with a flag that holds a space survives an edit in the form.
 */

/** The flags of `text` (see the module comment); an unclosed quote runs to the end. */
export function splitPythonArgs(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i]!;
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** One line of `args` that {@link splitPythonArgs} reads back as `args`. */
export function joinPythonArgs(args: readonly string[]): string {
  return args
    .map((arg) =>
      arg !== '' && !/[\s"'\\]/.test(arg) ? arg : `"${arg.replace(/["\\]/g, (c) => `\\${c}`)}"`,
    )
    .join(' ');
}
