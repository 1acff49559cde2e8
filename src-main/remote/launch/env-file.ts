/**
 * `envFile` (launch.json's): a `.env` file of the remote machine, read there by the launch and
 * merged under the profile's `env`. The format is the one VS Code's Python extension reads:
 *
 * - one `NAME=value` a line (`export NAME=value` too); blank lines and `#` comments are skipped;
 * - a value in single quotes is taken literally; in double quotes, `\n` is a line break and `\"`,
 *   `\\` are a quote and a backslash; unquoted, it is trimmed and a ` #` starts a comment;
 * - `${NAME}` in an unquoted or double-quoted value is the value of `NAME` set earlier in the
 *   file (or by the profile's `env`), else empty.
 *
 * A line that is none of these is skipped, and its number reported (never its text: it may hold
 * a secret).
 */
import type { EnvVar } from '../../../src-common/protocol/profile.js';

/** What {@link parseEnvFile} read. */
export interface EnvFileContent {
  /** The variables, in file order; a name set twice keeps its last value (at its first place). */
  vars: EnvVar[];
  /** 1-based numbers of the lines that were not `NAME=value`, comments or blank. */
  badLines: number[];
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

/**
 * Parses the text of a `.env` file (see the module comment).
 * @param known variables `${NAME}` may refer to besides the file's own (the profile's `env`).
 */
export function parseEnvFile(text: string, known: readonly EnvVar[] = []): EnvFileContent {
  const values = new Map<string, string>();
  const scope = new Map(known.map((v) => [v.name, v.value]));
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*(#.*)?$/.test(line)) return;
    const match = LINE.exec(line);
    if (!match) {
      badLines.push(index + 1);
      return;
    }
    const [, name = '', raw = ''] = match;
    const value = readValue(raw, (ref) => values.get(ref) ?? scope.get(ref) ?? '');
    if (value === undefined || value.includes('\0')) {
      badLines.push(index + 1);
      return;
    }
    values.set(name, value);
  });
  return { vars: [...values].map(([name, value]) => ({ name, value })), badLines };
}

/** The value of one `NAME=<raw>`; undefined when a quote is not closed. */
function readValue(raw: string, lookup: (name: string) => string): string | undefined {
  const substitute = (s: string): string =>
    s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_all, ref: string) => lookup(ref));
  const quote = raw[0];
  if (quote === "'" || quote === '"') {
    const end = closingQuote(raw, quote);
    if (end < 0) return undefined;
    const rest = raw.slice(end + 1).trim();
    if (rest !== '' && !rest.startsWith('#')) return undefined;
    const inner = raw.slice(1, end);
    if (quote === "'") return inner;
    return substitute(inner).replace(/\\([n"\\])/g, (_all, c: string) => (c === 'n' ? '\n' : c));
  }
  const comment = raw.search(/\s#/);
  return substitute((comment < 0 ? raw : raw.slice(0, comment)).trim());
}

/** Index of the quote that closes `raw[0]` (a `\"` does not close a double-quoted value). */
function closingQuote(raw: string, quote: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (quote === '"' && raw[i] === '\\') i++;
    else if (raw[i] === quote) return i;
  }
  return -1;
}

/**
 * The program's environment: the file's variables under the profile's `env` (a name in both
 * takes `env`'s value), the file's first.
 */
export function mergeUnderEnv(fromFile: readonly EnvVar[], env: readonly EnvVar[]): EnvVar[] {
  const own = new Set(env.map((v) => v.name));
  return [...fromFile.filter((v) => !own.has(v.name)), ...env];
}
