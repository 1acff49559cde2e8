/**
 * Password authentication through the UI in web mode: the profile editor offers it, the relay asks
 * for the password after the host key, the program runs, and the password (a canary) is nowhere
 * in the data directory or the log afterwards (web mode keeps no secrets).
 */
import { resolve } from 'node:path';
import { readableCopy } from '../harness/readable-copy.js';
import { filesContaining } from '../harness/files-containing.js';
import { createTestUser, startSshd } from '../harness/sshd.js';
import { expect, snap, test } from './fixtures.js';

const counter = resolve('test/fixtures/programs/counter.py');
const CANARY = 'canary-e2e-Pw-4417';

test('connect with a password asked for after the host key; no secret kept', async ({
  app,
  page,
  web,
}) => {
  const user = await createTestUser('periscope-e2e', CANARY);
  const sshd = await startSshd({ overrides: ['PasswordAuthentication yes'] });
  try {
    await page.getByRole('button', { name: 'New profile' }).click();
    const form = page.getByRole('form', { name: 'Profile' });
    await form.getByLabel('Name', { exact: true }).fill('password-box');
    await form.getByLabel('Host', { exact: true }).fill(sshd.host);
    await form.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await form.getByLabel('User', { exact: true }).fill(user.name);
    await form.getByLabel('Authentication').selectOption('password');
    await form.getByLabel('Python interpreter').fill('/usr/bin/python3');
    await expect(form.getByLabel('Private key file')).toHaveCount(0);
    await snap(page, '3-profile-editor-password');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(app.profileItem('password-box')).toBeVisible();

    // The program runs as the test user, who may not enter the clone's directory.
    const program = await readableCopy(counter);
    const dialog = await app.fillLaunch('password-box', { program, args: '5' });
    await dialog.getByRole('button', { name: 'Launch' }).click();
    await snap(page, '3-host-key-prompt');
    await app.trustHostKey();

    const prompt = page.getByRole('dialog', { name: 'Password' });
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText(`${user.name}@127.0.0.1:${sshd.port}`);
    await expect(prompt).toContainText('you are asked again next time');
    await expect(prompt.getByLabel('Remember')).toHaveCount(0);
    const field = prompt.getByLabel(`Password for ${user.name}@127.0.0.1:`);
    await expect(field).toHaveAttribute('type', 'password');
    await field.fill(CANARY);
    await snap(page, '3-password-prompt');
    await prompt.getByRole('button', { name: 'Log in' }).click();

    // One question for the checks and the launch together.
    await expect(app.status).toContainText('Running');
    await expect(prompt).toBeHidden();
    await expect.poll(() => app.consoleText()).toContain('step 1: total=1');
    // Let the program end, so the test user has no process left when it is removed.
    await expect.poll(() => app.consoleText()).toContain('done, total=15');

    expect(await filesContaining(web.dataDir, CANARY)).toEqual([]);
    expect(web.log()).not.toContain(CANARY);
  } finally {
    await sshd.stop();
    await user.remove();
  }
});
