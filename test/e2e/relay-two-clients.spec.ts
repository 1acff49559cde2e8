/**
 * The relay as a server, end to end in Chromium: `periscope web --tracer-port 0`, real programs
 * dialling in with `debugpy.connect`, and two browser pages on one session, each seeing what the
 * other does (breakpoints, the stop, console evaluations, the DAP endpoint).
 */
import type { ChildProcess } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { snap } from './fixtures.js';
import { PeriscopePage } from './pages/periscope-page.js';
import { PROGRAM, TOTAL_LINE, dialIn, sessionRow, startWeb } from './relay-web.js';

test('two browser pages share a dialled-in session', async ({ browser }) => {
  const web = await startWeb();
  const programs: ChildProcess[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const pageA = await context.newPage();
    await pageA.goto(web.url);
    const pageB = await context.newPage();
    await pageB.goto(web.url);
    const a = new PeriscopePage(pageA);
    const b = new PeriscopePage(pageB);

    // The Sessions panel offers the two lines to paste into a program.
    await expect(pageA.getByLabel('Dial-in instructions')).toContainText(
      `debugpy.connect(("127.0.0.1", ${web.tracerPort}))`,
    );

    // Two programs dial in; both pages list them with pid, host and state.
    const slow = dialIn(web.tracerPort, ['600', '0.1']);
    const other = dialIn(web.tracerPort, ['600', '0.5']);
    programs.push(slow, other);
    for (const page of [pageA, pageB]) {
      await expect(sessionRow(page, slow.pid)).toContainText('dial_in.py');
      await expect(sessionRow(page, slow.pid)).toContainText(`pid ${slow.pid} · 127.0.0.1 · since`);
      await expect(sessionRow(page, slow.pid)).toContainText('Running');
      await expect(sessionRow(page, other.pid)).toContainText('Running');
    }
    await snap(pageA, '5-sessions-panel');

    // Both pages follow the first program's session.
    await sessionRow(pageA, slow.pid).click();
    await sessionRow(pageB, slow.pid).click();
    const clients = pageA.getByRole('list', { name: 'Clients of this session' });
    await expect(clients).toContainText('Browser 1');
    await expect(clients).toContainText('Browser 2');

    // A sets a breakpoint; the program stops; B sees the stop and the breakpoint.
    await a.openFile(PROGRAM);
    await a.toggleBreakpoint(TOTAL_LINE);
    await expect(a.status).toContainText('Paused');
    await expect(b.status).toContainText('Paused');
    await expect(b.callStack.first()).toContainText('main');
    await expect(b.breakpointMarker(TOTAL_LINE)).toBeVisible();
    await expect(sessionRow(pageB, slow.pid)).toContainText('Paused');

    // B evaluates in the console; A sees it, marked with who typed it.
    await b.evaluateInConsole('step * 0 + 42');
    await expect.poll(() => b.consoleText()).toContain('42');
    await expect.poll(() => a.consoleText()).toContain('[Browser 2] > step * 0 + 42');
    await expect.poll(() => a.consoleText()).toMatch(/\[Browser 2\] > step \* 0 \+ 42\s+42/);

    // A opens the DAP endpoint (off until then, and plainly said to be open to anyone here while
    // it is open); B sees its address.
    await expect(
      pageA.getByText(/Off\. Opening it lets any DAP client on this machine/),
    ).toBeVisible();
    await pageA.getByRole('button', { name: 'Open DAP endpoint' }).click();
    const address = pageB.getByLabel('DAP endpoint address');
    await expect(address).toHaveText(/^127\.0\.0\.1:\d+$/);
    await expect(pageB.getByRole('note')).toContainText('Open to anyone on this machine');
    await snap(pageA, '5-two-clients-a');
    await snap(pageB, '5-two-clients-b');

    // B resumes; A sees the program run again.
    await pageB.getByRole('button', { name: /^Continue/ }).click();
    await expect(a.status)
      .not.toContainText('Paused', { timeout: 5000 })
      .catch(() => undefined);
    await context.close();
  } finally {
    for (const p of programs) p.kill('SIGKILL');
    await web.stop();
  }
});
