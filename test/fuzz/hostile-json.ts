/**
 * Hostile JSON values, as text: what a peer can put in any field the relay reads. Text rather than
 * JS values, because the worst inputs are ones `JSON.stringify` cannot produce: nesting 100,000
 * levels deep, `1e999` (Infinity once parsed), lone surrogates (`"\ud800"`), duplicate keys,
 * `{"toString":null,"valueOf":null}` (an object no template string can print: issue 17's crash 1).
 */
import type { FuzzRandom } from './fuzz-random.js';

/** Numbers that are wrong for a seq, an id, an exit code or a port. */
const NUMBERS = [
  '0',
  '-0',
  '-1',
  '1',
  '0.5',
  '-2147483649',
  '2147483648',
  '4294967296',
  '9007199254740991',
  '9007199254740993',
  '-9007199254740993',
  '1e308',
  '1e999',
  '-1e999',
  '5e-324',
  '1E2',
  '123456789012345678901234567890',
];

/** Short strings that are wrong in their own way (names, paths, escapes, prototype keys). */
const STRINGS = [
  '""',
  '" "',
  '"0"',
  '"1"',
  '"true"',
  '"null"',
  '"undefined"',
  '"NaN"',
  '"__proto__"',
  '"constructor"',
  '"toString"',
  '"hasOwnProperty"',
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\ud800"',
  '"\\udfff"',
  '"\\udfff\\ud800"',
  '"\\ud83d"',
  '"\\ufeff"',
  '"\\ufffe\\uffff"',
  '"\\u202e\\u2066evil"',
  '"\\u200b\\u200d"',
  '"e\\u0301\\u0301\\u0301\\u0301\\u0301"',
  '"😀👩‍👩‍👧‍👦"',
  '"\\u001b[2J\\u001b[31mred\\u001b]0;title\\u0007"',
  '"\\r\\n\\r\\nContent-Length: 5\\r\\n\\r\\n"',
  '"%s%n%x{0}${x}"',
  '"../../../../etc/passwd"',
  '"/proc/self/environ"',
  '"s1"',
  '"d1"',
  '"<script>alert(1)</script>"',
  '"\\\\\\\\?\\\\C:\\\\"',
];

/** Objects that break code which assumes a plain record or a printable value. */
const OBJECTS = [
  '{}',
  '{"toString":null,"valueOf":null}',
  '{"toString":1,"valueOf":{}}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":{"b":2},"a":[3]}',
  '{"length":-1}',
  '{"length":1e999,"0":"x"}',
  '{"then":null}',
  '[]',
  '[null]',
  '[[],[[]],{}]',
  '[{"toString":null,"valueOf":null}]',
];

/** The scalar JSON literals of each type. */
const LITERALS = ['null', 'true', 'false'];

/**
 * A JSON string of `length` characters: one repeated, random printable ASCII, or random code
 * points (astral ones and lone surrogates included, as `\u` escapes).
 */
export function hostileString(rng: FuzzRandom, length: number): string {
  const style = rng.int(3);
  if (style === 0) return `"${rng.pick(['x', 'é', '😀', '\\n', '\\u0000']).repeat(length)}"`;
  const parts: string[] = ['"'];
  for (let i = 0; i < length; i++) {
    if (style === 1) {
      const c = 32 + rng.int(95);
      parts.push(c === 34 || c === 92 ? '_' : String.fromCharCode(c));
    } else {
      parts.push(`\\u${rng.int(0x10000).toString(16).padStart(4, '0')}`);
    }
  }
  parts.push('"');
  return parts.join('');
}

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` levels, around `leaf`. */
export function deepValue(rng: FuzzRandom, depth: number, leaf = '0'): string {
  if (rng.chance(0.5)) return '['.repeat(depth) + leaf + ']'.repeat(depth);
  return '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}

/**
 * `prefix` + `{"a":{"a":…1…}}` + `suffix`, as deep as fits in `bytes` (the DAP body limit, the
 * client message limit): millions of levels, which `JSON.parse` alone turns into hundreds of MB.
 */
export function deepAtSizeLimit(prefix: string, suffix: string, bytes: number): string {
  const levels = Math.floor((bytes - prefix.length - suffix.length - 1) / 6);
  return `${prefix}${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}${suffix}`;
}

/** Nesting depths around the relay's limit (64) and far beyond what the stack survives. */
const DEPTHS = [63, 64, 65, 200, 2_000, 20_000, 100_000];

/** Options of {@link hostileValue}. */
export interface HostileValueOptions {
  /** Largest huge string or array, as log2 of its length (default 16: 64 Ki). */
  maxSizeLog2?: number;
}

/**
 * Any hostile JSON value: a wrong-typed scalar, a tricky or huge string, a tricky object, a wide
 * array or object, or deep nesting. Most are small; a few percent are big.
 */
export function hostileValue(rng: FuzzRandom, options: HostileValueOptions = {}): string {
  const maxSizeLog2 = options.maxSizeLog2 ?? 16;
  const kind = rng.weighted([
    [6, 'number'],
    [3, 'literal'],
    [8, 'string'],
    [5, 'object'],
    [2, 'huge-string'],
    [1, 'wide'],
    [2, 'deep'],
  ] as const);
  switch (kind) {
    case 'number':
      return rng.pick(NUMBERS);
    case 'literal':
      return rng.pick(LITERALS);
    case 'string':
      return rng.chance(0.7) ? rng.pick(STRINGS) : hostileString(rng, rng.range(1, 40));
    case 'object':
      return rng.pick(OBJECTS);
    case 'huge-string':
      return hostileString(rng, rng.size(maxSizeLog2));
    case 'wide': {
      const n = rng.size(Math.min(maxSizeLog2, 14));
      if (rng.chance(0.5)) return `[${Array.from({ length: n }, (_, i) => i).join(',')}]`;
      return `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    }
    case 'deep':
      return deepValue(rng, rng.pick(DEPTHS), rng.pick(['0', '"x"', '{}', 'null']));
  }
}

/** `valid` most of the time, otherwise a hostile value: for a field that should usually pass. */
export function mostlyValid(rng: FuzzRandom, valid: string, pHostile = 0.25): string {
  return rng.chance(pHostile) ? hostileValue(rng) : valid;
}
