/**
 * Issue 16, item 3: a program Periscope launched reads what is typed in the console while it
 * runs: `input()` gets the line, and Ctrl+D ends its input.
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const PROGRAM = resolve('test/fixtures/programs/ask_name.py');

test('input() gets the line typed in the console; Ctrl+D ends the input', async ({
  app,
  sshd,
  page,
}) => {
  await loopbackProfile(app, sshd);
  await launchProgram(app, PROGRAM);
  await expect.poll(() => app.consoleText(), { timeout: 60_000 }).toContain('Name:');
  await expect.poll(() => app.consoleText()).toContain('Program input: Enter sends a line');
  await app.console.click();
  await page.keyboard.type('Ada');
  await page.keyboard.press('Enter');
  await expect.poll(() => app.consoleText()).toContain('hello Ada');
  await page.keyboard.type('more input');
  await page.keyboard.press('Enter');
  await expect.poll(() => app.consoleText()).toContain('got more input');
  await snapBothSizes(page, '16-3-stdin');
  await app.console.click();
  await page.keyboard.press('Control+d');
  await expect.poll(() => app.consoleText()).toContain('eof');
  await expect(app.status).toContainText(/Ended/, { timeout: 30_000 });
});
