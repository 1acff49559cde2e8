/**
 * DebugSession's protocol edge cases with a fake tracer: late-join answers from the relay, the
 * per-client cap on requests in flight, a stalled tracer timing out without blocking others.
 */
import { describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { silentLogger } from '../../../../src-main/log/logger.js';
import type { AppEventName, AppEvents } from '../../../../src-common/protocol/client-protocol.js';
import { DebugSession } from '../../../../src-main/relay/debug-session.js';
import type { SessionClient } from '../../../../src-main/relay/session-clients.js';
import { createFakeTracer, NO_RESPONSE } from '../../../fixtures/fake-tracer.js';

class FakeClient implements SessionClient {
  readonly dap: (DebugProtocol.Response | DebugProtocol.Event)[] = [];
  readonly app: { event: string; body: unknown }[] = [];
  constructor(
    readonly id: string,
    readonly kind: 'app' | 'dap' = 'app',
    readonly name = `Client ${id}`,
  ) {}
  sendDap(_s: string, m: DebugProtocol.Response | DebugProtocol.Event): void {
    this.dap.push(m);
  }
  sendEvent<E extends AppEventName>(event: E, body: AppEvents[E]): void {
    this.app.push({ event, body });
  }
  response(seq: number): DebugProtocol.Response | undefined {
    return this.dap.find(
      (m): m is DebugProtocol.Response =>
        m.type === 'response' && (m as DebugProtocol.Response).request_seq === seq,
    );
  }
}

function makeSession(limits = {}): {
  session: DebugSession;
  tracer: ReturnType<typeof createFakeTracer>['tracer'];
} {
  const { client, tracer } = createFakeTracer();
  const session = new DebugSession({
    info: { id: 's1', profileId: '', profileName: 'x', target: 't', startedAt: 0 },
    tracer: { connection: client, dispose: () => Promise.resolve() },
    logger: silentLogger,
    onChange: () => undefined,
    limits,
  });
  session.markAttached({ supportsConfigurationDoneRequest: true });
  return { session, tracer };
}

const req = (seq: number, command: string, args?: unknown): DebugProtocol.Request => ({
  seq,
  type: 'request',
  command,
  ...(args === undefined ? {} : { arguments: args }),
});

describe('DebugSession sharing', () => {
  it('answers a late DAP joiner itself: capabilities, initialized after attach, stopped after configurationDone', async () => {
    const { session, tracer } = makeSession();
    tracer.sendEvent('stopped', { reason: 'breakpoint', threadId: 7 });
    await new Promise((r) => setTimeout(r, 20));
    const late = new FakeClient('d1', 'dap');
    session.join(late);
    await session.handleClientRequest(late, req(1, 'initialize', { adapterID: 'x' }));
    await session.handleClientRequest(late, req(2, 'attach', {}));
    await session.handleClientRequest(late, req(3, 'configurationDone'));
    expect(
      late.dap.map((m) =>
        m.type === 'response'
          ? `r:${(m as DebugProtocol.Response).command}`
          : `e:${(m as DebugProtocol.Event).event}`,
      ),
    ).toEqual(['r:initialize', 'r:attach', 'e:initialized', 'r:configurationDone', 'e:stopped']);
    expect(late.response(1)?.body).toMatchObject({ supportsConfigurationDoneRequest: true });
    expect(late.dap.at(-1)).toMatchObject({ body: { reason: 'breakpoint', threadId: 7 } });
    // None of this reached the tracer (the relay only prefetched what every client needs after
    // a stop: see stop-cache.ts).
    expect(tracer.requests.map((r) => r.command)).not.toContain('initialize');
    expect(tracer.requests.map((r) => r.command)).not.toContain('attach');
    expect(tracer.requests.map((r) => r.command)).not.toContain('configurationDone');
  });

  it('refuses requests beyond the per-client cap, with a clear error', async () => {
    const { session, tracer } = makeSession({ maxPendingPerClient: 2 });
    // A repl evaluation is never shared between clients, so each one reaches the tracer.
    const repl = (expression: string): unknown => ({ expression, context: 'repl' });
    tracer.on('evaluate', () => NO_RESPONSE);
    const a = new FakeClient('c1');
    const b = new FakeClient('c2');
    session.join(a);
    session.join(b);
    void session.handleClientRequest(a, req(1, 'evaluate', repl('1')));
    void session.handleClientRequest(a, req(2, 'evaluate', repl('2')));
    await session.handleClientRequest(a, req(3, 'evaluate', repl('3')));
    expect(a.response(3)?.success).toBe(false);
    expect(a.response(3)?.message).toContain(
      'this client already has 2 unanswered requests (limit 2)',
    );
    // Another client is not affected by a's cap.
    void session.handleClientRequest(b, req(1, 'evaluate', repl('4')));
    await new Promise((r) => setTimeout(r, 20));
    expect(tracer.requests.filter((r) => r.command === 'evaluate')).toHaveLength(3);
  });

  it('fails a stalled request with a timeout while other requests are answered', async () => {
    const { session, tracer } = makeSession({ requestTimeoutMs: 150 });
    tracer.on('evaluate', () => NO_RESPONSE).on('threads', () => ({ threads: [] }));
    const a = new FakeClient('c1');
    session.join(a);
    const stalled = session.handleClientRequest(a, req(1, 'evaluate', { expression: 'x' }));
    await session.handleClientRequest(a, req(2, 'threads'));
    expect(a.response(2)?.success).toBe(true);
    expect(a.response(1)).toBeUndefined();
    await stalled;
    expect(a.response(1)).toMatchObject({
      success: false,
      message: '"evaluate" request timed out after 150 ms',
    });
  });

  it('tells DAP clients of breakpoint changes with breakpoint events', async () => {
    const { session, tracer } = makeSession();
    tracer.on('setBreakpoints', () => ({ breakpoints: [{ id: 4, verified: true, line: 3 }] }));
    const app = new FakeClient('c1');
    const dap = new FakeClient('d2', 'dap');
    session.join(app);
    session.join(dap);
    await session.handleClientRequest(
      app,
      req(1, 'setBreakpoints', { source: { path: '/a.py' }, breakpoints: [{ line: 3 }] }),
    );
    expect(dap.dap.filter((m) => m.type === 'event')).toEqual([
      {
        seq: 0,
        type: 'event',
        event: 'breakpoint',
        body: {
          reason: 'new',
          breakpoint: { id: 4, verified: true, line: 3, source: { path: '/a.py' } },
        },
      },
    ]);
    expect(app.app).toEqual([]);
  });

  it('answers a setBreakpoints that asks for what the tracer has from its record, so hit counts keep counting', async () => {
    const { session, tracer } = makeSession();
    let sent = 0;
    tracer.on('setBreakpoints', () => {
      sent += 1;
      return { breakpoints: [{ id: 7, verified: false, line: 3 }] };
    });
    const args = { source: { path: '/a.py' }, breakpoints: [{ line: 3, hitCondition: '4' }] };
    session.recordBreakpoints(args, { breakpoints: [{ id: 7, verified: false, line: 3 }] });
    // The tracer verifies it later, as debugpy does once the module is loaded.
    tracer.sendEvent('breakpoint', {
      reason: 'changed',
      breakpoint: { id: 7, verified: true, line: 3 },
    });
    await new Promise((r) => setTimeout(r, 20));
    const app = new FakeClient('c1');
    session.join(app);
    await session.handleClientRequest(app, req(1, 'setBreakpoints', structuredClone(args)));
    expect(sent).toBe(0);
    expect(app.response(1)).toMatchObject({
      success: true,
      body: { breakpoints: [{ id: 7, verified: true, line: 3 }] },
    });
    // A different hit count is a real change: it goes to the tracer.
    await session.handleClientRequest(
      app,
      req(2, 'setBreakpoints', { ...args, breakpoints: [{ line: 3, hitCondition: '5' }] }),
    );
    expect(sent).toBe(1);
  });

  it('hands clients an output event whose output is not text as a one-line marker', async () => {
    const { session, tracer } = makeSession();
    const app = new FakeClient('c1');
    session.join(app);
    tracer.sendEvent('output', { category: 'console', output: { huge: 'x'.repeat(1000) } });
    tracer.sendEvent('output', { category: 7, output: 'fine\n' });
    await new Promise((r) => setTimeout(r, 20));
    const bodies = app.dap
      .filter((m): m is DebugProtocol.OutputEvent => m.type === 'event')
      .map((m) => m.body);
    expect(bodies).toEqual([
      {
        category: 'console',
        output: '[the tracer sent output that is object, not text; not shown]\n',
      },
      { category: 'console', output: 'fine\n' },
    ]);
  });
});
