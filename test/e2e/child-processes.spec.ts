/**
 * Child processes through the UI (issue 11): a program's processes are listed under it in the
 * Sessions panel and in the Call Stack; a breakpoint in a gunicorn view stops in the worker that
 * serves the request, and the UI shows that worker (its stack, its variables); a
 * multiprocessing.Pool worker stops likewise, and Continue lets the program finish.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../harness/free-port.js';
import { expect, snap, test } from './fixtures.js';

const VIEW_LINE = 8;

function fetchText(port: number): Promise<string> {
  return new Promise((done, fail) => {
    const request = get({ host: '127.0.0.1', port, path: '/', timeout: 60_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => done(body));
    });
    request.on('error', fail);
  });
}

test('gunicorn: the workers are listed under the master; a request stops in one', async ({
  app,
  page,
  sshd,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'periscope-e2e-gunicorn-'));
  await cp(resolve('test/fixtures/programs/servers'), dir, { recursive: true });
  const port = await freePort();
  try {
    await app.createProfile({
      name: 'web',
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      keyPath: sshd.userKeyPath,
      python: '/usr/bin/python3',
    });
    await app.openFile(join(dir, 'app.py'));
    await app.toggleBreakpoint(VIEW_LINE);
    const dialog = await app.fillLaunch('web', {
      kind: 'module',
      program: 'gunicorn',
      args: `-w 3 -b 127.0.0.1:${port} app:app`,
      cwd: dir,
    });
    await dialog.getByRole('button', { name: 'Launch' }).click();
    await app.trustHostKey();

    const sessionsList = page.getByRole('list', { name: 'Sessions' });
    const workers = sessionsList.locator('li.child');
    await expect(workers).toHaveCount(3, { timeout: 30_000 });
    await expect(workers.first()).toContainText('gunicorn: worker [app:app]');
    await expect(workers.first()).toContainText(/pid \d+/);
    await expect(workers.filter({ hasText: 'Running' })).toHaveCount(3);
    await snap(page, '11-gunicorn-tree');

    // The request stops in whichever worker serves it: the UI shows that worker.
    const body = fetchText(port);
    await expect(app.status).toContainText('Paused', { timeout: 30_000 });
    await expect(app.currentLine()).toContainText('pid = os.getpid()');
    await expect(app.callStack.first()).toContainText('index');
    const processes = page.getByRole('list', { name: 'Processes' });
    await expect(processes.getByTestId('process')).toHaveCount(4);
    const shown = processes.locator('button[aria-current="true"]');
    await expect(shown).toContainText('gunicorn: worker [app:app]');
    await expect(shown).toContainText('Paused');
    await expect(sessionsList.locator('li.child').filter({ hasText: 'Paused' })).toHaveCount(1);
    const pid = /pid (\d+)/.exec((await shown.textContent()) ?? '')?.[1];
    expect(pid).toBeDefined();
    await app.evaluateInConsole('os.getpid()');
    await expect.poll(() => app.consoleText()).toContain(pid!);
    await snap(page, '11-gunicorn-worker-paused');

    // The master is one click away, and its threads are its own.
    await processes.getByTestId('process').first().getByRole('button').click();
    await expect(processes.locator('button[aria-current="true"]')).toContainText('Running');
    await processes
      .getByTestId('process')
      .filter({ hasText: `pid ${pid}` })
      .getByRole('button')
      .click();
    await expect(app.status).toContainText('Paused');
    await page.getByRole('button', { name: /^Continue/ }).click();
    expect(await body).toBe(`served by ${pid}\n`);

    await page.getByRole('button', { name: 'Stop (Shift+F5)' }).click();
    await expect(sessionsList.locator('li.child')).toHaveCount(0, { timeout: 20_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('multiprocessing: a Pool worker stops with its own variables; Continue finishes the map', async ({
  app,
  page,
  sshd,
}) => {
  const program = resolve('test/fixtures/programs/pool_map.py');
  await app.createProfile({
    name: 'pool',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
  });
  await app.openFile(program);
  await app.toggleBreakpoint(8);
  const dialog = await app.fillLaunch('pool', { program, args: 'spawn' });
  await dialog.getByRole('button', { name: 'Launch' }).click();
  await app.trustHostKey();
  await expect(app.status).toContainText('Paused', { timeout: 30_000 });
  await expect(app.currentLine()).toContainText('square = x * x');
  await expect(app.variable('x')).toBeVisible();
  const processes = page.getByRole('list', { name: 'Processes' });
  await expect(processes.locator('button[aria-current="true"]')).toContainText('Paused');
  await snap(page, '11-pool-worker-paused');

  // Remove the breakpoint: the tree shares it, so continuing lets every worker finish.
  await app.toggleBreakpoint(8);
  for (let round = 0; round < 10; round++) {
    if (!(await app.status.textContent())?.includes('Paused')) break;
    await page.getByRole('button', { name: /^Continue/ }).click();
    await page.waitForTimeout(300);
  }
  await expect.poll(() => app.consoleText(), { timeout: 30_000 }).toMatch(/results \[0, 1, 4, 9\]/);
});
