/** The temporary breakpoint of run to cursor. */
import { describe, expect, it } from 'vitest';
import { TemporaryBreakpoint } from '../../../../src-renderer/debug/temporary-breakpoint.js';

describe('run to cursor', () => {
  it('sends the file’s breakpoints plus the cursor line, then restores the file’s own', async () => {
    const sent: unknown[] = [];
    const restored: unknown[] = [];
    const temp = new TemporaryBreakpoint(
      (command, args) => {
        sent.push({ command, args });
        return Promise.resolve({
          seq: 0,
          type: 'response',
          request_seq: 0,
          command,
          success: true,
        });
      },
      (path, bps) => {
        restored.push({ path, bps });
        return Promise.resolve();
      },
    );
    temp.record('/a.py', [3, { line: 9, condition: 'x > 1' }]);
    await temp.place('/a.py', 20);
    expect(temp.isPlaced).toBe(true);
    expect(sent[0]).toMatchObject({
      command: 'setBreakpoints',
      args: { breakpoints: [{ line: 3 }, { line: 9, condition: 'x > 1' }, { line: 20 }] },
    });
    await temp.remove();
    expect(restored).toEqual([{ path: '/a.py', bps: [3, { line: 9, condition: 'x > 1' }] }]);
    // A file without user breakpoints is cleared with an empty setBreakpoints.
    await temp.place('/b.py', 5);
    await temp.remove();
    expect(sent[2]).toMatchObject({ args: { source: { path: '/b.py' }, breakpoints: [] } });
  });
});
