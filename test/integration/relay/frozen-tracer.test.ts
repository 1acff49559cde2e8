/**
 * A frozen tracer is detected (issue 17, item 10): a real debugpy program that dialled in gets
 * SIGSTOP. Before, nothing noticed: requests failed after 30 s and the session stayed "running" or
 * "stopped". Now the session says the program is not responding (`notRespondingSince`, and a line
 * in its console) within the stated time, and recovers when the program gets SIGCONT.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionInfo } from '../../../src-common/protocol/client-protocol.js';
import { silentLogger } from '../../../src-main/log/logger.js';
import { ProfileStore } from '../../../src-main/profiles/profile-store.js';
import { Backend } from '../../../src-main/backend/backend.js';
import {
  LIVENESS_TICK_MS,
  NOT_RESPONDING_AFTER_MS,
  PROBE_AFTER_MS,
} from '../../../src-main/relay/tracer-liveness.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import {
  DIAL_IN_PROGRAM,
  killAll,
  startDialIn,
  waitForSessions,
  type DialInProcess,
} from './dial-in-helpers.js';

/** The stated bound when nobody asks anything: probe after silence, threshold, one tick. */
const IDLE_DETECTION_MS = PROBE_AFTER_MS + NOT_RESPONDING_AFTER_MS + LIVENESS_TICK_MS;
/** Scheduling slack on a loaded two-core machine. */
const SLACK_MS = 1500;

describe('a frozen tracer (SIGSTOP)', () => {
  let dir: string;
  let relay: Backend;
  let processes: DialInProcess[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'periscope-frozen-'));
    processes = [];
    relay = new Backend({
      profileStore: await ProfileStore.open(dir, { logger: silentLogger }),
      dataDir: dir,
      logger: silentLogger,
    });
  });

  afterEach(async () => {
    for (const p of processes) p.child.kill('SIGCONT');
    killAll(processes);
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  });

  const info = (): SessionInfo | undefined => relay.listSessions()[0];

  /** Waits for the session to say (or stop saying) it is not responding; returns when, ms. */
  async function until(notResponding: boolean, since: number): Promise<number> {
    await waitForSessions(
      relay,
      (s) => (s[0]?.notRespondingSince !== undefined) === notResponding,
      IDLE_DETECTION_MS + SLACK_MS + 2000,
    );
    return Date.now() - since;
  }

  it('says so within the stated time, whether or not a request waits, and recovers on SIGCONT', async () => {
    const { port } = await relay.openTracerPort();
    const program = startDialIn(DIAL_IN_PROGRAM, port, ['100000', '0.05']);
    processes.push(program);
    const [session] = await waitForSessions(relay, (s) => s[0]?.state === 'running');
    const sessionId = session?.id ?? '';
    const ui = new RelayTestClient('ui');
    relay.connectClient(ui);
    await ui.app('session.join', { sessionId });

    // 1. Running, nobody asks anything: the relay's own probe finds it.
    let frozenAt = Date.now();
    program.child.kill('SIGSTOP');
    const idleDetect = await until(true, frozenAt);
    expect(info()?.state).toBe('running');
    expect(idleDetect).toBeLessThan(IDLE_DETECTION_MS + SLACK_MS);
    let resumedAt = Date.now();
    program.child.kill('SIGCONT');
    const idleRecover = await until(false, resumedAt);
    expect(idleRecover).toBeLessThan(LIVENESS_TICK_MS + SLACK_MS);

    // 2. Paused, the user evaluates something: that request is the one that waits.
    const threads = await ui.dap(sessionId, 1, 'threads');
    const mainThread = (threads.body as DebugProtocol.ThreadsResponse['body']).threads[0]?.id;
    const stopped = ui.dapEvent(sessionId, 'stopped');
    await ui.dap(sessionId, 5, 'pause', { threadId: mainThread });
    const threadId = Number(((await stopped).body as { threadId?: unknown } | undefined)?.threadId);
    const stack = await ui.dap(sessionId, 2, 'stackTrace', { threadId, levels: 1 });
    const frameId = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]?.id;
    frozenAt = Date.now();
    program.child.kill('SIGSTOP');
    const answer = ui.dap(sessionId, 3, 'evaluate', {
      expression: '6 * 7',
      frameId,
      context: 'repl',
    });
    const requestDetect = await until(true, frozenAt);
    expect(info()?.state).toBe('stopped');
    expect(requestDetect).toBeLessThan(NOT_RESPONDING_AFTER_MS + LIVENESS_TICK_MS + SLACK_MS);
    expect(requestDetect).toBeGreaterThanOrEqual(NOT_RESPONDING_AFTER_MS - 100);
    resumedAt = Date.now();
    program.child.kill('SIGCONT');
    // The request waiting all along gets its answer, and the session recovers.
    expect((await answer).body).toMatchObject({ result: '42' });
    const requestRecover = await until(false, resumedAt);
    expect(requestRecover).toBeLessThan(LIVENESS_TICK_MS + SLACK_MS);

    // A real answer, not a false alarm: while it runs normally the flag stays off.
    await ui.dap(sessionId, 4, 'continue', { threadId });
    await new Promise((r) => setTimeout(r, IDLE_DETECTION_MS + 1000));
    expect(info()?.notRespondingSince).toBeUndefined();
    const console = ui.output(sessionId);
    expect(console.match(/Periscope: the program is not responding/g)).toHaveLength(2);
    expect(console.match(/Periscope: the program is responding again/g)).toHaveLength(2);
    process.stdout.write(
      `frozen tracer: detected in ${idleDetect} ms idle, ${requestDetect} ms with a request waiting; ` +
        `recovered in ${idleRecover} / ${requestRecover} ms after SIGCONT\n`,
    );
  });
});
