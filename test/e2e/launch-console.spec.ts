/**
 * Issue 18, launch.json's `console`: chosen in the profile form (Console: integratedTerminal),
 * a program launched over the real sshd runs in a terminal on that machine, and what is typed in
 * the console tab reaches it key by key (Chromium, web mode): `input()` with the terminal's own
 * line editing, keys in cbreak mode, the console's size and its changes; paused at a breakpoint,
 * the console evaluates in the frame again. A curses program draws its screen in the tab.
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import type { Page } from '@playwright/test';
import {
  WINDOW_SIZES,
  launchProgram,
  loopbackProfile,
  snapBothSizes,
} from './first-hour-helpers.js';
import { snap } from './fixtures.js';
import type { PeriscopePage } from './pages/periscope-page.js';

const TERMINAL_IO = resolve('test/fixtures/programs/console/terminal_io.py');
/** `answer = len(name)` in terminal_io.py. */
const ANSWER_LINE = 26;
const CURSES_APP = resolve('test/fixtures/programs/console/curses_app.py');

/** Sets the `loopback` profile's Console to `mode` in its form (and looks at the form). */
async function useConsole(app: PeriscopePage, page: Page, mode: string, shot?: string) {
  await app.profileItem('loopback').getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Profile' });
  await form.getByLabel('Console').selectOption(mode);
  await expect(form).toContainText('Specifies how program output is displayed');
  if (shot) {
    await form.getByLabel('Console').scrollIntoViewIfNeeded();
    await snapBothSizes(page, shot);
  }
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();
}

test('integratedTerminal: keys typed in the console reach a program in a terminal', async ({
  app,
  sshd,
  page,
}) => {
  await loopbackProfile(app, sshd);
  await useConsole(app, page, 'integratedTerminal', '18-console-profile-form');
  await launchProgram(app, TERMINAL_IO);
  await expect.poll(() => app.consoleText(), { timeout: 60_000 }).toContain('Your name?');
  const text = await app.consoleText();
  expect(text).toContain('isatty True True True');
  // The terminal started at the console's own size, not a default 80x24.
  const started = /size (\d+)x(\d+)/.exec(text);
  expect(started).not.toBeNull();
  expect(`${started?.[1]}x${started?.[2]}`).not.toBe('80x24');
  const badge = page.getByTestId('terminal-badge');
  await expect(badge).toHaveText(/keys go to the program/);
  // No prompt of the console's over the program's screen.
  expect(text).not.toContain('stdin>');
  await snapBothSizes(page, '18-console-terminal-running');

  // A breakpoint after the keys, set while the program waits for its input.
  await app.toggleBreakpoint(ANSWER_LINE);
  await expect(app.breakpointMarker(ANSWER_LINE)).toBeVisible();

  // A bigger window: the console grows and the program's terminal with it (SIGWINCH).
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.waitForTimeout(600);
  await app.console.locator('.xterm').click();
  // The terminal's line editing: Backspace erases the x before Enter sends the line.
  await page.keyboard.type('Adx');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('a');
  await page.keyboard.press('Enter');
  await expect.poll(() => app.consoleText()).toContain('hello Ada');
  const resized = /resized (\d+)x(\d+)/.exec(await app.consoleText());
  expect(resized).not.toBeNull();
  expect(Number(resized?.[1])).toBeGreaterThan(Number(started?.[1]));

  // cbreak: each key as it is pressed, Ctrl+D a key like any other.
  await expect.poll(() => app.consoleText()).toContain('press two keys');
  await page.keyboard.type('q');
  await page.keyboard.press('Control+d');
  await expect.poll(() => app.consoleText()).toContain("keys b'q\\x04'");
  await snapBothSizes(page, '18-console-terminal-typed');

  // Paused at the breakpoint: the console evaluates in the frame, and says so.
  await expect(app.status).toContainText('Paused', { timeout: 30_000 });
  await expect(badge).toHaveText(/paused: Enter evaluates/);
  await app.evaluateInConsole('name * 2');
  await expect.poll(() => app.consoleText()).toContain("'AdaAda'");
  await snapBothSizes(page, '18-console-terminal-paused');
  await app.pressKey('F5');
  await expect.poll(() => app.consoleText(), { timeout: 30_000 }).toContain('done 3');
  await expect(app.status).toContainText(/Ended/, { timeout: 30_000 });
  await expect(badge).toBeHidden();
});

test('externalTerminal: a curses program draws in the console tab and reads its keys', async ({
  app,
  sshd,
  page,
}) => {
  await loopbackProfile(app, sshd);
  await useConsole(app, page, 'externalTerminal');
  await launchProgram(app, CURSES_APP);
  await expect.poll(() => app.consoleText(), { timeout: 60_000 }).toContain('press keys, q quits');
  await expect.poll(() => app.consoleText()).toMatch(/curses \d+x\d+/);
  await app.console.locator('.xterm').click();
  await page.keyboard.type('a');
  await expect.poll(() => app.consoleText()).toContain('got 97');
  // At each window size the program is told its terminal's new size and redraws (KEY_RESIZE).
  const drawnSize = async (): Promise<string> =>
    /curses (\d+x\d+)/.exec(await app.consoleText())?.[1] ?? '';
  const before = page.viewportSize();
  let shown = await drawnSize();
  for (const size of WINDOW_SIZES) {
    await page.setViewportSize(size);
    await expect.poll(drawnSize).not.toBe(shown);
    shown = await drawnSize();
    await expect.poll(() => app.consoleText()).toContain('got 97');
    await snap(page, `18-console-curses-${size.width}x${size.height}`);
  }
  if (before) await page.setViewportSize(before);
  await app.console.locator('.xterm').click();
  await page.keyboard.type('q');
  await expect.poll(() => app.consoleText(), { timeout: 30_000 }).toContain('curses keys [97]');
  await expect(app.status).toContainText(/Ended/, { timeout: 30_000 });
});
