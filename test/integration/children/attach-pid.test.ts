/**
 * Children of a program attached to by PID (issue 11): debugpy is injected with
 * `debugpy.listen` (`remote/probes/debugpy-injector.ts`), which patches process creation from
 * then on, so the processes the program starts after the attach are followed like a launch's.
 * (Processes it started before the attach were never patched: debugpy cannot announce them.)
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { startOverSsh } from '../../harness/over-ssh.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

const program = resolve('test/fixtures/programs/pool_map.py');
const WORK_LINE = 8;

describe('children of a process attached to by pid', () => {
  let sshd: TestSshd;
  let root: string;
  let relay: Backend;
  let profile: Profile;
  let pid = 0;

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-attach-children-'));
    ({ relay, profile } = await loopbackRelay(root, sshd));
  });
  afterAll(async () => {
    if (pid) process.kill(pid, 'SIGKILL');
    await relay?.close();
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('follows the workers the program starts after the attach', async () => {
    const go = join(root, 'go');
    const out = join(root, 'out');
    pid = await startOverSsh(sshd, `/usr/bin/python3 ${program} fork ${go}`, out);
    await expect
      .poll(() => readFile(out, 'utf8').catch(() => ''), { timeout: 10_000 })
      .toContain('parent');
    const client = new RelayTestClient();
    relay.connectClient(client);
    const { session } = await client.app('session.attach', {
      profileId: profile.id,
      to: { kind: 'pid', pid },
      breakpoints: [{ path: program, breakpoints: [{ line: WORK_LINE }] }],
    });
    const from = client.received.length;
    await writeFile(go, '');
    const stop = await client.anyDapEvent('stopped', 30_000, from);
    const child = relay.listSessions().find((s) => s.id === stop.sessionId)!;
    expect(child.parentId).toBe(session.id);
    const threadId = (stop.event.body as DebugProtocol.StoppedEvent['body']).threadId!;
    const stack = await client.dap(child.id, 1, 'stackTrace', { threadId });
    expect((stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]?.name).toBe(
      'work',
    );
    // Detach leaves the program and its workers running: the map finishes without us.
    await client.app('session.detach', { sessionId: session.id });
    await expect
      .poll(() => readFile(out, 'utf8'), { timeout: 30_000 })
      .toContain('results [0, 1, 4, 9]');
  }, 90_000);
});
