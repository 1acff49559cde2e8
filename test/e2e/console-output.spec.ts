/**
 * Issue 3, "Remote output", in Chromium: a launched program's stdout and stderr reach the debug
 * console in the order written, stderr visibly distinct (red), the program's own ANSI colours
 * pass through, and the output stays after the program has ended.
 */
import { resolve } from 'node:path';
import { expect, snap, test } from './fixtures.js';

const program = resolve('test/fixtures/programs/colors.py');

test('program output: stderr in red, ANSI colours kept, still there after the end', async ({
  app,
  page,
  sshd,
}) => {
  await app.createProfile({
    name: 'colours',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
  // Few lines: xterm's DOM renderer holds only the rows on screen.
  const dialog = await app.fillLaunch('colours', { program, args: '3' });
  await dialog.getByRole('button', { name: 'Launch' }).click();
  await app.trustHostKey();
  await expect(app.status).toContainText('Ended', { timeout: 30_000 });
  await expect.poll(() => app.consoleText()).toContain('all done');

  const rows = app.console.locator('.xterm-rows');
  // xterm's DOM renderer marks palette colours as xterm-fg-<n>: 1 red, 2 green.
  await expect(rows.locator('span.xterm-fg-1', { hasText: 'trouble on stderr' })).toBeVisible();
  await expect(rows.locator('span.xterm-fg-2', { hasText: 'green text' })).toBeVisible();
  await expect(rows.locator('span.xterm-fg-1', { hasText: 'plain line' })).toHaveCount(0);
  const text = await app.consoleText();
  expect(text).toContain('plain line');
  expect(text).toContain('numbered 3');
  // In the order written, across the two streams, though written in one burst.
  expect(text.indexOf('plain line')).toBeLessThan(text.indexOf('trouble on stderr'));
  expect(text.indexOf('trouble on stderr')).toBeLessThan(text.indexOf('numbered 1'));
  expect(text.indexOf('numbered 1')).toBeLessThan(text.indexOf('all done'));
  await snap(page, '3-console-output');
});
