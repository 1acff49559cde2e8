/**
 * Child processes of a program that dialled in (`debugpy.connect`) dial the tracer port again,
 * each on a connection of its own (issue 11): the relay asks pydevd which process it is and puts
 * each under its parent, with the tree's breakpoints. Real debugpy, `multiprocessing` with fork
 * and spawn.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { Backend } from '../../../src-main/backend/backend.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import {
  killAll,
  startDialIn,
  waitForSessions,
  type DialInProcess,
} from '../relay/dial-in-helpers.js';

const program = resolve('test/fixtures/programs/dial_in_pool.py');
const WORK_LINE = 15;

describe('children of a dialled-in program', () => {
  let dir: string;
  let relay: Backend;
  let port: number;
  const processes: DialInProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'periscope-dial-children-'));
    relay = new Backend({
      profileStore: await ProfileStore.open(dir, { logger: silentLogger }),
      dataDir: dir,
      logger: silentLogger,
    });
    port = (await relay.openTracerPort()).port;
  });
  afterAll(async () => {
    killAll(processes);
    await relay?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const method of ['fork', 'spawn']) {
    it(`groups the workers under the program (${method}) and stops in one`, async () => {
      const go = join(dir, `go-${method}`);
      const dialled = startDialIn(program, port, [method, go]);
      processes.push(dialled);
      const client = new RelayTestClient();
      relay.connectClient(client);
      const [root] = await waitForSessions(relay, (s) =>
        s.some((x) => x.pid === dialled.child.pid && x.state === 'running'),
      ).then((s) => s.filter((x) => x.pid === dialled.child.pid));
      await client.app('session.join', { sessionId: root!.id });
      const set = await client.dap(root!.id, 1, 'setBreakpoints', {
        source: { path: program },
        breakpoints: [{ line: WORK_LINE }],
      });
      expect(set.success).toBe(true);
      const from = client.received.length;
      await writeFile(go, '');

      const stop = await client.anyDapEvent('stopped', 30_000, from);
      const child = relay.listSessions().find((s) => s.id === stop.sessionId)!;
      expect(child.parentId).toBe(root!.id);
      expect(child.origin).toBe('connect');
      const threadId = (stop.event.body as DebugProtocol.StoppedEvent['body']).threadId!;
      const stack = await client.dap(child.id, 2, 'stackTrace', { threadId });
      const frame = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!;
      expect(frame.line).toBe(WORK_LINE);
      const pid = await client.dap(child.id, 3, 'evaluate', {
        expression: 'os.getpid()',
        frameId: frame.id,
        context: 'watch',
      });
      expect(Number((pid.body as DebugProtocol.EvaluateResponse['body']).result)).toBe(child.pid);

      await client.dap(root!.id, 4, 'setBreakpoints', {
        source: { path: program },
        breakpoints: [],
      });
      let seq = 10;
      await expect
        .poll(
          async () => {
            for (const s of relay.listSessions())
              if (s.parentId === root!.id && s.state === 'stopped')
                await client.dap(s.id, seq++, 'continue', { threadId: 0 });
            return dialled.stdout();
          },
          { timeout: 30_000, interval: 300 },
        )
        .toContain('results [0, 1, 4, 9]');
      expect(await dialled.exited).toBe(0);
    }, 90_000);
  }
});
