/**
 * A jump host that logs in with a password, in Chromium (web mode), acting only through the UI:
 * profile "behind-bastion" gets a hop by address `<test user>@127.0.0.1:<bastion port>` with
 * Password (the bastion, a second real sshd, accepts only passwords). Launching asks the bastion's
 * host key, then the hop's password (naming jump host 1), then the target's host key; the program
 * runs, the bastion logged the password login, and the password (a canary) is in no file of the
 * data directory nor in the log (web mode keeps no secrets).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { filesContaining } from '../harness/files-containing.js';
import { createTestUser, startSshd, type TestSshd } from '../harness/sshd.js';
import { expect, snap, test } from './fixtures.js';

const counter = resolve('test/fixtures/programs/counter.py');
const CANARY = 'canary-jump-Pw-5183';

test('a jump host by address logs in with a password asked for when connecting', async ({
  app,
  page,
  sshd,
  web,
}) => {
  const user = await createTestUser('periscope-jump-e2e', CANARY);
  let bastion: TestSshd | undefined;
  try {
    bastion = await startSshd({
      overrides: ['PasswordAuthentication yes', 'PubkeyAuthentication no'],
    });
    const hopAddress = `${user.name}@127.0.0.1:${bastion.port}`;
    await app.createProfile({
      name: 'behind-bastion',
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      keyPath: sshd.userKeyPath,
      python: '/usr/bin/python3',
    });

    // One hop by address (there is no other profile, so the new row is an address).
    await app.profileItem('behind-bastion').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Profile' });
    const hops = form.getByRole('group', { name: 'Jump hosts' });
    await hops.getByRole('button', { name: 'Add jump host' }).click();
    const hop = hops.getByRole('group', { name: 'Jump host 1' });
    await expect(hop.getByLabel('Jump host via')).toHaveValue('address');
    await hop.getByLabel('Jump host address').fill(hopAddress);
    const auth = hop.getByLabel('Jump host authentication');
    await expect(auth.getByRole('option')).toHaveText([
      'SSH agent',
      'Key file',
      'Password',
      'Keyboard-interactive',
    ]);
    await auth.selectOption('key');
    await expect(hop.getByLabel('Jump host key file')).toBeVisible();
    await auth.selectOption('keyboard-interactive');
    await expect(hop.getByLabel('Jump host key file')).toHaveCount(0);
    await expect(hop).toContainText("The server's questions are asked when connecting");
    await auth.selectOption('password');
    await expect(hop.getByLabel('Jump host key file')).toHaveCount(0);
    await expect(hop).toContainText(
      'The password is asked for when connecting, never saved in the profile.',
    );
    await snap(page, '3-jump-host-password-form');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);

    // Reopened, the form shows the saved hop with Password.
    await app.profileItem('behind-bastion').getByRole('button', { name: 'Edit' }).click();
    const saved = form.getByRole('group', { name: 'Jump host 1' });
    await expect(saved.getByLabel('Jump host address')).toHaveValue(hopAddress);
    await expect(saved.getByLabel('Jump host authentication')).toHaveValue('password');
    await form.getByRole('button', { name: 'Cancel' }).click();

    // Launch: bastion's host key, the hop's password, then the target's host key.
    const dialog = await app.fillLaunch('behind-bastion', { program: counter, args: '3' });
    await dialog.getByRole('button', { name: 'Launch' }).click();
    const hostKey = page.getByRole('dialog', { name: 'Unknown host key' });
    await expect(hostKey).toContainText(`${bastion.host}:${bastion.port}`);
    await app.trustHostKey();

    const prompt = page.getByRole('dialog', { name: 'Password for jump host 1' });
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText(`Logging in to jump host 1, ${hopAddress}`);
    await expect(prompt).toContainText('you are asked again next time');
    await expect(prompt.getByLabel('Remember')).toHaveCount(0);
    const field = prompt.getByLabel(`Password for ${user.name}@127.0.0.1:`);
    await expect(field).toHaveAttribute('type', 'password');
    await field.fill(CANARY);
    await snap(page, '3-jump-host-password-prompt');
    await prompt.getByRole('button', { name: 'Log in' }).click();

    await expect(hostKey).toContainText(`${sshd.host}:${sshd.port}`);
    await app.trustHostKey();
    await expect(app.status).toContainText('Running');
    await expect.poll(() => app.consoleText(), { timeout: 20_000 }).toContain('done, total=6');
    expect(bastion.stderr()).toMatch(new RegExp(`Accepted password for ${user.name}`));

    // The profile keeps the hop and its auth kind, never the password.
    const profiles = await readFile(join(web.dataDir, 'profiles.json'), 'utf8');
    expect(profiles).not.toContain(CANARY);
    const file = JSON.parse(profiles) as { profiles: { jumpHosts: unknown[] }[] };
    expect(file.profiles[0]?.jumpHosts).toEqual([
      {
        kind: 'address',
        host: '127.0.0.1',
        port: bastion.port,
        user: user.name,
        auth: { kind: 'password' },
      },
    ]);
    expect(await filesContaining(web.dataDir, CANARY)).toEqual([]);
    expect(web.log()).not.toContain(CANARY);
  } finally {
    // Cut the hop's connection so no process of the test user is left when it is removed.
    await bastion?.dropSessions();
    await bastion?.stop();
    await user.remove();
  }
});
