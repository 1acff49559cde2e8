/**
 * `keepSessionAttached`'s decisions with fake tracers (the real silent drop is in
 * test/integration/connections/session-silent-drop.test.ts): refused re-attaches are retried with
 * backoff after freeing the slot, the link info says so meanwhile, and giving up (or a failed
 * link) DETACHES — no `disconnect` with `terminateDebuggee: true`, the link is released, never
 * disposed.
 */
import { describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapConnection } from '../../../../src-main/dap/dap-connection.js';
import { silentLogger } from '../../../../src-main/log/logger.js';
import type { SessionInfo } from '../../../../src-common/protocol/client-protocol.js';
import type { LinkStatus } from '../../../../src-main/ssh/connection/reconnecting-ssh.js';
import type { StaleSlotReport } from '../../../../src-main/remote/probes/stale-slot.js';
import { DebugSession } from '../../../../src-main/relay/debug-session.js';
import type { StartedTracer } from '../../../../src-main/tracer/launch-tracer.js';
import {
  keepSessionAttached,
  reattachDelay,
} from '../../../../src-main/tracer/session-reconnect.js';
import { createFakeTracer, NO_RESPONSE, type FakeTracer } from '../../../fixtures/fake-tracer.js';

/** A fake debugpy adapter: answers the handshake, or refuses `attach` like debugpy 1.6 does. */
function adapter(refuse: boolean): { client: DapConnection; tracer: FakeTracer } {
  const { client, tracer } = createFakeTracer();
  let attach: DebugProtocol.Request | undefined;
  tracer
    .on('initialize', () => ({ supportsConfigurationDoneRequest: true }))
    .on('attach', (_args, request) => {
      if (refuse) return { error: 'Server[pid=4242] is already being debugged.' };
      attach = request;
      setTimeout(() => tracer.sendEvent('initialized'), 1);
      return NO_RESPONSE;
    })
    .on('setExceptionBreakpoints', () => ({}))
    .on('configurationDone', () => {
      setTimeout(() => attach && tracer.respond(attach), 1);
      return {};
    })
    .on('disconnect', () => ({}));
  return { client, tracer };
}

interface World {
  session: DebugSession;
  /** Every fake adapter connection made, the first one being the launch's. */
  adapters: FakeTracer[];
  emit(status: LinkStatus): void;
  infos: SessionInfo[];
  released: number;
  disposed: number;
  freed: number;
}

function world(
  origin: SessionInfo['origin'],
  refusals: number,
  options: { listening?: boolean; withinMs?: number } = {},
): World {
  const first = adapter(false);
  let connection = first.client;
  const w: World = {
    adapters: [first.tracer],
    infos: [],
    released: 0,
    disposed: 0,
    freed: 0,
    emit: () => undefined,
    session: undefined as unknown as DebugSession,
  };
  const listeners = new Set<(s: LinkStatus) => void>();
  let dropped = false;
  const tracer: StartedTracer = {
    link: {
      get connection() {
        return connection;
      },
      reconnecting: () => dropped,
      dispose: () => {
        w.disposed++;
        return Promise.resolve();
      },
      release: () => {
        w.released++;
        connection.close('detached');
      },
    },
    onOutput: () => undefined,
    readFile: () => Promise.reject(new Error('no files')),
    onLinkStatus: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reattach: () => {
      const next = adapter(w.adapters.length <= refusals);
      w.adapters.push(next.tracer);
      connection = next.client;
      dropped = false;
      return Promise.resolve(next.client);
    },
    freeStaleClients: (): Promise<StaleSlotReport> => {
      w.freed++;
      return Promise.resolve({ listening: options.listening ?? true, holders: [] });
    },
    reattachWithinMs: options.withinMs ?? 60_000,
    tunnels: () => [
      {
        id: 'L40000',
        direction: 'local',
        localPort: 40000,
        remoteHost: '127.0.0.1',
        remotePort: 5678,
        state: 'up',
        bytesIn: 0,
        bytesOut: 0,
        connections: 0,
      },
    ],
  };
  w.emit = (status) => {
    if (status.state === 'reconnecting') dropped = true;
    listeners.forEach((l) => l(status));
  };
  w.session = new DebugSession({
    info: {
      id: 's1',
      profileId: 'p',
      profileName: 'box',
      target: 'prog.py',
      startedAt: 0,
      origin,
      host: 'box.example',
    },
    tracer: tracer.link,
    logger: silentLogger,
    onChange: (s) => w.infos.push(s.info),
    limits: {},
  });
  w.session.markAttached({ supportsConfigurationDoneRequest: true });
  w.session.updateInfo({ pid: 4242 });
  keepSessionAttached(
    w.session,
    tracer,
    { name: 'box', justMyCode: true, pathMappings: [] },
    {},
    silentLogger,
  );
  return w;
}

