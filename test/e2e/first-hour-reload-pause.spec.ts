/**
 * Issue 16, items 11 and 12: Pause while the program sits in a blocking call says it is waiting
 * (pydevd pauses when Python runs again); after a browser reload the running session is shown
 * again and Restart works; the launch dialog names a module "Module" and keeps it apart from the
 * file path.
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const SLEEPER = resolve('test/fixtures/programs/blocking_sleep.py');

test('pause in a blocking call, reload, restart; the module field', async ({ app, sshd, page }) => {
  await loopbackProfile(app, sshd);
  await launchProgram(app, SLEEPER);
  await expect.poll(() => app.consoleText(), { timeout: 60_000 }).toContain('sleeping');
  await page.getByRole('button', { name: 'Pause (F6)' }).click();
  await expect(app.status).toContainText('Pausing… waits for the program to run Python code again');
  await snapBothSizes(page, '16-12-pausing');

  // Reload: the running session is the one shown, and Restart is there.
  await page.reload();
  const rows = page.getByRole('list', { name: 'Sessions' }).locator('button.row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('aria-current', 'true');
  const restart = page.getByRole('button', { name: /^Restart/ });
  await expect(restart).toBeEnabled();
  await restart.click();
  await expect(rows.filter({ hasText: /Running/ })).toHaveCount(1, { timeout: 60_000 });
  await expect(rows.filter({ hasText: 'Ended' })).toHaveCount(1);
  await expect.poll(() => app.consoleText(), { timeout: 60_000 }).toContain('sleeping');

  // The launch dialog: a module is asked for as a module, apart from the file path.
  await app.profileItem('loopback').getByRole('button', { name: 'Launch…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Launch program' });
  await dialog.getByLabel('Program', { exact: true }).fill(SLEEPER);
  await dialog.getByLabel('Run').selectOption('module');
  await expect(dialog.getByLabel('Module', { exact: true })).toHaveValue('');
  await expect(dialog.getByLabel('Program', { exact: true })).toHaveCount(0);
  await dialog.getByLabel('Module', { exact: true }).fill('http.server');
  await dialog.getByLabel('Run').selectOption('file');
  await expect(dialog.getByLabel('Program', { exact: true })).toHaveValue(SLEEPER);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});
