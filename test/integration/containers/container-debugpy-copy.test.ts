/**
 * A container whose Python has no debugpy (issue 14: "where it is not, say so and offer to copy
 * the remote machine's debugpy into the container for this session"), with a real dockerd, sshd
 * and debugpy: the container runs the machine's Python (its `/usr` bind-mounted) with an empty
 * directory over `/usr/lib/python3/dist-packages`, so `import debugpy` fails inside while the
 * machine's own interpreter has Debian's python3-debugpy (whose vendored pydevd is symlinks).
 * Without the copy the launch and the preflight name what is missing and the copy as the fix;
 * with `copyDebugpy` the preflight passes, the program stops at a breakpoint running on the
 * copy, and after Stop (or the program's own end) the copy is gone from the container. A Python
 * older than debugpy 1.6 supports (3.7) is named, and nothing is copied for it.
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ContainerTarget } from '../../../src-common/protocol/containers.js';
import type { TestDockerd } from '../../harness/dockerd.js';
import type { TestSshd } from '../../harness/sshd.js';
import { containerWorld, SLEEPER, type ContainerWorld } from './container-kit.js';
import { withRelayClient } from '../../harness/loopback-relay.js';
import { continueChildrenUntil } from '../../harness/process-tree.js';

const PROGRAM = [
  'import sys', // 1
  'def main():', // 2
  '    found = [m.__file__ for n, m in sys.modules.items() if n == "debugpy"]', // 3
  '    total = 40', // 4
  '    print("total", total + 2, flush=True)', // 5
  'main()', // 6
  '',
].join('\n');
const TOTAL_LINE = 4;

describe('the machine’s debugpy copied into a container without one', () => {
  let w: ContainerWorld | undefined;
  let dockerd: TestDockerd;
  let sshd: TestSshd;
  let root: string;
  let project: string;
  let empty: string | undefined;
  const bare = (copyDebugpy?: boolean): ContainerTarget => ({
    kind: 'docker',
    name: 'bare',
    python: '/usr/bin/python3',
    pathMappings: [],
    ...(copyDebugpy !== undefined && { copyDebugpy }),
  });
  const copies = async (): Promise<string[]> =>
    (await dockerd.docker(['exec', 'bare', 'ls', '-a', '/tmp']))
      .split('\n')
      .filter((name) => name.startsWith('periscope-debugpy-'));

  beforeAll(async () => {
    empty = await mkdtemp('/tmp/periscope-empty-site-');
    w = await containerWorld(async (docker, dir) => {
      await writeFile(join(dir, 'app.py'), PROGRAM);
      await copyFile(resolve('test/fixtures/programs/pool_map.py'), join(dir, 'pool_map.py'));
      // A Python that says it is 3.6: its sitecustomize rewrites the version it reports.
      await mkdir(join(dir, 'old'));
      await writeFile(
        join(dir, 'old', 'sitecustomize.py'),
        'import sys\nsys.version_info = (3, 6, 9, "final", 0)\nsys.version = "3.6.9 (pretended)"\n',
      );
      await writeFile(
        join(dir, 'oldpython'),
        '#!/bin/sh\nPYTHONPATH=/app/old exec /usr/bin/python3 "$@"\n',
      );
      await chmod(join(dir, 'oldpython'), 0o755);
      // A Python of the machine without debugpy (no site-packages).
      await writeFile(join(dir, 'nodebugpy'), '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
      await chmod(join(dir, 'nodebugpy'), 0o755);
      await docker.run('bare', SLEEPER, {
        binds: [`${dir}:/app`, `${empty}:/usr/lib/python3/dist-packages:ro`],
      });
    });
    ({ dockerd, sshd, root, project } = w);
    // The premise: no debugpy inside, one on the machine.
    await expect(
      dockerd.docker(['exec', 'bare', '/usr/bin/python3', '-c', 'import debugpy']),
    ).rejects.toThrow(/No module named 'debugpy'/);
  }, 120_000);
  afterAll(async () => {
    await w?.stop();
    if (empty) await rm(empty, { recursive: true, force: true });
  }, 60_000);

  it('without the copy: the launch and the preflight name the missing debugpy and offer the copy', async () => {
    await withRelayClient(root, sshd, async ({ profile, client }) => {
      await expect(
        client.app('session.launch', {
          profileId: profile.id,
          target: { kind: 'file', path: '/app/app.py' },
          args: [],
          cwd: '/app',
          breakpoints: [],
          container: bare(),
        }),
      ).rejects.toThrow(
        /debugpy is not importable by \/usr\/bin\/python3 in container "bare" \(docker\) on 127\.0\.0\.1\. Periscope can copy the machine's own debugpy into the container for this session/,
      );
      const result = await client.app('session.preflight', {
        profileId: profile.id,
        mode: 'launch',
        container: bare(),
      });
      const row = result.checks.find((c) => c.id === 'debugpy');
      expect(row?.status).toBe('failed');
      expect(row?.fix).toContain("copy the machine's debugpy into the container for the session");
      expect(await copies()).toEqual([]);
    });
  }, 60_000);

  it('with copyDebugpy: the preflight passes, a breakpoint hits on the copy, and Stop removes it', async () => {
    await withRelayClient(root, sshd, async ({ profile, client }) => {
      const checked = await client.app('session.preflight', {
        profileId: profile.id,
        mode: 'launch',
        container: bare(true),
      });
      expect(checked.ok).toBe(true);
      expect(checked.checks.find((c) => c.id === 'debugpy')?.detail).toMatch(
        /^not in container "bare" \(docker\): the machine's debugpy 1\.\d+\S* \(\/usr\/lib\/python3\/dist-packages\/debugpy\) will be copied in for the session/,
      );

      const { session } = await client.app('session.launch', {
        profileId: profile.id,
        target: { kind: 'file', path: '/app/app.py' },
        args: [],
        cwd: '/app',
        breakpoints: [{ path: '/app/app.py', breakpoints: [{ line: TOTAL_LINE }] }],
        container: bare(true),
      });
      const stop = (await client.dapEvent(session.id, 'stopped', 30_000))
        .body as DebugProtocol.StoppedEvent['body'];
      expect(stop.reason).toBe('breakpoint');
      const [copy] = await copies();
      expect(copy).toMatch(/^periscope-debugpy-/);
      expect(client.output(session.id)).toMatch(
        new RegExp(
          `Periscope: debugpy 1\\.\\d\\S* copied from 127\\.0\\.0\\.1's /usr/lib/python3/dist-packages/debugpy into /tmp/${copy} in container "bare" \\(docker\\) \\(Python 3\\.\\d+\\.\\d+\\) for this session`,
        ),
      );
      const stack = await client.dap(session.id, 9001, 'stackTrace', { threadId: stop.threadId });
      const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
      expect(frame.line).toBe(TOTAL_LINE);
      const found = await client.dap(session.id, 9002, 'evaluate', {
        expression: 'found[0]',
        frameId: frame.id,
        context: 'watch',
      });
      // The program's debugpy is the copy.
      expect((found.body as DebugProtocol.EvaluateResponse['body']).result).toBe(
        `'/tmp/${copy}/debugpy/__init__.py'`,
      );

      await client.app('session.close', { sessionId: session.id });
      await expect.poll(copies, { timeout: 10_000 }).toEqual([]);
      const ps = await dockerd.docker(['exec', 'bare', 'ps', '-eo', 'args']);
      expect(ps).not.toContain('app.py');
    });
  }, 90_000);

  it('removes the copy when the program ends by itself', async () => {
    await withRelayClient(root, sshd, async ({ profile, client }) => {
      const { session } = await client.app('session.launch', {
        profileId: profile.id,
        target: { kind: 'file', path: '/app/app.py' },
        args: [],
        cwd: '/app',
        breakpoints: [],
        container: bare(true),
      });
      await expect.poll(() => client.output(session.id), { timeout: 30_000 }).toContain('total 42');
      await expect.poll(copies, { timeout: 15_000 }).toEqual([]);
    });
  }, 60_000);

  it('names a container Python too old for debugpy, and copies nothing', async () => {
    const old = { ...bare(true), python: '/app/oldpython' };
    await withRelayClient(root, sshd, async ({ profile, client }) => {
      const checked = await client.app('session.preflight', {
        profileId: profile.id,
        mode: 'launch',
        container: old,
      });
      expect(checked.checks.find((c) => c.id === 'debugpy')).toMatchObject({
        status: 'failed',
        detail:
          'container "bare" (docker) has Python 3.6.9, too old for debugpy 1.6, which needs 3.7 or newer: the machine\'s debugpy cannot be used there',
      });
      await expect(
        client.app('session.launch', {
          profileId: profile.id,
          target: { kind: 'file', path: '/app/app.py' },
          args: [],
          cwd: '/app',
          breakpoints: [],
          container: old,
        }),
      ).rejects.toThrow(
        /container "bare" \(docker\) on 127\.0\.0\.1 has Python 3\.6\.9 \(\/usr\/bin\/python3\), too old for debugpy 1\.6\S*, which needs Python 3\.7 or newer; nothing was copied/,
      );
      expect(await copies()).toEqual([]);
    });
  }, 60_000);

  it('child processes run on the copy too: a spawned worker stops at its breakpoint', async () => {
    await withRelayClient(root, sshd, async ({ relay, profile, client }) => {
      const { session } = await client.app('session.launch', {
        profileId: profile.id,
        target: { kind: 'file', path: '/app/pool_map.py' },
        args: ['spawn'],
        cwd: '/app',
        container: bare(true),
        breakpoints: [{ path: '/app/pool_map.py', breakpoints: [{ line: 8 }] }],
      });
      const stop = await client.anyDapEvent('stopped', 30_000, 0);
      expect(relay.listSessions().find((s) => s.id === stop.sessionId)?.parentId).toBe(session.id);
      await client.dap(session.id, 3, 'setBreakpoints', {
        source: { path: '/app/pool_map.py' },
        breakpoints: [],
      });
      await continueChildrenUntil(relay, client, session.id, 'results [0, 1, 4, 9] workers');
      await client.app('session.close', { sessionId: session.id });
      await expect.poll(copies, { timeout: 15_000 }).toEqual([]);
    });
  }, 90_000);

  it('names a machine without debugpy to copy, and the fix', async () => {
    await withRelayClient(
      root,
      sshd,
      {
        profile: { python: join(project, 'nodebugpy') },
      },
      async ({ profile, client }) => {
        const checked = await client.app('session.preflight', {
          profileId: profile.id,
          mode: 'launch',
          container: bare(true),
        });
        const row = checked.checks.find((c) => c.id === 'debugpy');
        expect(row?.status).toBe('failed');
        expect(row?.detail).toContain(
          `not in container "bare" (docker), and the machine has no debugpy to copy into the container: ${join(project, 'nodebugpy')} on 127.0.0.1 cannot import it (ModuleNotFoundError: No module named 'debugpy')`,
        );
        expect(row?.fix).toContain("Add debugpy to the container's image");
        await expect(
          client.app('session.launch', {
            profileId: profile.id,
            target: { kind: 'file', path: '/app/app.py' },
            args: [],
            cwd: '/app',
            breakpoints: [],
            container: bare(true),
          }),
        ).rejects.toThrow(
          /the machine has no debugpy to copy into the container.*Set the profile's Python/,
        );
        expect(await copies()).toEqual([]);
      },
    );
  }, 60_000);
});
