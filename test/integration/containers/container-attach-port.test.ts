/**
 * Attach to a debugpy port inside a container, with nothing published (issue 14): a program in a
 * container with `--network none` calls `debugpy.listen` on the container's own loopback; the
 * session reaches it over the one SSH connection and `docker exec -i … stdio_bridge.py PORT`.
 * A breakpoint stops it; after an SSH drop the session re-attaches through a new bridge and a
 * breakpoint stops it again; detach, and the program keeps running. The preflight checks the
 * port inside the container and names a port nothing listens on. Real dockerd, sshd, debugpy
 * (the machine's, bind-mounted into the container).
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import type { TestDockerd } from '../../harness/dockerd.js';
import type { TestSshd } from '../../harness/sshd.js';
import { containerWorld, type ContainerWorld } from './container-kit.js';
import { SERVICE, SERVICE_LINE, SERVICE_PORT } from './container-programs.js';
import { withRelayClient } from '../../harness/loopback-relay.js';
import type { RelayTestClient } from '../../harness/relay-test-client.js';

const PORT = SERVICE_PORT;
const COUNT_LINE = SERVICE_LINE;

describe('attach to a debugpy port inside a container', () => {
  let w: ContainerWorld | undefined;
  let dockerd: TestDockerd;
  let sshd: TestSshd;
  let root: string;
  let project: string;
  const svc: ContainerTarget = { kind: 'docker', name: 'svc', python: '', pathMappings: [] };

  const count = async (): Promise<number> =>
    Number(await readFile(join(project, 'count.txt'), 'utf8').catch(() => '0'));

  beforeAll(async () => {
    w = await containerWorld(async (docker, dir) => {
      await writeFile(join(dir, 'service.py'), SERVICE);
      // A Python inside without debugpy (no site-packages): enough for the bridge.
      await writeFile(join(dir, 'nosite'), '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
      await chmod(join(dir, 'nosite'), 0o755);
      await docker.run('svc', ['/usr/bin/python3', '-Xfrozen_modules=off', '/app/service.py'], {
        binds: [`${dir}:/app`],
        extra: ['-e', 'PYDEVD_DISABLE_FILE_VALIDATION=1'],
      });
    });
    ({ dockerd, sshd, root, project } = w);
    // The program is up and counting; nothing of the container is published.
    for (let i = 0; i < 200 && !(await count()); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await count()).toBeGreaterThan(0);
    const ports = await dockerd.docker(['port', 'svc']);
    expect(ports.trim()).toBe('');
  }, 120_000);
  afterAll(() => w?.stop(), 60_000);

  const untilBreak = async (
    client: RelayTestClient,
    sessionId: string,
    seq: number,
  ): Promise<DebugProtocol.StoppedEvent['body']> => {
    const stopped = client.dapEvent(sessionId, 'stopped', 30_000);
    await client.dap(sessionId, seq, 'setBreakpoints', {
      source: { path: '/app/service.py' },
      breakpoints: [{ line: COUNT_LINE }],
    });
    const stop = (await stopped).body as DebugProtocol.StoppedEvent['body'];
    expect(stop.reason).toBe('breakpoint');
    const stack = await client.dap(sessionId, seq + 1, 'stackTrace', { threadId: stop.threadId });
    const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
    expect(frame).toMatchObject({ line: COUNT_LINE, source: { path: '/app/service.py' } });
    await client.dap(sessionId, seq + 2, 'setBreakpoints', {
      source: { path: '/app/service.py' },
      breakpoints: [],
    });
    await client.dap(sessionId, seq + 3, 'continue', { threadId: stop.threadId });
    return stop;
  };

  it('the preflight checks the port inside the container, and names one nothing listens on', async () => {
    await withRelayClient(root, sshd, async ({ profile, client }) => {
      const ok = await client.app('session.preflight', {
        profileId: profile.id,
        mode: 'attach-port',
        port: PORT,
        container: svc,
      });
      expect(ok.checks.map((c) => [c.id, c.status])).toEqual([
        ['ssh', 'ok'],
        ['auth', 'ok'],
        ['engine', 'ok'],
        ['engine-socket', 'ok'],
        ['container', 'ok'],
        ['python', 'ok'],
        ['debugpy', 'ok'],
        ['port', 'ok'],
      ]);
      expect(ok.checks.find((c) => c.id === 'port')?.detail).toBe(
        `something listens on 127.0.0.1:${PORT} inside container "svc" (docker) (debugpy, presumably)`,
      );
      const none = await client.app('session.preflight', {
        profileId: profile.id,
        mode: 'attach-port',
        port: PORT + 1,
        container: svc,
      });
      expect(none.checks.find((c) => c.id === 'port')).toMatchObject({
        status: 'failed',
        detail: `nothing listens on 127.0.0.1:${PORT + 1} inside container "svc" (docker)`,
      });
      // The interpreter the bridge runs need not have debugpy: the listening program has it.
      const bare = await client.app('session.preflight', {
        profileId: profile.id,
        mode: 'attach-port',
        port: PORT,
        container: { ...svc, python: '/app/nosite' },
      });
      expect(bare.ok).toBe(true);
      expect(bare.checks.find((c) => c.id === 'debugpy')).toMatchObject({
        status: 'warning',
        detail: expect.stringContaining(
          'not needed to attach to a port: the program that listens has its own',
        ) as string,
      });
      await expect(
        client.app('session.attach', {
          profileId: profile.id,
          to: { kind: 'port', port: PORT + 1, container: svc },
          breakpoints: [],
        }),
      ).rejects.toThrow(`nothing answered on port ${PORT + 1} inside container "svc" (docker)`);
    });
  }, 60_000);

  it('attaches through the bridge, breaks, re-attaches after an SSH drop, detaches; the program runs on', async () => {
    await withRelayClient(root, sshd, async ({ profile, client }) => {
      const { session } = await client.app('session.attach', {
        profileId: profile.id,
        // The bridge runs on a Python without debugpy: the listening program has its own.
        to: { kind: 'port', port: PORT, container: { ...svc, python: '/app/nosite' } },
        breakpoints: [],
      });
      expect(session.target).toBe(`debugpy on port ${PORT} in svc`);
      await untilBreak(client, session.id, 9001);
      expect(client.output(session.id)).toContain(
        `Periscope: attached to debugpy on port ${PORT} inside container "svc" (docker) on 127.0.0.1, through \`docker exec\` over the SSH connection (no port published).`,
      );

      // The SSH connection drops; the program goes on; the session comes back through a new bridge.
      const reconnecting = client.appEvent(
        'sessions.changed',
        (b) => b.sessions.find((s) => s.id === session.id)?.link?.state === 'reconnecting',
        20_000,
      );
      const restarted = sshd.restart({ dropSessions: true, downMs: 1000 });
      await reconnecting;
      await restarted;
      await client.app('session.reconnectNow', { sessionId: session.id });
      await client.appEvent(
        'sessions.changed',
        (b) => {
          const s = b.sessions.find((x) => x.id === session.id);
          return s?.link === undefined && s?.state === 'running';
        },
        40_000,
      );
      await untilBreak(client, session.id, 9101);

      await client.app('session.detach', { sessionId: session.id });
      const before = await count();
      await expect.poll(count, { timeout: 10_000 }).toBeGreaterThan(before + 5);
      const state = await dockerd.docker(['inspect', '--format', '{{.State.Running}}', 'svc']);
      expect(state.trim()).toBe('true');
    });
    // After the relay is gone too, the program still counts.
    const after = await count();
    await expect.poll(count, { timeout: 10_000 }).toBeGreaterThan(after + 5);
  }, 120_000);
});
