/**
 * A remote forward from a profile (ssh -R) to the tracer port, over a real sshd: a program on the
 * "remote" machine dials 127.0.0.1:<remote port> and becomes a session of that profile.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import {
  DIAL_IN_PROGRAM,
  killAll,
  startDialIn,
  waitForSessions,
  type DialInProcess,
} from './dial-in-helpers.js';

describe('tracer tunnels (remote forwards)', () => {
  let sshd: TestSshd;
  let root: string;
  const programs: DialInProcess[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'periscope-tunnel-'));
  });
  afterAll(async () => {
    killAll(programs);
    await sshd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('brings a program that dials the remote port in as a session of the profile', async () => {
    // known_hosts as ssh-keyscan writes it, rather than the harness's own line.
    const { relay, profile, knownHosts } = await loopbackRelay(root, sshd, {
      name: 'tunnel box',
      knownHost: false,
    });
    const hostKey = execFileSync('ssh-keyscan', ['-p', String(sshd.port), sshd.host], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await appendFile(knownHosts, hostKey);
    try {
      const client = new RelayTestClient('ui');
      relay.connectClient(client);
      const { tunnel } = await client.app('tracerTunnel.open', { profileId: profile.id });
      expect(tunnel.snippet).toBe(
        `import debugpy\ndebugpy.connect(("127.0.0.1", ${tunnel.remotePort}))`,
      );
      // Opening it again gives the same forward.
      expect((await client.app('tracerTunnel.open', { profileId: profile.id })).tunnel).toEqual(
        tunnel,
      );
      const info = await client.app('tracerPort.info', {});
      expect(info.tunnels).toEqual([tunnel]);
      expect(info.tracerPort?.host).toBe('127.0.0.1');

      const program = startDialIn(DIAL_IN_PROGRAM, tunnel.remotePort, ['400', '0.05']);
      programs.push(program);
      const [session] = await waitForSessions(
        relay,
        (s) => s[0]?.state === 'running' && s[0].pid !== undefined,
      );
      expect(session).toMatchObject({
        origin: 'connect',
        profileId: profile.id,
        profileName: 'tunnel box',
        host: sshd.host,
        pid: program.child.pid,
      });
      await client.app('session.join', { sessionId: session?.id ?? '' });
      const threads = await client.dap(session?.id ?? '', 1, 'threads');
      expect(threads.success).toBe(true);

      // Closed: no new arrivals over it.
      await client.app('tracerTunnel.close', { profileId: profile.id });
      expect((await client.app('tracerPort.info', {})).tunnels).toEqual([]);
    } finally {
      await relay.close();
    }
  });
});
