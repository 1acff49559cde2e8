/**
 * The world of the container end-to-end tests: a real dockerd (`test/harness/dockerd.ts`) and
 * the harness sshd whose sessions reach it (`SetEnv DOCKER_HOST`), as fixtures a spec extends
 * with the containers it needs; and the launch dialog's first steps towards a container.
 */
import type { Locator } from '@playwright/test';
import { startDockerd, type TestDockerd } from '../harness/dockerd.js';
import { startSshd } from '../harness/sshd.js';
import { test as base } from './fixtures.js';
import type { PeriscopePage } from './pages/periscope-page.js';

/** The e2e `test` with a `dockerd` fixture, and `sshd` whose sessions reach that dockerd. */
export const dockerTest = base.extend<{ dockerd: TestDockerd }>({
  // eslint-disable-next-line no-empty-pattern
  dockerd: async ({}, use) => {
    const dockerd = await startDockerd();
    await use(dockerd);
    await dockerd.stop();
  },
  sshd: async ({ dockerd }, use) => {
    const sshd = await startSshd({ extraConfig: [`SetEnv DOCKER_HOST=${dockerd.dockerHost}`] });
    await use(sshd);
    await sshd.stop();
  },
});

/**
 * In the open launch dialog `dialog`, turns "Where" to a container, trusts the machine's host
 * key (the first connection of the test: the list is read over SSH) and returns the list of the
 * machine's containers.
 */
export async function openContainerList(app: PeriscopePage, dialog: Locator): Promise<Locator> {
  await dialog.getByLabel('Where').selectOption('container');
  await app.trustHostKey();
  return dialog.getByRole('listbox', { name: 'Containers' });
}
