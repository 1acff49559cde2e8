/**
 * Issue 3's Tunnels panel and log tabs in Chromium (web mode), acting only through the UI: a
 * launched session's forward shows up with bytes moved, a forward opened by hand carries bytes
 * and is closed again; a remote log file is tailed into its own tab, lines appended to it arrive,
 * search finds one, and closing the tab leaves no `tail` on the server.
 */
import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, snap, test } from './fixtures.js';
import type { PeriscopePage } from './pages/periscope-page.js';
import type { TestSshd } from '../harness/sshd.js';
import { echoServer, roundTrip } from '../harness/tcp-echo.js';

const ticker = resolve('test/fixtures/programs/ticker.py');

async function createLoopbackProfile(app: PeriscopePage, sshd: TestSshd): Promise<void> {
  await app.createProfile({
    name: 'loopback',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
}

/** The Tunnels panel's list. */
function tunnelList(page: Page) {
  return page.getByRole('list', { name: 'Tunnels' });
}

/** The number after ↓ or ↑ in a row's byte counters, in bytes (approximately, for kB). */
function bytesIn(text: string): number {
  const match = /↓ ([\d.]+) (B|kB|MB)/.exec(text);
  if (!match) return -1;
  const scale = { B: 1, kB: 1000, MB: 1_000_000 }[match[2] as 'B' | 'kB' | 'MB'];
  return Number(match[1]) * scale;
}

test("the Tunnels panel shows a session's forward and one opened by hand, with bytes", async ({
  app,
  page,
  sshd,
}) => {
  const echo = await echoServer();
  const echoPort = echo.port;
  try {
    await createLoopbackProfile(app, sshd);
    const dialog = await app.fillLaunch('loopback', { program: ticker, args: '100000' });
    await dialog.getByRole('button', { name: 'Launch' }).click();
    await app.trustHostKey();
    await expect(app.status).toContainText('Running');

    // The launched session's local forward to debugpy: up, bytes moved both ways.
    const sessionRow = tunnelList(page).getByRole('listitem').filter({ hasText: 'session s1' });
    await expect(sessionRow).toContainText('Up');
    await expect(sessionRow).toContainText('→ 127.0.0.1:');
    await expect.poll(async () => bytesIn(await sessionRow.innerText())).toBeGreaterThan(0);

    // A forward by hand to a service on the remote machine.
    await page.getByRole('button', { name: 'Open a forward' }).click();
    const form = page.getByRole('form', { name: 'Open a forward' });
    await expect(form.getByLabel('Profile')).toHaveValue(/.+/);
    await form.getByLabel('Remote host').fill('127.0.0.1');
    await form.getByLabel('Remote port').fill(String(echoPort));
    await snap(page, '3-tunnels-open-form');
    await form.getByRole('button', { name: 'Open' }).click();
    const announced = page.getByRole('status').filter({ hasText: 'Listening on 127.0.0.1:' });
    await expect(announced).toContainText(`→ 127.0.0.1:${echoPort}`);
    const localPort = Number(/127\.0\.0\.1:(\d+) →/.exec(await announced.innerText())?.[1]);
    expect(localPort).toBeGreaterThan(0);
    const manualRow = tunnelList(page).getByRole('listitem').filter({ hasText: 'opened by hand' });
    await expect(manualRow).toContainText(`:${localPort} → 127.0.0.1:${echoPort}`);
    await expect(manualRow).toContainText('Up');
    await expect(manualRow).toContainText('↓ 0 B');

    // Bytes through it show up in the row.
    const payload = 'periscope '.repeat(300);
    expect(await roundTrip(localPort, payload)).toBe(payload);
    await expect(manualRow).toContainText('↑ 3.0 kB');
    await expect(manualRow).toContainText('↓ 3.0 kB');
    await snap(page, '3-tunnels');

    // Closed by hand: gone from the list, the port no longer listens.
    await manualRow.getByRole('button', { name: /^Close forward/ }).click();
    await expect(manualRow).toHaveCount(0);
    await expect(sessionRow).toContainText('Up');
    const refused = await new Promise<boolean>((r) => {
      const socket = net.connect(localPort, '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        r(false);
      });
      socket.on('error', () => r(true));
    });
    expect(refused).toBe(true);
  } finally {
    await echo.close();
  }
});

test('a remote forward (-R) opened by hand lets the remote machine reach a service here', async ({
  app,
  page,
  sshd,
}) => {
  const echo = await echoServer();
  const echoPort = echo.port;
  try {
    await createLoopbackProfile(app, sshd);
    await page.getByRole('button', { name: 'Open a forward' }).click();
    const form = page.getByRole('form', { name: 'Open a forward' });
    await form.getByText('Remote (-R)').click();
    await expect(form.getByRole('radio', { name: 'Remote (-R)' })).toBeChecked();
    await expect(form).toContainText('A service of this computer, reachable on the remote machine');
    await form.getByLabel('Local host').fill('127.0.0.1');
    await form.getByLabel('Local port').fill(String(echoPort));
    await snap(page, '3-tunnels-remote-form');
    await form.getByRole('button', { name: 'Open' }).click();
    await app.trustHostKey();
    const announced = page.getByRole('status').filter({ hasText: 'listens on 127.0.0.1:' });
    await expect(announced).toContainText(`→ 127.0.0.1:${echoPort} here`);
    const remotePort = Number(
      /listens on 127\.0\.0\.1:(\d+)/.exec(await announced.innerText())?.[1],
    );
    expect(remotePort).toBeGreaterThan(0);

    const row = tunnelList(page).getByRole('listitem').filter({ hasText: 'opened by hand' });
    await expect(row).toContainText(`127.0.0.1:${remotePort} → :${echoPort}`);
    await expect(row).toContainText('Up');
    // A program on the remote machine (the sshd's machine is this one) connects to the port.
    const payload = 'remote side asks '.repeat(60);
    expect(await roundTrip(remotePort, payload)).toBe(payload);
    await expect(row).toContainText('↓ 1.0 kB');
    await expect(row).toContainText('↑ 1.0 kB');
    await snap(page, '3-tunnels-remote');
    await row.getByRole('button', { name: /^Close forward/ }).click();
    await expect(row).toHaveCount(0);
  } finally {
    await echo.close();
  }
});

/** Pids of `tail -F <path>` processes (the sshd runs on this machine). */
function tailsOf(path: string): number[] {
  try {
    const out = execFileSync('pgrep', ['-f', `^tail .*-F ${path}$`], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

test('a remote log file tails into its own tab, is searchable, and closing it stops tail', async ({
  app,
  page,
  sshd,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-e2e-log-'));
  const log = join(dir, 'service.log');
  try {
    await writeFile(
      log,
      Array.from(
        { length: 50 },
        (_, i) => `2024-05-01 12:00:${String(i).padStart(2, '0')} INFO request ${i}`,
      ).join('\n') + '\n',
    );
    await createLoopbackProfile(app, sshd);
    // Save the file in the profile's log files, as a user would.
    await app.profileItem('loopback').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Profile' });
    await form.getByRole('button', { name: 'Add log file' }).click();
    await form.getByLabel('Log file 1', { exact: true }).fill(log);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);

    await page.getByRole('button', { name: 'Tail a log file' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tail a log file' });
    await dialog
      .getByRole('list', { name: 'Saved log files' })
      .getByRole('button', { name: log })
      .click();
    await expect(dialog.getByLabel('Remote path')).toHaveValue(log);
    await snap(page, '3-log-open-dialog');
    await dialog.getByRole('button', { name: 'Open' }).click();
    await app.trustHostKey();
    await expect(dialog).toHaveCount(0);

    const tab = page.getByRole('tab', { name: 'service.log' });
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    const panel = page.getByTestId('log-tab');
    const text = async (): Promise<string> =>
      (await panel.locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
    await expect.poll(text).toContain('INFO request 49');
    await expect(panel.getByRole('status', { name: 'Log status' })).toContainText(
      `Following ${log} on loopback`,
    );
    expect(tailsOf(log)).toHaveLength(1);

    // Lines appended on the remote machine arrive, colours and all.
    await appendFile(log, '2024-05-01 12:01:00 \x1b[31mERROR\x1b[0m payment needle-42 declined\n');
    await appendFile(log, '2024-05-01 12:01:01 \x1b[32mINFO\x1b[0m retry scheduled\n');
    await expect.poll(text).toContain('ERROR payment needle-42 declined');
    await expect.poll(text).toContain('INFO retry scheduled');

    // Search: Ctrl+F in the tab, the match counted and highlighted.
    await panel.locator('.xterm').click();
    await page.keyboard.press('Control+f');
    const find = panel.getByRole('searchbox', { name: 'Find in log' });
    await expect(find).toBeFocused();
    await find.fill('needle-42');
    await expect(panel.getByText('1 of 1')).toBeVisible();
    await expect(panel.locator('.xterm-find-result-decoration').first()).toBeVisible();
    await find.fill('request 4');
    await find.press('Enter');
    await expect(panel.getByText(/of 11$/)).toBeVisible();
    await find.fill('needle-42');
    await snap(page, '3-log-tab');

    // The debug console is still its own first tab.
    await page.getByRole('tab', { name: 'Debug console' }).click();
    await expect(panel).toBeHidden();
    await expect(app.console).toBeVisible();
    await tab.click();
    await expect(panel).toBeVisible();

    // Closing the tab ends the remote tail.
    await page.getByRole('button', { name: 'Close log service.log' }).click();
    await expect(tab).toHaveCount(0);
    await expect(page.getByRole('tab', { name: 'Debug console' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect.poll(() => tailsOf(log)).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
