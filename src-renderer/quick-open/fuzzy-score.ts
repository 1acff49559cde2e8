/**
 * Quick open's fuzzy match of a typed query against file paths, in the spirit of VS Code's and
 * fzf's: the query's characters must appear in order (case-insensitive; spaces ignored); a match
 * scores higher when its characters run together, start words (after `/`, `_`, `-`, `.` or a
 * lower-to-upper case change) and fall in the file name rather than the directories, and when the
 * path is short. Greedy from the end of the file name backwards first, so `views` ranks
 * `app/views.py` above `views/app/x.py`.
 */

/** A path that matched: its score (higher is better) and the matched character indexes. */
export interface FuzzyMatch {
  score: number;
  /** Indexes into the path of the characters that matched, ascending. */
  positions: number[];
}

const SEPARATORS = new Set(['/', '_', '-', '.', ' ']);

function isWordStart(path: string, i: number): boolean {
  if (i === 0) return true;
  const before = path[i - 1] as string;
  if (SEPARATORS.has(before)) return true;
  const here = path[i] as string;
  return before === before.toLowerCase() && here !== here.toLowerCase();
}

/**
 * Matches `query` against `path`; null when not all of the query's characters appear in order.
 * Cost: O(length of path) per match attempt (two greedy passes).
 */
export function fuzzyMatch(query: string, path: string): FuzzyMatch | null {
  const q = query.replace(/\s+/g, '').toLowerCase();
  if (q === '') return { score: 0, positions: [] };
  const lower = path.toLowerCase();
  const nameStart = path.lastIndexOf('/') + 1;
  // Pass 1: is it a match at all, leftmost (cheap rejection of most paths).
  let at = 0;
  for (const ch of q) {
    at = lower.indexOf(ch, at);
    if (at < 0) return null;
    at++;
  }
  // Pass 2: place characters from the end, preferring the file name and word starts.
  const positions: number[] = new Array<number>(q.length);
  let end = lower.length - 1;
  for (let k = q.length - 1; k >= 0; k--) {
    const ch = q[k] as string;
    let best = -1;
    for (let i = end; i >= 0; i--) {
      if (lower[i] !== ch) continue;
      if (best < 0) best = i;
      // A word start nearby beats the last occurrence; stop at the first one found.
      if (isWordStart(path, i)) {
        best = i;
        break;
      }
      if (best - i > 8) break;
    }
    if (best < 0) return fuzzyMatchLeftmost(q, path, lower, nameStart);
    positions[k] = best;
    end = best - 1;
  }
  return { score: scoreOf(path, positions, nameStart), positions };
}

/** When the backward placement failed (it skipped too far), the plain leftmost placement. */
function fuzzyMatchLeftmost(q: string, path: string, lower: string, nameStart: number): FuzzyMatch {
  const positions: number[] = [];
  let at = 0;
  for (const ch of q) {
    at = lower.indexOf(ch, at);
    positions.push(at);
    at++;
  }
  return { score: scoreOf(path, positions, nameStart), positions };
}

function scoreOf(path: string, positions: readonly number[], nameStart: number): number {
  let score = 0;
  let previous = -2;
  for (const i of positions) {
    score += 1;
    if (i === previous + 1) score += 5;
    if (isWordStart(path, i)) score += 8;
    if (i >= nameStart) score += 4;
    previous = i;
  }
  // Shorter paths first among equals; a match that starts the file name is best.
  if (positions[0] === nameStart) score += 10;
  return score * 100 - path.length;
}

/**
 * The best `limit` of `paths` for `query`, best first (ties: shorter, then alphabetical). An empty
 * query gives the first `limit` paths as they are.
 */
export function rankPaths(
  query: string,
  paths: readonly string[],
  limit: number,
): { path: string; positions: number[] }[] {
  if (query.trim() === '') return paths.slice(0, limit).map((path) => ({ path, positions: [] }));
  const found: { path: string; positions: number[]; score: number }[] = [];
  for (const path of paths) {
    const match = fuzzyMatch(query, path);
    if (match) found.push({ path, positions: match.positions, score: match.score });
  }
  found.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  return found.slice(0, limit).map(({ path, positions }) => ({ path, positions }));
}
