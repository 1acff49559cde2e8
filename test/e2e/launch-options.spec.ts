/**
 * Issue 18: launch.json's debug options in the profile form, and what they do to a program
 * launched over the real sshd (Chromium, web mode). `stopOnEntry`: ticked in the form, the
 * program stops on its first line before it prints anything. `breakpoint()` in the code stops
 * like a breakpoint.
 */
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import type { Locator, Page } from '@playwright/test';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';
import type { PeriscopePage } from './pages/periscope-page.js';

/** Opens the `loopback` profile's form, lets `change` fill it in, and saves it. */
async function editLoopback(
  app: PeriscopePage,
  page: Page,
  change: (form: Locator) => Promise<void>,
): Promise<void> {
  await app.profileItem('loopback').getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Profile' });
  await change(form);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();
}

const ENTRY = resolve('test/fixtures/programs/launch_options/entry.py');

test('Stop on entry: the launched program stops on its first line before it runs', async ({
  app,
  sshd,
  page,
}) => {
  await loopbackProfile(app, sshd);
  await editLoopback(app, page, async (form) => {
    await form.getByLabel('Stop on entry').check();
    await expect(form).toContainText('breaks the debugger at the first line of the program');
    await form.getByLabel('Interpreter flags').fill('-X dev');
    await snapBothSizes(page, '18-profile-debug-options');
  });

  await launchProgram(app, ENTRY);
  await expect(app.status).toContainText('Paused', { timeout: 60_000 });
  await expect(app.status).toContainText('entry');
  await expect(app.callStack.first()).toContainText('entry.py:1');
  await expect(app.currentLine()).toContainText('stopOnEntry');
  expect(await app.consoleText()).not.toContain('entry ran');
  await snapBothSizes(page, '18-stopped-on-entry');

  await page.getByRole('button', { name: 'Continue (F5)' }).click();
  await expect.poll(() => app.consoleText(), { timeout: 30_000 }).toContain('entry ran');
  await expect(app.status).toContainText(/ended|exited/i, { timeout: 30_000 });
});

const IN_CODE = resolve('test/fixtures/programs/launch_options/breakpoints_in_code.py');

test('breakpoint() in the program stops in Periscope, not in pdb', async ({ app, sshd, page }) => {
  await loopbackProfile(app, sshd);
  await launchProgram(app, IN_CODE);
  await expect(app.status).toContainText('Paused', { timeout: 60_000 });
  await expect(app.callStack.first()).toContainText('breakpoints_in_code.py:12');
  await expect(app.currentLine()).toContainText('second = "debugpy"');
  await expect(app.variable('first').locator('.value')).toHaveText("'builtin'");
  await snapBothSizes(page, '18-breakpoint-call');

  await page.getByRole('button', { name: 'Continue (F5)' }).click();
  await expect(app.callStack.first()).toContainText('breakpoints_in_code.py:14');
  await expect(app.variable('second').locator('.value')).toHaveText("'debugpy'");
  await page.getByRole('button', { name: 'Continue (F5)' }).click();
  await expect
    .poll(() => app.consoleText(), { timeout: 30_000 })
    .toContain('child went on 0 builtin debugpy');
  expect(await app.consoleText()).not.toContain('(Pdb)');
});

const DJANGO_PROGRAM = resolve('test/fixtures/programs/launch_options/django_template.py');
const DJANGO_PAGE = resolve('test/fixtures/programs/launch_options/templates/page.html');

test('Django: a breakpoint on a template line stops when it renders, variables are its context', async ({
  app,
  sshd,
  page,
}) => {
  await loopbackProfile(app, sshd);
  await editLoopback(app, page, (form) => form.getByLabel('Django').check());

  await app.openFile(DJANGO_PAGE);
  await app.toggleBreakpoint(4);
  await launchProgram(app, DJANGO_PROGRAM);
  await expect(app.status).toContainText('Paused', { timeout: 60_000 });
  await expect(app.callStack.first()).toContainText('page.html:4');
  await expect(app.currentLine()).toContainText('<li>{{ item }}</li>');
  await expect(app.variable('item').locator('.value')).toHaveText("'apple'");
  await expect(app.variable('title').locator('.value')).toHaveText("'Fruit'");
  await snapBothSizes(page, '18-django-template-breakpoint');

  await page.getByRole('button', { name: 'Continue (F5)' }).click();
  await expect(app.variable('item').locator('.value')).toHaveText("'pear'");
  await page.getByRole('button', { name: 'Continue (F5)' }).click();
  await expect.poll(() => app.consoleText(), { timeout: 30_000 }).toContain('<li>pear</li>');
});
