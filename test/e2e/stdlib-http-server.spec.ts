/**
 * A real program nobody wrote for these tests: `python3 -m http.server`, launched through
 * Periscope with justMyCode off; a breakpoint in the standard library's
 * `SimpleHTTPRequestHandler.do_GET`; an HTTP request stops there and `self.path` is readable.
 */
import { readFileSync } from 'node:fs';
import { freePort } from '../harness/free-port.js';
import { expect, snap, test } from './fixtures.js';

const SERVER_PY = '/usr/lib/python3.11/http/server.py';

/** The first line of `SimpleHTTPRequestHandler.do_GET`'s body. */
function doGetBodyLine(): number {
  const lines = readFileSync(SERVER_PY, 'utf8').split('\n');
  const cls = lines.findIndex((l) => l.startsWith('class SimpleHTTPRequestHandler'));
  const def = lines.findIndex((l, i) => i > cls && l.trim().startsWith('def do_GET'));
  const body = lines.findIndex((l, i) => i > def && l.includes('self.send_head()'));
  if (cls < 0 || def < 0 || body < 0) throw new Error(`do_GET not found in ${SERVER_PY}`);
  return body + 1;
}

test('break inside http.server do_GET and read self.path', async ({ app, sshd, page }) => {
  const port = await freePort();
  await app.createProfile({
    name: 'stdlib',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: sshd.userKeyPath,
    python: '/usr/bin/python3',
    cwd: '/tmp',
    justMyCode: false,
  });
  const dialog = await app.fillLaunch('stdlib', {
    kind: 'module',
    program: 'http.server',
    args: `${port} --bind 127.0.0.1`,
    justMyCode: false,
  });
  await dialog.getByRole('button', { name: 'Launch' }).click();
  await app.trustHostKey();
  await expect(app.status).toContainText('Running');
  await expect.poll(() => app.consoleText(), { timeout: 20_000 }).toContain('Serving HTTP');

  // Open the standard library's file and set the breakpoint in do_GET.
  const line = doGetBodyLine();
  await app.openFile(SERVER_PY);
  await expect(app.page.getByTestId('source-path')).toContainText('server.py');
  await app.scrollSourceToLine(line);
  await app.toggleBreakpoint(line);
  await expect(app.breakpointMarker(line)).toBeVisible();

  // A request from outside makes the server stop in do_GET.
  const request = fetch(`http://127.0.0.1:${port}/periscope-was-here?x=1`).then(
    (r) => r.status,
    () => -1,
  );
  await expect(app.status).toContainText('Paused');
  await expect(app.callStack.first()).toContainText('do_GET');
  await expect(app.callStack.first()).toContainText(`server.py:${line}`);
  await app.expandVariable('self');
  await expect(app.variable('path').locator('.value')).toHaveText("'/periscope-was-here?x=1'");
  await snap(page, '08-stdlib-do-get');

  // Let it answer, then end the session from the toolbar.
  await app.toggleBreakpoint(line);
  await app.pressKey('F5');
  expect(await request).toBe(404);
  await app.page.getByRole('button', { name: 'Stop (Shift+F5)' }).click();
  await expect(app.status).toContainText('Ended');
});
