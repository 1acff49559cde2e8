/**
 * Shared steps of the "first hour" tests (issue 16): a loopback profile over the real sshd, a
 * program launched through the Launch dialog, screenshots at the two window sizes people use.
 */
import type { Page } from '@playwright/test';
import type { TestSshd } from '../harness/sshd.js';
import { expect, snap } from './fixtures.js';
import type { PeriscopePage } from './pages/periscope-page.js';

/** The two window sizes every changed screen is looked at in. */
export const WINDOW_SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

/** Creates the `loopback` profile (key login to the test sshd, `/usr/bin/python3`). */
export async function loopbackProfile(
  app: PeriscopePage,
  sshd: TestSshd,
  extra: { justMyCode?: boolean; cwd?: string } = {},
): Promise<void> {
  await app.createProfile({
    name: 'loopback',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
    ...extra,
  });
}

/** Launches `program` from the `loopback` profile and trusts the host key when asked. */
export async function launchProgram(
  app: PeriscopePage,
  program: string,
  options: { args?: string; kind?: 'file' | 'module'; trust?: boolean } = {},
): Promise<void> {
  const dialog = await app.fillLaunch('loopback', {
    program,
    args: options.args ?? '',
    kind: options.kind ?? 'file',
  });
  await dialog.getByRole('button', { name: 'Launch' }).click();
  if (options.trust ?? true) await app.trustHostKey();
}

/** Screenshots of the current screen at both {@link WINDOW_SIZES}, named `<name>-<w>x<h>`. */
export async function snapBothSizes(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  for (const size of WINDOW_SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await snap(page, `${name}-${size.width}x${size.height}`);
  }
  if (before) await page.setViewportSize(before);
}

/** The sidebar section (panel) titled `title`. */
export function panel(page: Page, title: string) {
  return page.locator('section.section', {
    has: page.getByRole('button', { name: title, exact: true }),
  });
}

export { expect };
