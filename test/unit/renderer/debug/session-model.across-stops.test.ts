/**
 * What the model carries between stops and resumes (issue 16): rows of the Variables tree the
 * person opened stay open after a step although debugpy gives every container a new
 * `variablesReference` on each stop (item 10); a pause that waits on a blocking call says so
 * (item 12).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { describe, expect, it } from 'vitest';
import { DebugSessionModel } from '../../../../src-renderer/debug/session-model.js';
import { describeSessionState } from '../../../../src-renderer/debug/session-view.js';

/** A tracer whose references change with each stop: stop k's refs are k*1000 + n. */
function setup() {
  let stop = 0;
  const log: string[] = [];
  const bodies: Record<string, (a: Record<string, unknown>) => unknown> = {
    threads: () => ({ threads: [{ id: 1, name: 'MainThread' }] }),
    stackTrace: () => ({
      stackFrames: [
        { id: stop * 1000, name: 'main', line: 3, column: 1, source: { path: '/a.py' } },
      ],
      totalFrames: 1,
    }),
    scopes: () => ({
      scopes: [
        { name: 'Locals', variablesReference: stop * 1000 + 1, expensive: false },
        { name: 'Globals', variablesReference: stop * 1000 + 2, expensive: false },
      ],
    }),
    variables: (a) => {
      const ref = (a.variablesReference as number) % 1000;
      const v = (name: string, n: number) => ({
        name,
        value: name,
        variablesReference: n ? stop * 1000 + n : 0,
      });
      if (ref === 1) return { variables: [v('d', 10), v('n', 0)] };
      if (ref === 10) return { variables: [v('inner', 20), v('a', 0)] };
      if (ref === 20) return { variables: [v('x', 0)] };
      if (ref === 2) return { variables: [v('G', 0)] };
      return { variables: [] };
    },
    evaluate: () => ({ result: '1', variablesReference: 0 }),
  };
  const model = new DebugSessionModel('s1', {
    dapRequest: async (command: string, args?: unknown) => {
      const a = (args ?? {}) as Record<string, unknown>;
      if (command === 'variables') log.push(`variables ${String(a.variablesReference)}`);
      await Promise.resolve();
      const body = bodies[command]?.(a);
      return { seq: 0, type: 'response', request_seq: 0, command, success: true, body };
    },
    console: { write: () => undefined },
    showSource: () => Promise.resolve(),
    watchExpressions: [],
  });
  const stopped = async (): Promise<void> => {
    stop++;
    const event: DebugProtocol.StoppedEvent = {
      seq: 1,
      type: 'event',
      event: 'stopped',
      body: { reason: stop === 1 ? 'breakpoint' : 'step', threadId: 1 },
    };
    await model.handleEvent(event);
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  const row = (ref: number): DebugProtocol.Variable | undefined => {
    for (const entry of model.view.children.values())
      if (entry.status === 'loaded') {
        const found = entry.variables.find((v) => v.variablesReference === ref);
        if (found) return found;
      }
    return undefined;
  };
  return { model, stopped, row, log };
}

describe('Variables rows stay open across steps', () => {
  it('opens again, after a step, every row the person opened; a closed one stays closed', async () => {
    const { model, stopped, row, log } = setup();
    await stopped();
    await model.toggleExpanded(1010, row(1010));
    await model.toggleExpanded(1020, row(1020));
    await model.toggleExpanded(1002);
    expect([...model.view.expanded].sort()).toEqual([1001, 1002, 1010, 1020]);

    await model.resume('next');
    log.length = 0;
    await stopped();
    expect([...model.view.expanded].sort()).toEqual([2001, 2002, 2010, 2020]);
    expect(model.view.children.get(2020)).toEqual({
      status: 'loaded',
      variables: [{ name: 'x', value: 'x', variablesReference: 0 }],
    });
    expect(log.sort()).toEqual([
      'variables 2001',
      'variables 2002',
      'variables 2010',
      'variables 2020',
    ]);

    // Closed by the person: it stays closed after the next step (its child too, under it).
    await model.toggleExpanded(2010);
    await model.resume('next');
    await stopped();
    expect([...model.view.expanded].sort()).toEqual([3001, 3002]);
    // Opened again: its child comes back open, as it was left.
    await model.toggleExpanded(3010, row(3010));
    await model.resume('next');
    await stopped();
    expect([...model.view.expanded].sort()).toEqual([4001, 4002, 4010, 4020]);
  });
});

describe('Pause while the program is in a blocking call', () => {
  it('says it is pausing until the stop comes, then shows the stop', async () => {
    const { model, stopped } = setup();
    await stopped();
    await model.resume('continue');
    expect(describeSessionState(model.view)).toBe('Running');
    await model.pause();
    expect(model.view.pausing).toBe(true);
    expect(describeSessionState(model.view)).toMatch(
      /^Pausing… waits for the program to run Python/,
    );
    await stopped();
    expect(model.view.pausing).toBe(false);
    expect(describeSessionState(model.view)).not.toMatch(/Pausing/);
  });
});
