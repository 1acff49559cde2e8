/**
 * A snapshot point through the UI (issue 12): added from the gutter's menu on a loop line, it
 * shows as a square and "snapshot once, no pause"; the program launched over the real sshd (with
 * the profile's crash capture, on by default) runs to its end without stopping, the hit appears
 * in the Snapshots panel while the session is listed, and opening it shows the loop's locals at
 * that moment, with the source as recorded and none of debugpy's threads.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, panel, snapBothSizes } from './first-hour-helpers.js';
import type { PeriscopePage } from './pages/periscope-page.js';

const PROGRAM = resolve('test/fixtures/programs/breakpoint_demo.py');
const LOOP =
  readFileSync(PROGRAM, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('# loop line')) + 1;

function lineNumber(app: PeriscopePage, line: number): Locator {
  return app.sourceView
    .locator('.cm-lineNumbers .cm-gutterElement')
    .filter({ hasText: new RegExp(`^${line}$`) });
}

test('a snapshot point records the loop without pausing it', async ({ app, sshd, page }) => {
  await loopbackProfile(app, sshd);
  await app.openFile(PROGRAM);
  await lineNumber(app, LOOP).click({ button: 'right' });
  await page
    .getByRole('menu', { name: 'Breakpoint actions' })
    .getByRole('menuitem', { name: /Add Snapshot Point/ })
    .click();
  await expect(app.breakpointMarker(LOOP)).toHaveAttribute('data-kind', 'snapshot');
  await expect(panel(page, 'Breakpoints')).toContainText('snapshot once, no pause');

  await launchProgram(app, PROGRAM, { args: '3 0.2' });
  await expect.poll(() => app.consoleText(), { timeout: 30_000 }).toContain('i=3 total=14');
  await expect(app.status).toContainText('Ended', { timeout: 30_000 });
  expect(await app.consoleText()).toContain('done, total=14');

  const snapshots = panel(page, 'Snapshots');
  const row = snapshots.getByRole('listitem').filter({ hasText: `breakpoint_demo.py:${LOOP}` });
  await expect(row).toHaveCount(1);
  await snapBothSizes(page, '12-snapshot-point-hit');
  await row.getByRole('button', { name: /^Open snapshot Snapshot point/ }).click();
  await expect(page.getByTestId('snapshot-badge')).toBeVisible();
  await expect(app.callStack.first()).toContainText('main');
  await expect(app.variable('i').locator('.value')).toHaveText('1');
  await expect(app.variable('total').locator('.value')).toHaveText('0');
  // The text the snapshot recorded, though the same file was open from disk before.
  await expect(page.getByTestId('source-snapshot-badge')).toBeVisible();
  // Only the program's threads: debugpy's own are not part of the snapshot.
  await expect(panel(page, 'Call stack')).not.toContainText(/Thread-\d+/);
  await snapBothSizes(page, '12-snapshot-point-open');
});
