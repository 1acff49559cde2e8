/**
 * Hit conditions as debugpy 1.6 understands them (`_get_hit_condition_expression` in pydevd's
 * `pydevd_process_net_command_json.py`): `N` or `==N` stops on the Nth hit, `>=N` / `>N` / `<N` /
 * `<=N` compare the hit count, `%N` stops on every Nth hit. Anything else debugpy would evaluate
 * as a raw Python expression and fail at run time, so Periscope refuses it up front.
 */

const HIT_CONDITION = /^(?:\d+|(?:==|>=|<=|>|<)\s*\d+|%\s*[1-9]\d*)$/;

/** Null when `text` is a hit condition debugpy accepts (or blank), else a one-line reason. */
export function hitConditionError(text: string): string | null {
  const value = text.trim();
  if (!value || HIT_CONDITION.test(value)) return null;
  return 'Use a hit count such as 5, ==5, >=5 or %5 (every 5th hit).';
}

/** A short description for summaries, e.g. `hit ≥ 5`, `every 3rd hit`, `hit = 2`. */
export function describeHitCondition(text: string): string {
  const value = text.trim().replace(/\s+/g, '');
  if (/^\d+$/.test(value)) return `hit = ${value}`;
  if (value.startsWith('%')) return `every ${ordinal(Number(value.slice(1)))} hit`;
  const op = /^(==|>=|<=|>|<)(\d+)$/.exec(value);
  if (op) {
    const symbol = { '==': '=', '>=': '≥', '<=': '≤', '>': '>', '<': '<' }[op[1] ?? '=='] ?? '=';
    return `hit ${symbol} ${op[2] ?? ''}`;
  }
  return `hit ${value}`;
}

function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  const suffix = { 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
