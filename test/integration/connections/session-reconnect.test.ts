/**
 * A launched session survives the SSH connection dropping (sshd restarted, its connections cut):
 * the session says "reconnecting", the link comes back by itself, the forward is re-opened on the
 * same local port, the session is re-attached to the still-running debugpy, and the program's
 * output continues without a gap. Real sshd, real debugpy, the relay's client protocol.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';

const ticker = resolve('test/fixtures/programs/ticker.py');
const SLEEP_LINE = 10; // `time.sleep(0.2)` in ticker.py

describe('session across an sshd restart', () => {
  let sshd: TestSshd;
  let root: string;
  let relay: Backend;
  let profile: Profile;

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-reconnect-it-'));
    ({ relay, profile } = await loopbackRelay(root, sshd, {
      profile: {
        env: [
          { name: 'PERISCOPE_TEST_ENV', value: 'set in the profile' },
          { name: 'PYTHONPATH', value: '/opt/periscope-test-lib' },
        ],
      },
    }));
  });
  afterAll(async () => {
    await relay?.close();
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('reconnects, re-attaches, and the output goes on without a gap', async () => {
    const client = new RelayTestClient();
    relay.connectClient(client);
    const { session } = await client.app('session.launch', {
      profileId: profile.id,
      target: { kind: 'file', path: ticker },
      args: ['150'],
      cwd: '',
      breakpoints: [],
    });
    await expect.poll(() => client.output(session.id), { timeout: 20_000 }).toContain('tick 3\n');

    const reconnecting = client.appEvent(
      'sessions.changed',
      (b) => b.sessions[0]?.link?.state === 'reconnecting',
      20_000,
    );
    const restarted = sshd.restart({ dropSessions: true, downMs: 1500 });
    const during = await reconnecting;
    await restarted;
    // The server is back before the next backoff step: "Try now" starts the attempt at once.
    await client.app('session.reconnectNow', { sessionId: session.id });
    expect(during.sessions[0]).toMatchObject({
      state: 'running',
      link: { state: 'reconnecting', reason: expect.stringMatching(/lost/) as unknown },
    });
    const back = await client.appEvent(
      'sessions.changed',
      (b) => b.sessions[0]?.link === undefined && b.sessions[0]?.state === 'running',
      30_000,
    );
    expect(back.sessions[0]?.endReason).toBeUndefined();
    // Nothing to cut short once the link is up again ("Try now" in the banner).
    expect(await client.app('session.reconnectNow', { sessionId: session.id })).toEqual({
      retrying: false,
    });

    // The new DAP connection works: a breakpoint set now is hit.
    const stopped = client.dapEvent(session.id, 'stopped', 30_000);
    const set = await client.dap(session.id, 9001, 'setBreakpoints', {
      source: { path: ticker },
      breakpoints: [{ line: SLEEP_LINE }],
    });
    expect(set.success).toBe(true);
    const stop = (await stopped).body as DebugProtocol.StoppedEvent['body'];
    expect(stop.reason).toBe('breakpoint');
    // The profile's environment variables reached the program.
    const stack = await client.dap(session.id, 9002, 'stackTrace', { threadId: stop.threadId });
    const frameId = (stack.body as DebugProtocol.StackTraceResponse['body']).stackFrames[0]!.id;
    const env = await client.dap(session.id, 9003, 'evaluate', {
      expression: "__import__('os').environ.get('PERISCOPE_TEST_ENV')",
      frameId,
      context: 'watch',
    });
    expect((env.body as DebugProtocol.EvaluateResponse['body']).result).toBe(
      "'set in the profile'",
    );
    // The profile's PYTHONPATH is kept, behind the launch's own hook directory.
    const path = await client.dap(session.id, 9010, 'evaluate', {
      expression: "__import__('os').environ.get('PYTHONPATH')",
      frameId,
      context: 'watch',
    });
    expect((path.body as DebugProtocol.EvaluateResponse['body']).result).toMatch(
      /^'\/\S*periscope-site\.\w+:\/opt\/periscope-test-lib'$/,
    );
    // …without being in any command line (the remote `ps` shows argv to every user).
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(
      'set in the profile',
    );

    // Clear the breakpoint, run on, and the output keeps coming (over the tails restarted after the drop).
    await client.dap(session.id, 9004, 'setBreakpoints', {
      source: { path: ticker },
      breakpoints: [],
    });
    await client.dap(session.id, 9005, 'continue', { threadId: stop.threadId });
    await expect.poll(() => client.output(session.id), { timeout: 20_000 }).toContain('tick 20\n');

    const ticks = client
      .output(session.id)
      .split('\n')
      .filter((l) => /^tick \d+$/.test(l))
      .map((l) => Number(l.slice(5)));
    expect(ticks.length).toBeGreaterThanOrEqual(20);
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i + 1));

    await client.app('session.close', { sessionId: session.id });
  }, 120_000);
});
