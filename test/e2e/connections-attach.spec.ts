/**
 * Attach to a running process by PID in Chromium: the program is started over SSH by the test
 * (as someone on the machine would), the launch dialog's "Attach to process" lists it, the
 * preflight checks pass (and name a missing debugpy for an interpreter without it) with a row for
 * each injector, proved on a throwaway process (on a CPU where gdb cannot inject, gdb's row says
 * why and lldb's is the one used), Attach injects debugpy, a breakpoint set afterwards stops the
 * program, and after Detach the program still prints.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { overSsh } from '../harness/over-ssh.js';
import { expect, snap, test } from './fixtures.js';

const LOOP_LINE = 7;
const LOOP = `import time


def main():
    n = 0
    while True:
        n += 1
        time.sleep(0.05)
        if n % 4 == 0:
            print("tick", n, flush=True)


main()
`;

test('attach to a running process by PID, after the preflight checks', async ({
  app,
  page,
  sshd,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-e2e-attach-'));
  const program = join(dir, 'worker.py');
  const output = join(dir, 'worker.out');
  await writeFile(program, LOOP);
  let pid = 0;
  try {
    pid = Number(
      (await overSsh(sshd, `nohup /usr/bin/python3 ${program} >${output} 2>&1 & echo $!`)).trim(),
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
    // One injector row says it will be used; a gdb that cannot inject here says why.
    const injectors = checks.locator('[data-check="gdb"], [data-check="lldb"]');
    await expect(injectors.filter({ hasText: 'attach will use it' })).toHaveCount(1);
    const used = (await checks.locator('[data-check="lldb"]').textContent())?.includes(
      'attach will use it',
    )
      ? 'lldb'
      : 'gdb';
    if (used === 'lldb')
      await expect(checks.locator('[data-check="gdb"]')).toContainText('cannot inject here');
    await snap(page, '3-attach-pid-dialog');
    await dialog.getByRole('button', { name: 'Attach' }).click();

    await expect(app.status).toContainText('Running', { timeout: 30_000 });
    await expect(page.getByRole('list', { name: 'Sessions' })).toContainText(
      `process ${pid} (via ${used})`,
    );
    await expect.poll(() => app.consoleText()).toContain(`with ${used}`);
    await app.openFile(program);
    await app.toggleBreakpoint(LOOP_LINE);
    await expect(app.status).toContainText('Paused', { timeout: 30_000 });
    await expect(app.currentLine()).toContainText('n += 1');
    await expect(app.variable('n')).toBeVisible();
    await snap(page, '3-attach-pid');

    // Detach while paused at the breakpoint: the program runs on and still prints.
    await page.getByRole('button', { name: 'Detach (the program keeps running)' }).click();
    await expect(app.status).not.toContainText('Paused');
    const printed = (await readFile(output, 'utf8')).length;
    await expect
      .poll(async () => (await readFile(output, 'utf8')).length, { timeout: 10_000 })
      .toBeGreaterThan(printed);
    expect((await overSsh(sshd, `kill -0 ${pid} && echo alive`)).trim()).toBe('alive');
  } finally {
    if (pid) await overSsh(sshd, `kill ${pid}`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
