/**
 * Issue 16, "finding files on the remote machine", over the real sshd on a generated project of
 * 20,000 Python files: quick open (Ctrl+P) lists them in one answer and filters them as the person
 * types; the Files panel lists folders over SFTP as they are opened. Either opens the file in the
 * source view, read from the profile's machine (no session needed).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures.js';
import { loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

test('Ctrl+P finds one of 20,000 remote files by a few letters; the Files panel browses them', async ({
  app,
  sshd,
  page,
}) => {
  const project = await mkdtemp(join(tmpdir(), 'periscope-quick-open-'));
  try {
    for (let p = 0; p < 200; p++) {
      const dir = join(project, `pkg${p}`, 'sub');
      await mkdir(dir, { recursive: true });
      await Promise.all(
        Array.from({ length: 100 }, (_, m) =>
          writeFile(join(dir, `mod_${m}.py`), `"""Module ${m} of package ${p}."""\nVALUE = ${m}\n`),
        ),
      );
    }
    await mkdir(join(project, '.git'));
    await writeFile(join(project, '.git', 'hidden.py'), '');
    await loopbackProfile(app, sshd, { cwd: project });

    await page.locator('body').click();
    await page.keyboard.press('Control+p');
    await app.trustHostKey();
    const dialog = page.getByRole('dialog', { name: 'Go to file' });
    await expect(dialog.getByRole('status')).toHaveText('20,000 Python files', { timeout: 60_000 });
    await expect(dialog.getByLabel('Folder to search')).toHaveValue(project);

    await dialog.getByLabel('File name').pressSequentially('pkg17mod42');
    const first = dialog.getByRole('option').first();
    await expect(first).toContainText('mod_42.py');
    await expect(first).toContainText('pkg17/sub/');
    await snapBothSizes(page, '16-quick-open');
    await dialog.getByLabel('File name').press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(app.sourceView).toContainText('Module 42 of package 17.');
    await expect(page.getByTestId('source-path')).toContainText('mod_42.py');

    // The Files panel: nothing listed until asked, then folders opened one by one.
    await page.getByRole('button', { name: 'Show files on loopback' }).click();
    const tree = page.getByRole('tree', { name: 'Remote files' });
    await tree.getByRole('treeitem', { name: 'pkg3', exact: true }).click();
    await tree.getByRole('treeitem', { name: 'sub', exact: true }).click();
    await tree.getByRole('treeitem', { name: 'mod_7.py', exact: true }).click();
    await expect(app.sourceView).toContainText('Module 7 of package 3.');
    await expect(tree.getByRole('treeitem', { name: '.git' })).toHaveCount(1);
    await snapBothSizes(page, '16-files-panel');
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});
