/**
 * A session in a container survives the SSH connection dropping (issue 14: "it comes back after
 * an SSH reconnect like any other session"): sshd restarted with its connections cut, the
 * program keeps running inside the container, the link comes back, the session re-attaches
 * through a new stdio bridge, a breakpoint set then is hit, and the output (the mux's file,
 * followed by `tail -F` inside the container) goes on without a gap. Then Stop; and stdin reaches
 * the program. Real dockerd, sshd and debugpy.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startDockerd, type TestDockerd } from '../../harness/dockerd.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';

const SLEEP_LINE = 10; // `time.sleep(0.2)` in ticker.py

describe('a container session across an SSH drop', () => {
  let dockerd: TestDockerd;
  let sshd: TestSshd;
  let project: string;
  let root: string;

  beforeAll(async () => {
    dockerd = await startDockerd();
    project = await mkdtemp('/tmp/periscope-container-reconnect-');
    await copyFile(resolve('test/fixtures/programs/ticker.py'), join(project, 'ticker.py'));
    await dockerd.run('web', ['/usr/bin/python3', '-c', 'import time; time.sleep(100000)'], {
      binds: [`${project}:/app`],
    });
    sshd = await startSshd({ extraConfig: [`SetEnv DOCKER_HOST=${dockerd.dockerHost}`] });
    root = await mkdtemp('/tmp/periscope-container-reconnect-it-');
  }, 120_000);
  afterAll(async () => {
    await sshd?.stop();
    await dockerd?.stop();
    await rm(project, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('re-attaches after the drop; output goes on without a gap; Stop ends it inside', async () => {
    const { relay, profile } = await loopbackRelay(root, sshd);
    const client = new RelayTestClient();
    relay.connectClient(client);
    try {
      const { session } = await client.app('session.launch', {
        profileId: profile.id,
        target: { kind: 'file', path: '/app/ticker.py' },
        args: ['300'],
        cwd: '/app',
        breakpoints: [],
        container: { kind: 'docker', name: 'web', python: '', pathMappings: [] },
      });
      await expect.poll(() => client.output(session.id), { timeout: 20_000 }).toContain('tick 3\n');

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
      const ticks = client
        .output(session.id)
        .split('\n')
        .filter((l) => /^tick \d+$/.test(l))
        .map((l) => Number(l.slice(5)));
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
    } finally {
      await relay.close();
    }
  }, 120_000);
});
