import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { silentLogger } from '../../../../src-main/log/logger.js';
import type { Profile } from '../../../../src-common/protocol/profile.js';
import { ProfileStore } from '../../../../src-main/profiles/profile-store.js';
import { Backend } from '../../../../src-main/backend/backend.js';
import type { StartedTracer } from '../../../../src-main/tracer/launch-tracer.js';
import { createFakeTracer, NO_RESPONSE, type FakeTracer } from '../../../fixtures/fake-tracer.js';
import { RelayTestClient } from '../../../harness/relay-test-client.js';

/** A fake debugpy that completes the attach handshake the way debugpy does. */
function debugpyLikeTracer(): {
  started: StartedTracer;
  tracer: FakeTracer;
  disposed: () => boolean;
} {
  const { client, tracer } = createFakeTracer();
  let attachRequest: DebugProtocol.Request | undefined;
  let disposed = false;
  tracer
    .on('initialize', () => ({
      supportsConfigurationDoneRequest: true,
      exceptionBreakpointFilters: [],
    }))
    .on('attach', (_args, request) => {
      attachRequest = request;
      setTimeout(() => tracer.sendEvent('initialized'), 1);
      return NO_RESPONSE;
    })
    .on('setExceptionBreakpoints', () => ({ breakpoints: [] }))
    .on('setBreakpoints', (args) => ({
      breakpoints: (args as DebugProtocol.SetBreakpointsArguments).breakpoints?.map((b) => ({
        verified: true,
        line: b.line,
      })),
    }))
    .on('configurationDone', () => {
      setTimeout(() => attachRequest && tracer.respond(attachRequest), 1);
      return undefined;
    })
    .on('disconnect', () => undefined);
  return {
    tracer,
    disposed: () => disposed,
    started: {
      link: {
        connection: client,
        dispose: () => {
          disposed = true;
          client.close('disposed');
          return Promise.resolve();
        },
      },
      onOutput: () => undefined,
      readFile: () => Promise.reject(new Error('no remote files in this test')),
    },
  };
}

