/**
 * The expressions a snapshot can answer without running anything: a name, then attributes and
 * indexes over the recorded values — `request.args["n"]`, `rows[3].price`, `cfg['db']`.
 * Anything else (calls, operators, comprehensions) is refused with a message that says so.
 */

/** One step of a path: an attribute (or the first name), or an index by a literal. */
export type PathStep =
  | { kind: 'name'; name: string }
  /** `key`: the child's name as recorded (a string key as is, other keys by their repr). */
  | { kind: 'index'; key: string; text: string };

/** Thrown for an expression a snapshot cannot evaluate; the message is for the user. */
export class SnapshotExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotExpressionError';
  }
}

const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*/u;
const INDEX = /^\[\s*(-?\d+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|True|False|None)\s*\]/;
const LIMIT = 1000;

/**
 * Parses `expression` into path steps, the first always a name.
 * @throws {SnapshotExpressionError} for anything but names, `.attribute` and `[literal]`.
 */
export function parseSnapshotExpression(expression: string): PathStep[] {
  const text = expression.trim();
  if (text.length === 0) throw new SnapshotExpressionError('nothing to evaluate');
  if (text.length > LIMIT) throw new SnapshotExpressionError('the expression is too long');
  const first = IDENTIFIER.exec(text);
  if (!first) throw refuse(expression);
  const steps: PathStep[] = [{ kind: 'name', name: first[0] }];
  let rest = text.slice(first[0].length);
  while (rest.length > 0) {
    if (rest.startsWith('.')) {
      const name = IDENTIFIER.exec(rest.slice(1).trimStart());
      if (!name) throw refuse(expression);
      steps.push({ kind: 'name', name: name[0] });
      rest = rest.slice(1).trimStart().slice(name[0].length);
    } else if (rest.startsWith('[')) {
      const index = INDEX.exec(rest);
      if (!index) throw refuse(expression);
      const literal = index[1]!;
      steps.push({ kind: 'index', key: keyOf(literal), text: literal });
      rest = rest.slice(index[0].length);
    } else if (/^\s/.test(rest) && rest.trim() === '') {
      break;
    } else {
      throw refuse(expression);
    }
  }
  return steps;
}

/** The recorded child name a literal index selects. */
function keyOf(literal: string): string {
  if (literal.startsWith("'") || literal.startsWith('"')) {
    return literal.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return literal;
}

function refuse(expression: string): SnapshotExpressionError {
  return new SnapshotExpressionError(
    `A snapshot evaluates names, attributes and indexes of recorded values only (like request.args["n"] or rows[0].name), not "${expression.trim().slice(0, 80)}": nothing of the program runs.`,
  );
}
