import type { DebugProtocol } from '@vscode/debugprotocol';
import { describe, expect, it, vi } from 'vitest';
import {
  DebugSessionModel,
  RESUME_GRACE_MS,
  type ConsoleKind,
} from '../../../../src-renderer/debug/session-model.js';
import { describeSessionState } from '../../../../src-renderer/debug/session-view.js';

type Handler = (args: Record<string, unknown>) => unknown;

/** A fake tracer: canned bodies by command, a log of requests in the order they were sent. */
class FakeTracer {
  log: string[] = [];
  handlers: Record<string, Handler> = {};
  failures: Record<string, string> = {};
  /** Values `x` evaluates to, one per evaluation in order. */
  request = async (command: string, args?: unknown): Promise<DebugProtocol.Response> => {
    const a = (args ?? {}) as Record<string, unknown>;
    this.log.push(describeRequest(command, a));
    await Promise.resolve();
    const response: DebugProtocol.Response = {
      seq: 0,
      type: 'response',
      request_seq: 0,
      command,
      success: true,
    };
    const failure = this.failures[command];
    if (failure) return { ...response, success: false, message: failure };
    const handler = this.handlers[command];
    if (handler) response.body = handler(a);
    return response;
  };
}

function describeRequest(command: string, a: Record<string, unknown>): string {
  switch (command) {
    case 'stackTrace':
      return `stackTrace ${String(a.threadId)} ${String(a.startFrame)}+${String(a.levels)}`;
    case 'scopes':
      return `scopes ${String(a.frameId)}`;
    case 'variables':
      return `variables ${String(a.variablesReference)}`;
    case 'evaluate':
      return `evaluate ${String(a.context)} ${String(a.expression)} @${String(a.frameId)}`;
    default:
      return command;
  }
}

const frames: DebugProtocol.StackFrame[] = [
  { id: 11, name: 'inner', line: 7, column: 1, source: { path: '/w/app.py', name: 'app.py' } },
  { id: 12, name: 'outer', line: 20, column: 1, source: { path: '/w/app.py', name: 'app.py' } },
  {
    id: 13,
    name: '<module>',
    line: 30,
    column: 1,
    source: { path: '/w/main.py', name: 'main.py' },
  },
];

function setup(watches: string[] = []) {
  const tracer = new FakeTracer();
  let xValue = 1;
  tracer.handlers = {
    threads: () => ({
      threads: [
        { id: 1, name: 'MainThread' },
        { id: 2, name: 'worker' },
      ],
    }),
    stackTrace: (a) => {
      const start = a.startFrame as number;
      const levels = a.levels as number;
      return { stackFrames: frames.slice(start, start + levels), totalFrames: frames.length };
    },
    scopes: (a) => ({
      scopes: [
        { name: 'Locals', variablesReference: (a.frameId as number) * 100, expensive: false },
        { name: 'Globals', variablesReference: (a.frameId as number) * 100 + 1, expensive: false },
      ],
    }),
    variables: (a) => ({
      variables: [{ name: 'n', value: String(a.variablesReference), variablesReference: 0 }],
    }),
    evaluate: (a) => {
      if (a.expression === 'x')
        return { result: String(xValue++), variablesReference: 0, type: 'int' };
      return { result: `<${String(a.expression)}>`, variablesReference: 0 };
    },
  };
  const output: [string, ConsoleKind][] = [];
  const shown: string[] = [];
  const model = new DebugSessionModel('s1', {
    dapRequest: tracer.request,
    console: { write: (text, kind) => output.push([text, kind]) },
    showSource: async (source, line) => {
      tracer.log.push(`show ${source.path ?? ''}:${line}`);
      shown.push(`${source.path ?? ''}:${line}`);
      await Promise.resolve();
    },
    watchExpressions: watches,
  });
  return { tracer, model, output, shown };
}

const stopped = (threadId = 1, reason = 'breakpoint'): DebugProtocol.StoppedEvent => ({
  seq: 1,
  type: 'event',
  event: 'stopped',
  body: { reason, threadId },
});

