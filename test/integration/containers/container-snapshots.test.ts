/**
 * Snapshots of programs launched in a container (real dockerd and sshd): the profile's crash
 * capture goes into the container with the launch, a crash there is written to the ring inside
 * the container, and `snapshots.fetch` brings it from there (a stopped saved container does not
 * stop the fetch); a snapshot point on a loop line inside the container records its hits into the
 * app's store at once, each with the loop's locals.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import { snapshotPointMessage, toWire } from '../../../src-common/snapshot-point.js';
import type { TestDockerd } from '../../harness/dockerd.js';
import type { TestSshd } from '../../harness/sshd.js';
import { withRelayClient } from '../../harness/loopback-relay.js';
import { containerWorld, SLEEPER, type ContainerWorld } from './container-kit.js';

const CRASH = `def handle(n):
    items = list(range(n))
    return items[n]  # IndexError

handle(3)
`;
const LOOP = `total = 0
for i in range(10):
    total += i
print(f"done {total}", flush=True)
`;
const POINT_LINE = 3;

describe('snapshots of programs in a container', () => {
  let w: ContainerWorld | undefined;
  let dockerd: TestDockerd;
  let sshd: TestSshd;
  let root: string;
  // The same absolute path on the machine and inside the container: two rings, not one.
  const ring = `/tmp/periscope-container-ring-${process.pid}`;
  const web: ContainerTarget = {
    kind: 'docker',
    name: 'web',
    python: '/usr/bin/python3',
    pathMappings: [],
  };
  const stopped: ContainerTarget = { ...web, name: 'stopped-one' };
  const profile = {
    containers: [stopped, web],
    env: [{ name: 'PERISCOPE_CAPTURE_DIR', value: ring }],
  };

  beforeAll(async () => {
    w = await containerWorld(async (docker, dir) => {
      await writeFile(join(dir, 'crash.py'), CRASH);
      await writeFile(join(dir, 'loop.py'), LOOP);
      await docker.run('web', SLEEPER, { binds: [`${dir}:/app`], extra: ['-w', '/app'] });
      await docker.docker(['create', '--name', 'stopped-one', 'periscope-test:1', '/bin/true']);
    });
    ({ dockerd, sshd, root } = w);
  }, 120_000);
  afterAll(() => w?.stop(), 60_000);

  it('a crash inside is captured in the container and fetched from there', async () => {
    await withRelayClient(root, sshd, { profile }, async ({ profile: saved, client }) => {
      const { session } = await client.app('session.launch', {
        profileId: saved.id,
        target: { kind: 'file', path: '/app/crash.py' },
        args: [],
        cwd: '/app',
        breakpoints: [],
        container: web,
      });
      // The session stops on the uncaught exception (the default filter); on continue the
      // program ends through the capture's excepthook.
      const stop = (await client.dapEvent(session.id, 'stopped', 30_000))
        .body as DebugProtocol.StoppedEvent['body'];
      expect(stop.reason).toBe('exception');
      await client.dap(session.id, 50, 'continue', { threadId: stop.threadId });
      await client.appEvent(
        'sessions.changed',
        (b) => b.sessions.find((s) => s.id === session.id)?.state === 'ended',
        60_000,
      );
      expect(client.output(session.id)).toContain('IndexError: list index out of range');
      // Written inside the container, not on the machine.
      const inside = await dockerd.docker(['exec', 'web', 'ls', ring]);
      expect(inside).toMatch(/\.psnap\.json\.gz/);

      const { fetched, snapshots } = await client.app('snapshots.fetch', { profileId: saved.id });
      expect(fetched).toBe(1);
      expect(snapshots).toHaveLength(1);
      expect(snapshots[0]).toMatchObject({
        profileId: saved.id,
        kind: 'exception',
        program: '/app/crash.py',
        exception: 'IndexError: list index out of range',
      });
      // Fetched once: a second fetch finds nothing new.
      expect((await client.app('snapshots.fetch', { profileId: saved.id })).fetched).toBe(0);

      // It opens as a read-only session at the crashing line, with the frame's locals.
      const opened = await client.app('snapshots.open', { snapshotId: snapshots[0]!.id });
      const id = opened.session.id;
      const threads = (await client.dap(id, 1, 'threads'))
        .body as DebugProtocol.ThreadsResponse['body'];
      const stack = (await client.dap(id, 2, 'stackTrace', { threadId: threads.threads[0]!.id }))
        .body as DebugProtocol.StackTraceResponse['body'];
      expect(stack.stackFrames[0]).toMatchObject({ name: 'handle', line: 3 });
      const n = (
        await client.dap(id, 3, 'evaluate', {
          expression: 'n',
          frameId: stack.stackFrames[0]!.id,
        })
      ).body as DebugProtocol.EvaluateResponse['body'];
      expect(n.result).toBe('3');
    });
  }, 120_000);

  it('a snapshot point inside the container records its hits at once', async () => {
    await withRelayClient(root, sshd, { profile }, async ({ profile: saved, client }) => {
      const two = client.appEvent(
        'snapshots.changed',
        (b) => b.snapshots.filter((s) => s.kind === 'point').length === 2,
        60_000,
      );
      const { session } = await client.app('session.launch', {
        profileId: saved.id,
        target: { kind: 'file', path: '/app/loop.py' },
        args: [],
        cwd: '/app',
        container: web,
        breakpoints: [
          {
            path: '/app/loop.py',
            breakpoints: [
              toWire({
                line: POINT_LINE,
                condition: 'i >= 4',
                logMessage: snapshotPointMessage({ id: `loop.py:${POINT_LINE}`, limit: 2 }),
              }),
            ],
          },
        ],
      });
      const points = (await two).snapshots.filter((s) => s.kind === 'point');
      await expect.poll(() => client.output(session.id), { timeout: 30_000 }).toContain('done 45');
      const seen: string[] = [];
      for (const point of points) {
        expect(point.program).toBe('/app/loop.py');
        const id = (await client.app('snapshots.open', { snapshotId: point.id })).session.id;
        const threads = (await client.dap(id, 1, 'threads'))
          .body as DebugProtocol.ThreadsResponse['body'];
        const stack = (await client.dap(id, 2, 'stackTrace', { threadId: threads.threads[0]!.id }))
          .body as DebugProtocol.StackTraceResponse['body'];
        const value = (
          await client.dap(id, 3, 'evaluate', {
            expression: 'i',
            frameId: stack.stackFrames[0]!.id,
          })
        ).body as DebugProtocol.EvaluateResponse['body'];
        seen.push(value.result);
      }
      expect(seen.sort()).toEqual(['4', '5']);
    });
  }, 120_000);
});
