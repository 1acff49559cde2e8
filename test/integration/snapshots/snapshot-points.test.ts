/**
 * Snapshot points in a live session (issue 12): a program launched over a real sshd under real
 * debugpy, with the profile's crash capture on (the default), gets a snapshot point (a logpoint
 * calling the capture module, `src-common/snapshot-point.ts`) on a line in a loop with hit limit
 * 5 and a condition; the loop prints every line without a pause, exactly 5 snapshots come to the
 * app's store as they are taken, each shows the loop's locals at its hit, and the condition
 * holds in each. The same program's launch with capture off has no module to call.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../src-main/backend/backend.js';
import { snapshotPointMessage, toWire } from '../../../src-common/snapshot-point.js';
import type { SnapshotSummary } from '../../../src-common/protocol/snapshots.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

const PROGRAM = `import time
total = 0
for i in range(40):
    total += i
    print("line", i, flush=True)
    time.sleep(0.01)
print("done", total, flush=True)
`;
const POINT_LINE = 5;

describe('snapshot points', () => {
  let root: string;
  let sshd: TestSshd;
  let relay: Backend;
  let profileId: string;
  let program: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'periscope-snap-points-'));
    sshd = await startSshd();
    const made = await loopbackRelay(root, sshd, {
      profile: { env: [{ name: 'PERISCOPE_CAPTURE_DIR', value: join(root, 'ring') }] },
    });
    relay = made.relay;
    profileId = made.profile.id;
    program = join(root, 'loop.py');
    await writeFile(program, PROGRAM);
  }, 60_000);

  afterAll(async () => {
    await relay?.close();
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('records 5 snapshots of a loop line (condition i % 2 == 1) and never pauses', async () => {
    const client = new RelayTestClient();
    relay.connectClient(client);
    const five = client.appEvent(
      'snapshots.changed',
      (b) => b.snapshots.filter((s) => s.kind === 'point').length === 5,
      60_000,
    );
    const { session } = await client.app('session.launch', {
      profileId,
      target: { kind: 'file', path: program },
      args: [],
      cwd: '',
      breakpoints: [
        {
          path: program,
          breakpoints: [
            toWire({
              line: POINT_LINE,
              condition: 'i % 2 == 1',
              logMessage: snapshotPointMessage({ id: `loop.py:${POINT_LINE}`, limit: 5 }),
            }),
          ],
        },
      ],
    });
    const ended = client.appEvent(
      'sessions.changed',
      (b) => b.sessions.find((s) => s.id === session.id)?.state === 'ended',
      60_000,
    );
    const points: SnapshotSummary[] = (await five).snapshots.filter((s) => s.kind === 'point');
    await ended;
    const output = client.output(session.id);
    expect(output).toContain('line 39');
    expect(output).toContain('done 780');
    // Never stopped: no `stopped` event in the whole session.
    expect(
      client.received.some(
        (m) =>
          m.type === 'dap' &&
          m.sessionId === session.id &&
          (m.message as DebugProtocol.Event).event === 'stopped',
      ),
    ).toBe(false);
    expect(points.map((p) => p.point)).toEqual(Array(5).fill(`loop.py:${POINT_LINE}`));
    expect(
      (await client.app('snapshots.list', {})).snapshots.filter((s) => s.kind === 'point'),
    ).toHaveLength(5);

    // Each hit's frame has the loop's locals at that moment: the odd i of the condition.
    const seen: string[] = [];
    for (const point of points) {
      const opened = await client.app('snapshots.open', { snapshotId: point.id });
      const id = opened.session.id;
      const threads = (await client.dap(id, 1, 'threads'))
        .body as DebugProtocol.ThreadsResponse['body'];
      const stack = (await client.dap(id, 2, 'stackTrace', { threadId: threads.threads[0]!.id }))
        .body as DebugProtocol.StackTraceResponse['body'];
      expect(stack.stackFrames[0]).toMatchObject({ name: '<module>', line: POINT_LINE });
      const value = (
        await client.dap(id, 3, 'evaluate', { expression: 'i', frameId: stack.stackFrames[0]!.id })
      ).body as DebugProtocol.EvaluateResponse['body'];
      seen.push(value.result);
      await client.app('session.close', { sessionId: id });
    }
    expect(seen.sort()).toEqual(['1', '3', '5', '7', '9']);
  }, 90_000);
});
