/**
 * From a profile, a remote forward (ssh -R) to the relay's tracer port, acting through the UI: the
 * Sessions panel shows the two lines to paste; a program on the remote machine (the loopback
 * sshd's machine) dials them and appears as a session of that profile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, snap, test } from './fixtures.js';

const PROGRAM = resolve('test/fixtures/programs/dial_in.py');

test('a program on a profile machine dials in over a remote forward', async ({
  app,
  sshd,
  page,
}) => {
  await app.createProfile({
    name: 'tunnel box',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
  await page.getByRole('button', { name: 'Let programs on tunnel box dial in' }).click();
  await app.trustHostKey();
  const tunnel = page.getByLabel('Tunnel from tunnel box');
  await expect(tunnel).toContainText('Programs on tunnel box can dial in at 127.0.0.1:');
  const snippet = (await tunnel.locator('pre').textContent()) ?? '';
  const port = Number(/debugpy\.connect\(\("127\.0\.0\.1", (\d+)\)\)/.exec(snippet)?.[1]);
  expect(snippet.startsWith('import debugpy\n')).toBe(true);
  expect(port).toBeGreaterThan(0);

  let program: ChildProcess | undefined;
  try {
    program = spawn(
      '/usr/bin/python3',
      ['-Xfrozen_modules=off', PROGRAM, String(port), '600', '0.2'],
      {
        env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
        stdio: 'ignore',
      },
    );
    const row = page
      .getByRole('list', { name: 'Sessions' })
      .getByRole('button')
      .filter({ hasText: `pid ${program.pid}` });
    await expect(row).toContainText('dial_in.py');
    await expect(row).toContainText('Running');
    await row.click();
    await expect(app.status).toContainText('Running');
    await expect.poll(() => app.consoleText()).toContain('step 2: total=3');
    await snap(page, '5-tunnel');
  } finally {
    program?.kill('SIGKILL');
  }
});
