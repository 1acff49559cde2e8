/**
 * The first complete path through Periscope, acting only through the UI: create a profile for the
 * loopback sshd, launch a program under debugpy over SSH, trust the host key, break, inspect,
 * watch, step, evaluate, and run to the end.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, snap, test } from './fixtures.js';

const program = resolve('test/fixtures/programs/counter.py');
/** `total += step` in counter.py. */
const TOTAL_LINE = 14;

test('launch a program over SSH, break, inspect, watch, step, evaluate, run to the end', async ({
  app,
  sshd,
  page,
}) => {
  await expect(page.getByText('No profile yet')).toBeVisible();
  await app.createProfile({
    name: 'loopback',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
  await expect(app.profileItem('loopback')).toContainText(`${sshd.user}@127.0.0.1:${sshd.port}`);
  await snap(page, '01-profiles');

  const dialog = await app.fillLaunch('loopback', { program, args: '40' });
  await snap(page, '02-launch-dialog');
  await dialog.getByRole('button', { name: 'Launch' }).click();

  // Unknown host key: the UI shows OpenSSH's SHA256 fingerprint and asks.
  const prompt = page.getByRole('dialog', { name: 'Unknown host key' });
  await expect(prompt).toBeVisible();
  await snap(page, '03-host-key-prompt');
  const expected = execFileSync('ssh-keygen', ['-lf', `${sshd.hostKeyPath}.pub`], {
    encoding: 'utf8',
  }).split(' ')[1];
  expect(await app.trustHostKey()).toBe(expected);

  // The program runs: its output streams into the console, its source is shown.
  await expect(app.status).toContainText('Running');
  await expect(app.sourceView).toContainText('def describe(total, step):');
  await expect.poll(() => app.consoleText()).toContain('step 1: total=1');

  // Breakpoint by clicking the gutter; the program stops there.
  await app.toggleBreakpoint(TOTAL_LINE);
  await expect(app.breakpointMarker(TOTAL_LINE)).toBeVisible();
  await expect(app.status).toContainText('Paused');
  await expect(app.currentLine()).toContainText('total += step');
  await expect(app.callStack.first()).toContainText('main');
  await expect(app.callStack.first()).toContainText(`counter.py:${TOTAL_LINE}`);
  await expect(app.variable('step')).toBeVisible();
  const step = Number(await app.variable('step').locator('.value').textContent());
  const totalBefore = (step * (step - 1)) / 2;
  await expect(app.variable('total').locator('.value')).toHaveText(String(totalBefore));
  await snap(page, '04-stopped-at-breakpoint');

  // A watch expression, re-evaluated after a step over.
  await app.addWatch('total * 2');
  await expect(app.watch('total * 2')).toContainText(String(totalBefore * 2));
  await app.pressKey('F10');
  await expect(app.currentLine()).toContainText('message = describe(total, step)');
  const totalAfter = totalBefore + step;
  await expect(app.watch('total * 2')).toContainText(String(totalAfter * 2));
  await expect(app.variable('total').locator('.value')).toHaveText(String(totalAfter));
  await snap(page, '05-after-step-over');

  // Evaluate in the selected frame from the console.
  await app.evaluateInConsole('total + 1000');
  await expect.poll(() => app.consoleText()).toContain(String(totalAfter + 1000));
  await snap(page, '06-console-evaluate');

  // Remove the breakpoint, continue to the end: the session ends with the program's exit code.
  await app.toggleBreakpoint(TOTAL_LINE);
  await expect(app.breakpointMarker(TOTAL_LINE)).toHaveCount(0);
  await app.pressKey('F5');
  await expect(app.status).toContainText('Ended', { timeout: 30_000 });
  await expect.poll(() => app.consoleText()).toContain('done, total=820');
  await expect(app.status).toContainText('exit code 0');
  await snap(page, '07-session-ended');
});
