/**
 * Shared session state between two browser pages on one dialled-in session: a watch expression
 * added in one page reaches the other (and is evaluated there when the program stops), and a
 * breakpoint set in one page shows in the other's Breakpoints list with the tracer's
 * verification, not as unverified.
 */
import type { ChildProcess } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { snap } from './fixtures.js';
import { PeriscopePage } from './pages/periscope-page.js';
import { PROGRAM, TOTAL_LINE, dialIn, sessionRow, startWeb } from './relay-web.js';

test('watches and verified breakpoints reach the second page', async ({ browser }) => {
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

    const program = dialIn(web.tracerPort, ['600', '0.1']);
    programs.push(program);
    await sessionRow(pageA, program.pid).click();
    await sessionRow(pageB, program.pid).click();
    await expect(pageA.getByRole('list', { name: 'Clients of this session' })).toContainText(
      'Browser 2',
    );

    // A adds a watch; B's watch list gets it.
    await a.addWatch('total * 2');
    await expect(b.watch('total * 2')).toBeVisible();

    // A sets a breakpoint; the program stops there. B lists it as verified by the tracer.
    await a.openFile(PROGRAM);
    await a.toggleBreakpoint(TOTAL_LINE);
    await expect(b.status).toContainText('Paused');
    const itemB = pageB.getByTestId('breakpoint-item').filter({ hasText: 'dial_in.py' });
    await expect(itemB).toHaveCount(1);
    await expect(itemB).toHaveAttribute('data-state', 'verified');
    await expect(pageA.getByTestId('breakpoint-item')).toHaveAttribute('data-state', 'verified');

    // The shared watch is evaluated in B's selected frame, with the same value as in A.
    await expect(b.watch('total * 2')).toContainText(/total \* 2\s*=\s*\d+/);
    const valueA = await a.watch('total * 2').textContent();
    await expect(b.watch('total * 2')).toHaveText(valueA ?? '');

    // B removes the watch; it goes from A's list too.
    await b.watch('total * 2').hover();
    await pageB
      .getByRole('button', { name: /Remove watch/ })
      .first()
      .click();
    await expect(a.watch('total * 2')).toHaveCount(0);
    await snap(pageB, '5-shared-state-b');
    await context.close();
  } finally {
    for (const p of programs) p.kill('SIGKILL');
    await web.stop();
  }
});
