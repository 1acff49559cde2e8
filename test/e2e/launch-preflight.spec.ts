/**
 * Issue 3's "Preflight before a launch or attach": Launch runs the checks by itself first, so a
 * profile whose Python does not exist on the machine is stopped before anything starts, with the
 * failed check named and the fix shown; once fixed, Launch goes through (the checks passing on
 * the way) and a password profile is asked its password once for both.
 */
import { resolve } from 'node:path';
import { expect, snap, test } from './fixtures.js';

const ticker = resolve('test/fixtures/programs/ticker.py');

test('Launch runs the preflight first and stops on a missing interpreter, naming it', async ({
  app,
  page,
  sshd,
}) => {
  await app.createProfile({
    name: 'wrong python',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/opt/nowhere/bin/python3',
  });
  const dialog = await app.fillLaunch('wrong python', { program: ticker, args: '5' });
  await dialog.getByRole('button', { name: 'Launch' }).click();
  await app.trustHostKey();
  await expect(dialog.getByRole('alert')).toContainText(
    'Remote Python: "/opt/nowhere/bin/python3" was not found on the remote machine',
  );
  const checks = dialog.getByRole('region', { name: 'Preflight checks' });
  await expect(checks.locator('[data-check="python"]')).toContainText('not found');
  await expect(checks).toContainText("Set the profile's Python to an interpreter that exists");
  await snap(page, '3-preflight-before-launch');
  // Nothing was started.
  await expect(page.getByRole('list', { name: 'Sessions' })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Fixed: the same Launch goes through, checks and all.
  await app.profileItem('wrong python').getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Profile' });
  await form.getByLabel('Python interpreter').fill('/usr/bin/python3');
  await form.getByRole('button', { name: 'Save' }).click();
  const again = await app.fillLaunch('wrong python', { program: ticker, args: '100' });
  await again.getByRole('button', { name: 'Launch' }).click();
  await expect(app.status).toContainText('Running', { timeout: 30_000 });
});
