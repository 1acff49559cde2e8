/**
 * Jump hosts in the profile form, in Chromium (web mode), acting only through the UI: profile
 * "target" is set to go through profile "bastion" (a second real sshd) as its ProxyJump, a program
 * launched through "target" prints into the console, and the bastion's sshd saw the forward.
 */
import { resolve } from 'node:path';
import { expect, snap, test } from './fixtures.js';
import { startSshd, type TestSshd } from '../harness/sshd.js';

const counter = resolve('test/fixtures/programs/counter.py');

test('a profile goes through another profile as its jump host', async ({ app, page, sshd }) => {
  let bastion: TestSshd | undefined;
  try {
    bastion = await startSshd();
    await app.createProfile({
      name: 'bastion',
      host: bastion.host,
      port: bastion.port,
      user: bastion.user,
      keyPath: bastion.userKeyPath,
      python: '/usr/bin/python3',
    });
    await app.createProfile({
      name: 'target',
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      keyPath: sshd.userKeyPath,
      python: '/usr/bin/python3',
    });

    // Edit "target": one hop through the saved profile "bastion".
    await app.profileItem('target').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Profile' });
    const hops = form.getByRole('group', { name: 'Jump hosts' });
    await expect(hops).toContainText('None — connects directly.');
    await hops.getByRole('button', { name: 'Add jump host' }).click();
    const hop = hops.getByRole('group', { name: 'Jump host 1' });
    await expect(hop.getByLabel('Jump host via')).toHaveValue('profile');
    const choice = hop.getByLabel('Jump host profile');
    // The profile itself is not offered as its own jump host.
    await expect(choice.getByRole('option')).toHaveText([
      `bastion — ${bastion.user}@${bastion.host}:${bastion.port}`,
    ]);
    await choice.selectOption({
      label: `bastion — ${bastion.user}@${bastion.host}:${bastion.port}`,
    });

    // A second hop by address that is not an address: refused in the form, nothing saved.
    await hops.getByRole('button', { name: 'Add jump host' }).click();
    const second = hops.getByRole('group', { name: 'Jump host 2' });
    await second.getByLabel('Jump host via').selectOption('address');
    await second.getByLabel('Jump host address').fill('no-user-here');
    await second.getByLabel('Jump host authentication').selectOption('key');
    await expect(second.getByLabel('Jump host key file')).toHaveValue('~/.ssh/id_ed25519');
    await snap(page, '3-jump-hosts');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toHaveText(
      'Jump host 2: write the address as user@host or user@host:port.',
    );
    // Moved up, then removed: "bastion" is the only hop again.
    await second.getByRole('button', { name: 'Move jump host 2 up' }).click();
    await expect(
      hops.getByRole('group', { name: 'Jump host 1' }).getByLabel('Jump host address'),
    ).toHaveValue('no-user-here');
    await hops.getByRole('button', { name: 'Remove jump host 1' }).click();
    await expect(hops.getByRole('group')).toHaveCount(1);
    await expect(hops.getByLabel('Jump host profile')).toHaveValue(/.+/);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);

    // Reopened, the form shows the saved hop.
    await app.profileItem('target').getByRole('button', { name: 'Edit' }).click();
    await expect(
      form.getByRole('group', { name: 'Jump host 1' }).getByLabel('Jump host profile'),
    ).toHaveText(/bastion/);
    await expect(
      form
        .getByRole('group', { name: 'Jump host 1' })
        .getByLabel('Jump host profile')
        .locator('option:checked'),
    ).toHaveText(`bastion — ${bastion.user}@${bastion.host}:${bastion.port}`);
    await form.getByRole('button', { name: 'Cancel' }).click();

    // Launched through "target": both host keys asked for, bastion's first; output arrives.
    const dialog = await app.fillLaunch('target', { program: counter, args: '3' });
    await dialog.getByRole('button', { name: 'Launch' }).click();
    const hostKey = page.getByRole('dialog', { name: 'Unknown host key' });
    await expect(hostKey).toContainText(`${bastion.host}:${bastion.port}`);
    await app.trustHostKey();
    await expect(hostKey).toContainText(`${sshd.host}:${sshd.port}`);
    await app.trustHostKey();
    await expect.poll(() => app.consoleText(), { timeout: 20_000 }).toContain('done, total=6');
    expect(bastion.stderr()).toMatch(/Accepted publickey/);
  } finally {
    await bastion?.stop();
  }
});
