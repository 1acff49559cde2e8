/**
 * Issue 14's attach by PID through the UI, with a real dockerd (no network) and sshd: a Python
 * program runs inside a container (the machine's `/usr` bind-mounted, so its debugpy and lldb
 * are there) and another on the machine. The launch dialog's "Attach to process" lists both, the
 * container's marked "container worker" with its pid there; the checks run inside the
 * container; Attach injects inside the container's namespaces; a breakpoint stops the program
 * and shows its variable; Detach leaves it running (its output goes on, its pid lives).
 * Screenshots of the process list and the stopped program at both window sizes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { overSsh } from '../harness/over-ssh.js';
import { expect } from './fixtures.js';
import { dockerTest } from './container-fixtures.js';
import { loopbackProfile, snapBothSizes } from './first-hour-helpers.js';

const COUNT_LINE = 7;
const WORK = `import time


def main():
    count = 0
    while True:
        count += 1
        time.sleep(0.05)
        if count % 4 == 0:
            print("tick", count, flush=True)


main()
`;

const test = dockerTest.extend<{ project: string }>({
  project: async ({ dockerd }, use) => {
    const project = await mkdtemp('/tmp/periscope-e2e-project-');
    await writeFile(join(project, 'work.py'), WORK);
    await dockerd.run('worker', ['/usr/bin/python3', '/app/work.py'], {
      binds: [`${project}:/app`],
    });
    await use(project);
    await rm(project, { recursive: true, force: true });
  },
});

test('attach by PID to a process in a container, from the process list; detach leaves it running', async ({
  app,
  page,
  sshd,
  dockerd,
  project,
}) => {
  test.setTimeout(150_000);
  // A program of the machine itself, beside the container's: listed without a badge.
  const own = join(project, 'own.py');
  await writeFile(own, 'import time\nwhile True:\n    time.sleep(1)\n');
  const ownPid = Number(
    (await overSsh(sshd, `nohup /usr/bin/python3 ${own} >/dev/null 2>&1 & echo $!`)).trim(),
  );
  try {
    const machinePid = (
      await dockerd.docker(['inspect', '--format', '{{.State.Pid}}', 'worker'])
    ).trim();
    const logs = async (): Promise<number> =>
      (await dockerd.docker(['logs', 'worker'])).split('\n').filter((l) => l.startsWith('tick'))
        .length;

    await loopbackProfile(app, sshd);
    await app.profileItem('loopback').getByRole('button', { name: 'Launch…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Launch program' });
    await dialog.getByLabel('Run').selectOption('pid');
    await app.trustHostKey();
    const list = dialog.getByRole('listbox', { name: 'Python processes' });
    const row = list.getByRole('option').filter({ hasText: '/app/work.py' });
    await expect(row).toContainText(machinePid);
    await expect(row.getByTestId('process-container')).toHaveText('container worker');
    await expect(row).toHaveAttribute('title', /In container worker \(docker\), pid 1 there/);
    const ownRow = list.getByRole('option').filter({ hasText: own });
    await expect(ownRow).toContainText(String(ownPid));
    await expect(ownRow.getByTestId('process-container')).toHaveCount(0);

    await row.click();
    await expect(dialog.getByLabel('PID')).toHaveValue(machinePid);
    await expect(dialog.getByTestId('pid-in-container')).toContainText(
      `Process ${machinePid} runs in container worker (pid 1 there)`,
    );
    // The checks run inside the container, for its pid 1.
    await dialog.getByRole('button', { name: 'Run checks' }).click();
    const checks = dialog.getByRole('region', { name: 'Preflight checks' });
    await expect(checks).toContainText('all passed', { timeout: 60_000 });
    // One injector inside is the one used (lldb here, where gdb cannot inject on this CPU).
    const injectors = checks.locator('[data-check="gdb"], [data-check="lldb"]');
    await expect(injectors.filter({ hasText: 'attach will use it' })).toHaveCount(1);
    await snapBothSizes(page, '14-process-list-container');

    await dialog.getByRole('button', { name: 'Attach' }).click();
    await expect(app.status).toContainText('Running', { timeout: 30_000 });
    await expect(page.getByRole('list', { name: 'Sessions' })).toContainText(
      /process 1 in worker \(via (gdb|lldb)\)/,
    );
    await expect
      .poll(() => app.consoleText())
      .toMatch(/debugpy injected into process 1 inside container "worker" \(docker\) with/);
    await app.openFile('/app/work.py');
    await expect(app.sourceView).toContainText('count += 1');
    await app.toggleBreakpoint(COUNT_LINE);
    await expect(app.status).toContainText('Paused', { timeout: 30_000 });
    await expect(app.currentLine()).toContainText('count += 1');
    await expect(app.variable('count')).toBeVisible();
    await snapBothSizes(page, '14-attached-pid-in-container');

    // Detach while paused: the program runs on inside the container and still prints.
    await page.getByRole('button', { name: 'Detach (the program keeps running)' }).click();
    await expect(app.status).not.toContainText('Paused');
    const printed = await logs();
    await expect.poll(logs, { timeout: 15_000 }).toBeGreaterThan(printed);
    expect(await dockerd.docker(['exec', 'worker', 'ps', '-o', 'args=', '-p', '1'])).toContain(
      '/usr/bin/python3 /app/work.py',
    );
    expect((await readFile(`/proc/${machinePid}/cmdline`, 'utf8')).split('\0')).toContain(
      '/app/work.py',
    );
  } finally {
    await overSsh(sshd, `kill ${ownPid}`).catch(() => undefined);
  }
});
