/**
 * Issue 16, item 10: a click on a Variables row opens it (not only its twisty), and the rows a
 * person opened stay open after the program stops again, showing the new values.
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const PROGRAM = resolve('test/fixtures/programs/nested_state.py');
const LOOP =
  readFileSync(PROGRAM, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('# loop line')) + 1;

test('a row opens on a click and stays open across stops', async ({ app, sshd, page }) => {
  await loopbackProfile(app, sshd);
  await app.openFile(PROGRAM);
  await app.toggleBreakpoint(LOOP);
  await launchProgram(app, PROGRAM);
  await expect(app.status).toContainText('Paused', { timeout: 60_000 });

  // A click on the name opens the row.
  await app.variable('state').locator('.name').click();
  await expect(app.variable('state')).toHaveAttribute('aria-expanded', 'true');
  await app.variable("'config'").locator('.name').click();
  await expect(app.variable("'retries'").locator('.value')).toHaveText('3');

  // Stopped again (next loop turn): the same rows are open, with the new values.
  await page.getByRole('button', { name: 'Continue (F5)' }).click();
  await expect(app.variable('i').locator('.value')).toHaveText('1');
  await expect(app.variable('state')).toHaveAttribute('aria-expanded', 'true');
  await expect(app.variable("'config'")).toHaveAttribute('aria-expanded', 'true');
  await expect(app.variable("'retries'").locator('.value')).toHaveText('3');
  await expect(app.variable("'count'").locator('.value')).toHaveText('0');
  await page.getByRole('button', { name: 'Step over (F10)' }).click();
  await page.getByRole('button', { name: 'Step over (F10)' }).click();
  await expect(app.variable("'retries'").locator('.value')).toHaveText('4');
  await expect(app.variable("'count'").locator('.value')).toHaveText('1');
  await snapBothSizes(page, '16-10-variables-stay-open');

  // Closed by a click: it stays closed at the next stop.
  await app.variable('state').locator('.name').click();
  await expect(app.variable("'config'")).toHaveCount(0);
  await page.getByRole('button', { name: 'Continue (F5)' }).click();
  await expect(app.variable('i').locator('.value')).toHaveText('2');
  await expect(app.variable('state')).toHaveAttribute('aria-expanded', 'false');
});
