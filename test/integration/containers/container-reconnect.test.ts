/**
 * A session in a container survives the SSH connection dropping (issue 14: "it comes back after
 * an SSH reconnect like any other session"): sshd restarted with its connections cut, the
 * program keeps running inside the container, the link comes back, the session re-attaches
 * through a new stdio bridge, a breakpoint set then is hit, and the output (the mux's file,
 * followed by `tail -F` inside the container) goes on without a gap. Then Stop; and stdin reaches
 * the program. And a SILENT drop (sshd's processes SIGSTOPped, as a VPN gone without FIN or RST):
 * the old bridge inside the container still holds debugpy's only client slot, so the relay ends
 * it before the re-attach. Real dockerd, sshd and debugpy.
 */
import { copyFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionInfo } from '../../../src-common/protocol/client-protocol.js';
import type { TestDockerd } from '../../harness/dockerd.js';
import type { TestSshd } from '../../harness/sshd.js';
import { containerWorld, SLEEPER, type ContainerWorld } from './container-kit.js';
import { loopbackRelay, withRelayClient } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { createLogger, type LogLevel } from '../../../src-main/log/logger.js';
import { startContainerTracer } from '../../../src-main/tracer/container-tracer.js';

const SLEEP_LINE = 10; // `time.sleep(0.2)` in ticker.py

/** Launches ticker.py in container "web" and waits for its third tick. */
async function launchTicker(client: RelayTestClient, profileId: string): Promise<SessionInfo> {
  const { session } = await client.app('session.launch', {
    profileId,
    target: { kind: 'file', path: '/app/ticker.py' },
    args: ['300'],
    cwd: '/app',
    breakpoints: [],
    container: { kind: 'docker', name: 'web', python: '', pathMappings: [] },
  });
  await expect.poll(() => client.output(session.id), { timeout: 20_000 }).toContain('tick 3\n');
  return session;
}

describe('a container session across an SSH drop', () => {
  let w: ContainerWorld | undefined;
  let dockerd: TestDockerd;
  let sshd: TestSshd;
  let root: string;

  beforeAll(async () => {
    w = await containerWorld(async (docker, dir) => {
      await copyFile(resolve('test/fixtures/programs/ticker.py'), join(dir, 'ticker.py'));
      await docker.run('web', SLEEPER, { binds: [`${dir}:/app`] });
    });
    ({ dockerd, sshd, root } = w);
  }, 120_000);
  afterAll(() => w?.stop(), 60_000);

  it('re-attaches after the drop; output goes on without a gap; Stop ends it inside', async () => {
    await withRelayClient(root, sshd, async ({ profile, client }) => {
      const session = await launchTicker(client, profile.id);

      const reconnecting = client.appEvent(
        'sessions.changed',
        (b) => b.sessions[0]?.link?.state === 'reconnecting',
        20_000,
      );
      const restarted = sshd.restart({ dropSessions: true, downMs: 1000 });
      await reconnecting;
      await restarted;
      await client.app('session.reconnectNow', { sessionId: session.id });
      const back = await client.appEvent(
        'sessions.changed',
        (b) => b.sessions[0]?.link === undefined && b.sessions[0]?.state === 'running',
        40_000,
      );
      expect(back.sessions[0]?.endReason).toBeUndefined();

      // The new bridge works: a breakpoint set now is hit.
      const stopped = client.dapEvent(session.id, 'stopped', 30_000);
      await client.dap(session.id, 9001, 'setBreakpoints', {
        source: { path: '/app/ticker.py' },
        breakpoints: [{ line: SLEEP_LINE }],
      });
      const stop = (await stopped).body as DebugProtocol.StoppedEvent['body'];
      expect(stop.reason).toBe('breakpoint');
      await client.dap(session.id, 9002, 'setBreakpoints', {
        source: { path: '/app/ticker.py' },
        breakpoints: [],
      });
      await client.dap(session.id, 9003, 'continue', { threadId: stop.threadId });
      await expect
        .poll(() => client.output(session.id), { timeout: 30_000 })
        .toContain('tick 25\n');
      const ticks = RelayTestClient.numbered(client.output(session.id), 'tick');
      expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i + 1));

      await client.app('session.close', { sessionId: session.id });
      const ps = (): Promise<string> => dockerd.docker(['exec', 'web', 'ps', '-eo', 'args']);
      for (let i = 0; i < 50 && (await ps()).includes('ticker.py'); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await ps()).not.toContain('ticker.py');
      // The output directory inside the container is removed too.
      await expect
        .poll(() => dockerd.docker(['exec', 'web', 'ls', '/tmp']), { timeout: 10_000 })
        .not.toContain('periscope-out');
    });
  }, 120_000);
  it('a silent drop: the stale bridge inside the container is ended and the session re-attaches', async () => {
    const logs: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
    const { relay, profile } = await loopbackRelay(root, sshd, {
      backend: {
        logger: createLogger('it', (level, _scope, message, fields) =>
          logs.push({ level, message, ...(fields ? { fields } : {}) }),
        ),
        // A short keepalive notices the silent drop in ~2 s (the default takes ~40 s).
        startTracer: async (p, params, hostKeys, log, progress, extras) => {
          const tracer = await startContainerTracer(p, params, hostKeys, log, progress, {
            ...extras,
            keepaliveIntervalMs: 500,
          });
          tracer.reattachWithinMs = 8000;
          return tracer;
        },
      },
    });
    const client = new RelayTestClient();
    relay.connectClient(client);
    try {
      const session = await launchTicker(client, profile.id);
      const bridges = async (): Promise<number> =>
        (await dockerd.docker(['exec', 'web', 'ps', '-eo', 'args']))
          .split('\n')
          // The bridge's Python itself, not the `sh -c` that `docker exec` runs it in.
          .filter((l) => /^\S*python\S* -I -c /.test(l) && l.includes('__periscope_bridge_up__'))
          .length;
      expect(await bridges()).toBe(1);

      const reconnecting = client.appEvent(
        'sessions.changed',
        (b) => b.sessions.find((s) => s.id === session.id)?.link?.state === 'reconnecting',
        20_000,
      );
      expect((await sshd.freezeSessions()).length).toBeGreaterThan(0);
      await reconnecting;
      const back = await client.appEvent(
        'sessions.changed',
        (b) => {
          const s = b.sessions.find((x) => x.id === session.id);
          return (
            s !== undefined &&
            (s.state === 'ended' || (s.link === undefined && s.state === 'running'))
          );
        },
        40_000,
      );
      const after = back.sessions.find((s) => s.id === session.id)!;
      expect(after.endReason).toBeUndefined();
      expect(after.state).toBe('running');
      expect(
        logs.filter((l) => l.message === 'ended a stale bridge that held the debugger'),
      ).toHaveLength(1);
      // Only the new bridge is left inside.
      expect(await bridges()).toBe(1);

      // The new bridge debugs the same program: a breakpoint is hit.
      const stopped = client.dapEvent(session.id, 'stopped', 30_000);
      await client.dap(session.id, 9001, 'setBreakpoints', {
        source: { path: '/app/ticker.py' },
        breakpoints: [{ line: SLEEP_LINE }],
      });
      expect(((await stopped).body as DebugProtocol.StoppedEvent['body']).reason).toBe(
        'breakpoint',
      );
      await client.app('session.close', { sessionId: session.id });
    } finally {
      await sshd.thawSessions();
      await relay.close();
    }
  }, 120_000);
});
