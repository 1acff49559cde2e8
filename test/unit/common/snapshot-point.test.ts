import { describe, expect, it } from 'vitest';
import {
  fromWire,
  parseSnapshotPoint,
  snapshotPointMessage,
  toWire,
} from '../../../src-common/snapshot-point.js';

describe('snapshot point messages', () => {
  it('round-trips an id with quotes and backslashes, and clamps the limit', () => {
    const message = snapshotPointMessage({ id: "it's\\a.py:3", limit: 0 });
    expect(message).toBe(
      "{__import__('periscope_capture').snapshot_point('it\\'s\\\\a.py:3', limit=1)}",
    );
    expect(parseSnapshotPoint(message)).toEqual({ id: "it's\\a.py:3", limit: 1 });
    expect(parseSnapshotPoint(snapshotPointMessage({ id: 'a', limit: 5000 }))?.limit).toBe(1000);
  });

  it('is not any other logpoint', () => {
    expect(parseSnapshotPoint('step {i}')).toBeNull();
    expect(parseSnapshotPoint(undefined)).toBeNull();
    expect(
      parseSnapshotPoint("{__import__('periscope_capture').snapshot_point('a', limit=1)} {x}"),
    ).toBeNull();
  });

  it('carries the condition inside the call on the wire, and back', () => {
    const bp = {
      line: 5,
      condition: "name == 'x' and n > 1",
      logMessage: snapshotPointMessage({ id: 'a.py:5', limit: 3 }),
    };
    const wire = toWire(bp);
    expect(wire.condition).toBeUndefined();
    expect(wire.logMessage).toBe(
      "{__import__('periscope_capture').snapshot_point('a.py:5', limit=3, when='name == \\'x\\' and n > 1')}",
    );
    expect(fromWire(wire)).toEqual(bp);
    // Other breakpoints pass as they are.
    const plain = { line: 2, condition: 'x', logMessage: 'x is {x}' };
    expect(toWire(plain)).toBe(plain);
    expect(fromWire(plain)).toBe(plain);
  });
});
