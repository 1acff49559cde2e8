/**
 * Issue 16, items 9 and 8: the editor has Go to Line (Ctrl+G) and Find (Ctrl+F); "Open file"
 * takes `path:line`; a newly opened file starts at its top; and a path that cannot be read after
 * the session ended says why, not that an SSH connection "is reconnecting".
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const JSON_INIT = '/usr/lib/python3.11/json/__init__.py';
const DECODER = '/usr/lib/python3.11/json/decoder.py';
const QUICK = resolve('test/fixtures/programs/step_print.py');

test('go to line, find, path:line, a new file at its top, and a clear error after the end', async ({
  app,
  sshd,
  page,
}) => {
  const line = (text: string) => app.sourceView.locator('.cm-line', { hasText: text }).first();

  // path:line: the file opens with that line in view and selected.
  await page.getByRole('textbox', { name: 'Open file' }).fill(`${JSON_INIT}:299`);
  await page.getByRole('button', { name: 'Open file' }).click();
  await expect(line('def loads(s, *, cls=None')).toBeInViewport();
  await expect(line('def loads(s, *, cls=None')).toHaveClass(/cm-line/);

  // Ctrl+G: the Go to line dialog; 120 → that line in view.
  await page.keyboard.press('Control+g');
  const goto = app.sourceView.locator('.cm-goto-line input[name=line]');
  await expect(goto).toBeFocused();
  await goto.fill('120');
  await goto.press('Enter');
  await expect(line('def dump(obj, fp, *, skipkeys=False')).toBeInViewport();

  // Ctrl+F: the search panel; Enter finds the next match.
  await app.sourceView.locator('.cm-content').click();
  await page.keyboard.press('Control+f');
  const find = page.getByRole('textbox', { name: 'Find' });
  await expect(find).toBeFocused();
  await find.pressSequentially('JSONDecodeError');
  await find.press('Enter');
  await expect(app.sourceView.locator('.cm-searchMatch-selected')).toBeInViewport();
  await snapBothSizes(page, '16-9-editor-find');
  await page.keyboard.press('Escape');

  // Another long file opens at its top, not where the last one was scrolled to.
  await page.getByRole('textbox', { name: 'Open file' }).fill(DECODER);
  await page.getByRole('button', { name: 'Open file' }).click();
  await expect(line('"""Implementation of JSONDecoder')).toBeInViewport();

  // After a session ended: a path on neither machine says so plainly.
  await loopbackProfile(app, sshd);
  await launchProgram(app, QUICK);
  await expect(
    page.getByRole('list', { name: 'Sessions' }).locator('button.row', { hasText: 'Ended' }),
  ).toHaveCount(1, { timeout: 60_000 });
  await page.getByRole('textbox', { name: 'Open file' }).fill('/nowhere/app.py');
  await page.getByRole('button', { name: 'Open file' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Could not open the file' });
  await expect(alert).toContainText('/nowhere/app.py was not found');
  await expect(alert).toContainText('has ended; open it while a session on that machine runs');
  await expect(alert).not.toContainText('reconnecting');
});
