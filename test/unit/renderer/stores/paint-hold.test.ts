/**
 * A step paints once (issue 15, "step to paint"): the views a step passes through — the resume
 * grace, the stop before its stack, the stack before its scopes, the scopes before the locals —
 * are held back, and the view with the locals is painted at once, with the source's current line
 * in the same task. A slow step still paints its progress, every hold period at most.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { describe, expect, it } from 'vitest';
import { DebugSessionModel } from '../../../../src-renderer/debug/session-model.js';
import type { DebugSessionView } from '../../../../src-renderer/debug/session-view.js';
import { isMidStep } from '../../../../src-renderer/debug/step-settled.js';
import { PaintHold } from '../../../../src-renderer/stores/paint-hold.js';

/** A tracer stopped in `main` at line 3 + stop number; `slowMs` delays each stackTrace. */
function world(holdMs: number, slowMs = 0) {
  let stop = 0;
  const painted: { view: DebugSessionView; at: string }[] = [];
  const events: string[] = [];
  const paints = new PaintHold<DebugSessionView>(
    (view) => {
      painted.push({ view, at: `${view.state} frames=${view.frames.length}` });
      events.push('paint');
    },
    isMidStep,
    holdMs,
  );
  const bodies: Record<string, () => unknown> = {
    threads: () => ({ threads: [{ id: 1, name: 'MainThread' }] }),
    stackTrace: () => ({
      stackFrames: [
        { id: stop * 10, name: 'main', line: 2 + stop, column: 1, source: { path: '/a.py' } },
      ],
      totalFrames: 1,
    }),
    scopes: () => ({
      scopes: [{ name: 'Locals', variablesReference: stop * 10 + 1, expensive: false }],
    }),
    variables: () => ({ variables: [{ name: 'n', value: String(stop), variablesReference: 0 }] }),
    next: () => ({}),
  };
  const model = new DebugSessionModel('s1', {
    dapRequest: async (command: string) => {
      if (command === 'stackTrace' && slowMs > 0)
        await new Promise((resolve) => setTimeout(resolve, slowMs));
      else await new Promise((resolve) => setTimeout(resolve, 1));
      return {
        seq: 0,
        type: 'response',
        request_seq: 0,
        command,
        success: true,
        body: bodies[command]?.(),
      };
    },
    console: { write: () => undefined },
    showSource: (_source, line) =>
      new Promise<void>((resolve) =>
        paints.defer(() => {
          events.push(`line ${line}`);
          resolve();
        }),
      ),
    watchExpressions: [],
  });
  model.onChange((view) => paints.offer(view));
  const stopped = async (): Promise<void> => {
    stop++;
    const event: DebugProtocol.StoppedEvent = {
      seq: 1,
      type: 'event',
      event: 'stopped',
      body: { reason: 'step', threadId: 1 },
    };
    await model.handleEvent(event);
  };
  const locals = (view: DebugSessionView | undefined): string | undefined => {
    const ref = view?.scopes[0]?.variablesReference;
    const children = ref === undefined ? undefined : view?.children.get(ref);
    return children?.status === 'loaded' ? children.variables[0]?.value : undefined;
  };
  return { model, painted, events, stopped, locals, paints };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PaintHold with isMidStep', () => {
  it('paints a stop once, with its locals, and the current line right after in the same task', async () => {
    const w = world(1000);
    await w.stopped();
    await settle(30);
    // Every paint has the locals (the thread list may come after them, in a paint of its own).
    expect(w.painted.map((p) => w.locals(p.view))).toEqual(w.painted.map(() => '1'));
    expect(w.events.slice(0, 2)).toEqual(['paint', 'line 3']);
  });

  it('paints a step (resume, stop, stack, scopes, locals) once', async () => {
    const w = world(1000);
    await w.stopped();
    await settle(30);
    w.painted.length = 0;
    w.events.length = 0;
    await w.model.resume('next');
    await w.stopped();
    await settle(30);
    expect(w.painted.map((p) => w.locals(p.view))).toEqual(w.painted.map(() => '2'));
    expect(w.painted.every((p) => p.view.state === 'stopped' && !p.view.staleVariables)).toBe(true);
    expect(w.events.slice(0, 2)).toEqual(['paint', 'line 4']);
  });

  it('still paints the progress of a slow step, each hold period at most', async () => {
    const w = world(10, 60);
    await w.stopped();
    await settle(150);
    // Held views were painted while the stack was on its way, then the settled one.
    const settled = w.painted.findIndex((p) => !isMidStep(p.view));
    expect(settled).toBeGreaterThan(0);
    expect(w.locals(w.painted[settled]?.view)).toBe('1');
  });

  it('paints a view that is not mid-step at once, and forgets a held one on dispose', async () => {
    const painted: string[] = [];
    const hold = new PaintHold<string>(
      (v) => painted.push(v),
      (v) => v.startsWith('mid'),
      5,
    );
    hold.offer('mid 1');
    hold.offer('mid 2');
    expect(painted).toEqual([]);
    hold.offer('done');
    expect(painted).toEqual(['done']);
    hold.offer('mid 3');
    hold.dispose();
    await settle(20);
    expect(painted).toEqual(['done']);
  });
});
