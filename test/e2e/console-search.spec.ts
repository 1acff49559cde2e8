/**
 * Search in the debug console, through the UI only: Ctrl+F in the console opens a find bar that
 * counts matches in the program's output and in evaluation results, scrollback included; Enter /
 * Shift+Enter move between them; Escape closes it and the keyboard is back on the console's input
 * line, with what was typed before and its history intact.
 */
import { resolve } from 'node:path';
import { expect, snap, test } from './fixtures.js';

const program = resolve('test/fixtures/programs/counter.py');
/** `total += step` in counter.py. */
const TOTAL_LINE = 14;

test('Ctrl+F in the debug console finds output and results across the scrollback', async ({
  app,
  sshd,
  page,
}) => {
  await app.createProfile({
    name: 'loopback',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
  const dialog = await app.fillLaunch('loopback', { program, args: '200' });
  await dialog.getByRole('button', { name: 'Launch' }).click();
  await app.trustHostKey();
  await expect(app.status).toContainText('Running');

  // Enough output that the first lines have scrolled out of the console, then pause: the output
  // stops at "step s-1" while the program waits at `total += step` with step = s.
  await expect.poll(() => app.consoleText(), { timeout: 30_000 }).toContain('step 20: total=210');
  await app.toggleBreakpoint(TOTAL_LINE);
  await expect(app.status).toContainText('Paused');
  await expect(app.variable('step')).toBeVisible();
  const step = Number(await app.variable('step').locator('.value').textContent());
  expect(step).toBeGreaterThan(20);
  const total = ((step - 1) * step) / 2;
  await expect(app.variable('total').locator('.value')).toHaveText(String(total));

  // An evaluation result with the word in it (its input line has not).
  await app.evaluateInConsole("'to' + 'tal='");
  await expect.poll(() => app.consoleText()).toContain("'total='");
  // Half an expression on the input line, then Ctrl+F from the console.
  await page.keyboard.type('tot');
  await expect.poll(() => app.consoleText()).toContain('>>> tot');
  await expect(app.consoleFind).toBeHidden();
  await page.keyboard.press('Control+f');
  await expect(app.consoleFind).toBeVisible();
  await expect(app.consoleFindBox).toBeFocused();

  // step-1 output lines and one result: more than the console shows at once.
  const matches = step;
  await page.keyboard.type('total=');
  await expect(app.consoleFind).toContainText(`1 of ${matches}`);
  // The first match is the program's first line, in the scrollback: the console scrolled to it.
  await expect.poll(() => app.consoleText()).toContain('step 1: total=1');
  const visible = (await app.consoleText()).split('total=').length - 1;
  expect(visible).toBeLessThan(matches);
  await snap(page, 'console-search-open');
  await app.console.screenshot({ path: 'screenshots/console-search-bar.png' });

  await page.keyboard.press('Enter');
  await expect(app.consoleFind).toContainText(`2 of ${matches}`);
  await page.keyboard.press('Shift+Enter');
  await expect(app.consoleFind).toContainText(`1 of ${matches}`);
  await page.keyboard.press('Shift+Enter');
  await expect(app.consoleFind).toContainText(`${matches} of ${matches}`);
  await expect.poll(() => app.consoleText()).toContain("'total='");
  await app.consoleFind.getByRole('button', { name: 'Next match' }).click();
  await expect(app.consoleFind).toContainText(`1 of ${matches}`);
  await app.consoleFindBox.fill('no such text');
  await expect(app.consoleFind).toContainText('No results');
  await app.consoleFindBox.fill('total=');
  await expect(app.consoleFind).toContainText(`of ${matches}`);

  // Escape: the bar goes, typing continues the input line ("tot" + "al * 1000").
  await page.keyboard.press('Escape');
  await expect(app.consoleFind).toBeHidden();
  await page.keyboard.type('al * 1000');
  await page.keyboard.press('Enter');
  await expect.poll(() => app.consoleText()).toContain(`>>> total * 1000\n${total * 1000}`);
  // History still answers the arrows.
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => app.consoleText()).toMatch(/>>> total \* 1000\s*$/);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => (await app.consoleText()).split(`\n${total * 1000}`).length - 1)
    .toBe(2);

  // Ctrl+F again: the bar comes back with the last query, and closes by its button.
  await app.console.locator('.xterm').click();
  await page.keyboard.press('Control+f');
  await expect(app.consoleFindBox).toBeFocused();
  await expect(app.consoleFindBox).toHaveValue('total=');
  await app.consoleFind.getByRole('button', { name: 'Close find' }).click();
  await expect(app.consoleFind).toBeHidden();
  await page.keyboard.type('step');
  await page.keyboard.press('Enter');
  await expect.poll(() => app.consoleText()).toContain(`>>> step\n${step}`);
  await snap(page, 'console-search-closed');
});
