/**
 * Issue 14 with Podman, through the UI: a machine that runs both Docker (a real dockerd,
 * `test/harness/dockerd.ts`) and Podman (its own store, `test/harness/podman.ts`), reached by the
 * real sshd's sessions. The launch dialog lists the containers of both engines, each with its
 * engine's badge; picking the Podman one suggests its bind mount's path mapping, and the program
 * runs inside it (`podman exec`): a breakpoint stops it, Stop ends it; its log (`podman logs
 * -f`) opens as a tab. Screenshots of the list and of the stopped program at both window sizes.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startPodman, type TestPodman } from '../harness/podman.js';
import { startSshd } from '../harness/sshd.js';
import { expect } from './fixtures.js';
import { dockerTest, openContainerList } from './container-fixtures.js';
import { loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

/** `total += step` in counter.py. */
const TOTAL_LINE = 14;

const test = dockerTest.extend<{ podman: TestPodman; project: string }>({
  // eslint-disable-next-line no-empty-pattern
  podman: async ({}, use) => {
    const podman = await startPodman();
    await use(podman);
    await podman.stop();
  },
  project: async ({ dockerd, podman }, use) => {
    const project = await mkdtemp('/tmp/periscope-e2e-project-');
    await copyFile(resolve('test/fixtures/programs/counter.py'), join(project, 'counter.py'));
    const server = (what: string): string[] => [
      '/usr/bin/python3',
      '-c',
      `print("${what} up", flush=True)\nimport time\ntime.sleep(100000)`,
    ];
    await podman.run('api', server('api container'), {
      binds: [`${project}:/srv`],
      extra: ['-w', '/srv'],
    });
    await podman.podman(['create', '--name', 'batch-old', 'periscope-test:1', '/bin/true']);
    await dockerd.run('web', server('web container'));
    await use(project);
    await rm(project, { recursive: true, force: true });
  },
  sshd: async ({ dockerd, podman }, use) => {
    const env = Object.entries(podman.env).map(([name, value]) => `${name}=${value}`);
    const sshd = await startSshd({
      extraConfig: [`SetEnv DOCKER_HOST=${dockerd.dockerHost} ${env.join(' ')}`],
    });
    await use(sshd);
    await sshd.stop();
  },
});

test('Podman containers beside Docker ones in the launch dialog: pick, break, Stop, log tab', async ({
  app,
  page,
  sshd,
  project,
}) => {
  test.setTimeout(150_000);
  await loopbackProfile(app, sshd);
  const dialog = await app.fillLaunch('loopback', { program: '/srv/counter.py', args: '400' });
  const list = await openContainerList(app, dialog);
  const api = list.getByRole('option', { name: /api/ });
  await expect(api).toContainText('localhost/periscope-test:1');
  await expect(api.getByTestId('container-engine')).toHaveText('podman');
  const web = list.getByRole('option', { name: /web/ });
  await expect(web.getByTestId('container-engine')).toHaveText('docker');
  await expect(list.getByRole('option', { name: /batch-old/ })).toBeDisabled();
  await api.click();
  await expect(dialog.getByLabel('Suggested path mappings')).toContainText(`${project} → /srv`);
  await expect(dialog.getByText('The program runs inside the container with')).toContainText(
    'podman exec',
  );
  await snapBothSizes(page, '14-podman-container-list');

  await dialog.getByRole('button', { name: 'Launch' }).click();
  await expect(app.status).toContainText('Running', { timeout: 30_000 });
  await expect.poll(() => app.consoleText()).toContain('(podman) on 127.0.0.1');
  await expect.poll(() => app.consoleText()).toContain('step 1: total=1');
  await expect(app.sourceView).toContainText('def describe(total, step):');
  await app.toggleBreakpoint(TOTAL_LINE);
  await expect(app.status).toContainText('Paused', { timeout: 30_000 });
  await expect(app.currentLine()).toContainText('total += step');
  await expect(app.variable('step')).toBeVisible();
  await snapBothSizes(page, '14-stopped-in-podman-container');

  await page.getByRole('button', { name: 'Stop (Shift+F5)' }).click();
  await expect(app.status).toContainText('Ended', { timeout: 30_000 });

  // Saved as a Podman target: its log (`podman logs -f`) opens as a tab.
  await page.getByRole('button', { name: 'Tail a log file' }).click();
  const logDialog = page.getByRole('dialog', { name: 'Tail a log file' });
  await logDialog
    .getByRole('list', { name: 'Container logs' })
    .getByRole('button', { name: /api/ })
    .click();
  await logDialog.getByRole('button', { name: 'Open' }).click();
  await expect(logDialog).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'api (podman logs)' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect
    .poll(async () =>
      (await page.getByTestId('log-tab').locator('.xterm-rows').innerText()).replace(
        /\u00a0/g,
        ' ',
      ),
    )
    .toContain('api container up');
});
