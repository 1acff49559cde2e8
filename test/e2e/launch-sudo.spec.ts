/**
 * Issue 18, launch.json's `sudo`, in the UI (Chromium, web mode, real sshd and sudo): an ordinary
 * user who logs in with a password ticks "sudo" in the profile form; the launch asks for sudo's
 * password (apart from the login one), says so when sudo refuses a wrong one and asks again, and
 * the program runs as root, reading what is typed in the console. Neither password is kept.
 */
import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readableCopy } from '../harness/readable-copy.js';
import { filesContaining } from '../harness/files-containing.js';
import { createTestUser, startSshd } from '../harness/sshd.js';
import { expect, test } from './fixtures.js';
import { snapBothSizes } from './first-hour-helpers.js';

const AS_ROOT = resolve('test/fixtures/programs/launch_options/as_root.py');
const PASSWORD = 'sudo-e2e-Canary-5120';
const SUDOERS = '/etc/sudoers.d/periscope-sudo-e2e';

test('sudo: the password is asked, a wrong one is refused and asked again, the program runs as root', async ({
  app,
  page,
  web,
}) => {
  const user = await createTestUser('periscope-sudoe2e', PASSWORD);
  await writeFile(SUDOERS, `${user.name} ALL=(ALL) ALL\n`, { mode: 0o440 });
  const sshd = await startSshd({ overrides: ['PasswordAuthentication yes'] });
  try {
    await page.getByRole('button', { name: 'New profile' }).click();
    const form = page.getByRole('form', { name: 'Profile' });
    await form.getByLabel('Name', { exact: true }).fill('sudo-box');
    await form.getByLabel('Host', { exact: true }).fill(sshd.host);
    await form.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await form.getByLabel('User', { exact: true }).fill(user.name);
    await form.getByLabel('Authentication').selectOption('password');
    await form.getByLabel('Python interpreter').fill('/usr/bin/python3');
    await form.getByLabel('sudo').check();
    await expect(form).toContainText('runs the program with elevated permissions');
    await form.getByLabel('sudo').scrollIntoViewIfNeeded();
    await snapBothSizes(page, '18-profile-sudo');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(app.profileItem('sudo-box')).toBeVisible();

    const program = await readableCopy(AS_ROOT);
    const dialog = await app.fillLaunch('sudo-box', { program });
    await dialog.getByRole('button', { name: 'Launch' }).click();
    await app.trustHostKey();
    const login = page.getByRole('dialog', { name: 'Password' });
    await login.getByLabel(`Password for ${user.name}@127.0.0.1:`).fill(PASSWORD);
    await login.getByRole('button', { name: 'Log in' }).click();

    const sudo = page.getByRole('dialog', { name: 'sudo password' });
    await expect(sudo).toBeVisible();
    await expect(sudo).toContainText(`asks for the password of ${user.name}`);
    await sudo.getByLabel(`[sudo] password for ${user.name}`).fill('not-the-password');
    await sudo.getByRole('button', { name: 'Run as root' }).click();
    // Refused: asked again, saying why.
    await expect(sudo).toContainText('Sorry, try again');
    await snapBothSizes(page, '18-sudo-password-again');
    await sudo.getByLabel(`[sudo] password for ${user.name}`).fill(PASSWORD);
    await sudo.getByRole('button', { name: 'Run as root' }).click();
    await expect(sudo).toBeHidden();

    await expect.poll(() => app.consoleText(), { timeout: 60_000 }).toContain('euid 0 token');
    await app.console.click();
    await page.keyboard.type('as root');
    await page.keyboard.press('Enter');
    await expect.poll(() => app.consoleText()).toContain('read as root as 0');
    await snapBothSizes(page, '18-sudo-running-as-root');
    await expect(app.status).toContainText(/Ended/, { timeout: 30_000 });

    expect(await filesContaining(web.dataDir, PASSWORD)).toEqual([]);
    expect(web.log()).not.toContain(PASSWORD);
  } finally {
    await sshd.stop();
    await rm(SUDOERS, { force: true });
    await user.remove();
  }
});
