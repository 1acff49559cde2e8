/**
 * Execution control, inspection and console, end to end in Chromium against web mode with a real
 * sshd and debugpy, acting only through the UI: threads each with their own stack, setting a
 * variable in place, run to cursor, a one-million-item list paged in the variables view, console
 * completions and history.
 */
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, snap, test } from './fixtures.js';
import type { PeriscopePage } from './pages/periscope-page.js';
import type { TestSshd } from '../harness/sshd.js';

const threadsProgram = resolve('test/fixtures/programs/threads.py');
const CHECKPOINT_LINE = 23;
const bigData = resolve('test/fixtures/programs/big_data.py');
const COUNTER_LINE = 18;
const ADD_SCALE_LINE = 20;
const RESULT_LINE = 21;

/** Creates a profile, opens `program`, sets breakpoints on `lines`, launches and trusts the key. */
async function launchStopped(
  app: PeriscopePage,
  sshd: TestSshd,
  program: string,
  lines: number[],
  args = '',
): Promise<void> {
  await app.createProfile({
    name: 'loopback',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
  await app.openFile(program);
  for (const line of lines) {
    await app.scrollSourceToLine(line);
    await app.toggleBreakpoint(line);
  }
  const dialog = await app.fillLaunch('loopback', { program, args });
  await dialog.getByRole('button', { name: 'Launch' }).click();
  await app.trustHostKey();
  await expect(app.status).toContainText('Paused', { timeout: 60_000 });
}

function variableValue(app: PeriscopePage, name: string) {
  return app.variable(name).first().locator('.value');
}

async function consoleType(page: Page, app: PeriscopePage, text: string): Promise<void> {
  await app.console.locator('.xterm').click();
  await page.keyboard.type(text);
}

test('threads: every thread listed, any one expanded to its own stack', async ({
  app,
  sshd,
  page,
}) => {
  await launchStopped(app, sshd, threadsProgram, [CHECKPOINT_LINE]);
  const threads = page.getByTestId('thread');
  for (const name of ['MainThread', 'worker-0', 'worker-1', 'worker-2']) {
    await expect(threads.filter({ hasText: name })).toHaveCount(1);
  }
  // The selected thread is the one that stopped, expanded with its stack.
  const main = page.getByRole('treeitem', { name: 'Thread MainThread' });
  await expect(main).toHaveAttribute('aria-selected', 'true');
  await expect(main.getByTestId('stack-frame').first()).toContainText('main');
  await expect(main.getByTestId('stack-frame').first()).toContainText(
    `threads.py:${CHECKPOINT_LINE}`,
  );

  // Expand a worker: its own stack loads, the stopped thread stays selected.
  await page.getByRole('button', { name: 'Expand thread worker-1' }).click();
  const worker = page.getByRole('treeitem', { name: 'Thread worker-1' });
  await expect(worker.getByTestId('stack-frame').filter({ hasText: 'work' })).toBeVisible();
  await expect(main).toHaveAttribute('aria-selected', 'true');
  await snap(page, '4b-threads');

  // Choose the worker's `work` frame: it becomes the selected thread; its locals show.
  await worker.getByTestId('stack-frame').filter({ hasText: 'work' }).first().click();
  await expect(worker).toHaveAttribute('aria-selected', 'true');
  await expect(variableValue(app, 'index')).toHaveText('1');
  await expect(app.currentLine()).toContainText(/release.is_set|time.sleep/);
  await snap(page, '4b-threads-worker-selected');
});

test('set a variable in place, and page through a million-item list', async ({
  app,
  sshd,
  page,
}) => {
  await launchStopped(app, sshd, bigData, [ADD_SCALE_LINE]);
  await expect(variableValue(app, 'counter')).toHaveText('3');

  // Set value: double-click, type, Enter. A watch on it follows.
  await app.addWatch('counter * 2');
  await expect(app.watch('counter * 2')).toContainText('6');
  await variableValue(app, 'counter').dblclick();
  const input = page.getByRole('textbox', { name: 'New value of counter' });
  await input.fill('not valid +');
  await input.press('Enter');
  await expect(page.getByRole('alert')).toContainText('SyntaxError');
  await snap(page, '4b-set-variable-error');
  await input.fill('40 + 2');
  await input.press('Enter');
  await expect(variableValue(app, 'counter')).toHaveText('42');
  await expect(app.watch('counter * 2')).toContainText('84');
  await snap(page, '4b-set-variable');

  // A million items: the first page shows at once, the rest page by slices.
  const started = Date.now();
  await app.expandVariable('big_list');
  await expect(app.variable('000000').first()).toBeVisible();
  const firstPageMs = Date.now() - started;
  const pager = page.getByTestId('variable-pager');
  await expect(pager.getByTestId('variable-page-range')).toHaveText('0–99 of 1,000,000');
  expect(firstPageMs).toBeLessThan(3000);
  test.info().annotations.push({ type: 'first page', description: `${firstPageMs} ms` });
  await snap(page, '4b-million-list-first-page');

  await page.getByRole('button', { name: 'Next page of big_list' }).click();
  await expect(pager.getByTestId('variable-page-range')).toHaveText('100–199 of 1,000,000');
  await expect(variableValue(app, '000150')).toHaveText('150');
  await expect(app.variable('000000')).toHaveCount(0);

  const goTo = page.getByRole('textbox', { name: 'Go to index in big_list' });
  await goTo.fill('999999');
  await goTo.press('Enter');
  await expect(pager.getByTestId('variable-page-range')).toHaveText('999,900–999,999 of 1,000,000');
  await expect(variableValue(app, '999999')).toHaveText('999999');
  await expect(page.getByRole('button', { name: 'Next page of big_list' })).toBeDisabled();
  await app.variable('999999').first().scrollIntoViewIfNeeded();
  await snap(page, '4b-million-list-last-page');

  // The whole value of something debugpy shortens, on demand.
  await app.variable('medium').first().hover();
  await page.getByRole('button', { name: 'Show full value of medium' }).click();
  const dialog = page.getByRole('dialog', { name: 'Value of medium' });
  await expect(dialog.getByTestId('full-value')).toContainText('1998, 1999]');
  await snap(page, '4b-full-value');
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test('run to cursor runs the lines in between and stops at the clicked line', async ({
  app,
  sshd,
  page,
}) => {
  await launchStopped(app, sshd, bigData, [COUNTER_LINE]);
  await expect(app.currentLine()).toContainText('counter = 1');
  // Click into the line, then Ctrl+F10 (VS Code's Run to Cursor).
  await app.scrollSourceToLine(RESULT_LINE);
  await app.sourceView.locator('.cm-line', { hasText: 'result = counter + len(big_list)' }).click();
  await app.pressKey('Control+F10');
  await expect(app.currentLine()).toContainText('result = counter + len(big_list)');
  await expect(app.status).toContainText('Paused at the cursor line');
  await expect(variableValue(app, 'counter')).toHaveText('50');
  await snap(page, '4b-run-to-cursor');

  // Hover a name in the source: its value in the selected frame.
  await app.sourceView
    .locator('.cm-line', { hasText: 'result = counter' })
    .getByText('counter')
    .first()
    .hover();
  await expect(page.getByTestId('hover-value')).toContainText('50');
  await snap(page, '4b-hover-value');

  // The temporary breakpoint is gone: continue runs to the end.
  await app.pressKey('F5');
  await expect(app.status).toContainText('Ended', { timeout: 30_000 });
  await expect.poll(() => app.consoleText()).toContain('result=1000050');
});

test('console completions (Tab) and history (Up)', async ({ app, sshd, page }) => {
  await launchStopped(app, sshd, bigData, [ADD_SCALE_LINE]);
  await expect(variableValue(app, 'counter')).toHaveText('3');

  // Several candidates: listed below the input.
  await consoleType(page, app, 'big_');
  await page.keyboard.press('Tab');
  await expect.poll(() => app.consoleText()).toMatch(/big_list\s+big_dict|big_dict\s+big_list/);
  // One candidate: completed in place.
  await page.keyboard.type('l');
  await page.keyboard.press('Tab');
  await expect.poll(() => app.consoleText()).toContain('>>> big_list');
  await page.keyboard.type('[5] + counter');
  await snap(page, '4b-console-completions');
  await page.keyboard.press('Enter');
  await expect.poll(() => app.consoleText()).toMatch(/\n8\s*\n/);

  // History: Up brings the last input back; edit and run it again.
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => app.consoleText()).toMatch(/>>> big_list\[5\] \+ counter\s*$/);
  await page.keyboard.press('End');
  await page.keyboard.type(' * 10');
  await page.keyboard.press('Enter');
  await expect.poll(() => app.consoleText()).toMatch(/\n35\s*\n/);
  await snap(page, '4b-console-history');
});
