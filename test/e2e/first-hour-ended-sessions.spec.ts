/**
 * Issue 16, item 7 (and issue 17, item 4): ended sessions no longer pile up. An ended program is
 * removed from the list with the × on its row, or every ended one with the Sessions header's trash;
 * the relay forgets them (a reload does not bring them back), and a live session stays.
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, panel, snapBothSizes } from './first-hour-helpers.js';

const QUICK = resolve('test/fixtures/programs/step_print.py');
const TICKER = resolve('test/fixtures/programs/ticker.py');

test('ended sessions are removed one by one or all at once; a live one stays', async ({
  app,
  sshd,
  page,
}) => {
  await loopbackProfile(app, sshd);
  const rows = page.getByRole('list', { name: 'Sessions' }).locator('button.row');
  for (let i = 0; i < 3; i++) {
    await launchProgram(app, QUICK, { trust: i === 0 });
    await expect(rows.filter({ hasText: 'Ended' })).toHaveCount(i + 1, { timeout: 60_000 });
  }
  await launchProgram(app, TICKER, { args: '100000', trust: false });
  await expect(rows.filter({ hasText: 'Running' })).toHaveCount(1, { timeout: 60_000 });
  await expect(rows).toHaveCount(4);
  await rows.filter({ hasText: 'Ended' }).first().hover();
  await snapBothSizes(page, '16-7-ended-sessions');

  // One by one: the × of the newest ended program.
  await rows.filter({ hasText: 'Ended' }).first().hover();
  await page
    .getByRole('button', { name: /^Remove .*step_print\.py from the list$/ })
    .first()
    .click();
  await expect(rows.filter({ hasText: 'Ended' })).toHaveCount(2);

  // All at once; the live program stays, and so does what it prints.
  await panel(page, 'Sessions').getByRole('button', { name: 'Remove ended sessions' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Running');
  await expect(
    panel(page, 'Sessions').getByRole('button', { name: 'Remove ended sessions' }),
  ).toBeDisabled();
  await snapBothSizes(page, '16-7-ended-sessions-removed');

  // The relay forgot them: a reload lists only the live session.
  await page.reload();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Running');
});
