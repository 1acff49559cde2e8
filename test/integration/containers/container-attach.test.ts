/**
 * Attach by PID to a Python process running inside a container (issue 14): the process list of
 * the container shows it (its pid inside), the machine's list shows it with its container's
 * name and that pid, an attach from the machine is refused untouched, the injector proves
 * itself and injects inside the container's namespaces, DAP reaches the injected debugpy
 * through a stdio bridge (no port published), a breakpoint stops it; detach, and the process
 * keeps running. Real dockerd, sshd, gdb and debugpy (the machine's, bind-mounted into the
 * container).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import type { TestDockerd } from '../../harness/dockerd.js';
import type { TestSshd } from '../../harness/sshd.js';
import { containerWorld, type ContainerWorld } from './container-kit.js';
import { WORKER, WORKER_LINE } from './container-programs.js';
import { withRelayClient } from '../../harness/loopback-relay.js';

const COUNT_LINE = WORKER_LINE;

describe('attach by PID inside a container', () => {
  let w: ContainerWorld | undefined;
  const worker: ContainerTarget = { kind: 'docker', name: 'worker', python: '', pathMappings: [] };
  let dockerd: TestDockerd;
  let sshd: TestSshd;
  let root: string;

  beforeAll(async () => {
    w = await containerWorld(async (docker, dir) => {
      await writeFile(join(dir, 'work.py'), WORKER);
      await docker.run('worker', ['/usr/bin/python3', '/app/work.py'], { binds: [`${dir}:/app`] });
    });
    ({ dockerd, sshd, root } = w);
  }, 120_000);
  afterAll(() => w?.stop(), 60_000);

  it('lists the process inside, attaches, breaks, and detaches leaving it running', async () => {
    await withRelayClient(root, sshd, async ({ profile, client }) => {
      const { processes } = await client.app('processes.list', {
        profileId: profile.id,
        container: worker,
      });
      // The container's own pid 1, not the machine's pid of it.
      expect(processes).toContainEqual(
        expect.objectContaining({ pid: 1, command: '/usr/bin/python3 /app/work.py' }),
      );
      // The machine's list: the same process by its machine pid, marked with its container.
      const machine = await client.app('processes.list', { profileId: profile.id });
      const outside = machine.processes.find((p) => p.command === '/usr/bin/python3 /app/work.py');
      const id = (await dockerd.docker(['inspect', '--format', '{{.Id}}', 'worker'])).trim();
      expect(outside?.container).toEqual({ kind: 'docker', id, name: 'worker', pid: 1 });
      expect(outside!.pid).not.toBe(1);
      // Never injected from the machine: the helper refuses before any injector runs.
      await expect(
        client.app('session.attach', {
          profileId: profile.id,
          to: { kind: 'pid', pid: outside!.pid },
          breakpoints: [],
        }),
      ).rejects.toThrow(/runs inside a container .*was not touched/);

      const { session } = await client.app('session.attach', {
        profileId: profile.id,
        to: { kind: 'pid', pid: 1, container: worker },
        breakpoints: [],
      });
      expect(session.target).toMatch(/^process 1 in worker \(via (gdb|lldb)\)$/);
      const stopped = client.dapEvent(session.id, 'stopped', 30_000);
      await client.dap(session.id, 9001, 'setBreakpoints', {
        source: { path: '/app/work.py' },
        breakpoints: [{ line: COUNT_LINE }],
      });
      const stop = (await stopped).body as DebugProtocol.StoppedEvent['body'];
      expect(stop.reason).toBe('breakpoint');
      const stack = await client.dap(session.id, 9002, 'stackTrace', { threadId: stop.threadId });
      const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
      expect(frame).toMatchObject({ line: COUNT_LINE, source: { path: '/app/work.py' } });
      const count = await client.dap(session.id, 9003, 'evaluate', {
        expression: 'count',
        frameId: frame.id,
        context: 'watch',
      });
      const before = Number((count.body as DebugProtocol.EvaluateResponse['body']).result);
      expect(before).toBeGreaterThan(0);

      await client.dap(session.id, 9004, 'setBreakpoints', {
        source: { path: '/app/work.py' },
        breakpoints: [],
      });
      await client.app('session.detach', { sessionId: session.id });
      // Still running inside the container.
      const ps = await dockerd.docker(['exec', 'worker', 'ps', '-o', 'pid=,args=', '-p', '1']);
      expect(ps).toContain('/usr/bin/python3 /app/work.py');
      const state = await dockerd.docker(['inspect', '--format', '{{.State.Running}}', 'worker']);
      expect(state.trim()).toBe('true');
    });
  }, 120_000);
});
