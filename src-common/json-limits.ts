/**
 * Limits on JSON that arrives from outside (a tracer, a DAP client, a WebSocket client) before it
 * is stored or serialised again. `JSON.parse` reads any depth, but `JSON.stringify` and every
 * recursive walk recurse once per level, so a deep value from a peer (`[[[[…]]]]`) overflows the
 * stack where it is next sent on. Checked once, iteratively, where the value enters.
 */

/**
 * Deepest nesting accepted in a message from outside (objects and arrays, the message itself is
 * level 1). DAP messages debugpy sends nest fewer than 10 levels; 64 leaves room for any
 * extension while staying far below what `JSON.stringify` survives (thousands).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of `value` (0 for a primitive, 1 for `{}` or `[]`), counted without
 * recursion and stopping as soon as it passes `limit`: the result is then `limit + 1`.
 */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return limit + 1;
    const children = Array.isArray(node) ? node : Object.values(node as object);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** True when `value` nests deeper than `limit` (default {@link MAX_JSON_DEPTH}). */
export function isTooDeep(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  return jsonDepth(value, limit) > limit;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when JSON text (a string, or its UTF-8 bytes) nests deeper than `limit` levels, found by
 * scanning it, before anything parses it: `JSON.parse` of 16 MiB of `[[[[…` builds 8 million
 * arrays (~500 MB, ~3 s), so depth must be refused on the text. Brackets inside strings do not
 * count. Text that is not valid JSON gives a meaningless answer; parsing will refuse it anyway.
 * For valid JSON the answer is exact: a value that parses from text this accepts nests at most
 * `limit` levels, so it need not be walked again.
 *
 * Most messages hold fewer than `limit` opening brackets in all, which no nesting can exceed:
 * those are counted with the engine's own `indexOf` and answered without the character-by-
 * character scan (which, run on every message of the relay's hot path before the JIT has
 * compiled it, cost more than parsing the message).
 */
export function jsonTextTooDeep(text: string | Uint8Array, limit = MAX_JSON_DEPTH): boolean {
  if (openingsAtMost(text, limit)) return false;
  const isString = typeof text === 'string';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = isString ? text.charCodeAt(i) : (text[i] as number);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** True when `text` holds at most `limit` characters `{` and `[` together, inside strings too. */
function openingsAtMost(text: string | Uint8Array, limit: number): boolean {
  const braces = countUpTo(text, OPEN_BRACE, limit);
  return braces <= limit && braces + countUpTo(text, OPEN_BRACKET, limit - braces) <= limit;
}

/** How many times `code` occurs in `text`, counted up to `limit + 1` at most. */
function countUpTo(text: string | Uint8Array, code: number, limit: number): number {
  let count = 0;
  if (typeof text === 'string') {
    const char = String.fromCharCode(code);
    for (let at = text.indexOf(char); at >= 0 && count <= limit; at = text.indexOf(char, at + 1))
      count++;
  } else {
    for (let at = text.indexOf(code); at >= 0 && count <= limit; at = text.indexOf(code, at + 1))
      count++;
  }
  return count;
}
