/**
 * A host known by a key of another type, in Chromium (web mode): the user's ~/.ssh/known_hosts
 * records an RSA key for the test sshd, which offers only ed25519. Launching shows the warning
 * dialog (OpenSSH's "keys of different type are already known for this host") with the recorded
 * RSA key, where it is written, and the new fingerprint; Cancel (focused) refuses the connection;
 * "Trust this new key anyway" records the new key and the launch proceeds.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generateKeyPair } from '../harness/sshd.js';
import { expect, snap, test } from './fixtures.js';

const execFileAsync = promisify(execFile);
const ticker = resolve('test/fixtures/programs/ticker.py');

async function keygenFingerprint(publicKeyPath: string): Promise<string> {
  const { stdout } = await execFileAsync('ssh-keygen', ['-lf', publicKeyPath]);
  return stdout.split(' ')[1] ?? '';
}

test('a new host key type for a known host is a warning; Cancel refuses, trusting records it', async ({
  app,
  page,
  sshd,
  web,
}) => {
  test.setTimeout(90_000);
  const sshDir = join(web.home, '.ssh');
  await mkdir(sshDir, { mode: 0o700 });
  const oldKey = await generateKeyPair(web.home, 'old_rsa_host_key', 'rsa');
  const knownHosts = join(sshDir, 'known_hosts');
  const knownText = `[${sshd.host}]:${sshd.port} ssh-rsa ${oldKey.publicKeyBlob.toString('base64')}\n`;
  await writeFile(knownHosts, knownText);
  const oldFingerprint = await keygenFingerprint(oldKey.publicKeyPath);
  const newFingerprint = await keygenFingerprint(`${sshd.hostKeyPath}.pub`);
  expect(newFingerprint).toMatch(/^SHA256:/);

  await app.createProfile({
    name: 'box',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
  const launch = await app.fillLaunch('box', { program: ticker, args: '400' });
  await launch.getByRole('button', { name: 'Launch' }).click();

  const dialog = page.getByRole('dialog', { name: 'Host key of a different type' });
  await expect(dialog).toBeVisible();
  const warning = dialog.getByTestId('host-key-type-warning');
  await expect(warning).toContainText('Keys of a different type are already known for this host');
  const known = warning.getByRole('list', { name: 'Keys already known for this host' });
  await expect(known).toContainText('ssh-rsa');
  await expect(known).toContainText(oldFingerprint);
  await expect(known).toContainText(`${knownHosts} line 1`);
  await expect(dialog.getByTestId('host-key-fingerprint')).toHaveText(newFingerprint);
  await expect(dialog).toContainText('ssh-ed25519');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expect(dialog.getByRole('button', { name: 'Trust this new key anyway' })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Trust and connect' })).toHaveCount(0);
  await snap(page, 'host-key-other-type-warning');

  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(launch.getByRole('alert')).toContainText(
    `keys of other types are recorded for it: ssh-rsa in ${knownHosts} line 1`,
  );
  await expect(launch.getByRole('alert')).toContainText('was not accepted');
  // No retry, and no preflight asking the same question again right after the "no".
  await page.waitForTimeout(1500);
  await expect(dialog).toBeHidden();
  await snap(page, 'host-key-other-type-refused');
  expect(await readFile(knownHosts, 'utf8')).toBe(knownText);
  await expect(readFile(join(web.dataDir, 'known_hosts'))).rejects.toThrow(/ENOENT/);

  // Asked again next time (nothing was remembered); this time the user trusts the new key.
  await launch.getByRole('button', { name: 'Launch' }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Trust this new key anyway' }).click();
  await expect(app.status).toContainText('Running', { timeout: 30_000 });
  expect(await readFile(join(web.dataDir, 'known_hosts'), 'utf8')).toBe(
    `${sshd.knownHostsLine()}\n`,
  );
  expect(await readFile(knownHosts, 'utf8')).toBe(knownText);
});

test('a first visit stays the plain trust-on-first-use question, with no warning', async ({
  app,
  page,
  sshd,
}) => {
  await app.createProfile({
    name: 'fresh',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
  const launch = await app.fillLaunch('fresh', { program: ticker, args: '400' });
  await launch.getByRole('button', { name: 'Launch' }).click();
  const dialog = page.getByRole('dialog', { name: 'Unknown host key' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Periscope has never connected to');
  await expect(dialog.getByTestId('host-key-type-warning')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Trust this new key anyway' })).toHaveCount(0);
  await expect(dialog.getByTestId('host-key-fingerprint')).toHaveText(
    await keygenFingerprint(`${sshd.hostKeyPath}.pub`),
  );
  await snap(page, 'host-key-first-visit');
  expect(await app.trustHostKey()).toMatch(/^SHA256:/);
  await expect(app.status).toContainText('Running', { timeout: 30_000 });
});