describe('DebugSessionModel', () => {
  it('on stop: the stopped thread’s top frame first, paints it, then the rest of the stack, then the threads', async () => {
    const { tracer, model } = setup(['x']);
    await model.handleEvent(stopped());
    expect(tracer.log).toEqual([
      'stackTrace 1 0+1',
      'show /w/app.py:7',
      'scopes 11',
      'evaluate watch x @11',
      'variables 1100',
      'stackTrace 1 1+199',
      'threads',
    ]);
    const view = model.view;
    expect(view.state).toBe('stopped');
    expect(view.frames.map((f) => f.name)).toEqual(['inner', 'outer', '<module>']);
    expect(view.framesComplete).toBe(true);
    expect(view.selectedFrameId).toBe(11);
    expect(view.scopes.map((s) => s.name)).toEqual(['Locals', 'Globals']);
    expect(view.expanded.has(1100)).toBe(true);
    expect(view.children.get(1100)).toEqual({
      status: 'loaded',
      variables: [{ name: 'n', value: '1100', variablesReference: 0 }],
    });
    expect(view.children.has(1101)).toBe(false);
    expect(describeSessionState(view)).toBe('Paused on breakpoint (thread MainThread)');
  });

  it('re-evaluates watches on every stop and marks changed values', async () => {
    const { model } = setup(['x', 'y']);
    await model.handleEvent(stopped());
    expect(model.view.watches.map((w) => [w.expression, w.value, w.changed])).toEqual([
      ['x', '1', false],
      ['y', '<y>', false],
    ]);
    await model.resume('next');
    expect(model.view.state).toBe('running');
    // The previous stop's frames stay, dimmed, for the resume grace (no flicker while stepping).
    expect(model.view.staleFrames).toBe(true);
    expect(model.view.watches.every((w) => w.stale && w.value !== null)).toBe(true);
    await model.handleEvent(stopped(1, 'step'));
    expect(model.view.watches.map((w) => [w.expression, w.value, w.changed, w.stale])).toEqual([
      ['x', '2', true, false],
      ['y', '<y>', false, false],
    ]);
  });

  it('keeps the previous stop dimmed during the resume grace; a stop within it replaces it without a blank', async () => {
    const { model } = setup(['x']);
    await model.handleEvent(stopped());
    const seen: { frames: number; scopes: number; loading: boolean }[] = [];
    model.onChange((v) =>
      seen.push({
        frames: v.frames.length,
        scopes: v.scopes.length,
        loading: [...v.children.values()].some((c) => c.status === 'loading'),
      }),
    );
    await model.resume('next');
    expect(model.view).toMatchObject({ state: 'running', staleFrames: true, staleVariables: true });
    expect(model.view.frames.map((f) => f.name)).toEqual(['inner', 'outer', '<module>']);
    // Stale rows cannot be used: expanding a variable of the previous stop does nothing.
    await model.toggleExpanded(1101);
    expect(model.view.expanded.has(1101)).toBe(false);
    await model.handleEvent(stopped(1, 'step'));
    expect(model.view).toMatchObject({
      state: 'stopped',
      staleFrames: false,
      staleTail: false,
      staleVariables: false,
    });
    expect(model.view.frames).toHaveLength(3);
    expect(model.view.children.get(1100)).toMatchObject({ status: 'loaded' });
    // Never blank, never "Loading…" in between.
    expect(seen.every((s) => s.frames > 0 && s.scopes > 0 && !s.loading)).toBe(true);
  });

  it('clears the previous stop when no stop arrives within the resume grace', async () => {
    vi.useFakeTimers();
    try {
      const { model } = setup();
      await model.handleEvent(stopped());
      await model.resume('continue');
      vi.advanceTimersByTime(RESUME_GRACE_MS - 1);
      expect(model.view.frames).toHaveLength(3);
      vi.advanceTimersByTime(1);
      expect(model.view).toMatchObject({ state: 'running', staleFrames: false, scopes: [] });
      expect(model.view.frames).toEqual([]);
      expect(model.view.selectedFrameId).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows watch errors inline (last line of the traceback)', async () => {
    const { tracer, model } = setup();
    await model.handleEvent(stopped());
    tracer.failures.evaluate =
      "Traceback (most recent call last):\n  ...\nNameError: name 'nope' is not defined";
    await model.addWatch('nope');
    expect(model.view.watches[0]).toMatchObject({
      expression: 'nope',
      value: null,
      error: "NameError: name 'nope' is not defined",
    });
  });

  it('selecting a frame loads its source, scopes and watch values in that frame', async () => {
    const { tracer, model } = setup(['x']);
    await model.handleEvent(stopped());
    tracer.log = [];
    await model.selectFrame(13);
    expect(tracer.log).toEqual([
      'show /w/main.py:30',
      'scopes 13',
      'evaluate watch x @13',
      'variables 1300',
    ]);
    expect(model.view.selectedFrameId).toBe(13);
  });

  it('sends step requests with the stopped thread and goes to running at once', async () => {
    const { tracer, model } = setup();
    await model.handleEvent(stopped(2));
    tracer.log = [];
    const step = model.resume('stepIn');
    expect(model.view.state).toBe('running');
    await step;
    expect(tracer.log).toEqual(['stepIn']);
    // Not stopped any more: a second resume is ignored.
    await model.resume('continue');
    expect(tracer.log).toEqual(['stepIn']);
  });

  it('drops results of a stop that was overtaken by a resume', async () => {
    const { tracer, model } = setup();
    const pending = model.handleEvent(stopped());
    await model.handleEvent({ seq: 2, type: 'event', event: 'continued', body: { threadId: 1 } });
    await pending;
    expect(model.view.state).toBe('running');
    expect(model.view.frames).toEqual([]);
    expect(tracer.log).toEqual(['stackTrace 1 0+1']);
  });

  it('loads variables lazily when a node is expanded, and collapses it again', async () => {
    const { tracer, model } = setup();
    await model.handleEvent(stopped());
    tracer.log = [];
    await model.toggleExpanded(1101);
    expect(tracer.log).toEqual(['variables 1101']);
    expect(model.view.expanded.has(1101)).toBe(true);
    await model.toggleExpanded(1101);
    await model.toggleExpanded(1101);
    expect(tracer.log).toEqual(['variables 1101']);
  });

  it('ends on exited + terminated and reports the exit code', async () => {
    const { model } = setup();
    await model.handleEvent({ seq: 1, type: 'event', event: 'exited', body: { exitCode: 0 } });
    await model.handleEvent({ seq: 2, type: 'event', event: 'terminated' });
    expect(model.view.state).toBe('ended');
    expect(describeSessionState(model.view)).toBe('Ended — exit code 0');
  });

  it('ends when the relay lists the session as ended', () => {
    const { model } = setup();
    model.applySessionInfo({
      id: 's1',
      profileId: 'p',
      profileName: 'p',
      target: 'x.py',
      state: 'ended',
      startedAt: 0,
      endReason: 'SSH connection lost',
    });
    expect(describeSessionState(model.view)).toBe('Ended — SSH connection lost');
  });

  it('routes output events to the console by category', async () => {
    const { model, output } = setup();
    for (const category of ['stdout', 'stderr', 'console', 'important', 'telemetry']) {
      await model.handleEvent({
        seq: 1,
        type: 'event',
        event: 'output',
        body: { category, output: category },
      });
    }
    expect(output).toEqual([
      ['stdout', 'stdout'],
      ['stderr', 'stderr'],
      ['console', 'console'],
      ['important', 'info'],
    ]);
  });

  it('evaluates console input in the selected frame and reports errors', async () => {
    const { tracer, model } = setup();
    await model.handleEvent(stopped());
    await expect(model.evaluate('1+1')).resolves.toEqual({ ok: true, text: '<1+1>' });
    expect(tracer.log).toContain('evaluate repl 1+1 @11');
    tracer.failures.evaluate = 'SyntaxError: invalid syntax';
    await expect(model.evaluate('1+')).resolves.toEqual({
      ok: false,
      text: 'SyntaxError: invalid syntax',
    });
  });

  it('records breakpoint verification from setBreakpoints and breakpoint events', async () => {
    const { tracer, model } = setup();
    tracer.handlers.setBreakpoints = (a) => ({
      breakpoints: (a.breakpoints as { line: number }[]).map((b, i) => ({
        id: i + 1,
        verified: b.line !== 99,
        line: b.line,
        ...(b.line === 99 ? { message: 'Line 99 is past the end of the file' } : {}),
      })),
    });
    await model.setBreakpoints('/w/app.py', [7, 99]);
    expect(model.view.breakpoints.get('/w/app.py')).toEqual([
      { line: 7, verified: true, id: 1 },
      { line: 99, verified: false, id: 2, message: 'Line 99 is past the end of the file' },
    ]);
    await model.handleEvent({
      seq: 3,
      type: 'event',
      event: 'breakpoint',
      body: { reason: 'changed', breakpoint: { id: 1, verified: false, message: 'moved away' } },
    });
    expect(model.view.breakpoints.get('/w/app.py')?.[0]).toMatchObject({
      verified: false,
      message: 'moved away',
    });
  });
});
