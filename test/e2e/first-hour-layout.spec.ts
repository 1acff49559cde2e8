/**
 * Issue 16, item 1 and "panels arranged by the person": nine breakpoints in a library file each
 * explaining why justMyCode skips them, and a paused program — Call Stack and Variables still
 * show their rows; every panel can be resized and collapsed, and the layout survives a reload.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, panel, snapBothSizes } from './first-hour-helpers.js';

const LIBRARY = '/usr/lib/python3.11/json/encoder.py';
const DEMO = resolve('test/fixtures/programs/breakpoint_demo.py');
const SQUARE_BODY = 9;

/** Nine code lines of the library file (not blank, not comments), from line 215 on. */
function libraryLines(): number[] {
  const lines = readFileSync(LIBRARY, 'utf8').split('\n');
  const picked: number[] = [];
  for (let i = 214; i < lines.length && picked.length < 9; i++) {
    const text = (lines[i] ?? '').trim();
    if (text && !text.startsWith('#') && !text.startsWith('"') && !text.endsWith('::'))
      picked.push(i + 1);
  }
  return picked;
}

test('nine library breakpoints and a paused program: call stack and variables keep their rows', async ({
  app,
  sshd,
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await loopbackProfile(app, sshd);
  await app.openFile(LIBRARY);
  for (const line of libraryLines()) {
    await app.scrollSourceToLine(line);
    await app.toggleBreakpoint(line);
  }
  await app.openFile(DEMO);
  await expect(page.getByTestId('source-path')).toContainText('breakpoint_demo.py');
  await app.scrollSourceToLine(SQUARE_BODY);
  await app.toggleBreakpoint(SQUARE_BODY);
  await expect(app.breakpointMarker(SQUARE_BODY)).toBeVisible();
  await launchProgram(app, DEMO, { args: '3 0' });
  await expect(app.status).toContainText('Paused', { timeout: 60_000 });
  const problems = page.getByTestId('breakpoint-problem');
  await expect(problems).toHaveCount(9);
  // The reason is spelled out once; the other eight point to it.
  await expect(problems.first()).toContainText('justMyCode is on and encoder.py is library code');
  await expect(problems.filter({ hasText: 'Same reason as encoder.py:' })).toHaveCount(8);

  // What the person came for is on screen: the frames and the locals.
  await expect(app.callStack.first()).toContainText('square');
  for (const frame of ['square', 'main', '<module>']) {
    await expect(app.callStack.filter({ hasText: frame }).first()).toBeInViewport({ ratio: 1 });
  }
  await expect(app.variable('n').first()).toBeInViewport({ ratio: 1 });
  const variables = panel(page, 'Variables');
  const callStack = panel(page, 'Call stack');
  expect((await callStack.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(24 + 3 * 22);
  expect((await variables.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(24 + 5 * 22);
  await snapBothSizes(page, '16-1-library-breakpoints-paused');

  // Resize Variables by dragging its lower edge, collapse Watch, shrink the console.
  const before = (await variables.boundingBox())?.height ?? 0;
  const edge = page.getByRole('separator', { name: 'Resize Variables' });
  const box = await edge.boundingBox();
  if (!box) throw new Error('no Variables splitter');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + 60, { steps: 5 });
  await page.mouse.up();
  const resized = (await variables.boundingBox())?.height ?? 0;
  expect(resized).toBeGreaterThan(before + 40);
  await panel(page, 'Watch').getByRole('button', { name: 'Watch', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Add watch expression' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Collapse console' }).click();
  await expect(app.console).toBeHidden();
  const arranged = Math.round((await variables.boundingBox())?.height ?? 0);
  await snapBothSizes(page, '16-1-layout-arranged');

  // A reload keeps it all.
  await page.reload();
  await expect(
    panel(page, 'Watch').getByRole('button', { name: 'Watch', exact: true }),
  ).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('button', { name: 'Expand console' })).toBeVisible();
  await expect
    .poll(async () => Math.round((await variables.boundingBox())?.height ?? 0))
    .toBe(arranged);
  await page.getByRole('button', { name: 'Expand console' }).click();
  await expect(app.console).toBeVisible();
});
