/**
 * Saved watch expressions travel with the profile: a watch added in the UI is written to the
 * profile file (`profiles.json` in the data directory) and is shown again after a reload; a list
 * an older Periscope kept in `localStorage` is moved into the profile once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Profile } from '../../src-common/protocol/profile.js';
import { expect, snap, test } from './fixtures.js';

async function storedProfiles(dataDir: string): Promise<Profile[]> {
  const file = JSON.parse(await readFile(join(dataDir, 'profiles.json'), 'utf8')) as {
    profiles: Profile[];
  };
  return file.profiles;
}

test('watch expressions are saved in the profile and survive a reload', async ({
  app,
  sshd,
  web,
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
  await expect(app.profileItem('loopback')).toBeVisible();
  const [profile] = await storedProfiles(web.dataDir);
  expect(profile?.watchExpressions).toEqual([]);

  // A list saved by an older Periscope in localStorage is moved into the profile once.
  const legacyKey = `periscope.watches.${profile!.id}`;
  await page.evaluate(
    (key) => localStorage.setItem(key, JSON.stringify(['legacy_total'])),
    legacyKey,
  );
  await page.reload();
  await expect(app.watch('legacy_total')).toBeVisible();
  await expect
    .poll(async () => (await storedProfiles(web.dataDir))[0]?.watchExpressions)
    .toEqual(['legacy_total']);
  expect(await page.evaluate((key) => localStorage.getItem(key), legacyKey)).toBeNull();

  // A watch added in the UI is written to the profile file.
  await app.addWatch('total * 2');
  await expect(app.watch('total * 2')).toBeVisible();
  await expect
    .poll(async () => (await storedProfiles(web.dataDir))[0]?.watchExpressions)
    .toEqual(['legacy_total', 'total * 2']);

  await page.reload();
  await expect(app.watch('legacy_total')).toBeVisible();
  await expect(app.watch('total * 2')).toBeVisible();
  await snap(page, 'profile-watches-after-reload');
});
