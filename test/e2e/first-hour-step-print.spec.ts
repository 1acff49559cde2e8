/**
 * Issue 16, item 2: Step Into on `print()` stays in the user's code (justMyCode on). The
 * launch's own sitecustomize wraps the program's streams in Python, and its file is deleted by
 * the time the program runs; stepping must never land there.
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const PROGRAM = resolve('test/fixtures/programs/step_print.py');
const PRINT_LINE = 5;

test('step into print() stays in user code', async ({ app, sshd, page }) => {
  await loopbackProfile(app, sshd);
  await app.openFile(PROGRAM);
  await app.toggleBreakpoint(PRINT_LINE);
  await launchProgram(app, PROGRAM);
  await expect(app.status).toContainText('Paused', { timeout: 60_000 });
  await expect(app.currentLine()).toContainText('print(f"hello');

  await page.getByRole('button', { name: 'Step into (F11)' }).click();
  await expect(app.status).toContainText('Paused');
  await expect(app.callStack.first()).toContainText(`step_print.py:${PRINT_LINE + 1}`);
  await expect(app.currentLine()).toContainText('return len(name)');
  await expect(page.getByText('Could not open the file')).toHaveCount(0);
  await expect(app.callStack.filter({ hasText: 'sitecustomize' })).toHaveCount(0);
  await expect.poll(() => app.consoleText()).toContain('hello world');

  // Once more from main's print: the program goes on to its end, never into the hook.
  await page.getByRole('button', { name: 'Step over (F10)' }).click();
  await expect(app.currentLine()).toContainText('print("n =", n');
  await page.getByRole('button', { name: 'Step into (F11)' }).click();
  await expect(app.status).toContainText(/ended|exited|Paused/i);
  await expect(app.callStack.filter({ hasText: 'sitecustomize' })).toHaveCount(0);
  await expect.poll(() => app.consoleText()).toContain('n = 5');
  await snapBothSizes(page, '16-2-step-into-print');
});
