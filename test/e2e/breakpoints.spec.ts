/**
 * Breakpoints end to end, through the UI only: a conditional breakpoint and a hit count edited
 * inline from the gutter, a logpoint whose output shows in the console, exception breakpoints with
 * the exception view, and an unverified breakpoint (wrong path mapping) explained and fixed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { TestSshd } from '../harness/sshd.js';
import { expect, snap, test } from './fixtures.js';
import type { PeriscopePage } from './pages/periscope-page.js';

const PROGRAM = resolve('test/fixtures/programs/breakpoint_demo.py');
const LINES = readFileSync(PROGRAM, 'utf8').split('\n');
const lineOf = (needle: string): number => LINES.findIndex((l) => l.includes(needle)) + 1;
const LOOP = lineOf('# loop line');
const SQUARE_BODY = lineOf('result = n * n');

async function setUp(app: PeriscopePage, sshd: TestSshd): Promise<void> {
  await app.createProfile({
    name: 'loopback',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
}

async function launch(
  app: PeriscopePage,
  program: string,
  args: string,
  firstTime = true,
): Promise<void> {
  const dialog = await app.fillLaunch('loopback', { program, args });
  await dialog.getByRole('button', { name: 'Launch' }).click();
  if (firstTime) await app.trustHostKey();
}

function lineNumber(app: PeriscopePage, line: number): Locator {
  return app.sourceView
    .locator('.cm-lineNumbers .cm-gutterElement')
    .filter({ hasText: new RegExp(`^${line}$`) });
}

async function contextAction(app: PeriscopePage, line: number, action: string): Promise<void> {
  await lineNumber(app, line).click({ button: 'right' });
  await app.page
    .getByRole('menu', { name: 'Breakpoint actions' })
    .getByRole('menuitem', { name: action })
    .click();
}

function inlineEditor(page: Page, line: number): Locator {
  return page.getByRole('group', { name: `Edit breakpoint on line ${line}` });
}

function breakpointsPanel(page: Page): Locator {
  return page.getByRole('list', { name: 'Breakpoints' });
}

test('conditional breakpoint edited inline stops only when the condition holds', async ({
  app,
  sshd,
  page,
}) => {
  await setUp(app, sshd);
  await app.openFile(PROGRAM);
  await expect(app.sourceView).toContainText('def square(n):');
  await contextAction(app, LOOP, 'Add Conditional Breakpoint…');
  const editor = inlineEditor(page, LOOP);
  await expect(editor).toBeVisible();
  await editor.getByRole('textbox', { name: 'Breakpoint condition' }).fill('i == 3');
  await snap(page, '4a-conditional-editor');
  await editor.getByRole('textbox', { name: 'Breakpoint condition' }).press('Enter');
  await expect(editor).toHaveCount(0);
  await expect(app.breakpointMarker(LOOP)).toHaveAttribute('data-kind', 'conditional');
  await expect(breakpointsPanel(page)).toContainText('when i == 3');

  await launch(app, PROGRAM, '5');
  await expect(app.status).toContainText('Paused');
  await expect(app.currentLine()).toContainText('total += square(i)');
  await expect(app.variable('i').locator('.value')).toHaveText('3');
  await expect(app.breakpointMarker(LOOP)).toHaveAttribute('data-state', 'verified');
  await snap(page, '4a-conditional-breakpoint');
});

test('hit count: the inline editor checks the form, the program stops on the Nth hit', async ({
  app,
  sshd,
  page,
}) => {
  await setUp(app, sshd);
  await app.openFile(PROGRAM);
  await contextAction(app, SQUARE_BODY, 'Add Conditional Breakpoint…');
  const editor = inlineEditor(page, SQUARE_BODY);
  await editor.getByRole('combobox', { name: 'Breakpoint type' }).selectOption('hitCondition');
  const input = editor.getByRole('textbox', { name: 'Hit count' });
  await input.fill('n > 2');
  await input.press('Enter');
  await expect(editor.getByRole('alert')).toContainText('Use a hit count such as 5');
  await input.fill('4');
  await input.press('Enter');
  await expect(editor).toHaveCount(0);
  await expect(breakpointsPanel(page)).toContainText('hit = 4');

  // A pause per iteration: the page re-syncs its breakpoints after the launch has set them, while
  // the loop runs; that must not restart the count (pydevd resets it on every setBreakpoints).
  await launch(app, PROGRAM, '6 0.3');
  await expect(app.status).toContainText('Paused');
  await expect(app.currentLine()).toContainText('result = n * n');
  await expect(app.variable('n').locator('.value')).toHaveText('4');
  await snap(page, '4a-hit-count');
});

test('logpoint output shows in the console and the program does not stop', async ({
  app,
  sshd,
  page,
}) => {
  await setUp(app, sshd);
  await app.openFile(PROGRAM);
  await contextAction(app, LOOP, 'Add Logpoint…');
  const input = inlineEditor(page, LOOP).getByRole('textbox', { name: 'Log message' });
  await input.fill('logpoint i={i} square={square(i)}');
  await input.press('Enter');
  await expect(app.breakpointMarker(LOOP)).toHaveAttribute('data-kind', 'log');

  await launch(app, PROGRAM, '3');
  await expect(app.status).toContainText('Ended', { timeout: 30_000 });
  // The console writes when the terminal has caught up (output-pacer.ts): poll, as a user looks.
  await expect.poll(() => app.consoleText()).toContain('logpoint i=1 square=1');
  await expect.poll(() => app.consoleText()).toContain('logpoint i=2 square=4');
  await expect.poll(() => app.consoleText()).toContain('logpoint i=3 square=9');
  await snap(page, '4a-logpoint-console');
});

test('exception breakpoints: raised and uncaught, with the exception view', async ({
  app,
  sshd,
  page,
}) => {
  await setUp(app, sshd);
  const filters = page.getByRole('group', { name: 'Exception breakpoints' });
  await expect(filters.getByLabel('Uncaught Exceptions', { exact: true })).toBeChecked();
  await filters.getByLabel('Raised Exceptions', { exact: true }).check();

  await launch(app, PROGRAM, '5');
  const view = page.getByTestId('exception-view');
  await expect(view).toBeVisible();
  await expect(view.getByTestId('exception-type')).toHaveText('ValueError');
  await expect(view.getByTestId('exception-message')).toHaveText('value 5 is too big');
  await expect(view).toContainText('(raised)');
  await expect(app.currentLine()).toContainText('raise ValueError');
  await view.getByText('Traceback').click();
  await expect(view.getByTestId('exception-traceback')).toContainText('check(5)');
  await snap(page, '4a-exception-view');

  // Only uncaught from now on (sent to the running session): the next stop is the final error.
  await filters.getByLabel('Raised Exceptions', { exact: true }).uncheck();
  await app.pressKey('F5');
  await expect(view).toContainText('(uncaught)');
  await expect(view.getByTestId('exception-traceback')).toContainText('check(count)', {
    useInnerText: false,
  });
  await expect.poll(() => app.consoleText()).toContain('caught the first error');
  await snap(page, '4a-exception-uncaught');
});

test('unverified breakpoint: a wrong path mapping is explained and fixed', async ({
  app,
  sshd,
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'periscope-map-'));
  try {
    const laptop = join(dir, 'laptop', 'proj');
    const remote = join(dir, 'srv', 'app');
    mkdirSync(laptop, { recursive: true });
    mkdirSync(remote, { recursive: true });
    copyFileSync(PROGRAM, join(laptop, 'breakpoint_demo.py'));
    copyFileSync(PROGRAM, join(remote, 'breakpoint_demo.py'));
    const wrong = join(dir, 'wrong');

    await setUp(app, sshd);
    await app.profileItem('loopback').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Profile' });
    await form.getByRole('button', { name: 'Add mapping' }).click();
    await form.getByLabel('Local root').fill(laptop);
    await form.getByLabel('Remote root').fill(wrong);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);

    await app.openFile(join(laptop, 'breakpoint_demo.py'));
    await app.toggleBreakpoint(LOOP);
    await launch(app, join(remote, 'breakpoint_demo.py'), '200 0.2');
    await expect(app.status).toContainText('Running');

    const problem = page.getByTestId('breakpoint-problem');
    await expect(problem).toContainText(
      `turns this file into ${join(wrong, 'breakpoint_demo.py')}`,
    );
    await expect(problem).toContainText('does not exist on the remote machine');
    await expect(app.breakpointMarker(LOOP)).toHaveAttribute('data-state', 'unverified');
    await expect(app.breakpointMarker(LOOP)).toHaveAttribute(
      'title',
      /does not exist on the remote machine/,
    );
    await expect(
      app.sourceView.locator(`.ps-breakpoint-warning[data-line="${LOOP}"]`),
    ).toBeVisible();
    await snap(page, '4a-unverified-explained');

    await problem.getByRole('button', { name: `Change mapping to ${laptop} → ${remote}` }).click();
    await expect(page.getByRole('status').filter({ hasText: 'relaunch' })).toBeVisible();
    await page.getByRole('button', { name: 'Relaunch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Launch program' });
    await dialog.getByRole('button', { name: 'Launch' }).click();
    await expect(app.status).toContainText('Paused');
    await expect(app.currentLine()).toContainText('total += square(i)');
    await expect(app.breakpointMarker(LOOP)).toHaveAttribute('data-state', 'verified');
    await expect(problem).toHaveCount(0);
    await snap(page, '4a-unverified-fixed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
