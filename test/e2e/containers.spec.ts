/**
 * Issue 14 through the UI: the launch dialog lists the containers of the profile's machine (a
 * real dockerd with no network, `test/harness/dockerd.ts`, reached by the real sshd's sessions),
 * suggests the path mapping of the picked container's bind mount, and launches a program inside
 * it; a breakpoint in the file read from the container stops it, the console shows its output,
 * Stop ends it. Screenshots of the container list and the stopped program at both window sizes.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { expect } from './fixtures.js';
import { dockerTest, openContainerList } from './container-fixtures.js';
import { loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

/** `total += step` in counter.py. */
const TOTAL_LINE = 14;

const test = dockerTest.extend<{ project: string }>({
  project: async ({ dockerd }, use) => {
    const project = await mkdtemp('/tmp/periscope-e2e-project-');
    await copyFile(resolve('test/fixtures/programs/counter.py'), join(project, 'counter.py'));
    const server = 'print("web container up", flush=True)\nimport time\ntime.sleep(100000)';
    await dockerd.run('web', ['/usr/bin/python3', '-c', server], {
      binds: [`${project}:/app`],
      extra: ['-w', '/app'],
    });
    await dockerd.docker(['create', '--name', 'worker-old', 'periscope-test:1', '/bin/true']);
    await use(project);
    await rm(project, { recursive: true, force: true });
  },
});

test('launch in a container from the launch dialog: list, pick, break, output, Stop', async ({
  app,
  page,
  sshd,
  project,
}) => {
  test.setTimeout(120_000);
  await loopbackProfile(app, sshd);
  const dialog = await app.fillLaunch('loopback', { program: '/app/counter.py', args: '400' });
  const list = await openContainerList(app, dialog);
  await expect(list.getByRole('option', { name: /web/ })).toContainText('periscope-test:1');
  await expect(list.getByRole('option', { name: /worker-old/ })).toBeDisabled();
  await list.getByRole('option', { name: /web/ }).click();
  await expect(dialog.getByLabel('Suggested path mappings')).toContainText(`${project} → /app`);
  await snapBothSizes(page, '14-container-list');

  await dialog.getByRole('button', { name: 'Launch' }).click();
  await expect(app.status).toContainText('Running', { timeout: 30_000 });
  await expect.poll(() => app.consoleText()).toContain('(docker) on 127.0.0.1');
  await expect.poll(() => app.consoleText()).toContain('step 1: total=1');
  // The source came from inside the container.
  await expect(app.sourceView).toContainText('def describe(total, step):');
  await app.toggleBreakpoint(TOTAL_LINE);
  await expect(app.status).toContainText('Paused', { timeout: 30_000 });
  await expect(app.currentLine()).toContainText('total += step');
  await expect(app.callStack.first()).toContainText(`counter.py:${TOTAL_LINE}`);
  await expect(app.variable('step')).toBeVisible();
  await snapBothSizes(page, '14-stopped-in-container');

  await page.getByRole('button', { name: 'Stop (Shift+F5)' }).click();
  await expect(app.status).toContainText('Ended', { timeout: 30_000 });
  // Saved as a target of the profile: the next dialog marks it.
  const again = await app.fillLaunch('loopback', { program: '/app/counter.py' });
  await again.getByLabel('Where').selectOption('container');
  await expect(again.getByRole('option', { name: /web/ })).toContainText('saved');
  await again.getByRole('button', { name: 'Cancel' }).click();

  // The saved container's log (`docker logs -f`) opens as a log tab: the program's lines are
  // not in it (they went to `docker exec`), the container's own output is.
  await page.getByRole('button', { name: 'Tail a log file' }).click();
  const logDialog = page.getByRole('dialog', { name: 'Tail a log file' });
  await logDialog
    .getByRole('list', { name: 'Container logs' })
    .getByRole('button', { name: 'web' })
    .click();
  await logDialog.getByRole('button', { name: 'Open' }).click();
  await expect(logDialog).toHaveCount(0);
  const tab = page.getByRole('tab', { name: 'web (docker logs)' });
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  await expect(
    page.getByTestId('log-tab').getByRole('status', { name: 'Log status' }),
  ).toContainText('Following');
  await expect
    .poll(async () =>
      (await page.getByTestId('log-tab').locator('.xterm-rows').innerText()).replace(
        /\u00a0/g,
        ' ',
      ),
    )
    .toContain('web container up');
  await snapBothSizes(page, '14-container-log-tab');
});
