/**
 * A container's log as a log tab (issue 14: `docker logs -f`): the last 200 lines, then what the
 * container writes (stdout and stderr), on without a gap or a repeat across an SSH drop (the
 * stream resumes with `--since` the last line's timestamp), and closing the tab leaves no
 * `docker logs` behind on the machine. Real dockerd and sshd.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSshd } from '../../harness/sshd.js';
import { containerWorld, type ContainerWorld } from './container-kit.js';
import { withRelayClient } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';

const CHATTY = [
  'import sys, time',
  'for n in range(1, 100000):',
  '    print(f"line {n}", file=sys.stderr if n % 5 == 0 else sys.stdout, flush=True)',
  '    time.sleep(0.01 if n < 300 else 0.1)',
].join('\n');

describe("a container's log in a tab", () => {
  let w: ContainerWorld | undefined;
  let sshd: TestSshd;
  let root: string;

  beforeAll(async () => {
    w = await containerWorld(async (docker) => {
      await docker.run('chatty', ['/usr/bin/python3', '-c', CHATTY]);
    });
    ({ sshd, root } = w);
  }, 120_000);
  afterAll(() => w?.stop(), 60_000);

  it('follows the log from its last 200 lines, across an SSH drop, and closes cleanly', async () => {
    await withRelayClient(root, sshd, async ({ profile, client: ui }) => {
      // Past the fast start: the first 300 lines are written in about 3 s.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const { logId } = await ui.app('logs.open', {
        profileId: profile.id,
        path: 'docker logs chatty',
        container: { kind: 'docker', name: 'chatty', python: '', pathMappings: [] },
      });
      const text = (): string => ui.logText(logId);
      const numbers = (): number[] => RelayTestClient.numbered(text(), 'line');
      await expect.poll(() => numbers().length, { timeout: 20_000 }).toBeGreaterThan(205);
      // The last 200 lines, then on; stderr lines (every fifth) among them, no timestamps.
      const first = numbers()[0]!;
      expect(first).toBeGreaterThan(1);
      expect(numbers().slice(0, 206)).toEqual(Array.from({ length: 206 }, (_, i) => first + i));
      expect(text()).not.toMatch(/\d{4}-\d\d-\d\dT/);

      const reconnecting = ui.appEvent(
        'logs.status',
        (b) => b.logId === logId && b.state === 'reconnecting',
        20_000,
      );
      const restarted = sshd.restart({ dropSessions: true, downMs: 1000 });
      await reconnecting;
      await restarted;
      await ui.appEvent(
        'logs.status',
        (b) => b.logId === logId && /Reconnected/.test(b.message ?? ''),
        40_000,
      );
      const atResume = numbers().at(-1)!;
      await expect
        .poll(() => numbers().at(-1)!, { timeout: 20_000 })
        .toBeGreaterThan(atResume + 10);
      const all = numbers();
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => first + i));

      await ui.app('logs.close', { logId });
      const cli = (): string =>
        execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
          .split('\n')
          .filter((l) => l.includes('logs --follow --timestamps'))
          .join('\n');
      await expect.poll(cli, { timeout: 10_000 }).toBe('');
    });
  }, 120_000);
});
