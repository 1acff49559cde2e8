/**
 * A corrupt profile file: Periscope starts anyway, moves the file aside (nothing deleted) and
 * tells the user in the Profiles panel where it is — in web mode too, not only in a log.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { snap, startWebMode } from './fixtures.js';

base('a corrupt profile file is moved aside and the user is told', async ({ page }, testInfo) => {
  const { web, stop } = await startWebMode(testInfo, (dataDir) =>
    writeFile(join(dataDir, 'profiles.json'), '{"version": 1, "profiles": [ {"name": '),
  );
  try {
    await page.goto(web.url);
    const alert = page.getByRole('alert').filter({ hasText: 'could not be read' });
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('Nothing was deleted');
    const moved = (await readdir(web.dataDir)).find((f) => f.startsWith('profiles.json.corrupt-'));
    expect(moved).toBeDefined();
    await expect(alert).toContainText(moved ?? 'never');
    expect(await readFile(join(web.dataDir, moved ?? ''), 'utf8')).toContain('"profiles": [');
    await snap(page, '3-profiles-recovered');
  } finally {
    await stop();
  }
});
