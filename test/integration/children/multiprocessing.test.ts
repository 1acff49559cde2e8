/**
 * Child processes of a launched program are followed (issue 11), real sshd and real debugpy:
 * `multiprocessing.Pool(2).map` with fork and with spawn. A breakpoint in the worker function
 * stops in a child session (its parent is the launched program's), whose variables are the
 * child's; removing the breakpoint on the root reaches the children; the program then ends with
 * every result.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../../src-common/protocol/client-protocol.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { continueChildrenUntil } from '../../harness/process-tree.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

const program = resolve('test/fixtures/programs/pool_map.py');
const bothWorkers = resolve('test/fixtures/programs/pool_both_workers.py');
const WORK_LINE = 8;

describe('multiprocessing workers are followed', () => {
  let sshd: TestSshd;
  let root: string;
  let relay: Backend;
  let profile: Profile;
  let store: ProfileStore;

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-children-'));
    ({ relay, profile, store } = await loopbackRelay(root, sshd));
  });
  afterAll(async () => {
    await relay?.close();
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  for (const method of ['fork', 'spawn']) {
    it(`stops in a worker (${method}), with the worker's variables, and runs to the end`, async () => {
      const client = new RelayTestClient();
      relay.connectClient(client);
      const { session } = await client.app('session.launch', {
        profileId: profile.id,
        target: { kind: 'file', path: program },
        args: [method],
        cwd: '',
        breakpoints: [{ path: program, breakpoints: [{ line: WORK_LINE }] }],
      });
      const stop = await client.anyDapEvent('stopped', 30_000, 0);
      expect(stop.sessionId).not.toBe(session.id);
      const child = relay.listSessions().find((s) => s.id === stop.sessionId) as SessionInfo;
      expect(child.parentId).toBe(session.id);
      expect(child.pid).toBeGreaterThan(0);

      const threadId = (stop.event.body as DebugProtocol.StoppedEvent['body']).threadId!;
      const stack = await client.dap(child.id, 1, 'stackTrace', { threadId });
      const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
      expect(frame.line).toBe(WORK_LINE);
      expect(frame.name).toBe('work');
      const pid = await client.dap(child.id, 2, 'evaluate', {
        expression: 'os.getpid()',
        frameId: frame.id,
        context: 'watch',
      });
      expect(Number((pid.body as DebugProtocol.EvaluateResponse['body']).result)).toBe(child.pid);
      const rootPid = relay.listSessions().find((s) => s.id === session.id)?.pid;
      expect(child.pid).not.toBe(rootPid);

      // No more breakpoints, set on the root: the tree shares them, so no worker stops again.
      const cleared = await client.dap(session.id, 3, 'setBreakpoints', {
        source: { path: program },
        breakpoints: [],
      });
      expect(cleared.success).toBe(true);
      // Continue every worker that is stopped (one may have stopped before the change reached it).
      await continueChildrenUntil(relay, client, session.id, 'results [0, 1, 4, 9] workers');
      // Each worker's own console has its own output (the program's console has everyone's).
      expect(client.output(child.id)).toMatch(new RegExp(`worker ${child.pid} squared \\d`));
      expect(client.output(child.id)).not.toContain('results');
      expect(client.output(session.id)).toContain(`worker ${child.pid} squared`);
      const ended = await client.appEvent(
        'sessions.changed',
        (b) => b.sessions.find((s) => s.id === session.id)?.state === 'ended',
        30_000,
      );
      expect(ended.sessions.find((s) => s.id === session.id)?.endReason).toBe('exit code 0');
    }, 90_000);
  }

  it('follows no more children than the limit, says so, and lets the others run free', async () => {
    const client = new RelayTestClient();
    relay.connectClient(client);
    const limited = await store.save({
      ...profile,
      id: undefined,
      name: 'one child',
      maxChildProcesses: 1,
    });
    const { session } = await client.app('session.launch', {
      profileId: limited.id,
      // Both workers run Python code before any result exists, so the released one is counted.
      target: { kind: 'file', path: bothWorkers },
      args: [],
      cwd: '',
      breakpoints: [],
    });
    await expect
      .poll(() => client.output(session.id), { timeout: 30_000 })
      .toMatch(/results \[0, 1, 4, 9\] workers [12]/);
    expect(relay.listSessions().filter((s) => s.parentId === session.id)).toHaveLength(1);
    await expect
      .poll(() => relay.listSessions().find((s) => s.id === session.id)?.unfollowed)
      .toBe(1);
    await expect
      .poll(() => client.output(session.id))
      .toMatch(
        /Periscope: process \d+ runs without the debugger: 1 child processes of this program are followed already, the profile's limit \(Child processes\)\. Raise it to follow more\./,
      );
  }, 90_000);

  it('a second client that joins the program sees every process of it', async () => {
    const first = new RelayTestClient('first');
    relay.connectClient(first);
    const { session } = await first.app('session.launch', {
      profileId: profile.id,
      target: { kind: 'file', path: program },
      args: ['fork'],
      cwd: '',
      breakpoints: [{ path: program, breakpoints: [{ line: WORK_LINE }] }],
    });
    const stop = await first.anyDapEvent('stopped', 30_000, 0);
    const second = new RelayTestClient('second');
    relay.connectClient(second);
    const { sessions } = await second.app('sessions.list', {});
    const tree = sessions.filter((s) => s.id === session.id || s.parentId === session.id);
    expect(tree.length).toBeGreaterThanOrEqual(2);
    await second.app('session.join', { sessionId: session.id });
    const child = await second.app('session.join', { sessionId: stop.sessionId });
    // The joiner catches up with the child's stop, and can act on it.
    expect(child.stopped?.reason).toBe('breakpoint');
    const threads = await second.dap(stop.sessionId, 1, 'threads');
    expect(threads.success).toBe(true);
    await first.app('session.close', { sessionId: session.id });
    await expect
      .poll(
        () =>
          relay
            .listSessions()
            .filter((s) => s.id === session.id || s.parentId === session.id)
            .every((s) => s.state === 'ended'),
        { timeout: 20_000 },
      )
      .toBe(true);
  }, 90_000);

  it('with subProcess off, no child is followed and the program runs on its own', async () => {
    const client = new RelayTestClient();
    relay.connectClient(client);
    const off = await store.save({
      ...profile,
      id: undefined,
      name: 'no children',
      subProcess: false,
    });
    const { session } = await client.app('session.launch', {
      profileId: off.id,
      target: { kind: 'file', path: program },
      args: ['spawn'],
      cwd: '',
      breakpoints: [],
    });
    await expect
      .poll(() => client.output(session.id), { timeout: 30_000 })
      .toMatch(/results \[0, 1, 4, 9\] workers [12]/);
    expect(relay.listSessions().filter((s) => s.parentId === session.id)).toHaveLength(0);
  }, 90_000);
});
