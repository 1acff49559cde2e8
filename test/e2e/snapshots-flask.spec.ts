/**
 * Post-mortem with nobody attached (issue 12): a real Flask app started by hand over the real
 * sshd, with the capture Periscope installs there (`PYTHONPATH=…`, as the Snapshots panel shows
 * it), fails in a view on a request; the snapshot is fetched into the Snapshots panel and opened
 * as a read-only session: the view's frame and the Flask frames below it, its locals (a password
 * redacted), a watch over `request.args`, the source as it ran, the traceback in the console,
 * and no stepping; the snapshot file opened from disk shows the same.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../harness/free-port.js';
import { overSsh, startOverSsh } from '../harness/over-ssh.js';
import { expect, test } from './fixtures.js';
import { panel, snapBothSizes } from './first-hour-helpers.js';

const PROGRAM = resolve('test/fixtures/programs/flask_shop.py');
const RETURN_LINE =
  readFileSync(PROGRAM, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('return {"ratio"')) + 1;

test('a Flask crash with nobody attached opens as a snapshot', async ({ app, sshd, page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-e2e-flask-'));
  const ring = join(dir, 'ring');
  const port = await freePort();
  let pid = 0;
  try {
    // A profile whose programs write their snapshots to this test's ring directory.
    await page.getByRole('button', { name: 'New profile' }).click();
    const form = page.getByRole('form', { name: 'Profile' });
    await form.getByLabel('Name', { exact: true }).fill('web1');
    await form.getByLabel('Host', { exact: true }).fill(sshd.host);
    await form.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await form.getByLabel('User', { exact: true }).fill(sshd.user);
    await form.getByLabel('Authentication').selectOption('key');
    await form.getByLabel('Private key file').fill(sshd.userKeyPath);
    await form.getByLabel('Python interpreter').fill('/usr/bin/python3');
    await form.getByRole('button', { name: 'Add variable' }).click();
    await form.getByLabel('Variable name').fill('PERISCOPE_CAPTURE_DIR');
    await form.getByLabel('Variable value').fill(ring);
    await expect(form.getByTestId('profile-capture')).toBeChecked();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(app.profileItem('web1')).toBeVisible();
    await app.profileItem('web1').click();

    // The panel installs the capture on the machine and says how to run a program with it.
    const snapshots = panel(page, 'Snapshots');
    await snapshots
      .getByRole('button', { name: /Capture crashes of programs started by hand/ })
      .click();
    await app.trustHostKey();
    const install = snapshots.getByRole('group', { name: 'Capture for programs started by hand' });
    const prefix = (await install.locator('pre').first().textContent())!.replace(
      /python3 app\.py$/,
      '',
    );
    expect(prefix).toContain(`PERISCOPE_CAPTURE_DIR=${ring}`);
    await snapBothSizes(page, '12-snapshot-install');
    await install.getByRole('button', { name: 'Done' }).click();

    // Started by hand, as someone on that machine would: Periscope is not attached.
    pid = await startOverSsh(
      sshd,
      `env ${prefix}/usr/bin/python3 ${PROGRAM} ${port}`,
      join(dir, 'out'),
    );
    await expect
      .poll(
        () =>
          fetch(`http://127.0.0.1:${port}/ratio?total=7`).then(
            (r) => r.status,
            () => 0,
          ),
        {
          timeout: 20_000,
        },
      )
      .toBe(500);

    await snapshots.getByRole('button', { name: 'Fetch snapshots' }).click();
    const row = snapshots.getByRole('listitem').filter({ hasText: 'ZeroDivisionError' });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('flask_shop.py');
    await expect(snapshots.getByRole('status')).toContainText('1 new snapshot from web1');

    await row.getByRole('button', { name: /^Open snapshot ZeroDivisionError/ }).click();
    await expect(page.getByTestId('snapshot-badge')).toBeVisible();
    await expect(app.callStack.first()).toContainText('ratio');
    await expect(app.callStack.first()).toContainText(`flask_shop.py:${RETURN_LINE}`);
    // Flask caught it: the exception view says raised, not uncaught.
    await expect(page.getByText('(raised)')).toBeVisible();
    // Flask's own frames are below the view's.
    await expect(app.callStack.filter({ hasText: 'Flask.dispatch_request' })).toHaveCount(1);
    await expect(app.variable('parts').locator('.value')).toHaveText('0');
    await expect(app.variable('total').locator('.value')).toHaveText('7');
    await expect(app.variable('password')).toContainText(/redacted/);
    await app.addWatch('request.args');
    await expect(app.watchItems.first()).toContainText(/total/);
    await expect(page.getByTestId('source-snapshot-badge')).toBeVisible();
    await expect(app.sourceView).toContainText('"ratio": total / parts');
    await expect.poll(() => app.consoleText()).toContain('ZeroDivisionError: division by zero');
    await expect(page.getByRole('button', { name: 'Step over (F10)' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Continue (F5)' })).toBeDisabled();
    await snapBothSizes(page, '12-snapshot-flask');

    await page.getByRole('button', { name: 'Close the snapshot (Shift+F5)' }).click();
    await expect(app.status).toContainText('Ended');

    // The same file, sent by a colleague, opened from disk: the same read-only session.
    const [file] = await readdir(ring);
    await page.getByTestId('snapshot-file-input').setInputFiles(join(ring, file!));
    await expect(page.getByTestId('snapshot-badge')).toBeVisible();
    await expect(app.callStack.first()).toContainText('ratio');
    await expect(app.variable('password')).toContainText(/redacted/);
  } finally {
    if (pid) await overSsh(sshd, `kill ${pid}`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
