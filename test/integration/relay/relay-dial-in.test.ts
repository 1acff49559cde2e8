/**
 * The relay as a server, with real tracers: Python programs that call `debugpy.connect` to the
 * relay's tracer port (several at once), shared by two Periscope clients and a `DebugClient`
 * (`@vscode/debugadapter-testsupport`) on the session's DAP endpoint.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { Backend } from '../../../src-main/backend/backend.js';
import type { RelayLimits } from '../../../src-main/relay/relay-limits.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import {
  DIAL_IN_PROGRAM,
  DIAL_IN_TOTAL_LINE,
  killAll,
  startDialIn,
  waitForSessions,
  type DialInProcess,
} from './dial-in-helpers.js';

describe('tracers that dial in (debugpy.connect)', () => {
  let dir: string;
  let relay: Backend;
  let port: number;
  let processes: DialInProcess[];
  const debugClients: DebugClient[] = [];

  async function startRelay(limits: Partial<RelayLimits> = {}): Promise<void> {
    relay = new Backend({
      profileStore: await ProfileStore.open(dir, { logger: silentLogger }),
      dataDir: dir,
      logger: silentLogger,
      limits,
    });
    port = (await relay.openTracerPort()).port;
  }

  function dial(args: string[] = []): DialInProcess {
    const p = startDialIn(DIAL_IN_PROGRAM, port, args);
    processes.push(p);
    return p;
  }

  function client(label: string): RelayTestClient {
    const c = new RelayTestClient(label);
    relay.connectClient(c);
    return c;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'periscope-dial-'));
    processes = [];
  });

  afterEach(async () => {
    for (const dc of debugClients.splice(0)) void dc.stop().catch(() => undefined);
    killAll(processes);
    await relay?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes a session of each tracer that dials in, with pid, program and host', async () => {
    await startRelay();
    expect(relay.tracerPort()).toEqual({ host: '127.0.0.1', port });
    const watcher = client('watcher');
    const tracers = [dial(['400']), dial(['400']), dial(['400'])];
    const sessions = await waitForSessions(
      relay,
      (s) => s.length === 3 && s.every((x) => x.state === 'running' && x.pid !== undefined),
    );
    expect(sessions.map((s) => s.pid).sort()).toEqual(tracers.map((t) => t.child.pid).sort());
    for (const s of sessions) {
      expect(s).toMatchObject({
        origin: 'connect',
        program: DIAL_IN_PROGRAM,
        host: '127.0.0.1',
        profileName: 'debugpy.connect',
      });
      expect(Date.now() - s.startedAt).toBeLessThan(30_000);
    }
    expect(new Set(sessions.map((s) => s.id)).size).toBe(3);
    // The Sessions list reached the client too.
    const lastList = watcher.received
      .filter((m) => m.type === 'app-event' && m.event === 'sessions.changed')
      .at(-1) as { body: { sessions: { pid?: number }[] } } | undefined;
    expect(lastList?.body.sessions.filter((s) => s.pid).length).toBe(3);
    // Each session routes to its own tracer: the evaluate answers come from three processes.
    await watcher.app('session.join', { sessionId: sessions[0]?.id ?? '' });
    await watcher.app('session.join', { sessionId: sessions[1]?.id ?? '' });
    const pids = await Promise.all(
      sessions.slice(0, 2).map(async (s) => {
        const threads = await watcher.dap(s.id, 1, 'threads');
        const threadId = (threads.body as DebugProtocol.ThreadsResponse['body']).threads[0]?.id;
        await watcher.dap(s.id, 2, 'pause', { threadId });
        await watcher.dapEvent(s.id, 'stopped', 10_000, 0);
        const trace = await watcher.dap(s.id, 3, 'stackTrace', { threadId });
        const frameId = (trace.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]?.id;
        const r = await watcher.dap(s.id, 4, 'evaluate', {
          expression: '__import__("os").getpid()',
          frameId,
          context: 'repl',
        });
        return Number((r.body as { result: string }).result);
      }),
    );
    expect(pids).toEqual([sessions[0]?.pid, sessions[1]?.pid]);
  });

  it('shares one session between two Periscope clients and a DAP client', async () => {
    await startRelay();
    const program = dial(['400', '0.05']);
    const [info] = await waitForSessions(relay, (s) => s[0]?.state === 'running');
    const sessionId = info?.id ?? '';
    // No DAP endpoint until a user opens one (DAP has no auth).
    expect(info?.dapEndpoint).toBeUndefined();
    const a = client('a');
    const b = client('b');
    await a.app('session.join', { sessionId });
    await b.app('session.join', { sessionId });

    // Shared breakpoints: a sets one; b hears of it; both see the stop.
    const bpHeard = b.appEvent('session.breakpointsChanged', (x) => x.sessionId === sessionId);
    const stoppedB = b.dapEvent(sessionId, 'stopped');
    const set = await a.dap(sessionId, 1, 'setBreakpoints', {
      source: { path: DIAL_IN_PROGRAM },
      breakpoints: [{ line: DIAL_IN_TOTAL_LINE }],
    });
    expect(set.success).toBe(true);
    expect((await bpHeard).breakpoints).toEqual([{ line: DIAL_IN_TOTAL_LINE }]);
    expect((await bpHeard).by.name).toBe('Window 1');
    await stoppedB;
    await waitForSessions(relay, (s) => s[0]?.state === 'stopped');

    // A DAP client joins late, while stopped, through the session's DAP endpoint.
    const { endpoint } = await a.app('session.dapEndpoint.open', { sessionId });
    expect(endpoint.host).toBe('127.0.0.1');
    const dc = new DebugClient('unused', '', 'python');
    debugClients.push(dc);
    await dc.start(endpoint.port);
    const init = await dc.initializeRequest({ adapterID: 'python', clientName: 'TestDAP' });
    expect(init.body?.supportsConfigurationDoneRequest).toBe(true);
    const initialized = dc.waitForEvent('initialized');
    expect((await dc.attachRequest({})).success).toBe(true);
    await initialized;
    const replayedStop = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    expect((await replayedStop).body).toMatchObject({ reason: 'breakpoint' });
    const listed = await waitForSessions(
      relay,
      (s) => s[0]?.dapEndpoint?.clients.some((c) => c.name.startsWith('TestDAP')) ?? false,
    );
    expect(listed[0]?.clients?.map((c) => c.kind).sort()).toEqual(['app', 'app', 'dap']);

    // Overlapping seq numbers: a, b and the DAP client all use small seqs; each gets its answer.
    const threadsDc = await dc.threadsRequest();
    const threadId = threadsDc.body.threads[0]?.id ?? 0;
    const [ta, tb] = await Promise.all([
      a.dap(sessionId, 2, 'stackTrace', { threadId }),
      b.dap(sessionId, 2, 'stackTrace', { threadId }),
    ]);
    expect(ta.request_seq).toBe(2);
    expect(tb.request_seq).toBe(2);
    const frames = (ta.body as DebugProtocol.StackTraceResponse['body']).stackFrames;
    expect(frames[0]?.line).toBe(DIAL_IN_TOTAL_LINE);
    const dcTrace = await dc.stackTraceRequest({ threadId });
    expect(dcTrace.body.stackFrames[0]?.line).toBe(DIAL_IN_TOTAL_LINE);

    // Console echo: b evaluates; a gets an app event, the DAP client an output event.
    const echoA = a.appEvent('session.consoleEcho', (x) => x.expression === 'step * 0 + 42');
    const echoDc = dc.waitForEvent('output');
    const evaluated = await b.dap(sessionId, 3, 'evaluate', {
      expression: 'step * 0 + 42',
      frameId: frames[0]?.id,
      context: 'repl',
    });
    expect((evaluated.body as { result: string }).result).toBe('42');
    expect(await echoA).toMatchObject({ ok: true, result: '42', by: { name: 'Window 2' } });
    expect(((await echoDc) as DebugProtocol.OutputEvent).body.output).toBe(
      '[Window 2] > step * 0 + 42\n42\n',
    );
    // The one who typed it gets no echo of their own.
    expect(
      b.received.some((m) => m.type === 'app-event' && m.event === 'session.consoleEcho'),
    ).toBe(false);

    // The DAP client's breakpoint change reaches a and b.
    const fromDc = a.appEvent('session.breakpointsChanged', (x) => x.by.kind === 'dap');
    await dc.setBreakpointsRequest({ source: { path: DIAL_IN_PROGRAM }, breakpoints: [] });
    const heard = await fromDc;
    expect(heard.breakpoints).toEqual([]);
    expect(heard.by.name).toMatch(/^TestDAP/);

    // Shared watches.
    const watchesB = b.appEvent('session.watchesChanged');
    await a.app('session.watches.set', { sessionId, expressions: ['total', 'step'] });
    expect((await watchesB).expressions).toEqual(['total', 'step']);

    // a leaves, then the DAP client disconnects: the program keeps running for b.
    a.close('window closed');
    await dc.disconnectRequest({ terminateDebuggee: true });
    await dc.stop();
    const continued = await b.dap(sessionId, 4, 'continue', { threadId });
    expect(continued.success).toBe(true);
    const before = program.stdout().length;
    await new Promise((r) => setTimeout(r, 600));
    expect(program.stdout().length).toBeGreaterThan(before);
    expect(program.child.exitCode).toBe(null);
    const after = await waitForSessions(relay, (s) => s[0]?.clients?.length === 1);
    expect(after[0]?.state).toBe('running');
    // A late app joiner gets the shared state.
    const c = client('c');
    const joined = await c.app('session.join', { sessionId });
    expect(joined.watches).toEqual(['total', 'step']);
    expect(joined.breakpoints).toEqual([{ source: { path: DIAL_IN_PROGRAM }, breakpoints: [] }]);
    expect(joined.threads.map((t) => t.id)).toContain(threadId);
  });

  it('fails pending requests within a second when a tracer dies; other sessions go on', async () => {
    await startRelay();
    const doomed = dial(['400']);
    dial(['400']);
    const sessions = await waitForSessions(
      relay,
      (s) => s.length === 2 && s.every((x) => x.state === 'running' && x.pid),
    );
    const doomedId = sessions.find((s) => s.pid === doomed.child.pid)?.id ?? '';
    const otherId = sessions.find((s) => s.id !== doomedId)?.id ?? '';
    const a = client('a');
    await a.app('session.join', { sessionId: doomedId });
    await a.app('session.join', { sessionId: otherId });
    // A request the tracer takes long to answer: evaluate time.sleep while paused.
    const threads = await a.dap(doomedId, 1, 'threads');
    const threadId = (threads.body as DebugProtocol.ThreadsResponse['body']).threads[0]?.id;
    await a.dap(doomedId, 2, 'pause', { threadId });
    await a.dapEvent(doomedId, 'stopped', 10_000, 0);
    const trace = await a.dap(doomedId, 3, 'stackTrace', { threadId });
    const frameId = (trace.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]?.id;
    const slow = a.dap(doomedId, 4, 'evaluate', {
      expression: '__import__("time").sleep(20)',
      frameId,
      context: 'repl',
    });
    await new Promise((r) => setTimeout(r, 300));
    const killedAt = Date.now();
    doomed.child.kill('SIGKILL');
    const failed = await slow;
    expect(failed.success).toBe(false);
    expect(Date.now() - killedAt).toBeLessThan(1000);
    await waitForSessions(relay, (s) => s.find((x) => x.id === doomedId)?.state === 'ended');
    // The other session still answers.
    const ok = await a.dap(otherId, 1, 'threads');
    expect(ok.success).toBe(true);
  });
});
