/**
 * Issue 3 end to end in Chromium (web mode): import a host from an ssh config, edit the imported
 * profile (environment, log files), connect with a trust-on-first-use host key prompt, and watch
 * the session come back by itself after the sshd restarts and cuts the connection.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { expect, snap, test } from './fixtures.js';

const ticker = resolve('test/fixtures/programs/ticker.py');

test('import from ssh config, TOFU, and the session recovers after an sshd restart', async ({
  app,
  page,
  sshd,
  web,
}) => {
  test.setTimeout(120_000);
  await mkdir(join(web.home, '.ssh'), { mode: 0o700 });
  const config = join(web.home, '.ssh', 'config');
  await writeFile(
    config,
    [
      '# my hosts',
      'Host loopback-box',
      `  HostName ${sshd.host}`,
      `  Port ${sshd.port}`,
      `  User ${sshd.user}`,
      `  IdentityFile ${sshd.userKeyPath}`,
      'Host *.corp',
      '  ProxyCommand ssh -W %h:%p gateway',
      'Match exec "test -f /etc/corp"',
      '  User corp',
      '',
    ].join('\n'),
  );

  await page.getByRole('button', { name: 'Import from ~/.ssh/config…' }).first().click();
  const importer = page.getByRole('dialog', { name: 'Import from ssh config' });
  await expect(importer.getByLabel('Config file', { exact: true })).toHaveValue('~/.ssh/config');
  const hosts = importer.getByRole('list', { name: 'Hosts' });
  await expect(hosts).toContainText('loopback-box');
  await expect(hosts).toContainText(`${sshd.user}@${sshd.host}:${sshd.port}`);
  await expect(importer.getByRole('list', { name: 'Not imported' })).toContainText(
    'Match exec test -f /etc/corp',
  );
  await snap(page, '3-ssh-config-import');
  await importer.getByRole('button', { name: 'Import 1 profile' }).click();
  await expect(app.profileItem('loopback-box')).toBeVisible();

  // The import cannot know the remote interpreter with debugpy: set it, and an env variable.
  await app.profileItem('loopback-box').getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Profile' });
  await expect(form.getByLabel('Private key file')).toHaveValue(sshd.userKeyPath);
  await form.getByLabel('Python interpreter').fill('/usr/bin/python3');
  await form.getByRole('button', { name: 'Add variable' }).click();
  await form.getByLabel('Variable name').fill('APP_MODE');
  await form.getByLabel('Variable value').fill('debug');
  await form.getByRole('button', { name: 'Add log file' }).click();
  await form.getByLabel('Log file 1', { exact: true }).fill('/var/log/app.log');
  await snap(page, '3-profile-editor');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();

  const dialog = await app.fillLaunch('loopback-box', { program: ticker, args: '400' });
  await dialog.getByRole('button', { name: 'Launch' }).click();
  await expect(page.getByRole('dialog', { name: 'Unknown host key' })).toBeVisible();
  await snap(page, '3-host-key-prompt');
  expect(await app.trustHostKey()).toMatch(/^SHA256:/);
  await expect(app.status).toContainText('Running');
  await expect.poll(() => app.consoleText(), { timeout: 20_000 }).toContain('tick 3');

  await sshd.restart({ dropSessions: true, downMs: 4000 });
  const banner = page.getByRole('status', { name: 'SSH link' });
  await expect(banner).toContainText('reconnecting');
  // The session's forward in the Tunnels panel says so too, with the reason.
  const forward = page
    .getByRole('list', { name: 'Tunnels' })
    .getByRole('listitem')
    .filter({ hasText: 'session s1' });
  await expect(forward).toContainText('Reconnecting');
  await expect(forward).toContainText(/lost|could not reach/);
  await snap(page, '3-ssh-reconnecting');
  await expect(banner).toBeHidden({ timeout: 40_000 });
  await expect(forward).toContainText('Up');
  await expect(app.status).toContainText('Running');
  const lastTick = async (): Promise<number> =>
    Math.max(0, ...[...(await app.consoleText()).matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
  const before = await lastTick();
  await expect.poll(lastTick, { timeout: 20_000 }).toBeGreaterThan(before + 5);
});
