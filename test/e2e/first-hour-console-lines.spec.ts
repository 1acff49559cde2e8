/**
 * Issue 16, item 5: the console says when it shows only its last lines, can keep more, and saves
 * everything it holds as a file (it used to drop lines silently).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const PROGRAM = resolve('test/fixtures/programs/many_lines.py');

test('the console says what it dropped, keeps more on request and saves its output', async ({
  app,
  sshd,
  page,
}) => {
  await loopbackProfile(app, sshd);
  await launchProgram(app, PROGRAM, { args: '12000 120' });
  const bar = page.getByRole('group', { name: 'Console output' });
  await expect(bar.getByRole('status')).toHaveText(/^Showing the last 5,000 of 12,0\d\d lines$/, {
    timeout: 60_000,
  });
  await snapBothSizes(page, '16-5-console-lines');

  // Keep more: the whole output fits again.
  await bar.getByRole('combobox', { name: 'Lines the console keeps' }).selectOption('20000');
  await expect(bar.getByRole('status')).toHaveCount(0);

  // Save output: every line, in order, without colours.
  const download = page.waitForEvent('download');
  await bar.getByRole('button', { name: 'Save output' }).click();
  const file = await (await download).path();
  const text = await readFile(file, 'utf8');
  expect(text.startsWith('line 000001\n')).toBe(true);
  expect(text).toContain('line 012000\nall printed\n');
  expect(text.split('\n').filter((l) => l.startsWith('line ')).length).toBe(12000);
  expect(text).not.toContain('\x1b');
  await bar.getByRole('combobox', { name: 'Lines the console keeps' }).selectOption('5000');
});
