/**
 * Decides whether Python source typed in the console is a complete statement, the way the
 * interactive interpreter (`code.compile_command`) does for the common cases, without a parser:
 * open brackets, an unterminated triple-quoted string or a trailing backslash need more lines, and
 * a compound statement (a header ending with `:`, or a decorator) needs an empty line to end it.
 */

/**
 * - `complete`: can be evaluated now.
 * - `incomplete`: the statement is not finished (brackets, string, backslash): Enter continues.
 * - `compound`: a block statement; it ends with the first empty line.
 */
export type StatementState = 'complete' | 'incomplete' | 'compound';

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/**
 * Classifies the lines typed so far (the whole block, last line included).
 * Brackets inside strings and comments do not count; a stray closing bracket is ignored (Python
 * reports that syntax error when evaluating).
 */
export function classifyStatement(lines: readonly string[]): StatementState {
  let depth = 0;
  /** The open triple-quote delimiter, if inside a triple-quoted string. */
  let tripleQuote: string | null = null;
  let endsWithBackslash = false;
  let compound = false;

  lines.forEach((line, index) => {
    let significant = ''; // the line without strings and comments, for the `:` check
    let i = 0;
    while (i < line.length) {
      const ch = line.charAt(i);
      if (tripleQuote !== null) {
        if (ch === '\\') {
          i += 2;
          continue;
        }
        if (line.startsWith(tripleQuote, i)) {
          i += 3;
          tripleQuote = null;
          significant += '""';
          continue;
        }
        i += 1;
        continue;
      }
      if (ch === '#') break;
      if (ch === '"' || ch === "'") {
        const triple = ch.repeat(3);
        if (line.startsWith(triple, i)) {
          tripleQuote = triple;
          i += 3;
          continue;
        }
        i = skipShortString(line, i);
        significant += '""';
        continue;
      }
      if (OPENERS.has(ch)) depth += 1;
      else if (CLOSERS.has(ch)) depth = Math.max(0, depth - 1);
      significant += ch;
      i += 1;
    }
    const trimmed = significant.trimEnd();
    const isLast = index === lines.length - 1;
    if (isLast) endsWithBackslash = tripleQuote === null && trimmed.endsWith('\\');
    if (depth === 0 && tripleQuote === null) {
      if (trimmed.endsWith(':')) compound = true;
      if (index === 0 && trimmed.trimStart().startsWith('@')) compound = true;
    }
  });

  if (depth > 0 || tripleQuote !== null || endsWithBackslash) return 'incomplete';
  return compound ? 'compound' : 'complete';
}

/** Index just after the short (single-line) string starting at `start`, or the line's end. */
function skipShortString(line: string, start: number): number {
  const quote = line.charAt(start);
  let i = start + 1;
  while (i < line.length) {
    const ch = line.charAt(i);
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === quote) return i + 1;
    i += 1;
  }
  return line.length;
}
