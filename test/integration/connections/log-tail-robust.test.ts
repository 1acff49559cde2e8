/**
 * Log tabs on real machines, against a real OpenSSH sshd (which logs in as this user, so its
 * files and processes are this machine's; remote `tail`s are counted with pgrep): a `~/…` path is
 * the file in the user's home; no `tail` is left behind after a dropped connection (even though
 * the file did not grow) nor after a tab closed right after it opened; a file rotated while the
 * connection was down is shown from the new file's start, once and in order, with a status line
 * saying so; and a rotation `tail -F` followed while the link was up does not make the next
 * resume skip or repeat anything.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppEventMessage } from '../../../src-common/protocol/client-protocol.js';
import type { Profile } from '../../../src-common/protocol/profile.js';
import type { Backend } from '../../../src-main/backend/backend.js';
import { RESUME_MESSAGES } from '../../../src-main/logs/log-tails.js';
import { loopbackRelay } from '../../harness/loopback-relay.js';
import { RelayTestClient } from '../../harness/relay-test-client.js';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { until } from '../../harness/tcp-echo.js';

/** Pids of `tail` processes following `path` as the relay starts them. */
function tailsOf(path: string): number[] {
  try {
    const out = execFileSync('pgrep', ['-f', `^tail .*-F ${path}$`], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const lines = (from: number, to: number, word: string): string =>
  Array.from({ length: to - from + 1 }, (_, i) => `${word} ${from + i}\n`).join('');

describe('log tails on real machines', () => {
  let sshd: TestSshd;
  let root: string;
  let relay: Backend;
  let profile: Profile;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  beforeEach(async (context) => {
    root = await mkdtemp(join(tmpdir(), 'periscope-log-robust-'));
    ({ relay, profile } = await loopbackRelay(root, sshd));
    context.onTestFinished(async () => {
      await relay.close();
      await rm(root, { recursive: true, force: true });
    });
  });

  /** A client, and the text and status messages its tab `logId` received so far. */
  function client(): {
    ui: RelayTestClient;
    text: (logId: string) => string;
    statuses: (logId: string) => string[];
  } {
    const ui = new RelayTestClient('ui');
    relay.connectClient(ui);
    const events = <E extends 'logs.output' | 'logs.status'>(event: E, logId: string) =>
      ui.received.filter(
        (m): m is AppEventMessage<E> =>
          m.type === 'app-event' &&
          m.event === event &&
          (m.body as { logId?: string }).logId === logId,
      );
    return {
      ui,
      text: (logId) =>
        events('logs.output', logId)
          .map((m) => m.body.text)
          .join(''),
      statuses: (logId) => events('logs.status', logId).map((m) => m.body.message ?? ''),
    };
  }

  it('follows ~/… in the remote home directory', async (context) => {
    const name = `periscope-it-${randomBytes(4).toString('hex')}.log`;
    const file = join(homedir(), name);
    context.onTestFinished(() => rm(file, { force: true }));
    await writeFile(file, lines(1, 250, 'home'));
    const { ui, text, statuses } = client();
    const { logId } = await ui.app('logs.open', { profileId: profile.id, path: `~/${name}` });
    await until(() => text(logId).includes('home 250\n'), 'the last lines');
    expect(text(logId)).toBe(lines(51, 250, 'home'));
    expect(statuses(logId).join('\n')).not.toMatch(/cannot open/);
    expect(tailsOf(file)).toHaveLength(1);
    await appendFile(file, 'appended\n');
    await until(() => text(logId).endsWith('home 250\nappended\n'), 'the appended line');
    await ui.app('logs.close', { logId });
    expect(tailsOf(file)).toEqual([]);
  }, 30_000);

  it('leaves exactly one tail after a dropped connection, though the file did not grow', async () => {
    const file = join(root, 'quiet.log');
    await writeFile(file, 'quiet\n');
    const { ui, text, statuses } = client();
    const { logId } = await ui.app('logs.open', { profileId: profile.id, path: file });
    await until(() => text(logId) === 'quiet\n', 'the file');
    await until(() => tailsOf(file).length === 1, 'one tail');
    const [first] = tailsOf(file);

    await sshd.restart({ dropSessions: true });
    await until(() => statuses(logId).includes(RESUME_MESSAGES.same), 'the tail resumed', 30_000);
    await until(() => !tailsOf(file).includes(first!), 'the old tail killed', 10_000);
    expect(tailsOf(file)).toHaveLength(1);

    await appendFile(file, 'after\n');
    await until(() => text(logId) === 'quiet\nafter\n', 'the line after the drop');
    await ui.app('logs.close', { logId });
    expect(tailsOf(file)).toEqual([]);
  }, 60_000);

  it('leaves no tail when the tab is closed right after it opened', async () => {
    const file = join(root, 'brief.log');
    await writeFile(file, 'brief\n');
    const { ui } = client();
    for (let i = 0; i < 3; i++) {
      const { logId } = await ui.app('logs.open', { profileId: profile.id, path: file });
      await ui.app('logs.close', { logId });
    }
    expect(tailsOf(file)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(tailsOf(file)).toEqual([]);
  }, 30_000);

  it('shows a file rotated during the drop from its start, once, and says so', async () => {
    const file = join(root, 'app.log');
    await writeFile(file, lines(1, 5, 'old'));
    const { ui, text, statuses } = client();
    const { logId } = await ui.app('logs.open', { profileId: profile.id, path: file });
    await until(() => text(logId) === lines(1, 5, 'old'), 'the old file');

    const restarted = sshd.restart({ dropSessions: true, downMs: 1500 });
    await until(
      () => statuses(logId).some((s) => s.startsWith('Reconnecting')),
      'reconnecting',
      10_000,
    );
    // logrotate's default: move the file away, start a new one (longer than what was read).
    await rename(file, `${file}.1`);
    await writeFile(file, lines(1, 30, 'new'));
    await restarted;

    await until(
      () => statuses(logId).includes(RESUME_MESSAGES.replaced),
      'told of the rotation',
      30_000,
    );
    await appendFile(file, 'new 31\n');
    await until(() => text(logId).endsWith('new 31\n'), 'the line after the drop', 10_000);
    expect(text(logId)).toBe(lines(1, 5, 'old') + lines(1, 31, 'new'));
    expect(RESUME_MESSAGES.replaced).toBe(
      'Reconnected. The file was rotated (or truncated) while the connection was down; showing the new file from its start.',
    );
    await until(() => tailsOf(file).length === 1, 'one tail');
  }, 60_000);

  it('resumes at the right byte after a rotation tail -F followed while the link was up', async () => {
    const file = join(root, 'live.log');
    await writeFile(file, lines(1, 40, 'old'));
    const { ui, text, statuses } = client();
    const { logId } = await ui.app('logs.open', { profileId: profile.id, path: file });
    await until(() => text(logId) === lines(1, 40, 'old'), 'the old file');

    // Rotated while up: tail -F switches to the new, shorter file and reads it from its start.
    await rename(file, `${file}.1`);
    await writeFile(file, lines(1, 3, 'new'));
    await until(() => text(logId) === lines(1, 40, 'old') + lines(1, 3, 'new'), 'the new file');
    await new Promise((r) => setTimeout(r, 500)); // let the new file's identity be learned

    // Then a drop; the next lines are written while it is down.
    const restarted = sshd.restart({ dropSessions: true, downMs: 1000 });
    await until(
      () => statuses(logId).some((s) => s.startsWith('Reconnecting')),
      'reconnecting',
      10_000,
    );
    await appendFile(file, 'new 4\n');
    await restarted;
    await until(() => statuses(logId).includes(RESUME_MESSAGES.same), 'resumed', 30_000);
    await appendFile(file, 'new 5\n');
    await until(() => text(logId).endsWith('new 5\n'), 'the line after the drop', 10_000);
    expect(text(logId)).toBe(lines(1, 40, 'old') + lines(1, 5, 'new'));
  }, 60_000);
});
