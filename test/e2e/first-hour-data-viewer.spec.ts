/**
 * Issue 16, "Looking at data": a pandas DataFrame of 10**6 rows, a Series and numpy arrays open
 * in the data viewer from the Variables tree and the Watch list (Debian's python3-pandas and
 * python3-numpy, launched over the real sshd): shape and dtypes, a jump to the last rows, rows
 * read as they scroll into view, a 3-D array's slice, a 2-D array as a heatmap, and the values
 * read again at the next stop.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { launchProgram, loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const PROGRAM = resolve('test/fixtures/programs/frames.py');
const STOP =
  readFileSync(PROGRAM, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('# the stop line')) + 1;

test('a million-row DataFrame, a Series and arrays in the data viewer', async ({
  app,
  sshd,
  page,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await loopbackProfile(app, sshd);
  await app.openFile(PROGRAM);
  await app.toggleBreakpoint(STOP);
  await launchProgram(app, PROGRAM);
  await expect(app.status).toContainText('Paused', { timeout: 90_000 });

  // From the Variables tree: the frame's shape, columns and dtypes, and its first rows.
  const viewer = page.getByRole('region', { name: /^Data viewer/ });
  const table = page.getByTestId('data-table');
  const opened = Date.now();
  await app.variable('frame').getByRole('button', { name: 'View frame as a table' }).click();
  await expect(table.locator('tr[data-row="3"] td').nth(1)).toHaveText('0.75');
  const openMs = Date.now() - opened;
  await expect(page.getByTestId('data-shape')).toHaveText('DataFrame · 1,000,000 rows × 5 columns');
  const header = table.locator('thead th');
  await expect(header.nth(2)).toContainText('price');
  await expect(header.nth(2)).toContainText('float64');
  await expect(header.nth(4)).toContainText('category');
  await expect(header.nth(5)).toContainText('datetime64[ns]');
  await expect(table.locator('tr[data-row="3"] td')).toHaveText([
    '3',
    '0.75',
    '3',
    'Oslo',
    '2026-12-01 00:00:03',
  ]);
  console.info(`the 10**6-row frame showed its first rows ${openMs} ms after the click`);
  await snapBothSizes(page, '16-data-viewer-table');

  // The last rows, by row number; then rows further up read as they scroll into view.
  await viewer.getByRole('textbox', { name: 'Go to row' }).fill('999,999');
  await viewer.getByRole('button', { name: 'Go', exact: true }).click();
  await expect(table.locator('tr[data-row="999999"] th')).toHaveText('999999');
  await expect(table.locator('tr[data-row="999999"] td').nth(1)).toHaveText('249999.75');
  await table.hover();
  await page.mouse.wheel(0, -2_000);
  await expect(table.locator('td.pending')).toHaveCount(0);
  const firstShown = Number(await table.locator('tbody tr').first().getAttribute('data-row'));
  expect(firstShown).toBeLessThan(999_990);
  const shownPrice = await table.locator(`tr[data-row="${firstShown}"] td`).nth(1).textContent();
  expect(Number(shownPrice)).toBe(firstShown * 0.25);
  await snapBothSizes(page, '16-data-viewer-last-rows');

  // A 3-D array: the table is the slice [i, :, :] picked by its leading index.
  await viewer.getByRole('button', { name: 'Close data viewer' }).click();
  await expect(viewer).toHaveCount(0);
  await app.variable('cube').getByRole('button', { name: 'View cube as a table' }).click();
  await expect(page.getByTestId('data-shape')).toHaveText('ndarray · shape (2, 3, 4) · int64');
  await expect(table.locator('tr[data-row="0"] td')).toHaveText(['0', '1', '2', '3']);
  await viewer.getByRole('spinbutton', { name: /Index along axis 0/ }).fill('1');
  await viewer.getByRole('spinbutton', { name: /Index along axis 0/ }).press('Enter');
  await expect(table.locator('tr[data-row="0"] td')).toHaveText(['12', '13', '14', '15']);

  // From the Watch list: a 2-D array as a heatmap.
  await page.getByRole('textbox', { name: 'Add watch expression' }).fill('wave * 2');
  await page.getByRole('textbox', { name: 'Add watch expression' }).press('Enter');
  await page.getByRole('button', { name: 'View watch wave * 2 as a table' }).click();
  await expect(page.getByTestId('data-shape')).toHaveText('ndarray · shape (300, 400) · float64');
  await viewer.getByRole('tab', { name: 'Heatmap' }).click();
  const heatmap = page.getByTestId('heatmap');
  await expect(heatmap).toBeVisible();
  await expect(heatmap).toHaveAttribute(
    'aria-label',
    /^Heatmap of 300 × 400 values, from -\d(\.\d+)? to \d(\.\d+)?$/,
  );
  await expect(viewer).toContainText('each pixel: the mean of 2 × 2 cells');
  const box = await heatmap.boundingBox();
  if (!box) throw new Error('the heatmap has no box');
  await page.mouse.move(box.x + box.width / 4, box.y + box.height / 4);
  await expect(viewer).toContainText(/rows \d+–\d+, columns \d+–\d+: mean ≈ -?\d/);
  await snapBothSizes(page, '16-data-viewer-heatmap');

  // A value that is not a table says so; the program runs on and the viewer says its values
  // are the last stop's.
  await viewer.getByRole('button', { name: 'Close data viewer' }).click();
  await app.variable('totals').getByRole('button', { name: 'View totals as a table' }).click();
  await expect(page.getByTestId('data-shape')).toHaveText('Series · 1,000,000 rows · float64');
  await page.getByRole('button', { name: 'Continue (F5)' }).click();
  await expect(viewer.getByRole('status')).toHaveText(
    /The program (has ended|is running): these are the values of (its|the) last stop\./,
  );
  await expect(table.locator('tr[data-row="2"] td')).toHaveText(['0.5']);
});
