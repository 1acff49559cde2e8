/**
 * Attach to a running process by PID in Chromium: the program is started over SSH by the test
 * (as someone on the machine would), the launch dialog's "Attach to process" lists it, the
 * preflight checks pass (and name a missing debugpy for an interpreter without it), Attach
 * injects debugpy, and a breakpoint set afterwards stops the program.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestSshd } from '../harness/sshd.js';
import { expect, snap, test } from './fixtures.js';

const run = promisify(execFile);
const LOOP_LINE = 7;
const LOOP = `import time


def main():
    n = 0
    while True:
        n += 1
        time.sleep(0.05)


main()
`;

async function overSsh(sshd: TestSshd, command: string): Promise<string> {
  const { stdout } = await run('ssh', [
    ...['-i', sshd.userKeyPath, '-p', String(sshd.port)],
    ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
    ...['-o', 'LogLevel=ERROR', `${sshd.user}@${sshd.host}`, command],
  ]);
  return stdout;
}

test('attach to a running process by PID, after the preflight checks', async ({
  app,
  page,
  sshd,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-e2e-attach-'));
  const program = join(dir, 'worker.py');
  await writeFile(program, LOOP);
  let pid = 0;
  try {
    pid = Number(
      (await overSsh(sshd, `nohup /usr/bin/python3 ${program} >/dev/null 2>&1 & echo $!`)).trim(),
    );
    const base = {
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      keyPath: sshd.userKeyPath,
    };
    await app.createProfile({
      ...base,
      name: 'bare',
      python: '/root/.pyenv/versions/3.11.7/bin/python3',
    });
    await app.createProfile({ ...base, name: 'box', python: '/usr/bin/python3' });

    // A profile whose Python has no debugpy: the checks say so, and how to install it.
    await app.profileItem('bare').getByRole('button', { name: 'Launch…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Launch program' });
    await dialog.getByRole('button', { name: 'Run checks' }).click();
    await app.trustHostKey();
    const checks = dialog.getByRole('region', { name: 'Preflight checks' });
    await expect(checks).toContainText('something needs fixing');
    await expect(checks.locator('[data-check="python"]')).toContainText('Python 3.11.7');
    await expect(checks.locator('[data-check="debugpy"]')).toContainText('No module named');
    await expect(checks).toContainText(
      '/root/.pyenv/versions/3.11.7/bin/python3 -m pip install debugpy',
    );
    await snap(page, '3-preflight');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // The good profile: pick the process from the list, check, attach.
    await app.profileItem('box').getByRole('button', { name: 'Launch…' }).click();
    dialog = page.getByRole('dialog', { name: 'Launch program' });
    await dialog.getByLabel('Run').selectOption('pid');
    const row = dialog.getByRole('option').filter({ hasText: program });
    await expect(row).toContainText(String(pid));
    await row.click();
    await expect(dialog.getByLabel('PID')).toHaveValue(String(pid));
    await expect(dialog).toContainText("lacks Periscope's TCP_NODELAY hook");
    await dialog.getByRole('button', { name: 'Run checks' }).click();
    await expect(checks).toContainText('all passed');
    await expect(checks.locator('[data-check="ptrace"]')).toContainText(
      /not restricted|ptrace_scope/,
    );
    await expect(checks.locator('[data-check="gdb"]')).toContainText('gdb at');
    await snap(page, '3-attach-pid-dialog');
    await dialog.getByRole('button', { name: 'Attach' }).click();

    await expect(app.status).toContainText('Running', { timeout: 30_000 });
    await app.openFile(program);
    await app.toggleBreakpoint(LOOP_LINE);
    await expect(app.status).toContainText('Paused', { timeout: 30_000 });
    await expect(app.currentLine()).toContainText('n += 1');
    await expect(app.variable('n')).toBeVisible();
    await snap(page, '3-attach-pid');
  } finally {
    if (pid) await overSsh(sshd, `kill ${pid}`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
