/**
 * Issue 14's last two parts through the UI, with a real dockerd (no network) and sshd: a
 * container whose Python has no debugpy — the launch's checks name it and the dialog offers to
 * copy the machine's debugpy in for the session; one click launches with the copy and a
 * breakpoint stops the program — and an attach to a debugpy port inside a container, picked in
 * the dialog, with nothing published. Screenshots of the offer, the stopped program and the
 * attach at both window sizes.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { expect } from './fixtures.js';
import { dockerTest, openContainerList } from './container-fixtures.js';
import { loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

/** `total += step` in counter.py. */
const TOTAL_LINE = 14;
const PORT = 5678;
const SERVICE = `import time, debugpy
debugpy.listen(("0.0.0.0", ${PORT}))
count = 0
while True:
    count += 1
    time.sleep(0.05)
`;
const SLEEPER = ['/usr/bin/python3', '-c', 'import time; time.sleep(100000)'];

const test = dockerTest.extend<{ project: string }>({
  project: async ({ dockerd }, use) => {
    const project = await mkdtemp('/tmp/periscope-e2e-project-');
    const empty = await mkdtemp('/tmp/periscope-e2e-empty-');
    await copyFile(resolve('test/fixtures/programs/counter.py'), join(project, 'counter.py'));
    await writeFile(join(project, 'service.py'), SERVICE);
    // The machine's Python without its dist-packages: no debugpy inside.
    await dockerd.run('bare', SLEEPER, {
      binds: [`${project}:/app`, `${empty}:/usr/lib/python3/dist-packages:ro`],
      extra: ['-w', '/app'],
    });
    await dockerd.run('svc', ['/usr/bin/python3', '-Xfrozen_modules=off', '/app/service.py'], {
      binds: [`${project}:/app`],
      extra: ['-e', 'PYDEVD_DISABLE_FILE_VALIDATION=1'],
    });
    await use(project);
    await rm(project, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  },
});

test('a container without debugpy: the dialog offers the copy, and the program stops on it', async ({
  app,
  page,
  sshd,
  dockerd,
  project,
}) => {
  test.setTimeout(120_000);
  void project;
  await loopbackProfile(app, sshd);
  const dialog = await app.fillLaunch('loopback', { program: '/app/counter.py', args: '400' });
  await (await openContainerList(app, dialog)).getByRole('option', { name: /bare/ }).click();
  await dialog.getByRole('button', { name: 'Launch' }).click();
  const offer = dialog.getByRole('group', { name: 'Copy debugpy into the container' });
  await expect(offer).toContainText('debugpy is missing in bare', { timeout: 30_000 });
  await expect(dialog.locator('[data-check="debugpy"]')).toContainText(
    'debugpy is not installed for /usr/bin/python3 in container "bare" (docker)',
  );
  await snapBothSizes(page, '14-debugpy-missing-offer');

  await offer.getByRole('button', { name: "Copy the machine's debugpy in and launch" }).click();
  await expect(app.status).toContainText('Running', { timeout: 30_000 });
  await expect.poll(() => app.consoleText()).toContain("copied from 127.0.0.1's");
  await expect.poll(() => app.consoleText()).toContain('step 1: total=1');
  await app.toggleBreakpoint(TOTAL_LINE);
  await expect(app.status).toContainText('Paused', { timeout: 30_000 });
  await expect(app.currentLine()).toContainText('total += step');
  await snapBothSizes(page, '14-stopped-on-copied-debugpy');
  const copies = async (): Promise<string> =>
    (await dockerd.docker(['exec', 'bare', 'ls', '/tmp'])).trim();
  expect(await copies()).toMatch(/periscope-debugpy-/);

  await page.getByRole('button', { name: 'Stop (Shift+F5)' }).click();
  await expect(app.status).toContainText('Ended', { timeout: 30_000 });
  await expect.poll(copies, { timeout: 10_000 }).not.toMatch(/periscope-debugpy-/);
  // Saved with the target: the next dialog has the copy ticked for that container.
  const again = await app.fillLaunch('loopback', { program: '/app/counter.py' });
  await again.getByLabel('Where').selectOption('container');
  await again.getByRole('option', { name: /bare/ }).click();
  await expect(again.getByTestId('copy-debugpy')).toBeChecked();
  await again.getByRole('button', { name: 'Cancel' }).click();
});

test('attach to a debugpy port inside a container, picked in the dialog, nothing published', async ({
  app,
  page,
  sshd,
  project,
}) => {
  test.setTimeout(120_000);
  void project;
  await loopbackProfile(app, sshd);
  await app.profileItem('loopback').getByRole('button', { name: 'Launch…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Launch program' });
  await dialog.getByLabel('Run').selectOption('port');
  await dialog.getByLabel('Remote port').fill(String(PORT));
  await (await openContainerList(app, dialog)).getByRole('option', { name: /svc/ }).click();
  await expect(dialog).toContainText('it listens inside the container');
  await snapBothSizes(page, '14-attach-port-in-container');
  await dialog.getByRole('button', { name: 'Attach' }).click();
  await expect(app.status).toContainText('Running', { timeout: 30_000 });
  await expect
    .poll(() => app.consoleText())
    .toContain(`attached to debugpy on port ${PORT} inside container "svc" (docker)`);
  await snapBothSizes(page, '14-attached-in-container');
});
