/**
 * Builds the JSON text of an object whose fields are each kept, replaced by a hostile value,
 * dropped, or duplicated; and which sometimes carries extra hostile keys. Structure-aware
 * mutation: the shape of a real message with its fields made wrong one at a time or all at once.
 */
import type { FuzzRandom } from './fuzz-random.js';
import { hostileString, hostileValue } from './hostile-json.js';

/** A field's name and its valid value (JSON text), or a function making one. */
export type FieldSpec = readonly [name: string, valid: string | ((rng: FuzzRandom) => string)];

/** Options of {@link hostileObject}. */
export interface HostileObjectOptions {
  /** Chance that each field is made hostile (default 0.2). */
  pHostile?: number;
  /** Chance that each field is left out (default 0.05). */
  pMissing?: number;
}

/** The JSON text of an object with `fields`, mutated as the module comment says. */
export function hostileObject(
  rng: FuzzRandom,
  fields: readonly FieldSpec[],
  options: HostileObjectOptions = {},
): string {
  const pHostile = options.pHostile ?? 0.2;
  const pMissing = options.pMissing ?? 0.05;
  const parts: string[] = [];
  for (const [name, valid] of fields) {
    if (rng.chance(pMissing)) continue;
    const value = rng.chance(pHostile)
      ? hostileValue(rng)
      : typeof valid === 'function'
        ? valid(rng)
        : valid;
    parts.push(`${JSON.stringify(name)}:${value}`);
    // A duplicate key: JSON.parse keeps the last, a streaming parser may keep the first.
    if (rng.chance(0.01)) parts.push(`${JSON.stringify(name)}:${hostileValue(rng)}`);
  }
  if (rng.chance(0.05)) {
    const key = rng.chance(0.5) ? rng.pick(['__proto__', 'constructor', 'toJSON', '']) : null;
    parts.push(
      `${key === null ? hostileString(rng, rng.range(1, 12)) : JSON.stringify(key)}:${hostileValue(rng)}`,
    );
  }
  if (rng.chance(0.3)) shuffle(rng, parts);
  return `{${parts.join(',')}}`;
}

/** The JSON text of an array of `n` items made by `item`. */
export function arrayOf(rng: FuzzRandom, n: number, item: (rng: FuzzRandom) => string): string {
  return `[${Array.from({ length: n }, () => item(rng)).join(',')}]`;
}

function shuffle<T>(rng: FuzzRandom, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
