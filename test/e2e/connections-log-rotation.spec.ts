/**
 * A log tab on a real machine, through the UI only: a saved log file under `~/` (the remote home)
 * opens and follows; the file is rotated (moved away, a new one started, as logrotate does) while
 * the sshd is down; once the connection is back the tab says the file was rotated and shows the
 * new file from its first line, each line once, then what is appended to it.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { expect, snap, test } from './fixtures.js';

test('a ~/ log file rotated while the connection was down is shown from its start', async ({
  app,
  page,
  sshd,
}) => {
  const name = `periscope-e2e-${randomBytes(4).toString('hex')}.log`;
  const log = join(homedir(), name);
  try {
    await writeFile(
      log,
      Array.from({ length: 2 }, (_, i) => `day 1 request ${i + 1}`).join('\n') + '\n',
    );
    await app.createProfile({
      name: 'web box',
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      keyPath: sshd.userKeyPath,
      python: '/usr/bin/python3',
    });
    await app.profileItem('web box').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Profile' });
    await form.getByRole('button', { name: 'Add log file' }).click();
    await form.getByLabel('Log file 1', { exact: true }).fill(`~/${name}`);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);

    await page.getByRole('button', { name: 'Tail a log file' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tail a log file' });
    await dialog
      .getByRole('list', { name: 'Saved log files' })
      .getByRole('button', { name: `~/${name}` })
      .click();
    await dialog.getByRole('button', { name: 'Open' }).click();
    await app.trustHostKey();
    await expect(dialog).toHaveCount(0);

    const panel = page.getByTestId('log-tab');
    const text = async (): Promise<string> =>
      (await panel.locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
    await expect.poll(text).toContain('day 1 request 2');
    const status = panel.getByRole('status', { name: 'Log status' });
    await expect(status).toContainText(`Following ~/${name}`);

    // Rotated while the server is down: the new file is longer than what was read of the old.
    // (Few lines: only the terminal's visible rows are in the page.)
    const restarted = sshd.restart({ dropSessions: true, downMs: 3000 });
    await expect(status).toContainText(/reconnect/i, { timeout: 15_000 });
    await rename(log, `${log}.1`);
    await writeFile(
      log,
      Array.from({ length: 4 }, (_, i) => `day 2 request ${i + 1}`).join('\n') + '\n',
    );
    await restarted;

    await expect
      .poll(text, { timeout: 40_000 })
      .toContain('The file was rotated (or truncated) while the connection was down');
    await appendFile(log, 'day 2 request 5\n');
    await expect.poll(text, { timeout: 20_000 }).toContain('day 2 request 5');
    await expect(status).toContainText(`Following ~/${name}`);
    const shown = await text();
    for (let i = 1; i <= 5; i++) {
      expect(shown.match(new RegExp(`day 2 request ${i}\\b`, 'g'))).toHaveLength(1);
    }
    expect(shown.indexOf('day 1 request 2')).toBeLessThan(shown.indexOf('rotated'));
    expect(shown.indexOf('rotated')).toBeLessThan(shown.indexOf('day 2 request 1'));
    await snap(page, 'log-tab-rotated-during-drop');
  } finally {
    await rm(log, { force: true });
    await rm(`${log}.1`, { force: true });
  }
});
