import { describe, expect, it } from 'vitest';
import { parseSnapshotExpression } from '../../../../src-main/snapshots/snapshot-expression.js';

describe('parseSnapshotExpression', () => {
  it('reads names, attributes and literal indexes', () => {
    expect(parseSnapshotExpression(' request.args["n"][0].x ')).toEqual([
      { kind: 'name', name: 'request' },
      { kind: 'name', name: 'args' },
      { kind: 'index', key: 'n', text: '"n"' },
      { kind: 'index', key: '0', text: '0' },
      { kind: 'name', name: 'x' },
    ]);
    expect(parseSnapshotExpression("cfg['it\\'s']")[1]).toEqual({
      kind: 'index',
      key: "it's",
      text: "'it\\'s'",
    });
  });

  it.each(['a + 1', 'f()', 'a[b]', '1', '', 'a.', 'a[0', 'x if y else z'])(
    'refuses %j with a message that says what it can do',
    (expression) => {
      expect(() => parseSnapshotExpression(expression)).toThrow(
        expression ? /names, attributes and indexes/ : /nothing to evaluate/,
      );
    },
  );
});
