/**
 * Splits a command-line string into argv entries the way a POSIX shell (`sh`) tokenises words,
 * without any expansion: whitespace separates words; `'…'` keeps everything literally; `"…"` keeps
 * everything except that a backslash escapes `"`, `\`, `$` and `` ` ``; outside quotes a backslash
 * escapes the next character. Adjacent quoted and unquoted parts join into one word (`a"b c"` →
 * `ab c`), and `""` gives an empty argument.
 *
 * @param input - the text the user typed, e.g. `--name "Ada Lovelace" -v`.
 * @returns the words, e.g. `['--name', 'Ada Lovelace', '-v']`; `[]` for blank input.
 * @throws {Error} when a quote is not closed, with a message naming the quote character.
 */
export function splitArgs(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new Error("The arguments have an unclosed single quote (').");
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i += 1;
      let closed = false;
      while (i < input.length) {
        const c = input[i] as string;
        if (c === '"') {
          closed = true;
          i += 1;
          break;
        }
        if (c === '\\' && i + 1 < input.length && '"\\$`'.includes(input[i + 1] as string)) {
          word += input[i + 1];
          i += 2;
        } else {
          word += c;
          i += 1;
        }
      }
      if (!closed) throw new Error('The arguments have an unclosed double quote (").');
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 < input.length) word += input[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else {
      word += ch;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}
