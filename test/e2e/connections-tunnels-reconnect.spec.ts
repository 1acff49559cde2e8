/**
 * Issue 3, "watch the tunnel recover after the sshd restarts", for the Tunnels panel and a log
 * tab, through the UI only: with a dial-in remote forward and a log tab open, the sshd restarts
 * and cuts the connection; the Tunnels row and the Sessions panel say "Reconnecting" with the
 * reason, the log tab says it is reconnecting; once the sshd is back everything is "Up" again on
 * the same remote port without the user doing anything, a program dials in over it, and the log
 * tab shows what was written during the drop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, snap, test } from './fixtures.js';

const DIAL_IN = resolve('test/fixtures/programs/dial_in.py');

test('the dial-in forward and a log tab show reconnecting, then recover by themselves', async ({
  app,
  page,
  sshd,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-e2e-reconnect-'));
  const log = join(dir, 'worker.log');
  let program: ChildProcess | undefined;
  try {
    await writeFile(log, 'worker started\n');
    await app.createProfile({
      name: 'flaky box',
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      keyPath: sshd.userKeyPath,
      python: '/usr/bin/python3',
    });

    // The dial-in forward (ssh -R) for programs on the machine.
    await page.getByRole('button', { name: 'Let programs on flaky box dial in' }).click();
    await app.trustHostKey();
    const dialIn = page.getByLabel('Tunnel from flaky box');
    await expect(dialIn).toContainText('Programs on flaky box can dial in at 127.0.0.1:');
    const snippet = (await dialIn.locator('pre').textContent()) ?? '';
    const port = Number(/debugpy\.connect\(\("127\.0\.0\.1", (\d+)\)\)/.exec(snippet)?.[1]);
    expect(port).toBeGreaterThan(0);
    const row = page
      .getByRole('list', { name: 'Tunnels' })
      .getByRole('listitem')
      .filter({ hasText: `127.0.0.1:${port}` });
    await expect(row).toContainText('Up');

    // A log tab over the same machine (the same SSH link: no second host-key question).
    await page.getByRole('button', { name: 'Tail a log file' }).click();
    const open = page.getByRole('dialog', { name: 'Tail a log file' });
    await open.getByLabel('Remote path').fill(log);
    await open.getByRole('button', { name: 'Open' }).click();
    await expect(open).toHaveCount(0);
    const panel = page.getByTestId('log-tab');
    const text = async (): Promise<string> =>
      (await panel.locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
    await expect.poll(text).toContain('worker started');
    const logStatus = panel.getByRole('status', { name: 'Log status' });
    await expect(logStatus).toContainText(`Following ${log}`);

    // The server goes away for 4 s, cutting every connection.
    const restarted = sshd.restart({ dropSessions: true, downMs: 4000 });
    await expect(row).toContainText('Reconnecting', { timeout: 15_000 });
    await expect(dialIn.getByRole('status')).toContainText('Reconnecting');
    await expect(logStatus).toContainText(/reconnect/i);
    await appendFile(log, 'written during the drop\n');
    await snap(page, '3-tunnels-reconnecting');
    await restarted;

    // Back without anyone touching anything, on the same remote port.
    await expect(row).toContainText('Up', { timeout: 40_000 });
    await expect(dialIn.getByRole('status')).toHaveCount(0);
    await expect(logStatus).toContainText(`Following ${log}`, { timeout: 40_000 });
    await expect.poll(text, { timeout: 20_000 }).toContain('written during the drop');
    expect((await text()).match(/worker started/g)).toHaveLength(1);

    program = spawn(
      '/usr/bin/python3',
      ['-Xfrozen_modules=off', DIAL_IN, String(port), '600', '0.2'],
      { env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' }, stdio: 'ignore' },
    );
    const session = page
      .getByRole('list', { name: 'Sessions' })
      .getByRole('button')
      .filter({ hasText: `pid ${program.pid}` });
    await expect(session).toContainText('Running', { timeout: 20_000 });
    await snap(page, '3-tunnels-recovered');
  } finally {
    program?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