describe('Relay routing', () => {
  let dir: string;
  let store: ProfileStore;
  let profile: Profile;
  let fake: ReturnType<typeof debugpyLikeTracer>;
  let relay: Backend;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'periscope-relay-'));
    store = await ProfileStore.open(dir, { logger: silentLogger });
    profile = await store.save({
      name: 'box',
      host: '127.0.0.1',
      port: 22,
      user: 'me',
      auth: { kind: 'agent' },
      python: 'python3',
      cwd: '',
      pathMappings: [],
      justMyCode: true,
    });
    fake = debugpyLikeTracer();
    relay = new Backend({
      profileStore: store,
      dataDir: dir,
      logger: silentLogger,
      startTracer: () => Promise.resolve(fake.started),
    });
  });

  afterEach(async () => {
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function launchWithTwoClients(): Promise<{
    a: RelayTestClient;
    b: RelayTestClient;
    sessionId: string;
  }> {
    const a = new RelayTestClient('a');
    const b = new RelayTestClient('b');
    relay.connectClient(a);
    relay.connectClient(b);
    const { session } = await a.app('session.launch', {
      profileId: profile.id,
      target: { kind: 'file', path: '/srv/app.py' },
      args: [],
      cwd: '',
      breakpoints: [{ path: '/srv/app.py', breakpoints: [{ line: 3 }] }],
    });
    await b.app('session.join', { sessionId: session.id });
    return { a, b, sessionId: session.id };
  }

  it('launch runs the debugpy handshake in order, with the launch breakpoints before configurationDone', async () => {
    await launchWithTwoClients();
    expect(fake.tracer.requests.map((r) => r.command)).toEqual([
      'initialize',
      'attach',
      'setBreakpoints',
      'setExceptionBreakpoints',
      'configurationDone',
    ]);
    expect(fake.tracer.requests[1]?.arguments).toMatchObject({
      justMyCode: true,
      pathMappings: [],
    });
  });

  it('answers each client with its own request_seq when seq numbers overlap', async () => {
    const { a, b, sessionId } = await launchWithTwoClients();
    // The tracer answers a's evaluation slowly and b's quickly: the responses cross.
    fake.tracer.on('evaluate', async (args) => {
      const { expression } = args as DebugProtocol.EvaluateArguments;
      await new Promise((r) => setTimeout(r, expression === 'slow' ? 50 : 1));
      return { result: `answer to ${expression}`, variablesReference: 0 };
    });
    const repl = (expression: string): DebugProtocol.EvaluateArguments => ({
      expression,
      context: 'repl',
    });
    const [ra, rb] = await Promise.all([
      a.dap(sessionId, 7, 'evaluate', repl('slow')),
      b.dap(sessionId, 7, 'evaluate', repl('fast')),
    ]);
    expect(ra.request_seq).toBe(7);
    expect(rb.request_seq).toBe(7);
    expect((ra.body as DebugProtocol.EvaluateResponse['body']).result).toBe('answer to slow');
    expect((rb.body as DebugProtocol.EvaluateResponse['body']).result).toBe('answer to fast');
    // Each response went only to the client that asked.
    const responsesTo = (c: RelayTestClient): number =>
      c.dapResponses().filter((r) => r.command === 'evaluate').length;
    expect(responsesTo(a)).toBe(1);
    expect(responsesTo(b)).toBe(1);
    // The tracer saw distinct seq numbers, not the clients' 7s.
    const tracerSeqs = fake.tracer.requests
      .filter((r) => r.command === 'evaluate')
      .map((r) => r.seq);
    expect(new Set(tracerSeqs).size).toBe(2);
  });

  it('sends identical read-only requests of several clients to the tracer once after a stop', async () => {
    const { a, b, sessionId } = await launchWithTwoClients();
    fake.tracer
      .on('threads', () => ({ threads: [{ id: 1, name: 'MainThread' }] }))
      .on('stackTrace', () => ({
        stackFrames: [{ id: 5, name: 'main', line: 3, column: 1 }],
        totalFrames: 1,
      }))
      .on('scopes', () => ({
        scopes: [{ name: 'Locals', variablesReference: 9, expensive: false }],
      }))
      .on('variables', () => ({ variables: [{ name: 'x', value: '1', variablesReference: 0 }] }));
    const stopped = b.dapEvent(sessionId, 'stopped');
    fake.tracer.sendEvent('stopped', { reason: 'step', threadId: 1 });
    await stopped;
    const top = { threadId: 1, startFrame: 0, levels: 1 };
    const [sa, sb] = await Promise.all([
      a.dap(sessionId, 1, 'stackTrace', top),
      b.dap(sessionId, 1, 'stackTrace', top),
    ]);
    expect(sa.body).toEqual(sb.body);
    await Promise.all([
      a.dap(sessionId, 2, 'variables', { variablesReference: 9 }),
      b.dap(sessionId, 2, 'variables', { variablesReference: 9 }),
    ]);
    const count = (command: string): number =>
      fake.tracer.requests.filter((r) => r.command === command).length;
    expect(count('stackTrace')).toBe(1);
    expect(count('variables')).toBe(1);
  });

  it('broadcasts tracer events to every client of the session and tracks the stopped state', async () => {
    const { a, b, sessionId } = await launchWithTwoClients();
    const stoppedA = a.dapEvent(sessionId, 'stopped');
    const stoppedB = b.dapEvent(sessionId, 'stopped');
    const changed = a.appEvent('sessions.changed', (body) => body.sessions[0]?.state === 'stopped');
    fake.tracer.sendEvent('stopped', { reason: 'breakpoint', threadId: 1 });
    expect((await stoppedA).body).toMatchObject({ reason: 'breakpoint', threadId: 1 });
    expect((await stoppedB).body).toMatchObject({ reason: 'breakpoint', threadId: 1 });
    await changed;
  });

  it('passes a tracer error response through as it is', async () => {
    const { a, sessionId } = await launchWithTwoClients();
    fake.tracer.on('evaluate', () => ({ error: "NameError: name 'nope' is not defined" }));
    const response = await a.dap(sessionId, 1, 'evaluate', { expression: 'nope', context: 'repl' });
    expect(response.success).toBe(false);
    expect(response.message).toContain('NameError');
  });

  it('answers initialize from the cached capabilities without asking the tracer', async () => {
    const { b, sessionId } = await launchWithTwoClients();
    const before = fake.tracer.requests.length;
    const response = await b.dap(sessionId, 1, 'initialize', { adapterID: 'x' });
    expect(response.success).toBe(true);
    expect(response.body).toMatchObject({ supportsConfigurationDoneRequest: true });
    expect(fake.tracer.requests.length).toBe(before);
  });

  it('rejects invalid client messages with an error and changes nothing', async () => {
    const { a, sessionId } = await launchWithTwoClients();
    const before = fake.tracer.requests.length;
    a.sendRaw('not json');
    a.sendRaw(
      JSON.stringify({
        type: 'dap',
        sessionId,
        message: { seq: -1, type: 'request', command: 'threads' },
      }),
    );
    a.sendRaw(
      JSON.stringify({
        type: 'dap',
        sessionId,
        message: { seq: 5, type: 'request', command: 'bad command!' },
      }),
    );
    a.sendRaw(
      JSON.stringify({ type: 'app', id: 9, method: 'profiles.delete', params: { id: 42 } }),
    );
    a.sendRaw(JSON.stringify({ type: 'app', id: 10, method: 'no.such.method', params: {} }));
    await new Promise((r) => setTimeout(r, 20));
    const dapErrors = a.dapResponses().filter((r) => !r.success);
    const appErrors = a.appErrors();
    expect(dapErrors.length + appErrors.length).toBe(5);
    expect(dapErrors.find((r) => r.request_seq === 5)?.message).toContain(
      'command must be a DAP command name',
    );
    expect(appErrors.find((e) => e.id === 10)?.error.message).toContain('unknown method');
    expect(appErrors.find((e) => e.id === 9)?.error.code).toBe('invalid-message');
    expect(fake.tracer.requests.length).toBe(before);
    expect(store.list()).toHaveLength(1);
  });

  it('refuses DAP requests from a client that has not joined, and for unknown sessions', async () => {
    const { sessionId } = await launchWithTwoClients();
    const outsider = new RelayTestClient('outsider');
    relay.connectClient(outsider);
    const r1 = await outsider.dap(sessionId, 1, 'threads');
    expect(r1.success).toBe(false);
    expect(r1.message).toContain('Join session');
    const r2 = await outsider.dap('nope', 2, 'threads');
    expect(r2.message).toContain('no session');
  });

  it('fails pending requests and ends the session when the tracer drops', async () => {
    const { a, b, sessionId } = await launchWithTwoClients();
    fake.tracer.on('stackTrace', () => NO_RESPONSE);
    const pending = a.dap(sessionId, 3, 'stackTrace', { threadId: 1 });
    const terminated = b.dapEvent(sessionId, 'terminated');
    await fake.tracer.nextRequest('stackTrace');
    fake.tracer.drop();
    const response = await pending;
    expect(response.success).toBe(false);
    await terminated;
    const { sessions } = await a.app('sessions.list', {});
    expect(sessions[0]?.state).toBe('ended');
    const after = await a.dap(sessionId, 4, 'threads');
    expect(after.success).toBe(false);
    expect(after.message).toContain('ended');
  });

  it('a client leaving keeps the session for the others', async () => {
    const { a, b, sessionId } = await launchWithTwoClients();
    a.close('gone');
    fake.tracer.on('threads', () => ({ threads: [] }));
    const response = await b.dap(sessionId, 1, 'threads');
    expect(response.success).toBe(true);
    expect(fake.disposed()).toBe(false);
  });

  it('session.close disconnects the tracer with terminateDebuggee and disposes the link', async () => {
    const { a, sessionId } = await launchWithTwoClients();
    await a.app('session.close', { sessionId });
    const disconnect = fake.tracer.requests.find((r) => r.command === 'disconnect');
    expect(disconnect?.arguments).toEqual({ terminateDebuggee: true });
    expect(fake.disposed()).toBe(true);
  });
});
