/**
 * Issue 16, item 6: launching a program file that does not exist says so, naming the file and
 * the directory it was looked for in, and starts no session (it used to start one that died
 * with a 15-line traceback from inside debugpy). Fixing the path then launches.
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const MISSING = resolve('test/fixtures/programs/no_such_program.py');
const TICKER = resolve('test/fixtures/programs/ticker.py');

test('a program file that does not exist is named, and no session starts', async ({
  app,
  sshd,
  page,
}) => {
  await loopbackProfile(app, sshd);
  await launchProgram(app, MISSING);
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('alert')).toContainText(
    `The program file "${MISSING}" does not exist on 127.0.0.1`,
    { timeout: 30_000 },
  );
  await expect(dialog.getByRole('alert')).not.toContainText('Traceback');
  await expect(page.getByRole('list', { name: 'Sessions' }).locator('button.row')).toHaveCount(0);
  await snapBothSizes(page, '16-6-missing-program');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await launchProgram(app, TICKER, { args: '100', trust: false });
  await expect(app.status).toContainText('Running', { timeout: 30_000 });
});
