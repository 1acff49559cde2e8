/**
 * Issue 16, item 4: an exception filter ticked while the program runs says what it covers
 * (debugpy does not re-check functions already running) and offers Restart, after which the
 * program stops at the raised exception.
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const PROGRAM = resolve('test/fixtures/programs/breakpoint_demo.py');

test('a filter ticked mid-session explains itself; Restart catches the exception', async ({
  app,
  sshd,
  page,
}) => {
  await loopbackProfile(app, sshd);
  await launchProgram(app, PROGRAM, { args: '8 0.5' });
  await expect.poll(() => app.consoleText(), { timeout: 60_000 }).toContain('i=1');
  const filters = page.getByRole('group', { name: 'Exception breakpoints' });
  await filters.getByLabel('Raised Exceptions').check();
  const note = filters.getByRole('status');
  await expect(note).toContainText('debugpy does not re-check functions already running');
  await snapBothSizes(page, '16-4-exception-filter-note');

  await note.getByRole('button', { name: 'Restart' }).click();
  await expect(app.status).toContainText('value 5 is too big: ValueError', { timeout: 60_000 });
  await expect(app.currentLine()).toContainText('raise ValueError');
  await expect(note).toHaveCount(0);
  await filters.getByLabel('Raised Exceptions').uncheck();
});