/** Every `disconnect` any adapter received. */
function disconnects(w: World): unknown[] {
  return w.adapters.flatMap((a) =>
    a.requests.filter((r) => r.command === 'disconnect').map((r): unknown => r.arguments),
  );
}

describe('keepSessionAttached', () => {
  it('backs off 0.5 s doubling up to 8 s', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(reattachDelay)).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('retries a refused re-attach after freeing the slot, then switches to the new connection', async () => {
    const w = world('launch', 2);
    w.emit({ state: 'reconnecting', reason: 'Keepalive timeout', attempt: 1 });
    w.emit({ state: 'up' });
    await expect.poll(() => w.session.info.link, { timeout: 5000 }).toBeUndefined();
    expect(w.session.info.state).toBe('running');
    expect(w.adapters).toHaveLength(4); // the launch's, two refused, the accepted one
    expect(w.freed).toBe(3);
    // Meanwhile the link said what was going on, with the attempt and the time of the next try.
    expect(w.infos.map((i) => i.link)).toContainEqual({
      state: 'reconnecting',
      phase: 'reattaching',
      reason: expect.stringContaining('is already being debugged') as unknown,
      attempt: 3,
      retryAt: expect.any(Number) as unknown,
    });
    expect(w.released + w.disposed).toBe(0);
    expect(disconnects(w)).toEqual([]);
  });

  it('gives up in time by detaching: the launched program runs on, and the reason says how to get back', async () => {
    const w = world('launch', 99, { withinMs: 1200 });
    w.emit({ state: 'reconnecting', reason: 'Keepalive timeout', attempt: 1 });
    w.emit({ state: 'up' });
    await expect.poll(() => w.session.isEnded, { timeout: 5000 }).toBe(true);
    expect(w.session.info.endReason).toBe(
      'the SSH connection came back but the debugger could not be re-attached: Attaching to the debugger failed at "attach": Server[pid=4242] is already being debugged; the program (process 4242) is still running on box.example: its debugpy still listens on 127.0.0.1:5678 there — once nothing else holds it, use Launch → Attach to port 5678 to debug it again',
    );
    expect(w.session.info.link).toBeUndefined();
    expect(w.released).toBe(1);
    expect(w.disposed).toBe(0);
    expect(disconnects(w)).not.toContainEqual(expect.objectContaining({ terminateDebuggee: true }));
  });

  it('detaches an attached program when its debugger is gone', async () => {
    const w = world('attach', 0, { listening: false });
    w.emit({ state: 'reconnecting', reason: 'Connection lost', attempt: 1 });
    w.emit({ state: 'up' });
    await expect.poll(() => w.session.isEnded, { timeout: 5000 }).toBe(true);
    expect(w.session.info.endReason).toMatch(
      /nothing listens on the debugger's port any more .*; detached, the program keeps running on box.example$/,
    );
    expect(w.adapters).toHaveLength(1); // no attempt was made
    expect(w.released).toBe(1);
    expect(w.disposed).toBe(0);
  });

  it('detaches, never terminates, when the link fails for good', async () => {
    const w = world('launch', 0);
    w.emit({ state: 'reconnecting', reason: 'Connection lost', attempt: 1 });
    w.emit({ state: 'failed', reason: 'host key changed' });
    await expect.poll(() => w.session.isEnded, { timeout: 5000 }).toBe(true);
    expect(w.session.info.endReason).toMatch(
      /^the SSH connection failed: host key changed; the program \(process 4242\) is still running/,
    );
    expect(w.session.info.link).toMatchObject({ state: 'failed' });
    expect(disconnects(w)).toEqual([{ terminateDebuggee: false }]);
    expect(w.released).toBe(1);
    expect(w.disposed).toBe(0);
  });
});
