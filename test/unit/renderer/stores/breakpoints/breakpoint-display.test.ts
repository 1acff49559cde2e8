import { describe, expect, it } from 'vitest';
import {
  displayBreakpoint,
  toSourceBreakpoint,
} from '../../../../../src-renderer/stores/breakpoints/breakpoint-display.js';
import {
  activeExceptionFilters,
  DEBUGPY_EXCEPTION_FILTERS,
} from '../../../../../src-renderer/stores/breakpoints/exception-filters.js';

import { snapshotPointMessage } from '../../../../../src-common/snapshot-point.js';

const context = { mappings: [], programPath: '/p/a.py' };

describe('displayBreakpoint', () => {
  it('kinds and summaries', () => {
    const d = displayBreakpoint(
      { path: '/p/a.py', line: 3, enabled: true, condition: 'x > 1', hitCondition: '>=2' },
      null,
      null,
    );
    expect(d).toMatchObject({
      kind: 'conditional',
      state: 'idle',
      summary: 'when x > 1 · hit ≥ 2',
    });
    const log = displayBreakpoint(
      { path: '/p/a.py', line: 3, enabled: true, logMessage: 'x={x}' },
      null,
      null,
    );
    expect(log).toMatchObject({ kind: 'log', summary: 'log "x={x}"' });
    const point = displayBreakpoint(
      {
        path: '/p/a.py',
        line: 3,
        enabled: true,
        condition: 'n > 2',
        logMessage: snapshotPointMessage({ id: 'a.py:3', limit: 5 }),
      },
      null,
      null,
    );
    expect(point).toMatchObject({
      kind: 'snapshot',
      summary: 'when n > 2 · snapshot up to 5 times, no pause',
    });
  });

  it('disabled wins over verification; verified without problem has no explanation', () => {
    const status = [{ line: 3, verified: true, id: 1 }];
    expect(
      displayBreakpoint({ path: '/p/a.py', line: 3, enabled: false }, status, context).state,
    ).toBe('disabled');
    const ok = displayBreakpoint({ path: '/p/a.py', line: 3, enabled: true }, status, context);
    expect(ok).toMatchObject({ state: 'verified', explanation: null });
    expect(toSourceBreakpoint(ok)).toEqual({
      line: 3,
      verified: true,
      enabled: true,
      kind: 'plain',
      message: 'Breakpoint on line 3',
    });
  });

  it('an unverified breakpoint carries its explanation to the marker tooltip', () => {
    const d = displayBreakpoint(
      { path: '/laptop/a.py', line: 3, enabled: true },
      [{ line: 3, verified: false, message: 'Breakpoint in file that does not exist.', id: 1 }],
      context,
    );
    expect(d.state).toBe('unverified');
    const marker = toSourceBreakpoint(d);
    expect(marker).toMatchObject({ verified: false, warning: true });
    expect(marker.message).toContain('the remote machine has no file at /laptop/a.py');
  });
});

describe('activeExceptionFilters', () => {
  it("uses debugpy's defaults until the user chose, and drops unknown ids", () => {
    expect(activeExceptionFilters(null, DEBUGPY_EXCEPTION_FILTERS)).toEqual(['uncaught']);
    expect(activeExceptionFilters(['raised', 'bogus'], DEBUGPY_EXCEPTION_FILTERS)).toEqual([
      'raised',
    ]);
    expect(activeExceptionFilters([], DEBUGPY_EXCEPTION_FILTERS)).toEqual([]);
  });
});
